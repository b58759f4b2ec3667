# SPDX-License-Identifier: GPL-2.0-or-later
# analyzer/: libanalyzer.a (everything but main.c) + the ctexplain binary.
# One block per area; add your files to your block only.

noinst_LIBRARIES += %D%/libanalyzer.a
%C%_libanalyzer_a_SOURCES =

# --- core
%C%_libanalyzer_a_SOURCES += \
	%D%/ctx.c %D%/ctx.h \
	%D%/reasons.def %D%/reasons.c %D%/reasons.h \
	%D%/util-strparse.c %D%/util-strparse.h

# --- log ingestion
%C%_libanalyzer_a_SOURCES += \
	%D%/logsrc.c %D%/logsrc.h

# --- rules, message matching, nf_log dump
%C%_libanalyzer_a_SOURCES += \
	%D%/rules-load.c %D%/rules-load.h \
	%D%/logparse.c %D%/logparse.h \
	%D%/nflog.c %D%/nflog.h

# --- captures and decoding
%C%_libanalyzer_a_SOURCES += \
	%D%/pcapsrc.c %D%/pcapsrc.h \
	%D%/decode.h %D%/decode-internal.h \
	%D%/decode-link.c %D%/decode-ip.c %D%/decode-l4.c \
	%D%/util-cursor.h %D%/util-csum.c %D%/util-csum.h

# --- conntrack engine: core and TCP
%C%_libanalyzer_a_SOURCES += \
	%D%/ct.c %D%/ct.h %D%/ct-proto.h %D%/ct-tcp.c \
	%D%/flow.c %D%/flow.h %D%/util-seq.h %D%/util-time.h

# --- conntrack engine: UDP, UDP-Lite, ICMP, ICMPv6, defragmentation
%C%_libanalyzer_a_SOURCES += \
	%D%/ct-udp.c %D%/ct-icmp.c %D%/defrag.c %D%/defrag.h

# --- policy, inputs, correlation, reports
%C%_libanalyzer_a_SOURCES += \
	%D%/ct-policy.c %D%/ct-policy.h \
	%D%/input.c %D%/input.h \
	%D%/correlate.c %D%/correlate.h \
	%D%/report.c %D%/report.h %D%/report-json.c %D%/report-text.c %D%/report-md.c \
	%D%/report-text.h %D%/expect.c %D%/expect.h \
	%D%/report-bundle.c %D%/report-bundle.h

# --- diagnosis: flow history facts (engine side), rules/diagnosis
%C%_libanalyzer_a_SOURCES += \
	%D%/ct-facts.c %D%/diagnose.c %D%/diagnose.h

bin_PROGRAMS += %D%/ctexplain
%C%_ctexplain_SOURCES = %D%/main.c
# uninstalled runs fall back to the source tree's rules/ (main.c)
%C%_ctexplain_CPPFLAGS = $(AM_CPPFLAGS) -DCTEXPLAIN_SRCDIR='"$(abs_top_srcdir)"' \
	-DCTEXPLAIN_BINDIR='"$(bindir)"'
%C%_ctexplain_LDADD = $(LDADD_ANALYZER)
