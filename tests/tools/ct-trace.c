/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ct-trace - debug tool: run a capture through the conntrack engine and
 * print one line per packet:
 *
 *   index dir flags seq ack win len -> old>new verdict reason args
 *
 * (non-TCP: index proto PROTO -> verdict reason).  With --tsv it prints
 * what the kernel lab writes to kernel.tsv instead (INDEX<TAB>PROTO<TAB>
 * MESSAGE per log line, text from rules_render()), for a plain diff; with
 * --invalid the record index of every packet the engine marks INVALID,
 * logged or not (the lab's invalid.tsv).
 *
 * Usage: ct-trace [--tsv | --invalid] [--rules DIR] [--sysctl FILE]...
 *                 [--set KNOB=V]... [--check] CAPTURE
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct.h"
#include "ct-policy.h"
#include "ctx.h"
#include "decode.h"
#include "defrag.h"
#include "pcapsrc.h"
#include "rules-load.h"
#include "util-strparse.h"

static void
flags_str(uint8_t f, char *buf)
{
	static const char names[] = "FSRPAUEC";
	int i, n = 0;

	for (i = 0; i < 8; i++)
		if (f & (1u << i))
			buf[n++] = names[i];
	if (n == 0)
		buf[n++] = '.';
	buf[n] = '\0';
}

static void
args_str(const struct reason_args *a, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
#define ADD(...) do { if (n < size) n += (size_t)snprintf(buf + n, size - n, __VA_ARGS__); } while (0)
	if (a->has & REASON_ARG_BOUND)
		ADD(" bound=%u", a->bound);
	if (a->has & REASON_ARG_OVERSHOT)
		ADD(" overshot=%u", a->overshot);
	if (a->has & REASON_ARG_INDEX)
		ADD(" index=%d", a->index);
	if (a->has & REASON_ARG_DIR)
		ADD(" dir=%d", a->dir);
	if (a->has & REASON_ARG_STATE)
		ADD(" state=%s", a->state);
	if (a->has & REASON_ARG_RESP_INDEX)
		ADD(" resp_index=%d", a->resp_index);
	if (a->has & REASON_ARG_TIMEOUT)
		ADD(" timeout=%u", a->timeout);
#undef ADD
}

static int
usage(void)
{
	fprintf(stderr, "usage: ct-trace [--tsv | --invalid] [--check] [--rules DIR] [--sysctl FILE]... "
			"[--set KNOB=VALUE]... CAPTURE\n");
	return 2;
}

static int
set_knob(struct ct_policy *pol, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char name[128];
	char *end = NULL;
	long long v;
	int k;

	if (!eq || (size_t)(eq - kv) >= sizeof(name))
		return -1;
	memcpy(name, kv, (size_t)(eq - kv));
	name[eq - kv] = '\0';
	k = ct_policy_lookup(name);
	if (k < 0)
		return -1;
	v = strtoll(eq + 1, &end, 10);
	if (!end || *end || end == eq + 1)
		return -1;
	return ct_policy_set(pol, (enum ct_knob)k, v, CT_SRC_OPTION) < 0 ? -1 : 0;
}

/* IP-layer drops before conntrack (ip_rcv / ipv6_rcv). */
static bool
dropped_before_ct(const struct pkt *p)
{
	return p->family == 0 ||
	       (p->notes & (PKT_NOTE_IP_BAD | PKT_NOTE_IP_LEN_GT_WIRE | PKT_NOTE_IP_CSUM_BAD |
			    PKT_NOTE_IP_TRUNC | PKT_NOTE_EXTHDR_BAD));
}

int
main(int argc, char **argv)
{
	struct run_ctx ctx;
	struct ct_policy pol;
	struct rules *rules = NULL;
	const char *rules_dir = NULL, *path = NULL;
	struct pcapsrc *src = NULL;
	struct ct_engine *e = NULL;
	struct defrag *df = NULL;
	struct pcap_rec rec;
	struct pkt pkt;
	bool tsv = false, show_check = false, invalid_only = false;
	int i, rc = 1, r;

	ctx_init(&ctx);
	ct_policy_init(&pol);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tsv") == 0) {
			tsv = true;
		} else if (strcmp(argv[i], "--invalid") == 0) {
			invalid_only = true;
		} else if (strcmp(argv[i], "--check") == 0) {
			show_check = true;
		} else if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc) {
			rules_dir = argv[++i];
		} else if (strcmp(argv[i], "--sysctl") == 0 && i + 1 < argc) {
			if (ct_policy_load_sysctl(&ctx, &pol, argv[++i], NULL) < 0) {
				fprintf(stderr, "ct-trace: cannot load %s\n", argv[i]);
				goto out;
			}
		} else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
			if (set_knob(&pol, argv[++i]) < 0) {
				fprintf(stderr, "ct-trace: bad --set %s\n", argv[i]);
				goto out;
			}
		} else if (argv[i][0] == '-' || path) {
			rc = usage();
			goto out;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		rc = usage();
		goto out;
	}
	if (rules_dir && rules_load(&ctx, &rules_dir, 1, &rules) < 0) {
		fprintf(stderr, "ct-trace: cannot load rules from %s\n", rules_dir);
		goto out;
	}
	if (pcapsrc_open(&ctx, path, &src) < 0) {
		fprintf(stderr, "ct-trace: cannot open %s\n", path);
		goto out;
	}
	e = ct_engine_new(&pol);
	df = defrag_new(64u << 20);
	if (!e || !df)
		goto out;

	while ((r = pcapsrc_next(src, &rec)) > 0) {
		const struct pkt *p = &pkt;
		const char *why = NULL;
		struct ct_result res;
		char fl[12], ab[160], text[256];
		unsigned m;

		pcapsrc_pkt_init(&rec, 0, &pkt);
		decode_frame(rec.linktype, rec.data, rec.caplen, &pkt);
		if (dropped_before_ct(&pkt))
			continue;
		switch (defrag_feed(df, &pkt, &p, &why)) {
		case DEFRAG_PASS:
			p = &pkt;
			break;
		case DEFRAG_DONE:
			break;
		default:
			continue;
		}
		if (ct_engine_packet(e, p, &res) < 0) {
			fprintf(stderr, "ct-trace: out of memory\n");
			goto out;
		}
		if (invalid_only) {
			if (res.verdict == CT_INVALID)
				printf("%llu\n", (unsigned long long)rec.index);
			continue;
		}
		if (tsv) {
			for (m = 0; m < res.n_msgs; m++) {
				const struct ct_msg *msg = &res.msgs[m];

				if (!rules || rules_render(rules, CT_PROFILE_CURRENT, msg->reason,
							   &msg->args, text, sizeof(text)) < 0)
					snprintf(text, sizeof(text), "%s", reason_code(msg->reason));
				printf("%llu\t%d\t%s\n", (unsigned long long)rec.index,
				       reason_proto(msg->reason), text);
			}
			continue;
		}
		if (p->proto == 6 && p->has_l4) {
			flags_str(p->tcp_flags, fl);
			printf("%llu %d %s %u %u %u %u -> %s>%s %s",
			       (unsigned long long)rec.index, res.dir, fl, p->seq, p->ack,
			       p->window, p->payload_len, ct_tcp_state_name(res.old_state),
			       ct_tcp_state_name(res.new_state), ct_verdict_name(res.verdict));
		} else {
			printf("%llu %d proto %u -> %s", (unsigned long long)rec.index, res.dir,
			       p->proto, ct_verdict_name(res.verdict));
		}
		for (m = 0; m < res.n_msgs; m++) {
			args_str(&res.msgs[m].args, ab, sizeof(ab));
			printf(" %s%s", reason_code(res.msgs[m].reason), ab);
		}
		if (res.silent)
			printf(" silent(%s)", res.silent);
		if (show_check && res.check[0])
			printf(" | %s", res.check);
		printf("\n");
	}
	rc = r < 0 ? 1 : 0;
out:
	defrag_free(df);
	ct_engine_free(e);
	pcapsrc_free(src);
	rules_free(rules);
	ctx_release(&ctx);
	return rc;
}
