/*
 * pcap_report.h - the report of `rdpdoctor pcap` (internal to the tool
 * and lib/report): the one-line summary of a capture's RDP connections
 * and each connection as text (its capture facts, then the check's own
 * report of the same observation) or as JSON (the check's document,
 * docs/json.md, with a "capture" object: the 5-tuple, frame numbers as
 * evidence, TCP's story, what the client sent, what was not visible).
 */
#ifndef RDD_REPORT_PCAP_REPORT_H
#define RDD_REPORT_PCAP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pcap/conn.h"
#include "rdpdoctor/report.h"

/* How many connections ended how, for the summary. */
struct rdd_pcap_tally {
	size_t tcp;
	size_t udp;
	/* [status][phase + 1]: phase -1 counts in column 0. */
	size_t n[RDD_PCAP_STATUS_COUNT][RDD_PHASE_COUNT + 1];
};

void rdd_pcap_tally_add(struct rdd_pcap_tally *t,
                        const struct rdd_pcap_conn *c);
/* The same from the three facts it counts. */
void rdd_pcap_tally_put(struct rdd_pcap_tally *t, enum rdd_pcap_kind kind,
                        enum rdd_pcap_status status, int phase);

/* "3 RDP connections: 2 ok, 1 failed in licensing" (no newline), or
 * "no RDP connection". */
void rdd_pcap_summary_line(char *dst, size_t cap,
                           const struct rdd_pcap_tally *t);

/* "failed in licensing", "ok", "not visible after tls", ... */
void rdd_pcap_status_words(char *dst, size_t cap,
                           const struct rdd_pcap_conn *c);

/* One connection as text: a header with its endpoints, times, frames and
 * status, the capture facts, then the check's text report. 0 or -1. */
int rdd_report_pcap_text(FILE *out, const struct rdd_pcap_conn *c,
                         const struct rdd_text_options *opt);

/* One connection as a JSON document (a json_t *, the caller's): the
 * check's document with "capture" added. NULL when out of memory. */
void *rdd_report_pcap_json_doc(const struct rdd_pcap_conn *c);

/* A JSON object (json_t *) for the summary: the line, the counts, the
 * capture's own facts given by the caller in CAPTURE (json_t *, taken
 * over; may be NULL). */
void *rdd_report_pcap_json_summary(const struct rdd_pcap_tally *t,
                                   void *capture);

/* DOC (json_t *) indented, ASCII-only, then a newline. 0 or -1. */
int rdd_report_pcap_json_write(FILE *out, const void *doc);

#endif
