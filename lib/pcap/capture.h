/*
 * capture.h - read a capture file with libpcap (pcap and pcapng, from a
 * file or standard input, any size: packets stream through) and hand
 * every RDP connection in it, once over, to a callback: the reader
 * (packet.c), fragment reassembly (ipfrag.c) and the connection table
 * (flows.c) glued together.
 *
 * A BPF filter (pcap-filter(7)) selects packets without renumbering them:
 * frame numbers always count every packet of the file from 1, as
 * Wireshark shows them.
 */
#ifndef RDD_PCAP_CAPTURE_H
#define RDD_PCAP_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pcap/flows.h"
#include "pcap/ipfrag.h"

struct rdd_keylog;

struct rdd_capture_options {
	const char *filter;              /* BPF; NULL: every packet */
	const struct rdd_keylog *keylog; /* NULL: no decryption */
	void *trust_store;               /* X509_STORE *; NULL: not checked */
	double timeout_s;                /* 0: 5 s */
};

struct rdd_capture_stats {
	uint64_t packets;   /* in the file */
	uint64_t selected;  /* passed the filter */
	uint64_t decoded;   /* IP packets with TCP or UDP */
	uint64_t other;     /* not IP, or neither TCP nor UDP */
	uint64_t malformed; /* headers that do not hold */
	uint64_t truncated; /* cut inside a header by the snap length */
	int linktype;
	char linktype_name[48];
	int snaplen;
	double first_ts;
	double last_ts;
	bool cut_short; /* the file ends inside a packet */
	char read_error[256];
	struct rdd_ipfrag_stats frag;
	struct rdd_flows_stats flows;
};

/*
 * Read the capture in F (pcap or pcapng; F is closed on return, whatever
 * happens) and call CB
 * for each RDP connection. Returns 0 (a file cut short is still 0, with
 * STATS->cut_short and read_error set), or -1 with the reason in ERR: not
 * a capture, a link type not read, a filter that does not compile, out of
 * memory.
 */
int rdd_capture_read(FILE *f, const struct rdd_capture_options *opt,
                     rdd_flows_cb cb, void *ctx,
                     struct rdd_capture_stats *stats, char *err, size_t errcap);

#endif
