# SPDX-License-Identifier: GPL-2.0-or-later
# samples/: real-kernel bundles and their expected reports.
EXTRA_DIST += %D%
