/*
 * capture.c - the capture file through libpcap (capture.h). libpcap reads
 * pcap and pcapng (with nanosecond timestamps where the file has them)
 * and compiles the BPF filter, which is applied here packet by packet
 * (pcap_offline_filter) so that filtered packets still count in the frame
 * numbers.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "pcap/capture.h"
#include "pcap/packet.h"

static double
ts_of(const struct pcap_pkthdr *h, bool nano)
{
	return (double)h->ts.tv_sec +
	       (double)h->ts.tv_usec / (nano ? 1e9 : 1e6);
}

int
rdd_capture_read(FILE *f, const struct rdd_capture_options *opt,
                 rdd_flows_cb cb, void *ctx, struct rdd_capture_stats *st,
                 char *err, size_t errcap)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct rdd_observer_config cfg = {0};
	struct bpf_program prog;
	struct pcap_pkthdr *h;
	const u_char *data;
	struct rdd_flows *flows = NULL;
	struct rdd_ipfrag *frag = NULL;
	struct rdd_pkt pkt, whole;
	enum rdd_pkt_result r;
	bool have_prog = false, nano;
	const char *name;
	pcap_t *p;
	double ts;
	int dlt, rc = -1, n;

	memset(st, 0, sizeof(*st));
	p = pcap_fopen_offline_with_tstamp_precision(
	    f, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (p == NULL) {
		snprintf(err, errcap, "not a capture libpcap can read: %s",
		         ebuf);
		fclose(f);
		return -1;
	}
	nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	dlt = pcap_datalink(p);
	st->linktype = dlt;
	st->snaplen = pcap_snapshot(p);
	name = pcap_datalink_val_to_name(dlt);
	snprintf(st->linktype_name, sizeof(st->linktype_name), "%s",
	         name != NULL ? name : "unknown");
	if (!rdd_pkt_dlt_supported(dlt)) {
		snprintf(
		    err, errcap,
		    "link type %d (%s) is not one rdpdoctor reads "
		    "(EN10MB, LINUX_SLL, LINUX_SLL2, RAW, IPV4, IPV6, NULL, "
		    "LOOP)",
		    dlt, st->linktype_name);
		goto out;
	}
	if (opt->filter != NULL) {
		if (pcap_compile(p, &prog, opt->filter, 1,
		                 PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(err, errcap, "bad filter: %s", pcap_geterr(p));
			goto out;
		}
		have_prog = true;
	}
	cfg.keylog = opt->keylog;
	cfg.trust_store = opt->trust_store;
	cfg.timeout_s = opt->timeout_s > 0 ? opt->timeout_s : 5;
	flows = rdd_flows_new(&cfg, cb, ctx);
	frag = rdd_ipfrag_new();
	if (flows == NULL || frag == NULL) {
		snprintf(err, errcap, "out of memory");
		goto out;
	}
	while ((n = pcap_next_ex(p, &h, &data)) == 1) {
		st->packets++;
		ts = ts_of(h, nano);
		if (st->packets == 1)
			st->first_ts = ts;
		if (ts > st->last_ts)
			st->last_ts = ts;
		if (have_prog && pcap_offline_filter(&prog, h, data) == 0)
			continue;
		st->selected++;
		r = rdd_pkt_decode(dlt, data, h->caplen, &pkt);
		if (r == RDD_PKT_FRAGMENT) {
			if (!rdd_ipfrag_add(frag, &pkt, ts, &whole, &r))
				continue;
			pkt = whole;
		}
		switch (r) {
		case RDD_PKT_TCP:
		case RDD_PKT_UDP:
			st->decoded++;
			rdd_flows_packet(flows, &pkt, st->packets, ts);
			break;
		case RDD_PKT_MALFORMED:
			st->malformed++;
			break;
		case RDD_PKT_TRUNCATED:
			st->truncated++;
			break;
		case RDD_PKT_OTHER:
		case RDD_PKT_FRAGMENT:
		default:
			st->other++;
			break;
		}
	}
	if (n == PCAP_ERROR) {
		st->cut_short = true;
		snprintf(st->read_error, sizeof(st->read_error), "%s",
		         pcap_geterr(p));
	}
	rdd_flows_finish(flows, st->last_ts);
	rdd_flows_stats(flows, &st->flows);
	rdd_ipfrag_stats(frag, &st->frag);
	rc = 0;
out:
	rdd_flows_free(flows);
	rdd_ipfrag_free(frag);
	if (have_prog)
		pcap_freecode(&prog);
	pcap_close(p); /* and F with it */
	return rc;
}
