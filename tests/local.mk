# SPDX-License-Identifier: GPL-2.0-or-later
# tests/: unit tests (TAP, C), integration and kernel-lab tests (TAP, sh).
TEST_EXTENSIONS = .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_DRIVER = $(LOG_DRIVER)
AM_TESTS_ENVIRONMENT = TZ=UTC LC_ALL=C top_srcdir=$(top_srcdir) \
	top_builddir=$(top_builddir) abs_top_builddir=$(abs_top_builddir) \
	CTEXPLAIN=$(abs_top_builddir)/analyzer/ctexplain \
	CTEXPLAIN_RULES=$(abs_top_srcdir)/rules; \
	export TZ LC_ALL top_srcdir top_builddir abs_top_builddir CTEXPLAIN CTEXPLAIN_RULES;

noinst_LIBRARIES += %D%/unit/libtap.a
%C%_unit_libtap_a_SOURCES = %D%/unit/tap.c %D%/unit/tap.h
LDADD_TEST = %D%/unit/libtap.a $(LDADD_ANALYZER)

# --- core
check_PROGRAMS += %D%/unit/test-reasons
%C%_unit_test_reasons_LDADD = $(LDADD_TEST)
TESTS += %D%/unit/test-reasons

# --- bench (programs for tests/bench/run.sh; not timed tests)
EXTRA_PROGRAMS = %D%/bench/gen-capture %D%/bench/gen-syslog %D%/bench/pcap-loop
%C%_bench_gen_capture_LDADD = $(PCAP_LIBS)
%C%_bench_pcap_loop_LDADD = $(PCAP_LIBS)
CLEANFILES += $(EXTRA_PROGRAMS)
EXTRA_DIST += %D%/bench/run.sh

# --- scenarios (kernel-lab inputs: crafted/real pcaps, log format converter)
noinst_PROGRAMS += %D%/lab/gen/craft %D%/lab/gen/relay %D%/lab/gen/edit %D%/lab/logconv
%C%_lab_gen_edit_SOURCES = %D%/lab/gen/edit.c %D%/lab/gen/pkt.c %D%/lab/gen/pkt.h
%C%_lab_gen_edit_LDADD = $(PCAP_LIBS)
%C%_lab_gen_relay_LDADD = $(PCAP_LIBS)
%C%_lab_gen_craft_SOURCES = %D%/lab/gen/craft.c %D%/lab/gen/pkt.c %D%/lab/gen/pkt.h
%C%_lab_gen_craft_LDADD = $(PCAP_LIBS)
%C%_lab_logconv_SOURCES = %D%/lab/logconv.c
EXTRA_DIST += %D%/lab/scenarios %D%/lab/make-samples.sh %D%/lab/gen/realflows.sh
TESTS += %D%/lab/logconv-test.sh %D%/lab/check-scenarios.sh
EXTRA_DIST += %D%/lab/logconv-test.sh %D%/lab/check-scenarios.sh

# --- rules
check_PROGRAMS += %D%/unit/test-rules %D%/unit/test-logparse %D%/unit/test-nflog
%C%_unit_test_rules_LDADD = $(LDADD_TEST)
%C%_unit_test_logparse_LDADD = $(LDADD_TEST)
%C%_unit_test_nflog_LDADD = $(LDADD_TEST)
TESTS += %D%/unit/test-rules %D%/unit/test-logparse %D%/unit/test-nflog
EXTRA_DIST += \
	%D%/data/rules-bad/bad-group-name/patterns/name.json \
	%D%/data/rules-bad/bad-json/patterns/broken.json \
	%D%/data/rules-bad/bad-kernels/patterns/kernels.json \
	%D%/data/rules-bad/bad-placeholder/patterns/placeholder.json \
	%D%/data/rules-bad/bad-regex/patterns/regex.json \
	%D%/data/rules-bad/duplicate-id/patterns/a.json \
	%D%/data/rules-bad/duplicate-id/patterns/b.json \
	%D%/data/rules-bad/pattern-missing-group/patterns/group.json \
	%D%/data/rules-bad/proto-mismatch/patterns/proto.json \
	%D%/data/rules-bad/unknown-key/patterns/extra.json \
	%D%/data/rules-bad/unknown-reason/patterns/reason.json \
	%D%/data/rules-override/patterns/override.json \
	%D%/data/logparse/dmesg-6.18.44.txt \
	%D%/data/logparse/dmesg-6.18.44-lab.txt \
	%D%/data/logparse/gen/make-lab-lines.sh \
	%D%/data/logparse/gen/inject.py

# --- diagnosis (rules/diagnosis, facts, causes)
check_PROGRAMS += %D%/unit/test-diagnose
%C%_unit_test_diagnose_LDADD = $(LDADD_TEST)
%C%_unit_test_diagnose_SOURCES = %D%/unit/test-diagnose.c %D%/unit/tcpseg.h
TESTS += %D%/unit/test-diagnose
EXTRA_DIST += \
	%D%/data/diagnosis-bad/bad-json/diagnosis/rule.json \
	%D%/data/diagnosis-bad/unknown-fact/diagnosis/rule.json \
	%D%/data/diagnosis-bad/message-only/diagnosis/rule.json \
	%D%/data/diagnosis-bad/unknown-cause/diagnosis/rule.json \
	%D%/data/diagnosis-bad/bad-confidence/diagnosis/rule.json \
	%D%/data/diagnosis-bad/unknown-remedy/diagnosis/rule.json \
	%D%/data/diagnosis-bad/bad-template/diagnosis/rule.json \
	%D%/data/diagnosis-bad/type-mismatch/diagnosis/rule.json \
	%D%/data/diagnosis-override/diagnosis/causes.json

# --- lab (kernel lab: replay into a firewall namespace, differential test)
check_PROGRAMS += %D%/lab/ctlab-replay %D%/lab/ctlab-diff %D%/lab/perturb
%C%_lab_ctlab_replay_LDADD = $(PCAP_LIBS) $(JANSSON_LIBS) -lpthread
%C%_lab_ctlab_diff_LDADD = $(LDADD_ANALYZER)
%C%_lab_perturb_LDADD = $(PCAP_LIBS)
TESTS += %D%/lab/kernel-diff.sh %D%/lab/lab-selftest.sh %D%/lab/ctlab-diff-test.sh
dist_check_SCRIPTS += %D%/lab/kernel-diff.sh %D%/lab/lab-selftest.sh \
	%D%/lab/ctlab-diff-test.sh
EXTRA_DIST += %D%/lab/README.md %D%/lab/lab-lib.sh %D%/lab/replay.sh

# --- udp
check_PROGRAMS += %D%/unit/test-ct-policy %D%/unit/test-defrag \
	%D%/unit/test-ct-udp %D%/unit/test-ct-icmp
%C%_unit_test_ct_policy_LDADD = $(LDADD_TEST)
%C%_unit_test_defrag_LDADD = $(LDADD_TEST)
%C%_unit_test_ct_udp_SOURCES = %D%/unit/test-ct-udp.c %D%/unit/udp-pkt.h
%C%_unit_test_ct_udp_LDADD = $(LDADD_TEST)
%C%_unit_test_ct_icmp_SOURCES = %D%/unit/test-ct-icmp.c %D%/unit/udp-pkt.h
%C%_unit_test_ct_icmp_LDADD = $(LDADD_TEST)
TESTS += %D%/unit/test-ct-policy %D%/unit/test-defrag \
	%D%/unit/test-ct-udp %D%/unit/test-ct-icmp
check_PROGRAMS += %D%/tools/ct-state
%C%_tools_ct_state_LDADD = $(LDADD_ANALYZER)
TESTS += %D%/lab/udp/kernel-diff-udp.sh
EXTRA_DIST += %D%/lab/udp/kernel-diff-udp.sh %D%/lab/udp/gen-udp-adv.py \
	%D%/lab/udp/gen-udp-random.py \
	%D%/lab/udp/frag-adv4.pcap %D%/lab/udp/frag-adv6.pcap \
	%D%/lab/udp/l4-adv.pcap %D%/lab/udp/timeouts.pcap %D%/lab/udp/timeouts.sysctl \
	%D%/lab/udp/frag-timeouts.pcap %D%/lab/udp/frag-timeouts.sysctl

# --- logs
check_PROGRAMS += %D%/unit/test-logsrc
%C%_unit_test_logsrc_LDADD = $(LDADD_TEST)
TESTS += %D%/unit/test-logsrc
EXTRA_DIST += %D%/data/logs/gen-fixtures.py \
	%D%/data/logs/dmesg.log %D%/data/logs/dmesg-x.log \
	%D%/data/logs/dmesg-ctime.log %D%/data/logs/dmesg-iso.log \
	%D%/data/logs/syslog.log %D%/data/logs/syslog-rfc3339.log \
	%D%/data/logs/syslog-rfc5424.log %D%/data/logs/journal-short.log \
	%D%/data/logs/journal-short-precise.log %D%/data/logs/journal-short-iso.log \
	%D%/data/logs/journal-short-iso-precise.log \
	%D%/data/logs/journal-short-monotonic.log \
	%D%/data/logs/journal-json.json %D%/data/logs/journal-json-seq.json \
	%D%/data/logs/journal-json-broken.json \
	%D%/data/logs/journal-export.export %D%/data/logs/journal-export-cut.export \
	%D%/data/logs/garbage.bin

# --- decode (captures, decoder, checksums, cursor)
check_PROGRAMS += %D%/unit/test-decode %D%/unit/test-csum %D%/unit/test-cursor \
	%D%/unit/test-pcapsrc
%C%_unit_test_pcapsrc_SOURCES = %D%/unit/test-pcapsrc.c %D%/unit/pktbuild.h \
	%D%/data/pcap/fixtures.h
%C%_unit_test_pcapsrc_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/%D%/unit -I$(srcdir)/%D%/data/pcap
%C%_unit_test_pcapsrc_LDADD = $(LDADD_TEST)
%C%_unit_test_decode_SOURCES = %D%/unit/test-decode.c %D%/unit/pktbuild.h
%C%_unit_test_decode_LDADD = $(LDADD_TEST)
%C%_unit_test_csum_SOURCES = %D%/unit/test-csum.c %D%/unit/pktbuild.h
%C%_unit_test_csum_LDADD = $(LDADD_TEST)
%C%_unit_test_cursor_LDADD = $(LDADD_TEST)
TESTS += %D%/unit/test-decode %D%/unit/test-csum %D%/unit/test-cursor \
	%D%/unit/test-pcapsrc
EXTRA_DIST += %D%/data/pcap/gen-fixtures.c \
	%D%/data/pcap/epb-flags.pcapng %D%/data/pcap/epb-flags-be.pcapng \
	%D%/data/pcap/sll.pcap %D%/data/pcap/sll2.pcap %D%/data/pcap/null.pcap \
	%D%/data/pcap/raw.pcap %D%/data/pcap/vlan.pcap %D%/data/pcap/qinq.pcap \
	%D%/data/pcap/nsec.pcap %D%/data/pcap/big-endian.pcap \
	%D%/data/pcap/truncated.pcap %D%/data/pcap/bad-caplen.pcap \
	%D%/data/pcap/corrupt-block.pcapng %D%/data/pcap/empty.pcap \
	%D%/data/pcap/not-a-capture.txt
# fuzz targets (libFuzzer entry points), replayed over their corpus as TAP
check_PROGRAMS += %D%/fuzz/replay-decode %D%/fuzz/replay-pcapsrc
%C%_fuzz_replay_decode_SOURCES = %D%/fuzz/replay.c %D%/fuzz/fuzz-decode.c
%C%_fuzz_replay_decode_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/%D%/unit \
	-DFUZZ_CORPUS='"tests/fuzz/corpus/decode"'
%C%_fuzz_replay_decode_LDADD = $(LDADD_TEST)
%C%_fuzz_replay_pcapsrc_SOURCES = %D%/fuzz/replay.c %D%/fuzz/fuzz-pcapsrc.c
%C%_fuzz_replay_pcapsrc_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/%D%/unit \
	-DFUZZ_CORPUS='"tests/data/pcap"'
%C%_fuzz_replay_pcapsrc_LDADD = $(LDADD_TEST)
TESTS += %D%/fuzz/replay-decode %D%/fuzz/replay-pcapsrc
EXTRA_DIST += \
	%D%/fuzz/corpus/decode/frag6-0 \
	%D%/fuzz/corpus/decode/frag6-1 \
	%D%/fuzz/corpus/decode/icmp-10 \
	%D%/fuzz/corpus/decode/icmp-12 \
	%D%/fuzz/corpus/decode/icmp-4 \
	%D%/fuzz/corpus/decode/icmpv6-14 \
	%D%/fuzz/corpus/decode/icmpv6-16 \
	%D%/fuzz/corpus/decode/icmpv6-6 \
	%D%/fuzz/corpus/decode/null-0 \
	%D%/fuzz/corpus/decode/qinq-0 \
	%D%/fuzz/corpus/decode/raw-0 \
	%D%/fuzz/corpus/decode/real-udplite4-0 \
	%D%/fuzz/corpus/decode/sll-0 \
	%D%/fuzz/corpus/decode/sll2-1 \
	%D%/fuzz/corpus/decode/tcp-malformed-3 \
	%D%/fuzz/corpus/decode/tcp-malformed-8 \
	%D%/fuzz/corpus/decode/tcp-options-0 \
	%D%/fuzz/corpus/decode/tcp-options-5

# --- tcp
noinst_PROGRAMS += %D%/tools/ct-trace
%C%_tools_ct_trace_LDADD = $(LDADD_ANALYZER)
check_PROGRAMS += %D%/unit/test-seq %D%/unit/test-flow %D%/unit/test-ct-tcp
%C%_unit_test_seq_LDADD = $(LDADD_TEST)
%C%_unit_test_flow_LDADD = $(LDADD_TEST)
%C%_unit_test_ct_tcp_LDADD = $(LDADD_TEST)
%C%_unit_test_ct_tcp_SOURCES = %D%/unit/test-ct-tcp.c %D%/unit/tcpseg.h
TESTS += %D%/unit/test-seq %D%/unit/test-flow %D%/unit/test-ct-tcp \
	%D%/tcp/kernel-fuzz.sh %D%/tcp/direction.sh
dist_check_SCRIPTS += %D%/tcp/kernel-fuzz.sh %D%/tcp/direction.sh
EXTRA_DIST += %D%/tcp/tcp-fuzz.py

# --- cli (command line, inputs, report contract; golden samples)
check_PROGRAMS += %D%/tools/json-get %D%/tools/mutate %D%/unit/test-correlate \
	%D%/unit/test-report
%C%_tools_json_get_LDADD = $(JANSSON_LIBS)
%C%_unit_test_correlate_LDADD = $(LDADD_TEST)
%C%_unit_test_report_LDADD = $(LDADD_TEST)
TESTS += %D%/unit/test-correlate %D%/unit/test-report
CLI_TESTS = %D%/cli/options.sh %D%/cli/inputs.sh %D%/cli/errors.sh \
	%D%/cli/contract.sh %D%/cli/determinism.sh %D%/cli/golden.sh \
	%D%/cli/samples-truth.sh %D%/cli/robust.sh %D%/cli/formats.sh \
	%D%/cli/eras.sh %D%/cli/causes.sh %D%/cli/diagnosis.sh \
	%D%/cli/correlate-udp6.sh
TESTS += $(CLI_TESTS) %D%/golden/run-golden.sh
EXTRA_DIST += %D%/data/correlate/README \
	%D%/data/correlate/udp6-flip/kern.log \
	%D%/data/correlate/udp6-flip/capture.pcap \
	%D%/data/correlate/udp6-flip/kernel.tsv \
	%D%/data/correlate/udp6-flip/invalid.tsv
dist_check_SCRIPTS += $(CLI_TESTS) %D%/cli/cli-lib.sh \
	%D%/golden/run-golden.sh %D%/golden/update.sh
EXTRA_DIST += %D%/data/cli/gen-fixtures.py %D%/data/cli/kern.log \
	%D%/data/cli/basic.pcap %D%/data/cli/truncated.pcap \
	%D%/data/cli/dup.log %D%/data/cli/dup.pcap
EXTRA_DIST += %D%/data/formats/README \
	%D%/data/formats/tcp-window/kern.log \
	%D%/data/formats/tcp-window/capture.pcap \
	%D%/data/formats/tcp-window/sysctl.txt \
	%D%/data/formats/tcp-window/kernel.tsv \
	%D%/data/formats/tcp-window/invalid.tsv \
	%D%/data/formats/udp-checksum-length/kern.log \
	%D%/data/formats/udp-checksum-length/capture.pcap \
	%D%/data/formats/udp-checksum-length/sysctl.txt \
	%D%/data/formats/udplite/kern.log \
	%D%/data/formats/udplite/capture.pcap \
	%D%/data/formats/udplite/sysctl.txt \
	%D%/data/formats/icmp/kern.log \
	%D%/data/formats/icmp/capture.pcap \
	%D%/data/formats/icmp/sysctl.txt \
	%D%/data/formats/ipv6-icmpv6/kern.log \
	%D%/data/formats/ipv6-icmpv6/capture.pcap \
	%D%/data/formats/ipv6-icmpv6/sysctl.txt

# --- reports: --expect, text and markdown writers
check_PROGRAMS += %D%/unit/test-expect
%C%_unit_test_expect_LDADD = $(LDADD_TEST)
TESTS += %D%/unit/test-expect %D%/cli/expect.sh %D%/cli/writers.sh %D%/cli/docs.sh
dist_check_SCRIPTS += %D%/cli/expect.sh %D%/cli/writers.sh %D%/cli/docs.sh
