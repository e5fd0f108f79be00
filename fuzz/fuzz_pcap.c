/*
 * fuzz_pcap.c - libFuzzer target for the capture reader and everything
 * behind it: lib/pcap/packet.c (link layers, IPv4, IPv6 and its extension
 * headers), ipfrag.c, tcpdir.c, flows.c, the passive observer and the
 * lib/wire parsers it feeds, and the report of each connection.
 *
 * Two readings of the input, chosen by its first byte:
 *   even: the rest is a capture file (pcap or pcapng) read through libpcap
 *         from memory, as `rdpdoctor pcap` reads a file;
 *   odd:  the second byte picks a link type, then frames follow, each a
 *         2-byte big-endian length and that many bytes, fed straight to
 *         the decoder, one second of capture time apart (so that the
 *         fuzzer reaches the TCP and RDP layers without building a file).
 * Every finished connection is rendered as text and JSON, and checked:
 * strings are terminated, counts within bounds, the status is one of the
 * five.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pcap/capture.h"
#include "pcap/flows.h"
#include "pcap/ipfrag.h"
#include "pcap/packet.h"
#include "report/pcap_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

static const int dlts[] = {
    RDD_DLT_EN10MB, RDD_DLT_LINUX_SLL, RDD_DLT_LINUX_SLL2, RDD_DLT_RAW,
    RDD_DLT_NULL,   RDD_DLT_LOOP,      RDD_DLT_IPV4,       RDD_DLT_IPV6};

static void
check_conn(void *ctx, struct rdd_pcap_conn *c)
{
	FILE *null = ctx;
	struct rdd_text_options topt = {0};
	void *doc;

	CHECK(c->status < RDD_PCAP_STATUS_COUNT);
	CHECK(c->n_evidence <= RDD_PCAP_MAX_EVIDENCE);
	CHECK(c->cli.n_channels <= RDD_PCAP_MAX_CHANNELS);
	CHECK(TERMINATED(c->ending));
	CHECK(TERMINATED(c->not_visible));
	CHECK(TERMINATED(c->cli.cookie));
	CHECK(TERMINATED(c->cli.client_name));
	CHECK(TERMINATED(c->cli.user));
	CHECK(TERMINATED(c->cli.sni));
	CHECK(TERMINATED(c->tls.key_detail));
	CHECK(c->obs.n_attempts <= RDD_MAX_ATTEMPTS);
	CHECK(c->obs.session.n_events <= RDD_MAX_SESSION_STEPS);
	CHECK(c->status_phase >= -1 && c->status_phase < RDD_PHASE_COUNT);
	(void)rdd_report_pcap_text(null, c, &topt);
	doc = rdd_report_pcap_json_doc(c);
	CHECK(doc != NULL);
	json_decref(doc);
}

static void
raw_frames(const uint8_t *data, size_t size, FILE *null)
{
	struct rdd_observer_config cfg = {.timeout_s = 5};
	struct rdd_flows *f = rdd_flows_new(&cfg, check_conn, null);
	struct rdd_ipfrag *frag = rdd_ipfrag_new();
	struct rdd_pkt pkt, whole;
	enum rdd_pkt_result r;
	int dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
	uint64_t frame = 0;
	size_t off = 1, n;
	double ts = 1000;

	if (f == NULL || frag == NULL)
		goto out;
	while (size - off >= 2) {
		n = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (n > size - off)
			n = size - off;
		frame++;
		ts += 1;
		r = rdd_pkt_decode(dlt, data + off, n, &pkt);
		if (r == RDD_PKT_FRAGMENT &&
		    rdd_ipfrag_add(frag, &pkt, ts, &whole, &r))
			pkt = whole;
		if (r == RDD_PKT_TCP || r == RDD_PKT_UDP) {
			CHECK(pkt.payload_cap <= pkt.payload_wire);
			rdd_flows_packet(f, &pkt, frame, ts);
		}
		off += n;
	}
	rdd_flows_finish(f, ts);
out:
	rdd_flows_free(f);
	rdd_ipfrag_free(frag);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_capture_options opt = {.timeout_s = 5};
	struct rdd_capture_stats st;
	FILE *null = fopen("/dev/null", "w");
	FILE *f;
	char err[256];

	if (size < 2 || null == NULL) {
		if (null != NULL)
			fclose(null);
		return 0;
	}
	if (data[0] & 1) {
		raw_frames(data + 1, size - 1, null);
	} else {
		f = fmemopen((void *)(data + 1), size - 1, "rb");
		if (f != NULL && rdd_capture_read(f, &opt, check_conn, null,
		                                  &st, err, sizeof(err)) == 0)
			CHECK(st.selected <= st.packets);
	}
	fclose(null);
	return 0;
}
