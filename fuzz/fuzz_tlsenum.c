/*
 * fuzz_tlsenum.c - libFuzzer target for the TLS enumeration's plan
 * (lib/probe/tlsenum.c) against a server played by the fuzzer: every
 * answer (outcome, version, suite, group) comes from the input, so a
 * hostile server may name suites it was not offered, versions it was not
 * asked for, or the same suite over and over. The plan must end, within
 * its own bounds, and fill a result whatever it is told.
 *
 * Input:
 *   byte 0   parallel hellos (1..8) and chain width (1..8)
 *   then, per answer, 4 bytes:
 *     a  outcome: 0-7 a ServerHello, else one of the others (1 + a % 8,
 *        a ServerHello with no fields among them)
 *     b  version: 0-5 SSL 3.0 .. TLS 1.3 / a HelloRetryRequest of TLS
 *        1.3; 6 a version no one asked for; 7 that of the hello
 *     c  suite: an index into the hello's own list, or (c >= 0xf0) one
 *        it did not offer
 *     d  group: an index into the table of groups, 0 none
 * When the input runs out, every hello is refused, so that the plan ends.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rdpdoctor/tlsenum.h"
#include "wire/tlshello.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Far more hellos than any plan sends (MAX_JOBS in tlsenum.c): past it,
 * the plan would not be ending. */
#define MAX_ROUNDS 4096

/* The cipher suites of the ClientHello record P (N bytes); 0 if it does
 * not read as one (the fuzzer then answers with a suite of its own). */
static size_t
offered_suites(const uint8_t *p, size_t n, const uint8_t **suites)
{
	size_t at = 5 + 4 + 2 + 32, len;

	if (n < at + 1)
		return 0;
	at += 1 + p[at]; /* session id */
	if (n < at + 2)
		return 0;
	len = (size_t)(p[at] << 8 | p[at + 1]);
	at += 2;
	if (len < 2 || n < at + len)
		return 0;
	*suites = p + at;
	return len / 2;
}

static struct rdd_tlsconn_result
answer(const struct rdd_tlsenum_job *job, const uint8_t **in, size_t *left)
{
	static const uint16_t versions[] = {0x0300, 0x0301, 0x0302,
	                                    0x0303, 0x0304, 0x0304};
	struct rdd_tlsconn_result r;
	const uint8_t *suites = NULL, *q;
	size_t n_suites, ng;
	const uint16_t *groups = rdd_tls_groups(&ng);

	memset(&r, 0, sizeof(r));
	r.alert_desc = -1;
	if (*left < 4) {
		r.outcome = RDD_TLSCONN_ALERT;
		r.alert_desc = 40;
		return r;
	}
	q = *in;
	*in += 4;
	*left -= 4;
	if (q[0] >= 8) {
		r.outcome = (enum rdd_tlsconn_outcome)(1 + q[0] % 8);
		if (r.outcome == RDD_TLSCONN_ALERT)
			r.alert_desc = q[1];
		return r;
	}
	r.outcome = RDD_TLSCONN_HELLO;
	n_suites = offered_suites(job->hello, job->hello_len, &suites);
	switch (q[1] % 8) {
	case 6:
		r.version = (uint16_t)(0x0200 + q[2]);
		break;
	case 7:
		r.version =
		    job->hello_len > 10
		        ? (uint16_t)(job->hello[9] << 8 | job->hello[10])
		        : 0x0303;
		break;
	default:
		r.version = versions[q[1] % 6];
		r.hrr = q[1] % 8 == 5;
	}
	if (q[2] >= 0xf0 || n_suites == 0)
		r.suite = (uint16_t)(q[2] << 8 | q[3]);
	else
		r.suite = (uint16_t)(suites[2 * (q[2] % n_suites)] << 8 |
		                     suites[2 * (q[2] % n_suites) + 1]);
	r.group = q[3] == 0 || ng == 0 ? 0 : groups[q[3] % ng];
	r.n_certs = q[0] & 1;
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rdd_tlsenum_job jobs[8];
	struct rdd_tls_enum_info *info;
	struct rdd_tlsenum *e;
	int par = 1, rounds = 0;

	if (size > 0) {
		par = 1 + (data[0] & 7);
		e = rdd_tlsenum_new((data[0] & 0x80) ? "server.example" : NULL);
		if (e == NULL)
			return 0;
		rdd_tlsenum_set_width(e, 1 + ((data[0] >> 3) & 7));
		data++;
		size--;
	} else {
		e = rdd_tlsenum_new(NULL);
		if (e == NULL)
			return 0;
	}
	while (!rdd_tlsenum_done(e)) {
		int n = 0;

		while (n < par && rdd_tlsenum_next(e, &jobs[n]))
			n++;
		/* Asking may settle what is left (a chain with nothing more
		 * to offer ends there): no hello is then fine, if it is done. */
		if (n == 0 && rdd_tlsenum_done(e))
			break;
		if (n == 0 || ++rounds > MAX_ROUNDS)
			abort(); /* not done, yet nothing to send: stuck */
		for (int i = 0; i < n; i++) {
			struct rdd_tlsconn_result r =
			    answer(&jobs[i], &data, &size);

			rdd_tlsenum_answer(e, jobs[i].id, &r);
		}
	}
	info = malloc(sizeof(*info));
	if (info != NULL) {
		rdd_tlsenum_result(e, info);
		free(info);
	}
	rdd_tlsenum_free(e);
	return 0;
}
