/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * relay.c - a two-port Ethernet relay for the kernel lab (this kernel has no
 * netem): frames received on one interface are sent out of the other, with
 * seeded loss, duplication, reordering and delay applied to IP frames.  Every
 * IP frame sent on is also written to a pcap file (the capture "at the
 * relay").  Non-IP frames (ARP) pass untouched and are not recorded, nor
 * are IPv6 link-local/multicast frames (ND, MLD).
 *
 *	relay IF_A IF_B OUT.pcap SEED LOSS_PCT[:AFTER_PCT] DUP_PCT REORDER_PCT DELAY_MS SECONDS
 *
 * Percentages are integers 0..100.  LOSS_PCT frames are lost before the
 * capture point (neither recorded nor sent on); AFTER_PCT frames are lost
 * after it (recorded, then not sent: the firewall sees a segment its
 * receiver never gets). DELAY_MS is the base one-way delay; a
 * "reordered" frame gets an extra 2..(2+DELAY_MS) ms so later frames
 * overtake it.  The relay stops after SECONDS or on SIGTERM/SIGINT.
 * Needs CAP_NET_RAW; run it inside the relay namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QMAX 4096
#define FRAME_MAX 65600

struct qent {
	uint64_t due_ns;
	int out;		/* 0 or 1: index of the sending socket */
	size_t len;
	uint8_t *data;
	int lost;		/* recorded but not sent (loss after the capture point) */
};

static volatile sig_atomic_t stop;
static struct qent queue[QMAX];
static size_t qlen;
static uint64_t rng_state;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* xorshift64*: deterministic for a seed. */
static uint32_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static int
chance(unsigned pct)
{
	return pct > 0 && rnd() % 100 < pct;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int
parse_uint(const char *s, unsigned max, unsigned *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int
open_if(const char *name, int *ifindex)
{
	struct sockaddr_ll sll;
	struct packet_mreq mr;
	int fd;

	*ifindex = (int)if_nametoindex(name);
	if (*ifindex == 0) {
		fprintf(stderr, "relay: no interface %s\n", name);
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0) {
		perror("relay: socket");
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = *ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		perror("relay: bind");
		close(fd);
		return -1;
	}
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = *ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) != 0) {
		perror("relay: promisc");
		close(fd);
		return -1;
	}
	return fd;
}

static void
enqueue(uint64_t due, int out, const uint8_t *data, size_t len, int lost)
{
	uint8_t *copy;

	if (qlen == QMAX)
		return;		/* queue full: the frame is lost */
	copy = malloc(len);
	if (copy == NULL)
		return;
	memcpy(copy, data, len);
	queue[qlen].due_ns = due;
	queue[qlen].out = out;
	queue[qlen].len = len;
	queue[qlen].data = copy;
	queue[qlen].lost = lost;
	qlen++;
}

static void
record(pcap_dumper_t *d, const uint8_t *data, size_t len)
{
	struct pcap_pkthdr h;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = ts.tv_sec;
	h.ts.tv_usec = (suseconds_t)(ts.tv_nsec / 1000);
	h.caplen = (bpf_u_int32)len;
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)d, &h, data);
}

/* IPv6 link-local or multicast traffic (MLD, ND) is forwarded but not
 * recorded: the scenarios keep documentation addresses only. */
static int
recordable(const uint8_t *f, size_t len)
{
	if (len >= 54 && f[12] == 0x86 && f[13] == 0xdd) {
		if (f[22] == 0xfe && (f[23] & 0xc0) == 0x80)
			return 0;
		if (f[38] == 0xff)
			return 0;
	}
	return 1;
}

/* Send every queued frame that is due, earliest first. */
static void
flush_due(const int fd[2], pcap_dumper_t *d, uint64_t now)
{
	for (;;) {
		size_t i, best = QMAX;

		for (i = 0; i < qlen; i++)
			if (queue[i].due_ns <= now &&
			    (best == QMAX || queue[i].due_ns < queue[best].due_ns))
				best = i;
		if (best == QMAX)
			return;
		if (!queue[best].lost &&
		    send(fd[queue[best].out], queue[best].data, queue[best].len, 0) < 0 &&
		    errno != ENOBUFS)
			perror("relay: send");
		else if (recordable(queue[best].data, queue[best].len))
			record(d, queue[best].data, queue[best].len);
		free(queue[best].data);
		queue[best] = queue[--qlen];
	}
}

static int
next_timeout_ms(uint64_t now)
{
	uint64_t best = UINT64_MAX;
	size_t i;

	for (i = 0; i < qlen; i++)
		if (queue[i].due_ns < best)
			best = queue[i].due_ns;
	if (best == UINT64_MAX)
		return 100;
	if (best <= now)
		return 0;
	return (int)((best - now) / 1000000 + 1);
}

int
main(int argc, char **argv)
{
	static uint8_t buf[FRAME_MAX];
	unsigned seed, loss, loss_after = 0, dup, reorder, delay_ms, seconds;
	char lossarg[32] = "", *colon;
	int bad = argc != 10;
	int fd[2], ifx[2], i;
	pcap_t *p;
	pcap_dumper_t *d;
	uint64_t end;
	struct sigaction sa;

	if (!bad) {	/* LOSS_PCT[:AFTER_PCT] */
		snprintf(lossarg, sizeof(lossarg), "%s", argv[5]);
		colon = strchr(lossarg, ':');
		if (colon) {
			*colon = '\0';
			bad = parse_uint(colon + 1, 100, &loss_after) != 0;
		}
	}
	if (bad || parse_uint(argv[4], 0xffffffffu, &seed) || parse_uint(lossarg, 100, &loss) ||
	    parse_uint(argv[6], 100, &dup) || parse_uint(argv[7], 100, &reorder) ||
	    parse_uint(argv[8], 10000, &delay_ms) || parse_uint(argv[9], 86400, &seconds)) {
		fprintf(stderr, "usage: relay IF_A IF_B OUT.pcap SEED LOSS_PCT[:AFTER_PCT] DUP_PCT "
			"REORDER_PCT DELAY_MS SECONDS\n");
		return 2;
	}
	rng_state = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)seed << 1 | 1);
	fd[0] = open_if(argv[1], &ifx[0]);
	fd[1] = open_if(argv[2], &ifx[1]);
	if (fd[0] < 0 || fd[1] < 0)
		return 1;
	p = pcap_open_dead(DLT_EN10MB, FRAME_MAX);
	d = p ? pcap_dump_open(p, argv[3]) : NULL;
	if (d == NULL) {
		fprintf(stderr, "relay: cannot write %s\n", argv[3]);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	end = now_ns() + (uint64_t)seconds * 1000000000ULL;
	while (!stop && now_ns() < end) {
		struct pollfd pfd[2];
		uint64_t now = now_ns();

		pfd[0].fd = fd[0];
		pfd[0].events = POLLIN;
		pfd[1].fd = fd[1];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, next_timeout_ms(now)) < 0 && errno != EINTR) {
			perror("relay: poll");
			break;
		}
		for (i = 0; i < 2; i++) {
			struct sockaddr_ll from;
			socklen_t fl = sizeof(from);
			ssize_t n;
			uint16_t et;
			uint64_t due;
			int lost;

			if (!(pfd[i].revents & POLLIN))
				continue;
			n = recvfrom(fd[i], buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from,
				     &fl);
			if (n < 14)
				continue;
			if (from.sll_pkttype == PACKET_OUTGOING)
				continue;	/* our own transmissions */
			et = (uint16_t)(buf[12] << 8 | buf[13]);
			now = now_ns();
			if (et != 0x0800 && et != 0x86dd) {
				if (send(fd[!i], buf, (size_t)n, 0) < 0)
					perror("relay: send");
				continue;
			}
			if (chance(loss))
				continue;
			lost = chance(loss_after);
			due = now + (uint64_t)delay_ms * 1000000ULL;
			if (chance(reorder))
				due += (2 + rnd() % (delay_ms + 1)) * 1000000ULL;
			enqueue(due, !i, buf, (size_t)n, lost);
			if (chance(dup))
				enqueue(due + 100000, !i, buf, (size_t)n, lost);
		}
		flush_due(fd, d, now_ns());
	}
	flush_due(fd, d, UINT64_MAX);
	pcap_dump_close(d);
	pcap_close(p);
	close(fd[0]);
	close(fd[1]);
	return 0;
}
