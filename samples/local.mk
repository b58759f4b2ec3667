# SPDX-License-Identifier: GPL-2.0-or-later
# samples/: real-kernel bundles and their expected reports.
# The directory ships whole, copied by a dist hook: naming it in EXTRA_DIST
# made `make dist` build the phony target `samples` below (automake's
# distdir depends on every EXTRA_DIST entry), i.e. rerun the kernel lab and
# rewrite the source tree's samples while packaging them.
dist-hook: dist-samples
dist-samples:
	rm -rf $(distdir)/%D%
	cp -pR $(srcdir)/%D% $(distdir)/%D%
	chmod -R u+w $(distdir)/%D%
.PHONY: dist-samples

# `make samples` (as root): rebuild the samples/ bundles in the source tree
# from the kernel lab (tests/lab/make-samples.sh).
samples: tests/lab/ctlab-replay$(EXEEXT) tests/lab/logconv$(EXEEXT) tests/lab/gen/edit$(EXEEXT)
	$(top_srcdir)/tests/lab/make-samples.sh --builddir $(abs_top_builddir) \
		--srcdir $(abs_top_srcdir)
.PHONY: samples
