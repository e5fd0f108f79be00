/*
 * impair - packet-level delay and loss for the rdpdoctor lab, a stand-in
 * for `tc netem` (this kernel has no sch_netem).
 *
 *   impair [--queue N] [--delay MS] [--loss PERCENT] [--duration SECONDS]
 *          [--seed N]
 *
 * It binds NFQUEUE queue N (libnetfilter_queue) and gives every queued
 * packet its verdict later: dropped with probability PERCENT/100, else
 * accepted DELAY ms after it arrived, in order. The lab adds the rule
 *   iptables -A OUTPUT -d 10.201.0.0/24 -j NFQUEUE --queue-num N --queue-bypass
 * in the client namespace and runs impair there, so TCP sees a slow, lossy
 * path and retransmits as it would over a bad VPN. --queue-bypass lets
 * packets through untouched once impair is gone.
 *
 * Bounded: exits after --duration seconds (default 120), on SIGTERM or
 * SIGINT; on exit every held packet is accepted. Prints "bound queue N"
 * once ready and a summary line at the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libnetfilter_queue/libnetfilter_queue.h>

#define RING 65536 /* packets held at once; beyond that, accepted at once */

struct held {
	uint32_t id;
	int64_t due_us;
};

static struct {
	unsigned queue;
	long delay_ms;
	double loss_pct;
	double duration;
	uint64_t seed;
} opt = {
    .queue = 0,
    .delay_ms = 0,
    .loss_pct = 0,
    .duration = 120,
};

static struct held ring[RING];
static size_t r_head, r_len;
static unsigned long n_in, n_drop, n_out, n_overflow;
static volatile sig_atomic_t stop_flag;

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double
rnd01(void)
{
	/* xorshift64* */
	opt.seed ^= opt.seed >> 12;
	opt.seed ^= opt.seed << 25;
	opt.seed ^= opt.seed >> 27;
	return (double)((opt.seed * 2685821657736338717ULL) >> 11) /
	       9007199254740992.0;
}

static void
verdict(struct nfq_q_handle *qh, uint32_t id, uint32_t v)
{
	if (nfq_set_verdict(qh, id, v, 0, NULL) < 0)
		fprintf(stderr, "impair: verdict for packet %u: %s\n", id,
		        strerror(errno));
}

static int
on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa,
          void *data)
{
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	uint32_t id;

	if (ph == NULL)
		return 0;
	id = ntohl(ph->packet_id);
	n_in++;
	if (opt.loss_pct > 0 && rnd01() * 100.0 < opt.loss_pct) {
		verdict(qh, id, NF_DROP);
		n_drop++;
		return 0;
	}
	if (opt.delay_ms == 0 || r_len == RING) {
		if (r_len == RING)
			n_overflow++;
		verdict(qh, id, NF_ACCEPT);
		n_out++;
		return 0;
	}
	ring[(r_head + r_len) % RING].id = id;
	ring[(r_head + r_len) % RING].due_us = now_us() + opt.delay_ms * 1000;
	r_len++;
	return 0;
}

static void
release_due(struct nfq_q_handle *qh, bool all)
{
	int64_t t = now_us();

	while (r_len > 0 && (all || ring[r_head].due_us <= t)) {
		verdict(qh, ring[r_head].id, NF_ACCEPT);
		n_out++;
		r_head = (r_head + 1) % RING;
		r_len--;
	}
}

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: impair [--queue N] [--delay MS] "
	                "[--loss PERCENT] [--duration SECONDS] [--seed N]\n");
	exit(2);
}

static double
num(const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || end == s || v < lo || v > hi) {
		fprintf(stderr, "impair: bad number '%s' (%g..%g)\n", s, lo,
		        hi);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct nfq_handle *h;
	struct nfq_q_handle *qh;
	char buf[65536] __attribute__((aligned));
	int fd, i;
	int64_t end;

	opt.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (i + 1 >= argc)
			usage();
		i++;
		if (strcmp(a, "--queue") == 0)
			opt.queue = (unsigned)num(argv[i], 0, 65535);
		else if (strcmp(a, "--delay") == 0)
			opt.delay_ms = (long)num(argv[i], 0, 60000);
		else if (strcmp(a, "--loss") == 0)
			opt.loss_pct = num(argv[i], 0, 100);
		else if (strcmp(a, "--duration") == 0)
			opt.duration = num(argv[i], 1, 86400);
		else if (strcmp(a, "--seed") == 0)
			opt.seed = (uint64_t)num(argv[i], 1, 1e15);
		else
			usage();
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);

	h = nfq_open();
	if (h == NULL) {
		perror("impair: nfq_open");
		return 1;
	}
	nfq_unbind_pf(h, AF_INET); /* harmless on current kernels */
	if (nfq_bind_pf(h, AF_INET) < 0) {
		perror("impair: nfq_bind_pf");
		return 1;
	}
	qh = nfq_create_queue(h, (uint16_t)opt.queue, on_packet, NULL);
	if (qh == NULL) {
		fprintf(stderr, "impair: cannot bind queue %u: %s\n", opt.queue,
		        strerror(errno));
		return 1;
	}
	if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) {
		perror("impair: nfq_set_mode");
		return 1;
	}
	nfq_set_queue_maxlen(qh, 8192);
	fd = nfq_fd(h);
	i = 4 * 1024 * 1024;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &i, sizeof i);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

	end = now_us() + (int64_t)(opt.duration * 1e6);
	printf("impair: bound queue %u: delay %ld ms, loss %g%%, %g s\n",
	       opt.queue, opt.delay_ms, opt.loss_pct, opt.duration);
	fflush(stdout);

	while (!stop_flag) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int64_t t = now_us(), wake = end;
		ssize_t n;

		if (t >= end)
			break;
		if (r_len > 0 && ring[r_head].due_us < wake)
			wake = ring[r_head].due_us;
		/* round up so that a due packet is not polled for twice */
		if (poll(&p, 1, (int)((wake - t + 999) / 1000)) < 0 &&
		    errno != EINTR) {
			perror("impair: poll");
			break;
		}
		for (i = 0; i < 256; i++) {
			n = recv(fd, buf, sizeof buf, 0);
			if (n < 0) {
				if (errno == ENOBUFS) {
					fprintf(stderr, "impair: queue "
					                "overrun, packets "
					                "lost\n");
					continue;
				}
				break;
			}
			nfq_handle_packet(h, buf, (int)n);
		}
		release_due(qh, false);
	}
	release_due(qh, true);
	nfq_destroy_queue(qh);
	nfq_close(h);
	printf("impair: done: %lu packets, %lu dropped, %lu accepted"
	       "%s\n",
	       n_in, n_drop, n_out, n_overflow ? " (ring overflowed)" : "");
	return 0;
}
