/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nflog.h - parse the nf_log packet dump that follows a conntrack message:
 *   IN=vb OUT= MAC=fa:da:...:08:00 SRC=10.99.0.1 DST=10.99.0.2 LEN=40
 *   TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=40000 DPT=5555 SEQ=0
 *   ACK=0 WINDOW=8192 RES=0x00 RST SYN URGP=0 OPT (...) UID=0 GID=0 MARK=0x1
 * for IPv4 and IPv6 (uncompressed %pI6 addresses), including the bracketed
 * inner packet of ICMP errors, INCOMPLETE [n bytes], FRAG, IPv6 OPT ( ... )
 * wrappers.  Unknown KEY=value fields are skipped, missing ones stay unset.
 */
#ifndef CTEXPLAIN_NFLOG_H
#define CTEXPLAIN_NFLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* Bits of nflog_pkt.has: which fields were present. */
enum nflog_field {
	NFL_IN = 1u << 0, NFL_OUT = 1u << 1, NFL_MAC = 1u << 2,
	NFL_SRC = 1u << 3, NFL_DST = 1u << 4, NFL_LEN = 1u << 5,
	NFL_TOS = 1u << 6, NFL_PREC = 1u << 7, NFL_TTL = 1u << 8,
	NFL_ID = 1u << 9, NFL_TC = 1u << 10, NFL_HOPLIMIT = 1u << 11,
	NFL_FLOWLBL = 1u << 12, NFL_FRAG = 1u << 13, NFL_IPOPT = 1u << 14,
	NFL_PROTO = 1u << 15, NFL_SPT = 1u << 16, NFL_DPT = 1u << 17,
	NFL_SEQ = 1u << 18, NFL_ACK = 1u << 19, NFL_WINDOW = 1u << 20,
	NFL_RES = 1u << 21, NFL_URGP = 1u << 22, NFL_TCPOPT = 1u << 23,
	NFL_UDPLEN = 1u << 24, NFL_ICMP = 1u << 25, NFL_ICMP_ECHO = 1u << 26,
	NFL_MTU = 1u << 27, NFL_UIDGID = 1u << 28, NFL_MARK = 1u << 29,
	NFL_INCOMPLETE = 1u << 30, NFL_INNER = 1u << 31,
};

struct nflog_pkt {
	uint32_t has;			/* enum nflog_field bits */
	char in[17], out[17];		/* interface names (IFNAMSIZ) */
	uint8_t mac[64];		/* MAC= bytes (hard_header_len, usually 14) */
	uint8_t mac_len;
	uint8_t family;			/* 4 or 6 */
	struct ip_addr src, dst;
	uint32_t len;			/* IP LEN= (IPv4 tot_len, IPv6 payload+40) */
	uint8_t tos, prec;		/* IPv4 */
	uint8_t ttl;			/* TTL or HOPLIMIT */
	uint16_t id;			/* IPv4 ID */
	uint8_t tc;			/* IPv6 traffic class */
	uint32_t flowlbl;
	bool ce, df, mf;
	uint32_t frag;			/* IPv4 FRAG: (8-byte units) / IPv6 FRAG: bytes */
	bool frag_more;			/* IPv6 "INCOMPLETE" after FRAG: */
	uint32_t frag_id;		/* IPv6 ID:%08x */
	uint8_t ipopt[40];		/* IPv4 OPT (...) bytes */
	uint8_t ipopt_len;
	uint8_t proto;			/* PROTO=TCP -> 6, UDP 17, UDPLITE 136, ICMP 1, ICMPv6 58, or the number */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t window;
	uint8_t res;
	uint8_t tcp_flags;		/* TCPF_* from the flag words */
	bool ae;			/* AE flag word (6.15+) */
	uint16_t urgp;
	uint8_t tcpopt[40];		/* TCP OPT (...) bytes */
	uint8_t tcpopt_len;
	uint16_t udp_len;		/* UDP LEN= */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	uint32_t icmp_mtu;
	uint32_t incomplete;		/* INCOMPLETE [n bytes] */
	uint32_t uid, gid, mark;
	struct pkt_inner inner;		/* the bracketed [ ... ] packet of an ICMP error */
	/* fields without a bit in @has */
	bool has_gateway;		/* ICMP redirect GATEWAY= */
	struct ip_addr gateway;
	bool has_param;			/* ICMP PARAMETER= (decimal) / ICMPv6 POINTER= (hex) */
	uint32_t param;
	bool truncated;			/* TRUNCATED, OPT (TRUNCATED) or Unknown Ext Hdr: the dump stops */
};

/*
 * Parse the dump text @s of @len bytes (starting at "IN=") into *p.
 * Returns 0 when at least SRC, DST and PROTO were found, -1 otherwise (the
 * fields that were found are still set).  Never reads past @len.
 */
int nflog_parse(const char *s, size_t len, struct nflog_pkt *p);

#endif
