/*
 * udpresponder - an RDP-UDP listener for the rdpdoctor lab: it answers an
 * RDPEUDP SYN with a SYN+ACK, nothing more ([MS-RDPEUDP] 3.1.5.1). Neither
 * xrdp nor FreeRDP 2's shadow server opens a UDP socket, so without it the
 * lab could not tell a UDP-answering server from a UDP-blocked one.
 *
 *   udpresponder --bind ADDR [--bind ADDR ...] [--port N]
 *                [--max-version 1|2|257] [--duration SECONDS]
 *
 * The answer is built by lib/wire/rdpeudp.c (rdd_rdpeudp_server_synack,
 * written from the specification), which tests/unit/wire/test_rdpeudp.c
 * checks byte for byte against the SYN+ACKs of real Windows servers in
 * the Zeek captures rdpeudp-handshake-success.pcap and
 * rdpeudp2-handshake-success.pcap. Anything that is not a client SYN is
 * ignored. Bounded: exits after --duration seconds (default 3600) or on
 * SIGTERM/SIGINT. Prints "listening" once every socket is bound.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wire/rdpeudp.h"

#define MAX_BIND 8

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: udpresponder --bind ADDR [--bind ADDR ...] "
	                "[--port N] [--max-version 1|2|257] "
	                "[--duration SECONDS]\n");
	exit(2);
}

static uint32_t
random_isn(void)
{
	uint32_t v = 0;
	FILE *f = fopen("/dev/urandom", "rb");

	if (f == NULL || fread(&v, sizeof(v), 1, f) != 1)
		v = (uint32_t)time(NULL) * 2654435761u;
	if (f != NULL)
		fclose(f);
	return v;
}

int
main(int argc, char **argv)
{
	const char *binds[MAX_BIND];
	struct pollfd pfd[MAX_BIND];
	size_t nb = 0, i;
	long port = 3389, maxv = RDD_RDPEUDP_VERSION_3;
	double duration = 3600, end;
	unsigned long answered = 0, ignored = 0;
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--bind") == 0 && a + 1 < argc &&
		    nb < MAX_BIND)
			binds[nb++] = argv[++a];
		else if (strcmp(argv[a], "--port") == 0 && a + 1 < argc)
			port = strtol(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--max-version") == 0 && a + 1 < argc)
			maxv = strtol(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--duration") == 0 && a + 1 < argc)
			duration = strtod(argv[++a], NULL);
		else
			usage();
	}
	if (nb == 0 || port < 1 || port > 65535 || duration <= 0 ||
	    (maxv != 1 && maxv != 2 && maxv != RDD_RDPEUDP_VERSION_3))
		usage();
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (i = 0; i < nb; i++) {
		struct sockaddr_in sin;

		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, binds[i], &sin.sin_addr) != 1)
			usage();
		pfd[i].fd = socket(AF_INET, SOCK_DGRAM, 0);
		pfd[i].events = POLLIN;
		if (pfd[i].fd < 0 || bind(pfd[i].fd, (struct sockaddr *)&sin,
		                          sizeof(sin)) != 0) {
			fprintf(stderr, "udpresponder: bind %s:%ld: %s\n",
			        binds[i], port, strerror(errno));
			return 1;
		}
	}
	printf("listening on %zu address(es), UDP %ld, up to version %ld\n", nb,
	       port, maxv);
	fflush(stdout);
	end = now_s() + duration;
	while (!stop && now_s() < end) {
		int n = poll(pfd, (nfds_t)nb, 200);

		if (n <= 0)
			continue;
		for (i = 0; i < nb; i++) {
			uint8_t in[2048], out[RDD_RDPEUDP_SYN_LEN];
			struct rdd_rdpeudp_syn syn, reply;
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			ssize_t got;
			size_t len;

			if (!(pfd[i].revents & POLLIN))
				continue;
			got = recvfrom(pfd[i].fd, in, sizeof(in), 0,
			               (struct sockaddr *)&from, &fl);
			if (got <= 0)
				continue;
			if (rdd_rdpeudp_parse_syn(in, (size_t)got, &syn) != 0 ||
			    rdd_rdpeudp_server_synack(&syn, random_isn(),
			                              (uint16_t)maxv,
			                              &reply) != 0 ||
			    (len = rdd_rdpeudp_build_syn(&reply, out,
			                                 sizeof(out))) == 0) {
				ignored++;
				continue;
			}
			if (sendto(pfd[i].fd, out, len, 0,
			           (struct sockaddr *)&from, fl) > 0)
				answered++;
		}
	}
	printf("answered %lu SYNs, ignored %lu datagrams\n", answered, ignored);
	return 0;
}
