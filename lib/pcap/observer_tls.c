/*
 * observer_tls.c - the TLS record layer of a captured connection (RFC 5246
 * 6.2, 7.4; RFC 8446 4, 5): records of both sides framed with
 * lib/wire/tlsrec.c, the handshake read where it is in the clear (the
 * hellos, and TLS 1.2's Certificate), alerts and who sent them, and with a
 * key log the records decrypted (tlsdec.c) and their plaintext handed to
 * CredSSP or RDP.
 *
 * When the handshake completes: TLS 1.2 and older, once each side's
 * record after its ChangeCipherSpec (its Finished) went by; TLS 1.3, at
 * the client's Finished, which without keys is its first record of type
 * application_data after the ServerHello.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap/certchain.h"
#include "pcap/observer_int.h"
#include "pcap/tlsdec.h"
#include "probe/tls.h"
#include "wire/tlshello.h"
#include "wire/tlsrec.h"

#define HS_CLIENT_HELLO 1
#define HS_SERVER_HELLO 2
#define HS_CERTIFICATE 11
#define HS_SERVER_HELLO_DONE 14
#define HS_FINISHED 20
#define HS_KEY_UPDATE 24

#define EXT_SERVER_NAME 0
#define EXT_SUPPORTED_VERSIONS 43

/* RFC 8446 4.1.3: the ServerHello.random of a HelloRetryRequest. */
static const uint8_t hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
    0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
    0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

static const char *
side_name(int side)
{
	return side == CLI ? "client" : "server";
}

static struct rdd__tls_hs *
hs_state(struct rdd_observer *o)
{
	if (o->hs == NULL)
		o->hs = calloc(1, sizeof(*o->hs));
	return o->hs;
}

void
rdd__tls_free_state(struct rdd_observer *o)
{
	int i;

	rdd_tlsdec_free(o->dec);
	o->dec = NULL;
	for (i = 0; o->hs != NULL && i < 2; i++)
		free(o->hs->msgs[i].mem);
	free(o->hs);
	o->hs = NULL;
}

/* --- the hellos ------------------------------------------------------------ */

static void
client_hello(struct rdd_observer *o, struct rdd_cur c,
             const struct rdd_tcp_meta *m)
{
	struct rdd__tls_hs *hs = o->hs;
	struct rdd_pcap_client *cl = &o->conn->cli;
	struct rdd_cur exts, ext, list, name;
	uint16_t version, n, type, len, v;
	uint8_t sid_len, comp_len, name_type, vlen;

	if (hs->have_client_hello)
		return; /* the second hello after a HelloRetryRequest */
	if (rdd_cur_u16be(&c, &version) != 0 ||
	    rdd_cur_copy(&c, hs->client_random, 32) != 0 ||
	    rdd_cur_u8(&c, &sid_len) != 0 || rdd_cur_skip(&c, sid_len) != 0 ||
	    rdd_cur_u16be(&c, &n) != 0 || rdd_cur_skip(&c, n) != 0 ||
	    rdd_cur_u8(&c, &comp_len) != 0 || rdd_cur_skip(&c, comp_len) != 0)
		return;
	hs->have_client_hello = true;
	hs->start_ms = rdd__obs_ms(o, m);
	hs->start_frame = m->frame;
	o->a->tls_start_ms = hs->start_ms;
	cl->hello_version = version;
	rdd__obs_evidence(o, "TLS ClientHello", m, true);
	rdd__obs_pdu(o, CLI, "the TLS ClientHello", m);
	if (rdd_cur_u16be(&c, &n) != 0 || rdd_cur_sub(&c, n, &exts) != 0)
		return;
	while (rdd_cur_u16be(&exts, &type) == 0 &&
	       rdd_cur_u16be(&exts, &len) == 0 &&
	       rdd_cur_sub(&exts, len, &ext) == 0) {
		if (type == EXT_SERVER_NAME && rdd_cur_u16be(&ext, &n) == 0 &&
		    rdd_cur_sub(&ext, n, &list) == 0 &&
		    rdd_cur_u8(&list, &name_type) == 0 && name_type == 0 &&
		    rdd_cur_u16be(&list, &n) == 0 &&
		    rdd_cur_sub(&list, n, &name) == 0 && n < sizeof(cl->sni)) {
			memcpy(cl->sni, name.p, n);
			cl->sni[n] = '\0';
			cl->has_sni = true;
		} else if (type == EXT_SUPPORTED_VERSIONS &&
		           rdd_cur_u8(&ext, &vlen) == 0) {
			while (vlen >= 2 && rdd_cur_u16be(&ext, &v) == 0) {
				vlen -= 2;
				/* GREASE values are 0x?A?A. */
				if ((v & 0x0F0F) != 0x0A0A &&
				    v > cl->hello_version && v <= 0x0304)
					cl->hello_version = v;
			}
		}
	}
}

static void
keys_for(struct rdd_observer *o)
{
	struct rdd__tls_hs *hs = o->hs;
	struct rdd_pcap_tls *t = &o->conn->tls;

	if (o->cfg.keylog == NULL || o->dec != NULL)
		return;
	o->dec = rdd_tlsdec_new(o->cfg.keylog, hs->version, hs->suite,
	                        hs->client_random, hs->server_random,
	                        t->key_detail, sizeof(t->key_detail));
	t->keys = o->dec != NULL;
}

static void
server_hello(struct rdd_observer *o, struct rdd_cur c,
             const struct rdd_tcp_meta *m)
{
	struct rdd__tls_hs *hs = o->hs;
	struct rdd_cur exts, ext;
	uint16_t legacy, suite, n, type, len, v;
	uint8_t sid_len, comp, random[32];

	if (rdd_cur_u16be(&c, &legacy) != 0 ||
	    rdd_cur_copy(&c, random, 32) != 0 ||
	    rdd_cur_u8(&c, &sid_len) != 0 || rdd_cur_skip(&c, sid_len) != 0 ||
	    rdd_cur_u16be(&c, &suite) != 0 || rdd_cur_u8(&c, &comp) != 0)
		return;
	hs->version = legacy;
	if (rdd_cur_u16be(&c, &n) == 0 && rdd_cur_sub(&c, n, &exts) == 0)
		while (rdd_cur_u16be(&exts, &type) == 0 &&
		       rdd_cur_u16be(&exts, &len) == 0 &&
		       rdd_cur_sub(&exts, len, &ext) == 0)
			if (type == EXT_SUPPORTED_VERSIONS &&
			    rdd_cur_u16be(&ext, &v) == 0)
				hs->version = v;
	if (memcmp(random, hrr_random, 32) == 0) {
		hs->hrr = true;
		rdd__obs_pdu(o, SRV, "a TLS HelloRetryRequest", m);
		return;
	}
	memcpy(hs->server_random, random, 32);
	hs->suite = suite;
	hs->have_server_hello = true;
	o->conn->tls.seen = true;
	o->conn->tls.version = hs->version;
	o->conn->tls.suite = suite;
	rdd__obs_evidence(o, "TLS ServerHello", m, false);
	rdd__obs_pdu(o, SRV, "the TLS ServerHello", m);
	if (hs->version >= RDD_TLS_V_TLS13) {
		/* Everything after the ServerHello is encrypted. */
		hs->encrypted[SRV] = hs->encrypted[CLI] = true;
	}
	keys_for(o);
}

/* Certificate: TLS 1.2 certificate_list, or TLS 1.3 (decrypted) with a
 * request context and per-entry extensions. */
static void
certificate(struct rdd_observer *o, struct rdd_cur c,
            const struct rdd_tcp_meta *m)
{
	struct rdd__tls_hs *hs = o->hs;
	struct rdd_pcap_chain chain = {0};
	struct rdd_cur list, cert;
	const struct rdd_pcap_client *cl = &o->conn->cli;
	uint32_t n;
	uint16_t elen;
	uint8_t ctx_len;

	if (hs->cert_seen)
		return;
	if (hs->version >= RDD_TLS_V_TLS13 &&
	    (rdd_cur_u8(&c, &ctx_len) != 0 || rdd_cur_skip(&c, ctx_len) != 0))
		return;
	if (rdd_cur_u24be(&c, &n) != 0 || rdd_cur_sub(&c, n, &list) != 0)
		return;
	while (chain.n < RDD_PCAP_MAX_CHAIN && rdd_cur_u24be(&list, &n) == 0 &&
	       rdd_cur_sub(&list, n, &cert) == 0) {
		chain.der[chain.n] = cert.p;
		chain.len[chain.n++] = cert.len;
		if (hs->version >= RDD_TLS_V_TLS13 &&
		    (rdd_cur_u16be(&list, &elen) != 0 ||
		     rdd_cur_skip(&list, elen) != 0))
			break;
	}
	hs->cert_seen = true;
	/* The name the client asked for is its SNI; without one the capture
	 * does not say which name the user typed. */
	rdd_pcap_chain_facts(&chain, cl->has_sni ? cl->sni : NULL,
	                     o->cfg.trust_store, o->obs->checked_at,
	                     &o->obs->tls.cert);
	rdd__obs_evidence(o, "TLS Certificate", m, false);
}

/* --- completion --------------------------------------------------------------- */

static void
handshake_done(struct rdd_observer *o, const struct rdd_tcp_meta *m)
{
	struct rdd__tls_hs *hs = o->hs;
	struct rdd_attempt *a = o->a;
	struct rdd_tls_info *ti = &o->obs->tls;
	const struct rdd_tls_suite *s = rdd_tls_suite_find(hs->suite);
	const char *vn = rdd_tls_version_name(hs->version);

	if (hs->done)
		return;
	hs->done = true;
	a->tls = RDD_TLS_OK;
	a->tls_ms = rdd__obs_ms(o, m) - hs->start_ms;
	snprintf(a->tls_detail, sizeof(a->tls_detail), "%s, %s%s",
	         vn != NULL ? vn : "TLS", s != NULL ? s->name : "suite",
	         s != NULL ? "" : " unknown");
	ti->present = true;
	snprintf(ti->attempt, sizeof(ti->attempt), "A");
	snprintf(ti->version, sizeof(ti->version), "%s", vn ? vn : "unknown");
	if (s != NULL)
		snprintf(ti->cipher, sizeof(ti->cipher), "%s", s->name);
	else
		snprintf(ti->cipher, sizeof(ti->cipher), "0x%04x",
		         (unsigned)hs->suite);
	rdd__obs_evidence(o, "TLS handshake complete", m, true);
	o->stage = o->inner[CLI] == IN_CREDSSP ? ST_CREDSSP : ST_MCS;
}

/* An alert SIDE sent: LEVEL and DESC, or -1 when encrypted. */
static void
alert(struct rdd_observer *o, int side, int level, int desc,
      const struct rdd_tcp_meta *m)
{
	struct rdd_pcap_tls *t = &o->conn->tls;
	struct rdd_attempt *a = o->a;
	const char *name = desc >= 0 ? rdd_tls_alert_name(desc) : NULL;

	if (desc == 0 && level >= 0) { /* close_notify: not a turn */
		t->close_notify[side] = true;
		return;
	}
	t->alert = true;
	t->alert_from_client = side == CLI;
	t->alert_encrypted = level < 0;
	t->alert_level = level;
	t->alert_desc = desc;
	t->alert_frame = m->frame;
	t->alert_ms = rdd__obs_ms(o, m);
	rdd__obs_evidence(o, "TLS alert", m, side == CLI);
	rdd__obs_pdu(o, side, "a TLS alert", m);
	if (o->hs->done || a->tls != RDD_TLS_NOT_RUN)
		return;
	a->tls_ms = t->alert_ms - o->hs->start_ms;
	if (side == SRV) {
		a->tls = RDD_TLS_ALERT;
		a->alert_level = (uint8_t)(level >= 0 ? level : 2);
		a->alert_desc = (uint8_t)(desc >= 0 ? desc : 0);
		snprintf(a->tls_detail, sizeof(a->tls_detail),
		         "the server sent alert %s (frame %llu)",
		         name != NULL ? name : "(encrypted)",
		         (unsigned long long)m->frame);
		return;
	}
	a->tls = RDD_TLS_ERROR;
	snprintf(a->tls_detail, sizeof(a->tls_detail),
	         "the client ended the handshake with a %s alert %s (%d) "
	         "(frame %llu)",
	         level == 1 ? "warning" : "fatal",
	         name != NULL ? name : "unknown", desc,
	         (unsigned long long)m->frame);
}

/* --- handshake messages --------------------------------------------------------- */

static void
message(struct rdd_observer *o, int side, uint8_t type, struct rdd_cur body,
        const struct rdd_tcp_meta *m)
{
	struct rdd__tls_hs *hs = o->hs;

	switch (type) {
	case HS_CLIENT_HELLO:
		if (side == CLI)
			client_hello(o, body, m);
		return;
	case HS_SERVER_HELLO:
		if (side == SRV)
			server_hello(o, body, m);
		return;
	case HS_CERTIFICATE:
		if (side == SRV)
			certificate(o, body, m);
		return;
	case HS_SERVER_HELLO_DONE:
		rdd__obs_pdu(o, SRV, "the TLS ServerHelloDone", m);
		return;
	case HS_FINISHED:
		hs->finished[side] = true;
		if (hs->version >= RDD_TLS_V_TLS13 && o->dec != NULL &&
		    rdd_tlsdec_tls13_app(o->dec, side) != 0)
			snprintf(o->conn->tls.key_detail,
			         sizeof(o->conn->tls.key_detail),
			         "the key log has no application traffic "
			         "secret of the %s",
			         side_name(side));
		rdd__obs_pdu(o, side, "the TLS Finished", m);
		if (side == CLI && hs->version >= RDD_TLS_V_TLS13)
			handshake_done(o, m);
		return;
	case HS_KEY_UPDATE:
		if (hs->version >= RDD_TLS_V_TLS13 && o->dec != NULL)
			(void)rdd_tlsdec_tls13_update(o->dec, side);
		return;
	default:
		return;
	}
}

/* Handshake bytes of SIDE: joined across records, split in messages. */
static void
handshake_bytes(struct rdd_observer *o, int side, const uint8_t *p, size_t n,
                const struct rdd_tcp_meta *m)
{
	struct rdd__stream *s = &o->hs->msgs[side];
	struct rdd_cur c, body;
	uint8_t type;
	uint32_t len;

	if (rdd__stream_append(s, p, n) != 0)
		return; /* a message larger than any sane one */
	for (;;) {
		rdd_cur_init(&c, s->p, s->len);
		if (rdd_cur_u8(&c, &type) != 0 ||
		    rdd_cur_u24be(&c, &len) != 0 ||
		    rdd_cur_sub(&c, len, &body) != 0)
			break;
		message(o, side, type, body, m);
		rdd__stream_consume(s, s->len - rdd_cur_left(&c));
	}
}

/* --- records -------------------------------------------------------------------- */

static void
count_record(struct rdd_observer *o, int side, size_t len)
{
	if (!o->hs->done)
		return;
	o->conn->tls.records[side]++;
	o->conn->tls.app_bytes[side] += len;
}

/* A record of SIDE whose keys apply: decrypt and dispatch. False when it
 * does not decrypt. */
static bool
decrypted(struct rdd_observer *o, int side, uint8_t type, uint16_t version,
          const uint8_t *frag, size_t len, const struct rdd_tcp_meta *m)
{
	static const size_t cap = RDD_TLS_RECORD_MAX;
	uint8_t *plain = malloc(cap);
	size_t n = 0;
	uint8_t inner = 0;

	if (plain == NULL)
		return false;
	if (rdd_tlsdec_open(o->dec, side, type, version, frag, len, plain, &n,
	                    &inner) != 0) {
		o->conn->tls.decrypt_errors++;
		if (o->conn->tls.decrypt_errors == 1)
			snprintf(
			    o->conn->tls.key_detail,
			    sizeof(o->conn->tls.key_detail),
			    "a %s record (frame %llu) does not decrypt with "
			    "the logged secret",
			    side_name(side), (unsigned long long)m->frame);
		free(plain);
		return false;
	}
	o->conn->tls.decrypted = true;
	switch (inner) {
	case RDD_TLS_CT_HANDSHAKE:
		if (o->hs->version < RDD_TLS_V_TLS13 && !o->hs->finished[side])
			o->hs->finished[side] = true;
		handshake_bytes(o, side, plain, n, m);
		break;
	case RDD_TLS_CT_ALERT:
		if (n >= 2)
			alert(o, side, plain[0], plain[1], m);
		break;
	case RDD_TLS_CT_APPLICATION_DATA:
		if (o->hs->done)
			rdd__obs_plain(o, side, plain, n, m);
		break;
	default:
		break;
	}
	free(plain);
	return true;
}

/* TLS <= 1.2: the handshake is complete once both Finished went by. */
static void
check_done_12(struct rdd_observer *o, const struct rdd_tcp_meta *m)
{
	struct rdd__tls_hs *hs = o->hs;

	if (hs->version < RDD_TLS_V_TLS13 && hs->finished[CLI] &&
	    hs->finished[SRV])
		handshake_done(o, m);
}

static void
record(struct rdd_observer *o, int side, const struct rdd_tlsrec *rec,
       const uint8_t *frag, size_t len, const struct rdd_tcp_meta *m)
{
	struct rdd__tls_hs *hs = o->hs;
	bool keys = o->dec != NULL && rdd_tlsdec_active(o->dec, side);

	count_record(o, side, len);
	switch (rec->type) {
	case RDD_TLS_CT_CHANGE_CIPHER_SPEC:
		/* TLS 1.3 sends one for middleboxes only. */
		if (hs->version >= RDD_TLS_V_TLS13 || hs->ccs[side])
			return;
		hs->ccs[side] = true;
		hs->encrypted[side] = true;
		if (o->dec != NULL)
			rdd_tlsdec_ccs(o->dec, side);
		return;
	case RDD_TLS_CT_HANDSHAKE:
		if (!hs->encrypted[side]) {
			handshake_bytes(o, side, frag, len, m);
			return;
		}
		if (keys &&
		    decrypted(o, side, rec->type, rec->version, frag, len, m)) {
			;
		} else if (hs->version < RDD_TLS_V_TLS13) {
			/* The encrypted Finished after ChangeCipherSpec. */
			hs->finished[side] = true;
			rdd__obs_pdu(o, side, "the TLS Finished", m);
		}
		check_done_12(o, m);
		return;
	case RDD_TLS_CT_ALERT:
		if (!hs->encrypted[side])
			alert(o, side, len >= 1 ? frag[0] : -1,
			      len >= 2 ? frag[1] : -1, m);
		else if (keys)
			decrypted(o, side, rec->type, rec->version, frag, len,
			          m);
		else
			alert(o, side, -1, -1, m);
		return;
	case RDD_TLS_CT_APPLICATION_DATA:
		if (keys &&
		    decrypted(o, side, rec->type, rec->version, frag, len, m)) {
			check_done_12(o, m);
			return;
		}
		if (hs->version >= RDD_TLS_V_TLS13 && side == CLI &&
		    hs->have_server_hello && !hs->done) {
			hs->finished[CLI] = true;
			rdd__obs_pdu(o, CLI, "the TLS Finished", m);
			handshake_done(o, m);
			return;
		}
		rdd__obs_pdu(o, side, "encrypted TLS records", m);
		return;
	default:
		return;
	}
}

static void
not_tls(struct rdd_observer *o, int side, const struct rdd_tcp_meta *m)
{
	struct rdd_attempt *a = o->a;
	struct rdd__stream *s = &o->raw[side];

	s->dead = true;
	o->raw_mode[side] = RAW_OFF;
	if (o->hs->done) {
		rdd__obs_stop(o, rdd__sess_phase(o), RDD_PCAP_INCOMPLETE,
		              "not readable: the %s's bytes at frame %llu are "
		              "not TLS records",
		              side_name(side), (unsigned long long)m->frame);
		return;
	}
	if (side == SRV && a->tls == RDD_TLS_NOT_RUN) {
		a->tls = RDD_TLS_NOT_TLS;
		a->tls_ms = rdd__obs_ms(o, m) - o->hs->start_ms;
		snprintf(a->tls_detail, sizeof(a->tls_detail),
		         "the server's answer is not TLS (first byte 0x%02x, "
		         "frame %llu)",
		         s->len > 0 ? s->p[0] : 0,
		         (unsigned long long)m->frame);
		return;
	}
	if (side == CLI)
		rdd__obs_stop(o, RDD_PHASE_TLS, RDD_PCAP_CLIENT_CLOSED,
		              "not verified: the client did not start TLS "
		              "after the server selected it (frame %llu)",
		              (unsigned long long)m->frame);
}

void
rdd__tls_records(struct rdd_observer *o, int side, const struct rdd_tcp_meta *m)
{
	struct rdd__stream *s = &o->raw[side];
	struct rdd_tlsrec rec;
	size_t whole;

	if (hs_state(o) == NULL) {
		s->dead = true;
		return;
	}
	while (!s->dead && s->len > 0) {
		switch (rdd_tlsrec_peek(s->p, s->len, &rec)) {
		case RDD_TLSREC_NEED_MORE:
			return;
		case RDD_TLSREC_NOT_TLS:
			not_tls(o, side, m);
			return;
		default:
			break;
		}
		if (rec.length > RDD_TLS_RECORD_MAX) {
			not_tls(o, side, m);
			return;
		}
		whole = 5 + (size_t)rec.length;
		if (s->len < whole)
			return;
		record(o, side, &rec, s->p + 5, rec.length, m);
		rdd__stream_consume(s, whole);
	}
}

/* --- the end ------------------------------------------------------------------ */

void
rdd__tls_end(struct rdd_observer *o)
{
	struct rdd_attempt *a = o->a;
	struct rdd__tls_hs *hs = o->hs;
	char what[RDD_STR];

	bool rst;

	if (o->stopped || a->tls != RDD_TLS_NOT_RUN)
		return;
	if ((hs == NULL || !hs->have_client_hello || o->waiting_on == CLI) &&
	    rdd__obs_server_dropped(o, what, sizeof(what), &rst)) {
		a->tls = rst ? RDD_TLS_RESET : RDD_TLS_CLOSED;
		if (hs == NULL || !hs->have_client_hello)
			a->tls_start_ms = o->last_pdu_ms[SRV];
		a->tls_ms = o->closed_ms[SRV] - a->tls_start_ms;
		snprintf(a->tls_detail, sizeof(a->tls_detail), "%s", what);
		return;
	}
	if (hs == NULL || !hs->have_client_hello) {
		rdd__obs_stop(o, RDD_PHASE_TLS,
		              o->closed[CLI] || o->closed[SRV]
		                  ? RDD_PCAP_CLIENT_CLOSED
		                  : RDD_PCAP_INCOMPLETE,
		              "not verified: the client sent no ClientHello "
		              "after the server selected TLS");
		return;
	}
	if (o->waiting_on == CLI) {
		(void)rdd__obs_end_kind(o, o->last_pdu_ms[SRV], what,
		                        sizeof(what));
		rdd__obs_stop(o, RDD_PHASE_TLS,
		              o->closed[CLI] || o->closed[SRV]
		                  ? RDD_PCAP_CLIENT_CLOSED
		                  : RDD_PCAP_INCOMPLETE,
		              "not verified: the client did not finish the "
		              "handshake after %s (%s)",
		              o->last_pdu[SRV], what);
		return;
	}
	switch (rdd__obs_end_kind(o, o->last_pdu_ms[CLI], what, sizeof(what))) {
	case END_SERVER_FIN:
		a->tls = RDD_TLS_CLOSED;
		break;
	case END_SERVER_RST:
		a->tls = RDD_TLS_RESET;
		break;
	case END_TIMEOUT:
		a->tls = RDD_TLS_TIMEOUT;
		break;
	case END_CLIENT:
		rdd__obs_stop(o, RDD_PHASE_TLS, RDD_PCAP_CLIENT_CLOSED,
		              "not verified: %s", what);
		return;
	case END_CAPTURE:
	case END_GAP:
	default:
		rdd__obs_stop(o, RDD_PHASE_TLS, RDD_PCAP_INCOMPLETE,
		              "not in the capture: %s", what);
		return;
	}
	a->tls_ms =
	    (o->closed[SRV] ? o->closed_ms[SRV] : o->last_ms) - hs->start_ms;
	snprintf(a->tls_detail, sizeof(a->tls_detail), "%.180s after %.60s",
	         what, o->last_pdu[CLI]);
}

void
rdd__tls_opaque(struct rdd_observer *o)
{
	struct rdd_pcap_tls *t = &o->conn->tls;
	const char *why;
	char alert_words[96] = "";

	if (o->hs == NULL || !o->hs->done || o->stopped ||
	    (o->dec != NULL && t->decrypted && o->inner[CLI] != IN_OFF))
		return;
	/* Nothing was sent after the handshake: nothing was hidden. */
	if (t->records[CLI] == 0 && t->records[SRV] == 0)
		return;
	if (o->inner[CLI] == IN_OFF)
		why = "RDSTLS and RDSAAD are not read";
	else if (o->cfg.keylog == NULL)
		why = "no key log given: --keylog";
	else if (t->key_detail[0] != '\0')
		why = t->key_detail;
	else
		why = "the key log's secret did not decrypt it";
	if (t->alert)
		snprintf(alert_words, sizeof(alert_words),
		         "; the %s sent %s alert at %.0f ms",
		         t->alert_from_client ? "client" : "server",
		         t->alert_encrypted ? "an encrypted" : "an",
		         t->alert_ms);
	rdd__obs_stop(
	    o, o->inner[CLI] == IN_CREDSSP ? RDD_PHASE_CREDSSP : RDD_PHASE_MCS,
	    RDD_PCAP_NOT_VISIBLE,
	    "not visible in the capture: the TLS stream is "
	    "encrypted (%.160s)",
	    why);
	snprintf(o->stop_more, sizeof(o->stop_more),
	         "after the handshake %llu records (%llu bytes) from the "
	         "client, %llu (%llu bytes) from the server%s",
	         (unsigned long long)t->records[CLI],
	         (unsigned long long)t->app_bytes[CLI],
	         (unsigned long long)t->records[SRV],
	         (unsigned long long)t->app_bytes[SRV], alert_words);
}
