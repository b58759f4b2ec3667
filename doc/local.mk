# SPDX-License-Identifier: GPL-2.0-or-later
# doc/: the man page.
dist_man_MANS += %D%/ctexplain.1
