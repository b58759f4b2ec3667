/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * decode.h - bytes of one captured frame -> struct pkt, the packet descriptor.
 *
 * The decoder is the only code that touches packet bytes.  It parses once,
 * with bounds checks on every read (util-cursor.h), into a host-order
 * descriptor that the conntrack engine, the defragmenter and the correlator
 * read.  Decoders never print: problems are recorded as bits in pkt.notes.
 *
 * Lengths: `ip_len`, `l4_len` and `payload_len` come from the headers (what
 * the kernel saw as skb->len), not from caplen; a capture cut short by its
 * snaplen must not change verdicts while the L4 header is present.
 *
 * Ownership: the pointers l3/l4 borrow the frame buffer given to decode_*();
 * they are valid only until the caller's next pcapsrc_next().  Anything kept
 * beyond the current packet must be copied.
 */
#ifndef CTEXPLAIN_DECODE_H
#define CTEXPLAIN_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Direction of the frame relative to the capturing host, when known. */
enum pkt_dir {
	PKT_DIR_UNKNOWN = 0,
	PKT_DIR_IN,		/* received (pcapng inbound, SLL HOST/BROADCAST/MULTICAST/OTHERHOST) */
	PKT_DIR_OUT,		/* sent by the host (pcapng outbound, SLL OUTGOING) */
};

/* Decode notes: input problems recorded while decoding (bit set). */
enum pkt_note {
	PKT_NOTE_CAPLEN_SHORT	= 1u << 0,	/* caplen < wirelen (snaplen cut) */
	PKT_NOTE_LINK_TRUNC	= 1u << 1,	/* link header not fully captured */
	PKT_NOTE_NOT_IP		= 1u << 2,	/* ARP, LLDP, ... : no L3 view */
	PKT_NOTE_IP_TRUNC	= 1u << 3,	/* IP header not fully captured */
	PKT_NOTE_IP_BAD		= 1u << 4,	/* bad version / IHL / total length < header */
	PKT_NOTE_IP_LEN_GT_WIRE	= 1u << 5,	/* IP total length beyond the frame (ip_rcv drops) */
	PKT_NOTE_IP_CSUM_BAD	= 1u << 6,	/* IPv4 header checksum wrong (ip_rcv drops) */
	PKT_NOTE_EXTHDR_BAD	= 1u << 7,	/* IPv6 extension header chain unparsable */
	PKT_NOTE_FRAGMENT	= 1u << 8,	/* this is an IP fragment (see frag_*) */
	PKT_NOTE_L4_TRUNC	= 1u << 9,	/* L4 header not fully captured */
	PKT_NOTE_TCPOPT_BAD	= 1u << 10,	/* an option with a bad length */
	PKT_NOTE_TCPOPT_DUP	= 1u << 11,	/* an option repeated */
	PKT_NOTE_SUPER_SEGMENT	= 1u << 12,	/* IP length > 1500+: GRO/TSO aggregate */
	PKT_NOTE_PAYLOAD_TRUNC	= 1u << 13,	/* payload not fully captured: checksum unknown */
	PKT_NOTE_INNER_TRUNC	= 1u << 14,	/* ICMP error: embedded packet cut */
	PKT_NOTE_IP6_JUMBO	= 1u << 15,	/* IPv6 payload length 0 (jumbogram / BIG TCP):
						   ip_len taken from the frame */
	PKT_NOTE_TCPOPT_TRUNC	= 1u << 16,	/* TCP option area not fully captured
						   (opts parsed from the captured part) */
	PKT_NOTE_LINK_UNKNOWN	= 1u << 17,	/* link type not supported (with NOT_IP) */
};

/* Tri-state result of a checksum verification. */
enum csum_state {
	CSUM_UNKNOWN = 0,	/* not all covered bytes were captured */
	CSUM_OK,
	CSUM_BAD,
	CSUM_ZERO,		/* field is 0 (UDP over IPv4: "no checksum") */
};

/* An address of either family; IPv4 uses the first 4 bytes. */
struct ip_addr {
	uint8_t b[16];
};

/* TCP options as parsed by the decoder (kernel tcp_options()/tcp_sack() rules). */
struct tcp_opts {
	bool has_wscale;
	uint8_t wscale;		/* as sent (unclamped); the engine clamps to 14 */
	bool sack_perm;
	bool has_mss;
	uint16_t mss;
	bool has_ts;
	uint32_t ts_val, ts_ecr;
	uint8_t n_sack;		/* SACK blocks of the first well-formed SACK option */
	uint32_t sack_left[4], sack_right[4];
	bool ts_only_fast_path;	/* option area is exactly NOP NOP TIMESTAMP */
};

/* The header of the packet embedded in an ICMP/ICMPv6 error. */
struct pkt_inner {
	bool present;
	uint8_t family;		/* 4 or 6 */
	struct ip_addr src, dst;
	uint8_t proto;
	uint16_t sport, dport;	/* or ICMP id (sport) for an embedded echo */
	uint8_t icmp_type, icmp_code;
	uint32_t tcp_seq;	/* when at least 8 L4 bytes are quoted */
	/* added by decode: */
	bool has_l4;		/* the quote holds what the tuple needs: 4 bytes
				   (TCP/UDP/UDP-Lite ports) or 8 (ICMP/ICMPv6
				   header); never for a non-first fragment */
	uint32_t ip_len;	/* embedded IPv4 tot_len / IPv6 40 + payload_len */
	uint16_t l3_hdr_len;	/* embedded header length incl. IPv6 extensions */
	uint8_t ttl;
	uint16_t ip_id;		/* IPv4 */
	bool is_fragment;	/* embedded packet is a fragment */
	uint32_t frag_off;	/* in bytes */
	uint16_t icmp_id;	/* embedded echo: identifier (= sport) */
};

struct pkt {
	/* --- capture record --- */
	uint32_t file_id;	/* index of the capture in the run */
	uint64_t index;		/* 0-based record index in its file (all records counted) */
	int64_t ts_sec;		/* capture timestamp, UTC */
	uint32_t ts_nsec;
	uint32_t caplen, wirelen;
	int linktype;		/* DLT_* */
	enum pkt_dir dir;
	/* decode_frame() resets every member from `notes` to the end. */
	uint32_t notes;		/* enum pkt_note bits */

	/* --- link --- */
	bool has_mac;
	uint8_t mac_hdr[14];	/* dst, src, ethertype as nf_log prints MAC= (Ethernet only) */
	uint16_t vlan_ids[2];
	uint8_t n_vlans;

	/* --- L3 --- */
	uint8_t family;		/* 4, 6, or 0 when not IP */
	struct ip_addr src, dst;
	uint32_t ip_len;	/* IPv4 tot_len; IPv6 40 + payload_len (claimed) */
	uint16_t l3_hdr_len;	/* IPv4 ihl*4; IPv6 40 + extension headers walked */
	uint8_t tos;		/* IPv4 TOS byte / IPv6 traffic class */
	uint8_t ttl;		/* TTL / hop limit */
	uint16_t ip_id;		/* IPv4 ID */
	uint32_t flowlabel;	/* IPv6 */
	bool df, mf, ce;	/* IPv4 flag bits; mf also for IPv6 fragment M bit */
	bool is_fragment;	/* MF set or offset != 0 (IPv4), or a fragment header (IPv6) */
	uint32_t frag_off;	/* fragment offset in bytes */
	uint32_t frag_id;	/* IPv4 ID or IPv6 fragment identification */
	uint8_t frag_nexthdr;	/* IPv6: protocol after the fragment header */
	uint8_t ipopt_len;	/* IPv4 option bytes */
	const uint8_t *l3;	/* borrowed: start of the IP header */
	uint32_t l3_caplen;	/* bytes of l3 actually captured (from l3) */

	/* --- L4 (only for a first fragment or an unfragmented packet) --- */
	uint8_t proto;		/* IPPROTO_* after extension headers */
	bool has_l4;		/* the L4 header fields below are valid */
	uint32_t l4_len;	/* claimed: ip_len - l3_hdr_len (kernel skb->len - dataoff) */
	const uint8_t *l4;	/* borrowed: start of the L4 header */
	uint32_t l4_caplen;	/* bytes of l4 actually captured */
	enum csum_state l4_csum;	/* checksum over l4_len bytes + pseudo header */
	/*
	 * The checksum as nf_conntrack verifies it: what the engine should
	 * test.  Equal to l4_csum except in two cases, both verified in the
	 * kernel lab.  (1) ICMP (IPv4) whose bytes sum to +0 (an all-zero
	 * message with checksum field 0): nf_ip_checksum() also sums the IPv4
	 * header, whose -0 makes the total -0, so conntrack accepts it
	 * (l4_csum_nf OK, l4_csum BAD).  (2)
	 * UDP-Lite: udplite_error() passes IPPROTO_UDP to nf_checksum_partial(),
	 * and for IPv4 nf_ip_checksum_partial() swaps the length and protocol
	 * arguments of csum_tcpudp_nofold(), whose u8 protocol parameter then
	 * keeps only the low byte of the length.  So the pseudo header is
	 * src + dst + 17 + (l4_len & 0xff) for IPv4 and src + dst + 17 + l4_len
	 * for IPv6 (verified in the kernel lab on x86_64 6.18.44, skbs with
	 * CHECKSUM_NONE; a NIC giving CHECKSUM_COMPLETE and full coverage gets
	 * the plain protocol-17 pseudo header instead).
	 */
	enum csum_state l4_csum_nf;

	uint16_t sport, dport;	/* TCP/UDP/UDP-Lite ports */

	/* TCP */
	uint32_t seq, ack;
	uint16_t window;	/* raw, unscaled */
	uint8_t tcp_flags;	/* byte 13: CWR ECE URG ACK PSH RST SYN FIN */
	uint8_t tcp_res;	/* the 4 reserved bits incl. AE (byte 12 low nibble) */
	uint8_t doff;		/* data offset in 32-bit words */
	uint16_t urg_ptr;
	struct tcp_opts opts;
	uint32_t payload_len;	/* l4_len - doff*4 (TCP) or - 8 (UDP), 0 if negative */

	/* UDP / UDP-Lite */
	uint16_t udp_len;	/* UDP length field (UDP-Lite: checksum coverage) */
	uint16_t udp_csum;	/* raw checksum field */

	/* ICMP / ICMPv6 */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;	/* echo */
	uint32_t icmp_mtu;		/* frag-needed / packet-too-big */
	uint32_t icmp_rest;		/* raw bytes 4..7 of the ICMP header
					   (gateway, pointer, unused) */
	struct pkt_inner inner;		/* embedded packet of an error */
};

/* TCP flag bits of byte 13. */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10
#define TCPF_URG 0x20
#define TCPF_ECE 0x40
#define TCPF_CWR 0x80

/*
 * Decode one captured frame of link type @linktype.  @pkt must have its
 * capture-record fields (file_id .. dir) set by the caller; everything else
 * is filled here.  Never fails: what could not be decoded is in pkt->notes
 * and in family/has_l4.  Returns 0.
 */
int decode_frame(int linktype, const uint8_t *data, uint32_t caplen, struct pkt *pkt);

/*
 * Decode an IP packet starting at its IP header (used by decode_frame and by
 * the defragmenter for a reassembled datagram).  @caplen bytes are readable.
 */
int decode_ip(const uint8_t *l3, uint32_t caplen, struct pkt *pkt);

/*
 * Direction carried by the link header itself (Linux cooked captures: the
 * packet type, 4 = OUTGOING -> OUT, 0..3 -> IN), else PKT_DIR_UNKNOWN.
 * decode_frame() also applies it when pkt->dir is still unknown.
 */
enum pkt_dir decode_link_dir(int linktype, const uint8_t *data, uint32_t caplen);

/* Format an address of @family (4 or 6) as nf_log does: IPv4 dotted,
 * IPv6 uncompressed lowercase 8x4 hex groups.  @buf needs 40 bytes. */
void decode_addr_nflog(uint8_t family, const struct ip_addr *a, char *buf);

/* Format an address for people (inet_ntop form).  @buf needs 46 bytes. */
void decode_addr_str(uint8_t family, const struct ip_addr *a, char *buf);

#endif
