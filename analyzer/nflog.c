/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nflog.c - parse the nf_log packet dump (nf_log_syslog dump_ipv4_packet /
 * dump_ipv6_packet output, messages.md section 3) into struct nflog_pkt.
 *
 * The dump is a run of blank-separated tokens, mostly KEY=value; a few
 * fields span several tokens ("OPT (...)", "OPT ( FRAG:8 ID:... )",
 * "INCOMPLETE [8 bytes]") and the packet quoted by an ICMP error is wrapped
 * in "[" ... "]".  The meaning of some keys depends on what came before
 * (LEN= is the IP length before PROTO= and the UDP length after it, ID= and
 * SEQ= are ICMP echo fields after PROTO=ICMP), so the parser keeps that
 * context.  Every read is bounded by the end of the text.
 */
#include <arpa/inet.h>
#include <string.h>

#include "nflog.h"
#include "util-strparse.h"

#define PROTO_TCP	6
#define PROTO_UDP	17
#define PROTO_ICMP	1
#define PROTO_ICMPV6	58
#define PROTO_UDPLITE	136

struct tok {
	const char *s;
	size_t n;
};

/* Next blank-separated token at *p; false at the end. */
static bool
tok_next(const char **p, const char *end, struct tok *t)
{
	const char *s;

	while (*p < end && (**p == ' ' || **p == '\t' || **p == '\r' || **p == '\n'))
		(*p)++;
	if (*p >= end)
		return false;
	s = *p;
	while (s < end && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
		s++;
	t->s = *p;
	t->n = (size_t)(s - *p);
	*p = s;
	return true;
}

static bool
tok_is(const struct tok *t, const char *lit)
{
	size_t n = strlen(lit);

	return t->n == n && memcmp(t->s, lit, n) == 0;
}

/* The whole of [s, s+n) as a decimal number <= max. */
static int
full_dec(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	const char *p = s;

	if (sp_dec(&p, s + n, max, out) < 0 || p != s + n)
		return -1;
	return 0;
}

static int
full_hex(const char *s, size_t n, bool prefix, uint64_t max, uint64_t *out)
{
	const char *p = s;

	if (prefix && sp_lit(&p, s + n, "0x") < 0)
		return -1;
	if (sp_hex(&p, s + n, false, max, out) < 0 || p != s + n)
		return -1;
	return 0;
}

/* Address text -> family 4/6; 0 on failure. */
static int
parse_addr(const char *s, size_t n, struct ip_addr *a)
{
	char buf[64];

	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = 0;
	memset(a, 0, sizeof(*a));
	if (memchr(buf, ':', n))
		return inet_pton(AF_INET6, buf, a->b) == 1 ? 6 : 0;
	return inet_pton(AF_INET, buf, a->b) == 1 ? 4 : 0;
}

/* "aa:bb:..." (or empty) -> bytes. */
static int
parse_mac(const char *s, size_t n, uint8_t *out, size_t cap, uint8_t *len)
{
	const char *p = s, *end = s + n;
	size_t k = 0;

	while (p < end) {
		uint64_t v;
		const char *q = p;

		if (k == cap || end - p < 2 || sp_hex(&q, p + 2, false, 0xff, &v) < 0 || q != p + 2)
			return -1;
		out[k++] = (uint8_t)v;
		p += 2;
		if (p < end && sp_char(&p, end, ':') < 0)
			return -1;
		if (p == end && p[-1] == ':')
			return -1;
	}
	*len = (uint8_t)k;
	return 0;
}

/* "(0204...)" -> bytes; false when not of that shape. */
static bool
parse_hexbytes(const struct tok *t, uint8_t *out, size_t cap, uint8_t *len)
{
	size_t nd;
	size_t k = 0;

	if (t->n < 2 || t->s[0] != '(' || t->s[t->n - 1] != ')')
		return false;
	nd = t->n - 2;
	if (nd % 2)
		return false;
	for (size_t i = 0; i < nd; i += 2) {
		const char *q = t->s + 1 + i;
		uint64_t v;

		if (sp_hex(&q, t->s + 3 + i, false, 0xff, &v) < 0 || q != t->s + 3 + i)
			return false;
		if (k < cap)
			out[k++] = (uint8_t)v;
	}
	*len = (uint8_t)k;
	return true;
}

/* After "INCOMPLETE": an optional " [%u bytes]".  Returns 1 and *n when present. */
static int
parse_incomplete_bytes(const char **p, const char *end, uint32_t *n)
{
	const char *s = *p;
	uint64_t v;

	sp_blanks(&s, end);
	if (sp_char(&s, end, '[') < 0 || sp_dec(&s, end, UINT32_MAX, &v) < 0 ||
	    sp_lit(&s, end, " bytes]") < 0)
		return 0;
	*n = (uint32_t)v;
	*p = s;
	return 1;
}

static int
proto_number(const struct tok *v, uint8_t *out)
{
	static const struct {
		const char *name;
		uint8_t num;
	} names[] = {
		{ "TCP", PROTO_TCP }, { "UDP", PROTO_UDP }, { "UDPLITE", PROTO_UDPLITE },
		{ "ICMP", PROTO_ICMP }, { "ICMPv6", PROTO_ICMPV6 }, { "AH", 51 }, { "ESP", 50 },
	};
	uint64_t n;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (tok_is(v, names[i].name)) {
			*out = names[i].num;
			return 0;
		}
	}
	if (full_dec(v->s, v->n, 255, &n) < 0)
		return -1;
	*out = (uint8_t)n;
	return 0;
}

static const struct {
	const char *word;
	uint8_t bit;
} tcp_words[] = {
	{ "CWR", 0x80 }, { "ECE", 0x40 }, { "URG", 0x20 }, { "ACK", 0x10 },
	{ "PSH", 0x08 }, { "RST", 0x04 }, { "SYN", 0x02 }, { "FIN", 0x01 },
};

/* The IPv6 extension header wrapper after "OPT (": tokens up to ")". */
static bool
parse_ext_wrapper(const char **p, const char *end, struct nflog_pkt *pk)
{
	struct tok t;

	while (tok_next(p, end, &t)) {
		uint64_t v;

		if (tok_is(&t, ")"))
			return true;
		if (t.n > 5 && memcmp(t.s, "FRAG:", 5) == 0) {
			if (full_dec(t.s + 5, t.n - 5, UINT32_MAX, &v) == 0) {
				pk->frag = (uint32_t)v;
				pk->has |= NFL_FRAG;
			}
		} else if (t.n > 3 && memcmp(t.s, "ID:", 3) == 0) {
			if (full_hex(t.s + 3, t.n - 3, false, UINT32_MAX, &v) == 0)
				pk->frag_id = (uint32_t)v;
		} else if (tok_is(&t, "INCOMPLETE")) {
			uint32_t n;

			if (parse_incomplete_bytes(p, end, &n)) {	/* AH / ESP cut */
				pk->incomplete = n;
				pk->has |= NFL_INCOMPLETE;
			} else {
				pk->frag_more = true;
			}
		} else if (tok_is(&t, "TRUNCATED")) {
			pk->truncated = true;
			return false;
		}
		/* AH, ESP, SPI=...: skipped */
	}
	return false;
}

/*
 * Parse one header level into *pk: the outer dump (depth 0) or the packet
 * quoted inside "[ ... ]" (depth 1, returns after "]").
 */
static void
parse_level(const char **p, const char *end, struct nflog_pkt *pk, int depth)
{
	bool after_proto = false;
	bool stopped = false;
	struct tok t;

	while (tok_next(p, end, &t)) {
		const char *eq;
		struct tok k, v;
		uint64_t n;

		if (depth > 0 && tok_is(&t, "]"))
			return;
		if (stopped)
			continue;	/* a cut inner dump: skip to its "]" */
		if (t.s[0] == '[' && depth == 0 && after_proto) {
			struct nflog_pkt in;

			memset(&in, 0, sizeof(in));
			*p = t.s + 1;
			parse_level(p, end, &in, depth + 1);
			if ((in.has & (NFL_SRC | NFL_DST)) == (NFL_SRC | NFL_DST)) {
				pk->inner.present = true;
				pk->inner.family = in.family;
				pk->inner.src = in.src;
				pk->inner.dst = in.dst;
				pk->inner.proto = in.proto;
				if (in.has & NFL_SPT)
					pk->inner.sport = in.sport;
				else if (in.has & NFL_ICMP_ECHO)
					pk->inner.sport = in.icmp_id;
				pk->inner.dport = in.dport;
				pk->inner.icmp_type = in.icmp_type;
				pk->inner.icmp_code = in.icmp_code;
				pk->inner.tcp_seq = in.seq;
				pk->has |= NFL_INNER;
			}
			continue;
		}
		if (tok_is(&t, "INCOMPLETE")) {
			uint32_t nb;

			if (parse_incomplete_bytes(p, end, &nb)) {
				pk->incomplete = nb;
				pk->has |= NFL_INCOMPLETE;
			}
			continue;
		}
		if (tok_is(&t, "TRUNCATED") || tok_is(&t, "Unknown")) {
			pk->truncated = true;
			if (depth == 0)
				return;
			stopped = true;
			continue;
		}
		if (tok_is(&t, "OPT")) {
			struct tok o;
			const char *save = *p;

			if (!tok_next(p, end, &o))
				return;
			if (tok_is(&o, "(")) {
				if (!parse_ext_wrapper(p, end, pk)) {
					pk->truncated = true;
					if (depth == 0)
						return;
					stopped = true;
				}
			} else if (tok_is(&o, "(TRUNCATED)")) {
				pk->truncated = true;
				if (depth == 0)
					return;
				stopped = true;
			} else if (!after_proto) {
				if (parse_hexbytes(&o, pk->ipopt, sizeof(pk->ipopt), &pk->ipopt_len))
					pk->has |= NFL_IPOPT;
			} else if (pk->proto == PROTO_TCP) {
				if (parse_hexbytes(&o, pk->tcpopt, sizeof(pk->tcpopt), &pk->tcpopt_len))
					pk->has |= NFL_TCPOPT;
			} else {
				*p = save;
			}
			continue;
		}
		if (!after_proto) {
			if (tok_is(&t, "CE")) {
				pk->ce = true;
				continue;
			}
			if (tok_is(&t, "DF")) {
				pk->df = true;
				continue;
			}
			if (tok_is(&t, "MF")) {
				pk->mf = true;
				continue;
			}
			if (t.n > 5 && memcmp(t.s, "FRAG:", 5) == 0) {
				if (full_dec(t.s + 5, t.n - 5, 0x1fff, &n) == 0) {
					pk->frag = (uint32_t)n;
					pk->has |= NFL_FRAG;
				}
				continue;
			}
		} else if (pk->proto == PROTO_TCP) {
			bool hit = false;

			if (tok_is(&t, "AE")) {
				pk->ae = true;
				continue;
			}
			for (size_t i = 0; i < sizeof(tcp_words) / sizeof(tcp_words[0]); i++) {
				if (tok_is(&t, tcp_words[i].word)) {
					pk->tcp_flags |= tcp_words[i].bit;
					hit = true;
				}
			}
			if (hit)
				continue;
		}

		eq = memchr(t.s, '=', t.n);
		if (!eq)
			continue;	/* unknown word */
		k.s = t.s;
		k.n = (size_t)(eq - t.s);
		v.s = eq + 1;
		v.n = t.n - k.n - 1;

		if (tok_is(&k, "IN") || tok_is(&k, "OUT")) {
			char *dst = k.n == 2 ? pk->in : pk->out;

			if (v.n < sizeof(pk->in)) {
				memcpy(dst, v.s, v.n);
				dst[v.n] = 0;
				pk->has |= k.n == 2 ? NFL_IN : NFL_OUT;
			}
		} else if (tok_is(&k, "MAC")) {
			if (parse_mac(v.s, v.n, pk->mac, sizeof(pk->mac), &pk->mac_len) == 0)
				pk->has |= NFL_MAC;
		} else if (tok_is(&k, "SRC") || tok_is(&k, "DST")) {
			bool src = k.s[0] == 'S';
			struct ip_addr a;
			int fam = parse_addr(v.s, v.n, &a);

			if (fam && (!pk->family || pk->family == fam)) {
				pk->family = (uint8_t)fam;
				if (src)
					pk->src = a;
				else
					pk->dst = a;
				pk->has |= src ? NFL_SRC : NFL_DST;
			}
		} else if (tok_is(&k, "LEN")) {
			if (!after_proto) {
				if (full_dec(v.s, v.n, UINT32_MAX, &n) == 0) {
					pk->len = (uint32_t)n;
					pk->has |= NFL_LEN;
				}
			} else if ((pk->proto == PROTO_UDP || pk->proto == PROTO_UDPLITE) &&
				   full_dec(v.s, v.n, 0xffff, &n) == 0) {
				pk->udp_len = (uint16_t)n;
				pk->has |= NFL_UDPLEN;
			}
		} else if (tok_is(&k, "TOS") || tok_is(&k, "PREC")) {
			if (full_hex(v.s, v.n, true, 0xff, &n) == 0) {
				if (k.n == 3) {
					pk->tos = (uint8_t)n;
					pk->has |= NFL_TOS;
				} else {
					pk->prec = (uint8_t)n;
					pk->has |= NFL_PREC;
				}
			}
		} else if (tok_is(&k, "TTL") || tok_is(&k, "HOPLIMIT")) {
			if (full_dec(v.s, v.n, 255, &n) == 0) {
				pk->ttl = (uint8_t)n;
				pk->has |= k.n == 3 ? NFL_TTL : NFL_HOPLIMIT;
			}
		} else if (tok_is(&k, "TC")) {
			if (full_dec(v.s, v.n, 255, &n) == 0) {
				pk->tc = (uint8_t)n;
				pk->has |= NFL_TC;
			}
		} else if (tok_is(&k, "FLOWLBL")) {
			if (full_dec(v.s, v.n, 0xfffff, &n) == 0) {
				pk->flowlbl = (uint32_t)n;
				pk->has |= NFL_FLOWLBL;
			}
		} else if (tok_is(&k, "ID")) {
			if (full_dec(v.s, v.n, 0xffff, &n) < 0)
				continue;
			if (!after_proto) {
				pk->id = (uint16_t)n;
				pk->has |= NFL_ID;
			} else if (pk->proto == PROTO_ICMP || pk->proto == PROTO_ICMPV6) {
				pk->icmp_id = (uint16_t)n;
				pk->has |= NFL_ICMP_ECHO;
			}
		} else if (tok_is(&k, "PROTO")) {
			if (!after_proto && proto_number(&v, &pk->proto) == 0) {
				pk->has |= NFL_PROTO;
				after_proto = true;
			}
		} else if (!after_proto) {
			continue;	/* unknown key (PHYSIN=, TUNNEL=, ...) */
		} else if (tok_is(&k, "SPT") || tok_is(&k, "DPT")) {
			if (full_dec(v.s, v.n, 0xffff, &n) == 0) {
				if (k.s[0] == 'S') {
					pk->sport = (uint16_t)n;
					pk->has |= NFL_SPT;
				} else {
					pk->dport = (uint16_t)n;
					pk->has |= NFL_DPT;
				}
			}
		} else if (tok_is(&k, "SEQ")) {
			if (pk->proto == PROTO_TCP) {
				if (full_dec(v.s, v.n, UINT32_MAX, &n) == 0) {
					pk->seq = (uint32_t)n;
					pk->has |= NFL_SEQ;
				}
			} else if (full_dec(v.s, v.n, 0xffff, &n) == 0) {
				pk->icmp_seq = (uint16_t)n;
				pk->has |= NFL_ICMP_ECHO;
			}
		} else if (tok_is(&k, "ACK")) {
			if (full_dec(v.s, v.n, UINT32_MAX, &n) == 0) {
				pk->ack = (uint32_t)n;
				pk->has |= NFL_ACK;
			}
		} else if (tok_is(&k, "WINDOW")) {
			if (full_dec(v.s, v.n, 0xffff, &n) == 0) {
				pk->window = (uint16_t)n;
				pk->has |= NFL_WINDOW;
			}
		} else if (tok_is(&k, "RES")) {
			if (full_hex(v.s, v.n, true, 0xff, &n) == 0) {
				pk->res = (uint8_t)n;
				pk->has |= NFL_RES;
			}
		} else if (tok_is(&k, "URGP")) {
			if (full_dec(v.s, v.n, 0xffff, &n) == 0) {
				pk->urgp = (uint16_t)n;
				pk->has |= NFL_URGP;
			}
		} else if (tok_is(&k, "TYPE") || tok_is(&k, "CODE")) {
			if (full_dec(v.s, v.n, 255, &n) == 0) {
				if (k.s[0] == 'T')
					pk->icmp_type = (uint8_t)n;
				else
					pk->icmp_code = (uint8_t)n;
				pk->has |= NFL_ICMP;
			}
		} else if (tok_is(&k, "MTU")) {
			if (full_dec(v.s, v.n, UINT32_MAX, &n) == 0) {
				pk->icmp_mtu = (uint32_t)n;
				pk->has |= NFL_MTU;
			}
		} else if (tok_is(&k, "PARAMETER")) {
			if (full_dec(v.s, v.n, 255, &n) == 0) {
				pk->param = (uint32_t)n;
				pk->has_param = true;
			}
		} else if (tok_is(&k, "POINTER")) {
			if (full_hex(v.s, v.n, false, UINT32_MAX, &n) == 0) {
				pk->param = (uint32_t)n;
				pk->has_param = true;
			}
		} else if (tok_is(&k, "GATEWAY")) {
			if (parse_addr(v.s, v.n, &pk->gateway) == 4)
				pk->has_gateway = true;
		} else if (tok_is(&k, "UID") || tok_is(&k, "GID")) {
			if (full_dec(v.s, v.n, UINT32_MAX, &n) == 0) {
				if (k.s[0] == 'U')
					pk->uid = (uint32_t)n;
				else
					pk->gid = (uint32_t)n;
				pk->has |= NFL_UIDGID;
			}
		} else if (tok_is(&k, "MARK")) {
			if (full_hex(v.s, v.n, true, UINT32_MAX, &n) == 0) {
				pk->mark = (uint32_t)n;
				pk->has |= NFL_MARK;
			}
		}
		/* anything else: unknown key, skipped */
	}
}

int
nflog_parse(const char *s, size_t len, struct nflog_pkt *p)
{
	const char *cur = s;

	memset(p, 0, sizeof(*p));
	if (!s)
		return -1;
	parse_level(&cur, s + len, p, 0);
	if ((p->has & (NFL_SRC | NFL_DST | NFL_PROTO)) != (NFL_SRC | NFL_DST | NFL_PROTO))
		return -1;
	return 0;
}
