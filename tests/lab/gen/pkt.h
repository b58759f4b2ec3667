/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * pkt.h - tiny packet builder shared by the kernel-lab generators (craft, edit):
 * Ethernet + IPv4/IPv6 + TCP/UDP/UDP-Lite/ICMP/ICMPv6 with correct checksums,
 * written to a pcap file with pcap_dump.  Test tooling, not part of ctexplain.
 */
#ifndef LAB_PKT_H
#define LAB_PKT_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_MAX 9216

enum { P_ICMP = 1, P_TCP = 6, P_UDP = 17, P_FRAG6 = 44, P_ICMP6 = 58, P_UDPLITE = 136 };

/* TCP flag bits (byte 13). */
enum {
	TF_FIN = 0x01, TF_SYN = 0x02, TF_RST = 0x04, TF_PSH = 0x08,
	TF_ACK = 0x10, TF_URG = 0x20, TF_ECE = 0x40, TF_CWR = 0x80
};

/* Checksum modes for the L4 builders. */
enum { CS_OK = 0, CS_BAD = 1, CS_ZERO = 2 };

struct addr {
	int af;			/* 4 or 6 */
	uint8_t a[16];
};

/* One output pcap file. */
struct pw {
	pcap_t *p;
	pcap_dumper_t *d;
	uint64_t ts_us;		/* next packet's timestamp */
	uint32_t step_us;	/* added after each packet */
	unsigned count;
	uint16_t ip_id;
};

int pw_open(struct pw *w, const char *path);
void pw_close(struct pw *w);
/* Write one complete Ethernet frame. */
void pw_frame(struct pw *w, const uint8_t *frame, size_t len);

struct addr addr_parse(const char *text);

uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n);
uint16_t csum_fold(uint32_t sum);
/* Pseudo-header sum for proto over l4len bytes. */
uint32_t csum_pseudo(const struct addr *src, const struct addr *dst, uint8_t proto,
		     uint32_t l4len);

void put16(uint8_t *p, uint16_t v);
void put32(uint8_t *p, uint32_t v);
uint16_t get16(const uint8_t *p);
uint32_t get32(const uint8_t *p);

/* L4 builders: write into out, return length.  paylen bytes of a pattern. */
size_t tcp_build(uint8_t *out, const struct addr *src, const struct addr *dst,
		 uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		 uint8_t flags, uint16_t win, const uint8_t *opt, size_t optlen,
		 size_t paylen, int csmode);
size_t udp_build(uint8_t *out, uint8_t proto, const struct addr *src,
		 const struct addr *dst, uint16_t sport, uint16_t dport,
		 size_t paylen, int lenfield, int csmode);
size_t icmp_build(uint8_t *out, int v6, const struct addr *src, const struct addr *dst,
		  uint8_t type, uint8_t code, uint32_t rest, const uint8_t *body,
		  size_t bodylen, int csmode);
/* Recompute the L4 checksum of an existing L4 buffer (TCP/UDP/ICMP/ICMPv6). */
void l4_fix_csum(uint8_t *l4, size_t len, uint8_t proto, const struct addr *src,
		 const struct addr *dst);

/* Wrap an L4 buffer into IP + Ethernet and write it.  ttl 0 means 64.
 * ip_len_extra adds bytes to the IP length field only (length lies). */
void emit_ip(struct pw *w, const struct addr *src, const struct addr *dst,
	     uint8_t proto, uint8_t ttl, const uint8_t *l4, size_t l4len);
/* Same, but IPv4 fragment / IPv6 fragment-header packet: payload slice
 * [off, off+len) of l4 with the More-Fragments flag mf and identification id. */
void emit_frag(struct pw *w, const struct addr *src, const struct addr *dst,
	       uint8_t proto, uint32_t id, const uint8_t *l4, size_t off, size_t len,
	       int mf);
/* Build the IP packet (no Ethernet) into out; returns its length. */
size_t ip_build(uint8_t *out, const struct addr *src, const struct addr *dst,
		uint8_t proto, uint8_t ttl, uint16_t id, const uint8_t *l4, size_t l4len);

#endif
