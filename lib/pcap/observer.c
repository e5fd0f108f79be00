/*
 * observer.c - the passive observer (observer.h): the byte streams of
 * both sides, the framing of each layer, and the end: how the phase in
 * progress ended, the phases (rdd_plan_conclude, as for `check`), what
 * the capture could not show, and the diagnosis (rdd_diagnose).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap/observer_int.h"
#include "pcap/tlsdec.h"
#include "rdpdoctor/check.h"
#include "wire/domain.h"
#include "wire/tpkt.h"

double
rdd__obs_ms(const struct rdd_observer *o, const struct rdd_tcp_meta *m)
{
	double ms = (m->ts - o->start) * 1000.0;

	return ms > 0 ? ms : 0;
}

void
rdd__obs_evidence(struct rdd_observer *o, const char *what,
                  const struct rdd_tcp_meta *m, bool from_client)
{
	rdd_pcap_evidence_add(o->conn, what, m->frame, rdd__obs_ms(o, m),
	                      from_client);
}

void
rdd__obs_pdu(struct rdd_observer *o, int side, const char *what,
             const struct rdd_tcp_meta *m)
{
	o->last_pdu_ms[side] = rdd__obs_ms(o, m);
	snprintf(o->last_pdu[side], sizeof(o->last_pdu[side]), "%s", what);
	o->waiting_on = side == CLI ? SRV : CLI;
}

void
rdd__obs_stop(struct rdd_observer *o, enum rdd_phase phase,
              enum rdd_pcap_status status, const char *fmt, ...)
{
	va_list ap;

	if (o->stopped)
		return;
	o->stopped = true;
	o->stop_phase = phase;
	o->stop_status = status;
	va_start(ap, fmt);
	vsnprintf(o->stop_detail, sizeof(o->stop_detail), fmt, ap);
	va_end(ap);
}

int
rdd__stream_append(struct rdd__stream *s, const uint8_t *p, size_t n)
{
	uint8_t *np;
	size_t cap;

	if (s->dead)
		return -1;
	if (n == 0)
		return 0;
	if (n > RDD__OBS_STREAM_MAX - s->len) {
		s->dead = true;
		return -1;
	}
	if (s->mem == NULL)
		s->p = NULL;
	/* Room at the end: move the unread bytes down first, then grow. */
	if (s->mem != NULL && n > s->cap - (size_t)(s->p - s->mem) - s->len) {
		memmove(s->mem, s->p, s->len);
		s->p = s->mem;
	}
	if (s->mem == NULL || s->len + n > s->cap) {
		cap = s->cap == 0 ? 4096 : s->cap;
		while (cap < s->len + n)
			cap *= 2;
		if (cap > RDD__OBS_STREAM_MAX)
			cap = RDD__OBS_STREAM_MAX;
		np = realloc(s->mem, cap);
		if (np == NULL) {
			s->dead = true;
			return -1;
		}
		s->mem = np;
		s->p = np;
		s->cap = cap;
	}
	memcpy(s->p + s->len, p, n);
	s->len += n;
	return 0;
}

void
rdd__stream_consume(struct rdd__stream *s, size_t n)
{
	if (n >= s->len) {
		s->len = 0;
		s->p = s->mem;
		return;
	}
	s->p += n;
	s->len -= n;
}

static void
stream_free(struct rdd__stream *s)
{
	free(s->mem);
	memset(s, 0, sizeof(*s));
}

struct rdd_observer *
rdd_observer_new(const struct rdd_observer_config *cfg,
                 struct rdd_pcap_conn *conn, double start)
{
	struct rdd_observer *o = calloc(1, sizeof(*o));
	struct rdd_attempt *a;

	if (o == NULL)
		return NULL;
	o->cfg = *cfg;
	if (o->cfg.timeout_s <= 0)
		o->cfg.timeout_s = 5;
	o->conn = conn;
	o->obs = &conn->obs;
	o->start = start;
	o->waiting_on = -1;
	rdd_observation_init(o->obs);
	o->obs->n_attempts = 1;
	a = o->a = &o->obs->attempts[0];
	snprintf(a->label, sizeof(a->label), "A");
	a->tls_wanted = true;
	a->mcs_result = -1;
	snprintf(a->address, sizeof(a->address), "%s", conn->server.addr);
	snprintf(o->obs->host, sizeof(o->obs->host), "%s", conn->server.addr);
	snprintf(o->obs->address, sizeof(o->obs->address), "%s",
	         conn->server.addr);
	o->obs->host_is_address = true;
	o->obs->port = conn->server.port;
	o->obs->checked_at = (int64_t)start;
	o->obs->timeout_s = o->cfg.timeout_s;
	conn->status_phase = -1;
	return o;
}

void
rdd_observer_free(struct rdd_observer *o)
{
	int i;

	if (o == NULL)
		return;
	for (i = 0; i < 2; i++) {
		stream_free(&o->raw[i]);
		stream_free(&o->plain[i]);
	}
	rdd__tls_free_state(o);
	free(o);
}

/* --- framing ------------------------------------------------------------ */

void
rdd__obs_rdp_stream(struct rdd_observer *o, int side, struct rdd__stream *s,
                    const struct rdd_tcp_meta *m)
{
	struct rdd_cur payload;
	size_t n;

	while (!s->dead && s->len > 0 && o->stage != ST_DONE) {
		if (s->p[0] == 0x03) {
			switch (rdd_tpkt_frame(s->p, s->len, &n, &payload)) {
			case RDD_TPKT_OK:
				rdd__mcs_tpkt(o, side, payload.p, payload.len,
				              m);
				rdd__stream_consume(s, n);
				continue;
			case RDD_TPKT_NEED_MORE:
				return;
			case RDD_TPKT_NOT_TPKT:
			case RDD_TPKT_BAD_LENGTH:
			default:
				break;
			}
		} else {
			switch (rdd_fastpath_frame(s->p, s->len, &n)) {
			case RDD_FASTPATH_OK:
				rdd__sess_fastpath(o, side, m);
				rdd__stream_consume(s, n);
				continue;
			case RDD_FASTPATH_NEED_MORE:
				return;
			case RDD_FASTPATH_BAD:
			default:
				break;
			}
		}
		/* Neither TPKT nor fast-path: nothing after it can be framed. */
		s->dead = true;
		rdd__obs_stop(o, rdd__sess_phase(o), RDD_PCAP_INCOMPLETE,
		              "not readable: the %s's bytes at frame %llu are "
		              "neither TPKT nor fast-path",
		              side == CLI ? "client" : "server",
		              (unsigned long long)m->frame);
	}
}

static void
raw_x224(struct rdd_observer *o, int side, const struct rdd_tcp_meta *m)
{
	struct rdd__stream *s = &o->raw[side];
	size_t n;

	switch (rdd_tpkt_frame(s->p, s->len, &n, NULL)) {
	case RDD_TPKT_OK:
		rdd__x224_pdu(o, side, s->p, n, m);
		rdd__stream_consume(s, n);
		return;
	case RDD_TPKT_NEED_MORE:
		return;
	case RDD_TPKT_NOT_TPKT:
	case RDD_TPKT_BAD_LENGTH:
	default:
		/* The client may go on (TLS) before the Confirm is read. */
		if (side == CLI && o->cr)
			return;
		if (side == SRV)
			rdd__x224_not_rdp(o, s->p, s->len, m,
			                  s->len > 0 && s->p[0] == 0x03);
		s->dead = true;
		o->raw_mode[side] = RAW_OFF;
		return;
	}
}

static void
raw_stream(struct rdd_observer *o, int side, const struct rdd_tcp_meta *m)
{
	struct rdd__stream *s = &o->raw[side];
	enum rdd__raw_mode before;
	size_t len_before;

	while (!s->dead && s->len > 0 && o->stage != ST_DONE) {
		before = o->raw_mode[side];
		len_before = s->len;
		switch (before) {
		case RAW_X224:
			raw_x224(o, side, m);
			break;
		case RAW_TLS:
			rdd__tls_records(o, side, m);
			break;
		case RAW_RDP:
			rdd__obs_rdp_stream(o, side, s, m);
			break;
		case RAW_OFF:
		default:
			s->len = 0;
			break;
		}
		/* Go round only when a layer changed or bytes went. */
		if (o->raw_mode[side] == before && s->len == len_before)
			break;
	}
}

void
rdd__obs_plain(struct rdd_observer *o, int side, const uint8_t *p, size_t n,
               const struct rdd_tcp_meta *m)
{
	struct rdd__stream *s = &o->plain[side];
	enum rdd__inner_mode before;
	size_t len_before;

	if (o->inner[side] == IN_OFF || rdd__stream_append(s, p, n) != 0)
		return;
	while (!s->dead && s->len > 0 && o->stage != ST_DONE) {
		before = o->inner[side];
		len_before = s->len;
		switch (before) {
		case IN_CREDSSP:
		case IN_EARLY:
			rdd__nla_stream(o, side, m);
			break;
		case IN_RDP:
			rdd__obs_rdp_stream(o, side, s, m);
			break;
		case IN_OFF:
		default:
			s->len = 0;
			break;
		}
		if (o->inner[side] == before && s->len == len_before)
			break;
	}
}

/* --- what the capture tells ---------------------------------------------- */

void
rdd_observer_packet(struct rdd_observer *o, const struct rdd_tcp_meta *m)
{
	o->last_ms = rdd__obs_ms(o, m);
}

void
rdd_observer_data(struct rdd_observer *o, bool from_client, const uint8_t *p,
                  size_t n, const struct rdd_tcp_meta *m)
{
	int side = from_client ? CLI : SRV;

	if (o->stage == ST_DONE || o->raw_mode[side] == RAW_OFF)
		return;
	if (o->raw[side].dead || o->gap[side])
		return;
	o->raw_meta[side] = *m;
	if (rdd__stream_append(&o->raw[side], p, n) != 0) {
		rdd__obs_stop(o, rdd__sess_phase(o), RDD_PCAP_INCOMPLETE,
		              "not readable: the %s sent a unit larger than "
		              "any RDP PDU (frame %llu)",
		              from_client ? "client" : "server",
		              (unsigned long long)m->frame);
		return;
	}
	raw_stream(o, side, m);
	/* The other side's bytes may have waited for a change of layer. */
	if (o->raw[!side].len > 0)
		raw_stream(o, !side, &o->raw_meta[!side]);
}

void
rdd_observer_gap(struct rdd_observer *o, bool from_client, size_t n,
                 const struct rdd_tcp_meta *m)
{
	int side = from_client ? CLI : SRV;

	if (o->gap[side])
		return;
	o->gap[side] = true;
	o->gap_ms[side] = rdd__obs_ms(o, m);
	o->gap_frame[side] = m->frame;
	o->gap_bytes[side] = n;
	o->raw[side].dead = true;
	rdd__obs_evidence(o, "hole in the capture", m, from_client);
}

void
rdd_observer_closed(struct rdd_observer *o, bool from_client, bool rst,
                    const struct rdd_tcp_meta *m)
{
	int side = from_client ? CLI : SRV;

	if (o->closed[side])
		return;
	o->closed[side] = true;
	o->reset[side] = rst;
	o->closed_ms[side] = rdd__obs_ms(o, m);
	o->closed_frame[side] = m->frame;
	rdd__obs_evidence(o, rst ? "reset (RST)" : "close (FIN)", m,
	                  from_client);
}

void
rdd_observer_close_answered(struct rdd_observer *o, bool from_client)
{
	o->answered[from_client ? CLI : SRV] = true;
}

/* --- the end -------------------------------------------------------------- */

/* A capture can show two closes a fraction of a millisecond apart in the
 * wrong order (a span port, or captures merged from two taps): a close
 * that acknowledged the other side's FIN came after it. Otherwise the
 * capture's times decide, the client's first on a tie. */
int
rdd__obs_first_closer(const struct rdd_observer *o)
{
	if (!o->closed[CLI] || !o->closed[SRV])
		return o->closed[CLI] ? CLI : o->closed[SRV] ? SRV : -1;
	if (o->answered[CLI] != o->answered[SRV])
		return o->answered[CLI] ? SRV : CLI;
	return o->closed_ms[CLI] <= o->closed_ms[SRV] ? CLI : SRV;
}

enum rdd__end_kind
rdd__obs_end_kind(const struct rdd_observer *o, double since_ms, char *what,
                  size_t cap)
{
	double tmo = o->cfg.timeout_s * 1000.0, first_close = -1, t;
	int first = rdd__obs_first_closer(o), s;

	if (first >= 0)
		first_close = o->closed_ms[first];
	/* A hole before the end: what followed it is unknown. */
	for (s = 0; s < 2; s++)
		if (o->gap[s] && (first < 0 || o->gap_ms[s] <= first_close)) {
			snprintf(what, cap,
			         "%zu bytes from the %s are missing from the "
			         "capture (frame %llu)",
			         o->gap_bytes[s],
			         s == CLI ? "client" : "server",
			         (unsigned long long)o->gap_frame[s]);
			return END_GAP;
		}
	if (first == SRV) {
		snprintf(what, cap,
		         "the server %s the connection %.0f ms later",
		         o->reset[SRV] ? "reset (RST)" : "closed (FIN)",
		         first_close - since_ms);
		return o->reset[SRV] ? END_SERVER_RST : END_SERVER_FIN;
	}
	t = first == CLI ? first_close : o->last_ms;
	if (t - since_ms >= tmo) {
		snprintf(what, cap, "no answer in %.0f ms%s", t - since_ms,
		         first == CLI
		             ? (o->reset[CLI] ? "; then the client reset the "
		                                "connection (RST)"
		                              : "; then the client closed the "
		                                "connection (FIN)")
		             : " (the capture runs on)");
		return END_TIMEOUT;
	}
	if (first == CLI) {
		snprintf(what, cap,
		         "the client %s the connection %.0f ms later, before "
		         "an answer",
		         o->reset[CLI] ? "reset (RST)" : "closed (FIN)",
		         t - since_ms);
		return END_CLIENT;
	}
	snprintf(what, cap, "the capture ends %.0f ms later, before an answer",
	         t - since_ms);
	return END_CAPTURE;
}

bool
rdd__obs_server_dropped(const struct rdd_observer *o, char *what, size_t cap,
                        bool *reset)
{
	double since = o->last_pdu_ms[SRV];

	if (rdd__obs_first_closer(o) != SRV)
		return false;
	if (o->gap[CLI] || o->gap[SRV])
		return false;
	if (o->closed_ms[SRV] - since >= o->cfg.timeout_s * 1000.0)
		return false;
	*reset = o->reset[SRV];
	snprintf(what, cap,
	         "the server %s the connection %.1f ms after %.60s, before the "
	         "client went on",
	         o->reset[SRV] ? "reset (RST)" : "closed (FIN)",
	         o->closed_ms[SRV] - since,
	         o->last_pdu[SRV][0] ? o->last_pdu[SRV] : "its last PDU");
	return true;
}

/* A phase that exists on this connection's path. */
static bool
on_path(const struct rdd_observer *o, enum rdd_phase p)
{
	const struct rdd_attempt *a = o->a;
	bool nla =
	    a->x224 == RDD_X224_RSP && (a->selected == RDD_PROTO_HYBRID ||
	                                a->selected == RDD_PROTO_HYBRID_EX);

	switch (p) {
	case RDD_PHASE_TLS:
		return o->tls_selected;
	case RDD_PHASE_CREDSSP:
		return nla;
	case RDD_PHASE_MCS:
	case RDD_PHASE_LICENSING:
	case RDD_PHASE_ACTIVATION:
		return true;
	default:
		return false;
	}
}

/* Phases from the stop on: not verified, for the reason given. A phase
 * the capture showed ok stays ok, one that failed ends the walk. */
static void
stop_fixups(struct rdd_observer *o)
{
	struct rdd_phase_result *ph;
	int p;

	if (!o->stopped)
		return;
	for (p = o->stop_phase; p <= RDD_PHASE_ACTIVATION; p++) {
		ph = &o->obs->phases[p];
		if (ph->present && (ph->status == RDD_STATUS_FAILED ||
		                    ph->status == RDD_STATUS_TIMEOUT))
			return;
		if (!on_path(o, (enum rdd_phase)p) ||
		    (ph->present && ph->status == RDD_STATUS_OK))
			continue;
		ph->present = true;
		ph->status = RDD_STATUS_SKIPPED;
		ph->start_ms = 0;
		ph->ms = 0;
		snprintf(ph->detail, sizeof(ph->detail), "%s", o->stop_detail);
	}
}

static enum rdd_pcap_status
status_of(struct rdd_observer *o, int *phase)
{
	const struct rdd_diagnosis *d = o->conn->diag;
	const struct rdd_observation *obs = o->obs;
	int p;

	if (d->status == RDD_VERDICT_CRITICAL && d->failed_phase >= 0) {
		*phase = d->failed_phase;
		return RDD_PCAP_FAILED;
	}
	if (obs->phases[RDD_PHASE_ACTIVATION].status == RDD_STATUS_OK) {
		*phase = RDD_PHASE_ACTIVATION;
		return RDD_PCAP_OK;
	}
	if (o->stopped) {
		*phase = o->stop_phase;
		return o->stop_status;
	}
	*phase = -1;
	for (p = RDD_PHASE_TCP; p <= RDD_PHASE_ACTIVATION; p++)
		if (obs->phases[p].present &&
		    obs->phases[p].status != RDD_STATUS_OK) {
			*phase = p;
			break;
		}
	return RDD_PCAP_INCOMPLETE;
}

/* How the connection ended, in words, for the report. */
static void
ending(struct rdd_observer *o)
{
	struct rdd_pcap_conn *c = o->conn;
	char *e = c->ending;
	size_t cap = sizeof(c->ending), off;
	int first = rdd__obs_first_closer(o), last;

	if (first < 0)
		snprintf(e, cap,
		         "still open when the capture ends (%.0f ms after "
		         "its first packet)",
		         o->last_ms);
	else
		snprintf(e, cap, "%s %s it at %.1f ms (frame %llu)",
		         first == CLI ? "the client" : "the server",
		         o->reset[first] ? "reset (RST)" : "closed (FIN)",
		         o->closed_ms[first],
		         (unsigned long long)o->closed_frame[first]);
	if (o->last_pdu[CLI][0] == '\0' && o->last_pdu[SRV][0] == '\0')
		return;
	last = o->last_pdu[SRV][0] != '\0' &&
	               (o->last_pdu[CLI][0] == '\0' ||
	                o->last_pdu_ms[SRV] >= o->last_pdu_ms[CLI])
	           ? SRV
	           : CLI;
	off = strlen(e);
	snprintf(e + off, cap - off, "; the last PDU read: %s from the %s",
	         o->last_pdu[last], last == CLI ? "client" : "server");
}

void
rdd_observer_finish(struct rdd_observer *o, double end)
{
	struct rdd_observation *obs = o->obs;
	double end_ms = (end - o->start) * 1000.0;
	int phase = -1;

	if (o->stage == ST_DONE)
		return;
	if (end_ms > o->last_ms)
		o->last_ms = end_ms;
	ending(o);
	rdd__tls_opaque(o);
	switch (o->stage) {
	case ST_TCP:
	case ST_X224:
		rdd__x224_end(o);
		break;
	case ST_TLS:
		rdd__tls_end(o);
		break;
	case ST_CREDSSP:
		rdd__nla_end(o);
		break;
	case ST_MCS:
		rdd__mcs_end(o);
		break;
	case ST_SESSION:
	case ST_ACTIVE:
		rdd__sess_end(o);
		break;
	case ST_DONE:
	default:
		break;
	}
	o->stage = ST_DONE;
	obs->total_ms = o->last_ms;
	rdd_plan_conclude(obs);
	/* No name was resolved: the capture shows addresses. */
	obs->phases[RDD_PHASE_RESOLVE].present = false;
	stop_fixups(o);
	snprintf(o->conn->not_visible, sizeof(o->conn->not_visible),
	         "%.250s%s%.250s", o->stopped ? o->stop_detail : "",
	         o->stopped && o->stop_more[0] ? "; " : "",
	         o->stopped ? o->stop_more : "");
	rdd_diagnose(obs, o->conn->diag);
	o->conn->status = status_of(o, &phase);
	o->conn->status_phase = phase;
}
