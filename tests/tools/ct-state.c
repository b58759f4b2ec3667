/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ct-state - test tool: run a capture through the defragmenter and the
 * conntrack engine and print, per packet that reaches conntrack, what the
 * kernel lab prints when its firewall also logs `ct state` with nft
 * (prefix "nf_ct_state: "): first the conntrack log lines
 *
 *   INDEX<TAB>PROTO<TAB>MESSAGE
 *
 * then one state line
 *
 *   INDEX<TAB>-1<TAB>invalid|new|established|related|untracked
 *
 * Fragments still held (or dropped) by the defragmenter print nothing, like
 * in the kernel where nf_defrag steals them before the nft hook.  With -v the
 * defragmenter's and the engine's reasons go to stderr.
 *
 * Usage: ct-state [-v] [--rules DIR] [--sysctl FILE]... CAPTURE
 */
#include "config.h"

#include <stdbool.h>
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

/* IP-layer drops before conntrack (ip_rcv / ipv6_rcv). */
static bool
dropped_before_ct(const struct pkt *p)
{
	return p->family == 0 ||
	       (p->notes & (PKT_NOTE_IP_BAD | PKT_NOTE_IP_LEN_GT_WIRE | PKT_NOTE_IP_CSUM_BAD |
			    PKT_NOTE_IP_TRUNC | PKT_NOTE_EXTHDR_BAD));
}

/* ICMP errors (and ICMPv6 redirects) are RELATED when accepted. */
static bool
icmp_error(const struct pkt *p)
{
	if (!p->has_l4)
		return false;
	if (p->proto == 1 && p->family == 4)
		return p->icmp_type == 3 || p->icmp_type == 4 || p->icmp_type == 5 ||
		       p->icmp_type == 11 || p->icmp_type == 12;
	if (p->proto == 58 && p->family == 6)
		return p->icmp_type < 128 || p->icmp_type == 137;
	return false;
}

/* A small set of flow ids that have seen a reply (IPS_SEEN_REPLY). */
struct idset {
	uint64_t *v;
	size_t n, alloc;
};

static bool
idset_has(const struct idset *s, uint64_t id)
{
	for (size_t i = s->n; i-- > 0; )
		if (s->v[i] == id)
			return true;
	return false;
}

static int
idset_add(struct idset *s, uint64_t id)
{
	if (idset_has(s, id))
		return 0;
	if (s->n == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 64;
		uint64_t *nv = realloc(s->v, na * sizeof(*nv));

		if (!nv)
			return -1;
		s->v = nv;
		s->alloc = na;
	}
	s->v[s->n++] = id;
	return 0;
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
	struct idset replied = { 0 };
	struct pcap_rec rec;
	struct pkt pkt;
	bool verbose = false;
	int i, r = 0, rc = 1;

	ctx_init(&ctx);
	ct_policy_init(&pol);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			verbose = true;
		} else if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc) {
			rules_dir = argv[++i];
		} else if (strcmp(argv[i], "--sysctl") == 0 && i + 1 < argc) {
			if (ct_policy_load_sysctl(&ctx, &pol, argv[++i], NULL) < 0) {
				fprintf(stderr, "ct-state: cannot load %s\n", argv[i]);
				goto out;
			}
		} else if (argv[i][0] == '-' || path) {
			fprintf(stderr, "usage: ct-state [-v] [--rules DIR] [--sysctl FILE]... CAPTURE\n");
			rc = 2;
			goto out;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		fprintf(stderr, "usage: ct-state [-v] [--rules DIR] [--sysctl FILE]... CAPTURE\n");
		rc = 2;
		goto out;
	}
	if (rules_dir && rules_load(&ctx, &rules_dir, 1, &rules) < 0) {
		fprintf(stderr, "ct-state: cannot load rules from %s\n", rules_dir);
		goto out;
	}
	if (pcapsrc_open(&ctx, path, &src) < 0) {
		fprintf(stderr, "ct-state: cannot open %s\n", path);
		goto out;
	}
	e = ct_engine_new(&pol);
	df = defrag_new(4u << 20);	/* ipfrag_high_thresh */
	if (!e || !df)
		goto out;
	defrag_configure(df, &pol);
	while ((r = pcapsrc_next(src, &rec)) > 0) {
		const struct pkt *p = &pkt;
		const char *why = NULL, *st;
		enum defrag_status ds;
		struct ct_result res;
		unsigned long long idx = (unsigned long long)rec.index;

		pcapsrc_pkt_init(&rec, 0, &pkt);
		decode_frame(rec.linktype, rec.data, rec.caplen, &pkt);
		if (dropped_before_ct(&pkt))
			continue;
		ds = defrag_feed(df, &pkt, &p, &why);
		if (verbose && why)
			fprintf(stderr, "%llu defrag: %s\n", idx, why);
		if (ds == DEFRAG_HELD || ds == DEFRAG_DROP)
			continue;
		if (ds == DEFRAG_PASS)
			p = &pkt;
		if (ct_engine_packet(e, p, &res) < 0) {
			fprintf(stderr, "ct-state: out of memory\n");
			goto out;
		}
		for (unsigned m = 0; m < res.n_msgs; m++) {
			const struct ct_msg *msg = &res.msgs[m];
			char text[256];

			if (!rules || rules_render(rules, CT_PROFILE_CURRENT, msg->reason,
						   &msg->args, text, sizeof(text)) < 0)
				snprintf(text, sizeof(text), "%s", reason_code(msg->reason));
			printf("%llu\t%d\t%s\n", idx, reason_proto(msg->reason), text);
		}
		if (res.verdict == CT_INVALID)
			st = "invalid";
		else if (!res.tracked)
			st = "untracked";
		else if (icmp_error(p))
			st = "related";
		else if (res.dir == 1 || idset_has(&replied, res.flow_id))
			st = "established";
		else
			st = "new";
		/* IPS_SEEN_REPLY: set by a reply that passed, not by RELATED */
		if (res.verdict != CT_INVALID && res.dir == 1 && !icmp_error(p) &&
		    idset_add(&replied, res.flow_id) < 0)
			goto out;
		printf("%llu\t-1\t%s\n", idx, st);
		if (verbose && res.silent)
			fprintf(stderr, "%llu silent: %s\n", idx, res.silent);
	}
	rc = r < 0 ? 1 : 0;
out:
	free(replied.v);
	defrag_free(df);
	ct_engine_free(e);
	pcapsrc_free(src);
	rules_free(rules);
	ctx_release(&ctx);
	return rc;
}
