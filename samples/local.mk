# SPDX-License-Identifier: GPL-2.0-or-later
# samples/: real-kernel bundles and their expected reports.
EXTRA_DIST += %D%

# `make samples` (as root): rebuild the samples/ bundles in the source tree
# from the kernel lab (tests/lab/make-samples.sh).
samples: tests/lab/ctlab-replay$(EXEEXT) tests/lab/logconv$(EXEEXT) tests/lab/gen/edit$(EXEEXT)
	$(top_srcdir)/tests/lab/make-samples.sh --builddir $(abs_top_builddir) \
		--srcdir $(abs_top_srcdir)
.PHONY: samples
