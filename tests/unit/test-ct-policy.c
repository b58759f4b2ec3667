/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * test-ct-policy.c - knob table, lookup, precedence and sysctl dump parsing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ct-policy.h"
#include "tap.h"

static char tmpdir[] = "/tmp/test-ct-policy-XXXXXX";

static const char *
write_tmp(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	return path;
}

static int
has_error_containing(const struct run_ctx *ctx, const char *needle)
{
	for (size_t i = 0; i < ctx->errors.n; i++)
		if (strstr(ctx->errors.v[i].text, needle))
			return 1;
	return 0;
}

int
main(void)
{
	struct ct_policy p;
	struct run_ctx ctx;
	uint64_t rec;
	const char *path;
	int r;

	if (!mkdtemp(tmpdir))
		return 99;

	/* defaults of 6.18 */
	ct_policy_init(&p);
	TEST(check_int(p.v[CT_KNOB_TCP_LOOSE], ==, 1) &&
	     check_int(p.v[CT_KNOB_CHECKSUM], ==, 1) &&
	     check_int(p.v[CT_KNOB_UDP_TIMEOUT], ==, 30) &&
	     check_int(p.v[CT_KNOB_UDP_TIMEOUT_STREAM], ==, 120) &&
	     check_int(p.v[CT_KNOB_ICMP_TIMEOUT], ==, 30) &&
	     check_int(p.v[CT_KNOB_ICMPV6_TIMEOUT], ==, 30) &&
	     check_int(p.v[CT_KNOB_TCP_TIMEOUT_ESTABLISHED], ==, 432000) &&
	     check_int(p.v[CT_KNOB_MAX], ==, 262144) &&
	     check_int(p.src[CT_KNOB_MAX], ==, CT_SRC_DEFAULT) &&
	     check_str(p.profile, "6.18"),
	     "defaults are the 6.18 values");

	/* lookup by full, sysctl and short names */
	TEST(check_int(ct_policy_lookup("net.netfilter.nf_conntrack_tcp_loose"), ==, CT_KNOB_TCP_LOOSE) &&
	     check_int(ct_policy_lookup("nf_conntrack_tcp_loose"), ==, CT_KNOB_TCP_LOOSE) &&
	     check_int(ct_policy_lookup("tcp_loose"), ==, CT_KNOB_TCP_LOOSE) &&
	     check_int(ct_policy_lookup("udp_timeout_stream"), ==, CT_KNOB_UDP_TIMEOUT_STREAM) &&
	     check_int(ct_policy_lookup("udp_timeout"), ==, CT_KNOB_UDP_TIMEOUT) &&
	     check_int(ct_policy_lookup("net/netfilter/nf_conntrack_checksum"), ==, CT_KNOB_CHECKSUM),
	     "lookup by full, sysctl and short names");
	TEST(check_int(ct_policy_lookup("tcp_loos"), ==, -1) &&
	     check_int(ct_policy_lookup("net.netfilter.tcp_loose"), ==, -1) &&
	     check_int(ct_policy_lookup(""), ==, -1) &&
	     check_int(ct_policy_lookup("nf_conntrack_tcp_loose_x"), ==, -1) &&
	     check_int(ct_policy_lookup(NULL), ==, -1),
	     "unknown names are -1");
	TEST(check_str(ct_policy_name(CT_KNOB_TCP_BE_LIBERAL),
		       "net.netfilter.nf_conntrack_tcp_be_liberal") &&
	     check_str(ct_source_name(CT_SRC_OPTION), "option") &&
	     check_str(ct_source_name(CT_SRC_SYSCTL), "sysctl") &&
	     check_str(ct_source_name(CT_SRC_DEFAULT), "default"),
	     "names of knobs and sources");

	/* range checks, both sides of each boundary */
	TEST(check_int(ct_policy_set(&p, CT_KNOB_TCP_LOOSE, 2, CT_SRC_SYSCTL), ==, -1) &&
	     check_int(ct_policy_set(&p, CT_KNOB_TCP_LOOSE, -1, CT_SRC_SYSCTL), ==, -1) &&
	     check_int(p.v[CT_KNOB_TCP_LOOSE], ==, 1) &&
	     check_int(ct_policy_set(&p, CT_KNOB_TCP_LOOSE, 0, CT_SRC_SYSCTL), ==, 0) &&
	     check_int(p.v[CT_KNOB_TCP_LOOSE], ==, 0) &&
	     check_int(ct_policy_set(&p, CT_KNOB_LOG_INVALID, 255, CT_SRC_SYSCTL), ==, 0) &&
	     check_int(ct_policy_set(&p, CT_KNOB_LOG_INVALID, 256, CT_SRC_SYSCTL), ==, -1) &&
	     check_int(ct_policy_set(&p, (enum ct_knob)CT_KNOB__COUNT, 0, CT_SRC_SYSCTL), ==, -1),
	     "ct_policy_set range checks");

	/* precedence: option beats sysctl, not the other way round */
	ct_policy_init(&p);
	TEST(check_int(ct_policy_set(&p, CT_KNOB_TCP_BE_LIBERAL, 1, CT_SRC_OPTION), ==, 0) &&
	     check_int(ct_policy_set(&p, CT_KNOB_TCP_BE_LIBERAL, 0, CT_SRC_SYSCTL), ==, 1) &&
	     check_int(p.v[CT_KNOB_TCP_BE_LIBERAL], ==, 1) &&
	     check_int(p.src[CT_KNOB_TCP_BE_LIBERAL], ==, CT_SRC_OPTION) &&
	     check_int(ct_policy_set(&p, CT_KNOB_TCP_BE_LIBERAL, 0, CT_SRC_OPTION), ==, 0) &&
	     check_int(p.v[CT_KNOB_TCP_BE_LIBERAL], ==, 0),
	     "a command-line value is never overridden by a sysctl dump");

	/* sniffing */
	{
		static const char good[] = "net.netfilter.nf_conntrack_acct = 0\n"
					   "net.netfilter.nf_conntrack_checksum = 1\n";
		static const char good2[] = "# dump\nsysctl: permission denied on key 'x'\n"
					    "kernel.hostname=box\n";
		static const char bad[] = "Nov 26 12:00:00 host kernel: hello\n";
		static const char bin[] = "\xd4\xc3\xb2\xa1\x02\x00\x04\x00";
		static const char json[] = "{\"a\": 1}\n";

		TEST(check_int(ct_policy_sniff_sysctl((const uint8_t *)good, sizeof(good) - 1), ==, 1) &&
		     check_int(ct_policy_sniff_sysctl((const uint8_t *)good2, sizeof(good2) - 1), ==, 1) &&
		     check_int(ct_policy_sniff_sysctl((const uint8_t *)bad, sizeof(bad) - 1), ==, 0) &&
		     check_int(ct_policy_sniff_sysctl((const uint8_t *)bin, sizeof(bin) - 1), ==, 0) &&
		     check_int(ct_policy_sniff_sysctl((const uint8_t *)json, sizeof(json) - 1), ==, 0) &&
		     check_int(ct_policy_sniff_sysctl((const uint8_t *)"", 0), ==, 0),
		     "sysctl dump sniffing");
	}

	/* loading a dump: all three line forms, unknown keys, malformed lines */
	path = write_tmp("ok.txt",
			 "net.ipv4.ip_forward = 1\n"
			 "net.netfilter.nf_conntrack_tcp_be_liberal = 1\n"
			 "net.netfilter.nf_conntrack_udp_timeout=45\r\n"
			 "/proc/sys/net/netfilter/nf_conntrack_icmp_timeout:17\n"
			 "net.ipv4.tcp_rmem = 4096\t131072\t6291456\n"
			 "\n# comment\n"
			 "this line is garbage\n"
			 "sysctl: permission denied on key 'fs.protected_hardlinks'\n"
			 "  net.netfilter.nf_conntrack_log_invalid = 255  \n"
			 "net.netfilter.nf_conntrack_checksum = 0");
	ctx_init(&ctx);
	ct_policy_init(&p);
	ct_policy_set(&p, CT_KNOB_TCP_BE_LIBERAL, 0, CT_SRC_OPTION);
	rec = 0;
	r = path ? ct_policy_load_sysctl(&ctx, &p, path, &rec) : -99;
	TEST(check_int(r, ==, 0) &&
	     check_int(p.v[CT_KNOB_TCP_BE_LIBERAL], ==, 0) &&
	     check_int(p.src[CT_KNOB_TCP_BE_LIBERAL], ==, CT_SRC_OPTION) &&
	     check_int(p.v[CT_KNOB_UDP_TIMEOUT], ==, 45) &&
	     check_int(p.src[CT_KNOB_UDP_TIMEOUT], ==, CT_SRC_SYSCTL) &&
	     check_int(p.v[CT_KNOB_ICMP_TIMEOUT], ==, 17) &&
	     check_int(p.v[CT_KNOB_LOG_INVALID], ==, 255) &&
	     check_int(p.v[CT_KNOB_CHECKSUM], ==, 0) &&
	     check_int(p.v[CT_KNOB_UDP_TIMEOUT_STREAM], ==, 120) &&
	     check_int(p.src[CT_KNOB_UDP_TIMEOUT_STREAM], ==, CT_SRC_DEFAULT) &&
	     check_uint(rec, ==, 1) &&
	     check_uint(ctx.errors.n, ==, 0),
	     "dump applied: 3 line forms, option kept, 1 malformed line counted");
	ctx_release(&ctx);

	/* bad values of known knobs are errors naming file and line */
	path = write_tmp("bad.txt",
			 "net.netfilter.nf_conntrack_tcp_loose = 7\n"
			 "net.netfilter.nf_conntrack_udp_timeout = 30s\n"
			 "net.netfilter.nf_conntrack_max = 99999999999999999999999\n"
			 "net.netfilter.nf_conntrack_icmp_timeout = 12\n");
	ctx_init(&ctx);
	ct_policy_init(&p);
	r = path ? ct_policy_load_sysctl(&ctx, &p, path, NULL) : -99;
	TEST(check_int(r, ==, ERR_INPUT) &&
	     check_uint(ctx.errors.n, ==, 3) &&
	     check(has_error_containing(&ctx, "bad.txt: line 1: nf_conntrack_tcp_loose = 7 out of range")) &&
	     check(has_error_containing(&ctx, "bad.txt: line 2:")) &&
	     check(has_error_containing(&ctx, "bad.txt: line 3:")) &&
	     check_int(p.v[CT_KNOB_TCP_LOOSE], ==, 1) &&
	     check_int(p.v[CT_KNOB_UDP_TIMEOUT], ==, 30) &&
	     check_int(p.v[CT_KNOB_ICMP_TIMEOUT], ==, 12),
	     "bad values: errors with file and line, the rest applied");
	ctx_release(&ctx);

	/* reassembly settings: defaults, names, loading */
	ct_policy_init(&p);
	TEST(check_int(p.frag[CT_FRAG_IPV4_TIME], ==, 30) &&
	     check_int(p.frag[CT_FRAG_IPV6_TIME], ==, 60) &&
	     check_int(p.frag[CT_FRAG_IPV4_HIGH_THRESH], ==, 4194304) &&
	     check_int(p.frag[CT_FRAG_IPV6_HIGH_THRESH], ==, 4194304) &&
	     check_int(p.frag[CT_FRAG_IPV4_MAX_DIST], ==, 64) &&
	     check_int(ct_policy_frag_lookup("net.ipv4.ipfrag_time"), ==, CT_FRAG_IPV4_TIME) &&
	     check_int(ct_policy_frag_lookup("ipfrag_max_dist"), ==, CT_FRAG_IPV4_MAX_DIST) &&
	     check_int(ct_policy_frag_lookup("nf_conntrack_frag6_timeout"), ==, CT_FRAG_IPV6_TIME) &&
	     check_int(ct_policy_frag_lookup("/proc/sys/net/ipv4/ipfrag_high_thresh"), ==,
		       CT_FRAG_IPV4_HIGH_THRESH) &&
	     check_int(ct_policy_frag_lookup("ipfrag"), ==, -1) &&
	     check_int(ct_policy_lookup("net.ipv4.ipfrag_time"), ==, -1) &&
	     check_str(ct_policy_frag_name(CT_FRAG_IPV6_HIGH_THRESH),
		       "net.netfilter.nf_conntrack_frag6_high_thresh"),
	     "reassembly settings: 6.18 defaults and names");
	path = write_tmp("frag.txt",
			 "net.ipv4.ipfrag_time = 5\n"
			 "/proc/sys/net/netfilter/nf_conntrack_frag6_timeout:7\n"
			 "net.ipv4.ipfrag_max_dist = -3\n"
			 "net.ipv4.ipfrag_low_thresh = 3145728\n");
	ctx_init(&ctx);
	ct_policy_frag_set(&p, CT_FRAG_IPV4_TIME, 9, CT_SRC_OPTION);
	r = path ? ct_policy_load_sysctl(&ctx, &p, path, NULL) : -99;
	TEST(check_int(r, ==, ERR_INPUT) && check_uint(ctx.errors.n, ==, 1) &&
	     check(has_error_containing(&ctx, "frag.txt: line 3: net.ipv4.ipfrag_max_dist")) &&
	     check_int(p.frag[CT_FRAG_IPV4_TIME], ==, 9) &&
	     check_int(p.frag[CT_FRAG_IPV6_TIME], ==, 7) &&
	     check_int(p.frag_src[CT_FRAG_IPV6_TIME], ==, CT_SRC_SYSCTL) &&
	     check_int(p.frag[CT_FRAG_IPV4_MAX_DIST], ==, 64),
	     "reassembly settings from a dump: option kept, bad value an error");
	ctx_release(&ctx);

	/* a missing file */
	ctx_init(&ctx);
	ct_policy_init(&p);
	r = ct_policy_load_sysctl(&ctx, &p, "/nonexistent/sysctl.txt", NULL);
	TEST(check_int(r, ==, ERR_INPUT) && check_uint(ctx.errors.n, ==, 1) &&
	     check(has_error_containing(&ctx, "/nonexistent/sysctl.txt")),
	     "unreadable file is an error naming it");
	ctx_release(&ctx);

	/* an over-long line is skipped, not a crash */
	{
		size_t n = 10000;
		char *big = malloc(n + 64);

		if (big) {
			memset(big, 'a', n);
			strcpy(big + n, "=1\nnet.netfilter.nf_conntrack_tcp_loose = 0\n");
			path = write_tmp("long.txt", big);
			free(big);
			ctx_init(&ctx);
			ct_policy_init(&p);
			rec = 0;
			r = path ? ct_policy_load_sysctl(&ctx, &p, path, &rec) : -99;
			TEST(check_int(r, ==, 0) && check_uint(rec, ==, 1) &&
			     check_int(p.v[CT_KNOB_TCP_LOOSE], ==, 0),
			     "over-long line skipped, next line applied");
			ctx_release(&ctx);
		}
	}

	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			tap_diag("could not remove %s", tmpdir);
	}
	return tap_done();
}
