/*
 * pcapgen.h - synthetic pcap files for the unit tests: a classic pcap
 * header and Ethernet/IPv4/TCP frames between hosts 10.0.0.A, each 100 µs
 * after the one before, written to a temporary file.
 */
#ifndef RDD_TEST_PCAPGEN_H
#define RDD_TEST_PCAPGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../wire/capture_vectors.h"

/* TCP flags as they sit in the header. */
#define GEN_FIN 0x01
#define GEN_SYN 0x02
#define GEN_RST 0x04
#define GEN_PSH 0x08
#define GEN_ACK 0x10

/* The server's X.224 Confirm of rdp-to-ssl.pcap frame 6 (which selected
 * HYBRID there; here SSL: byte 15 is 0x01), the answer to its frame 4,
 * the client's Request (ssl_cr in capture_vectors.h). TCP payloads. */
extern const uint8_t gen_x224_cc[19];

struct gen {
	FILE *f;
	uint32_t sec;
	uint32_t usec;
	uint64_t packets;
};

/* A temporary file with the pcap header (Ethernet, microseconds); the
 * first frame is at 1700000000 s. */
void gen_open(struct gen *g);
/* One frame from 10.0.0.A:PA to 10.0.0.B:PB with at most 64 bytes of
 * data, 100 µs after the last one. */
void gen_frame(struct gen *g, uint8_t a, uint16_t pa, uint8_t b, uint16_t pb,
               uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *data,
               size_t n);

#endif
