/*
 * gateway_http.c - the gateway walk's HTTP step (gateway_int.h): the
 * RDG_OUT_DATA request with the WebSocket upgrade, the 401 sign-in with
 * NTLM on the same connection (reference 5.2: NEGOTIATE sent with the
 * first request, as FreeRDP and mstsc do; the AUTHENTICATE carries the
 * SPN HTTP/<gateway> and the tls-server-end-point channel binding), and
 * the answer that ends it: 101 (WebSocket), 200 (the legacy transport),
 * 401 after AUTHENTICATE, another status; after a 404 one RPC_IN_DATA on
 * /rpc/rpcproxy.dll tells an RPC-over-HTTP-only gateway (reference 1.5).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "probe/gateway_int.h"
#include "probe/nla.h"

#define REQ_CAP 16384
#define CHALLENGE_CAP 4096
#define CERT_CAP 16384
/* Seconds from 1601-01-01 to 1970-01-01. */
#define FILETIME_EPOCH 11644473600ULL

int
rdd__gw_cbt(const uint8_t *der, size_t der_len, uint8_t out[16])
{
	static const char prefix[] = "tls-server-end-point:";
	const unsigned char *q = der;
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;
	uint8_t zeros[16] = {0}, len_le[4];
	const EVP_MD *md = NULL;
	int md_nid = NID_undef, pk_nid = NID_undef;
	size_t app_len;
	X509 *x;
	int rc = -1;

	if (der == NULL || der_len == 0 || der_len > 0x7fffffff)
		return -1;
	x = d2i_X509(NULL, &q, (long)der_len);
	if (x == NULL)
		return -1;
	if (OBJ_find_sigid_algs(X509_get_signature_nid(x), &md_nid, &pk_nid) ==
	        1 &&
	    md_nid != NID_md5 && md_nid != NID_sha1 && md_nid != NID_undef)
		md = EVP_get_digestbynid(md_nid);
	if (md == NULL)
		md = EVP_sha256();
	if (X509_digest(x, md, hash, &hlen) == 1 && hlen > 0) {
		struct rdd_iov parts[4];

		app_len = sizeof(prefix) - 1 + hlen;
		len_le[0] = (uint8_t)app_len;
		len_le[1] = (uint8_t)(app_len >> 8);
		len_le[2] = 0;
		len_le[3] = 0;
		parts[0] = (struct rdd_iov){zeros, sizeof(zeros)};
		parts[1] = (struct rdd_iov){len_le, sizeof(len_le)};
		parts[2] = (struct rdd_iov){prefix, sizeof(prefix) - 1};
		parts[3] = (struct rdd_iov){hash, hlen};
		rc = rdd_md5(out, parts, 4);
	}
	X509_free(x);
	return rc;
}

/* "{8-4-4-4-12}" from 16 random bytes. */
static void
make_guid(struct rdd_gw *g, const uint8_t *r)
{
	snprintf(g->conn_id, sizeof(g->conn_id),
	         "{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X"
	         "%02X%02X}",
	         r[0], r[1], r[2], r[3], r[4], r[5], (r[6] & 0x0f) | 0x40, r[7],
	         (r[8] & 0x3f) | 0x80, r[9], r[10], r[11], r[12], r[13], r[14],
	         r[15]);
}

void
rdd__gw_req_init(const struct rdd_gw *g, struct rdd_rdg_req *q,
                 enum rdd_rdg_method method, enum gw_req req,
                 const uint8_t *token, size_t token_len)
{
	memset(q, 0, sizeof(*q));
	q->method = method;
	q->host = g->cfg.gateway_host;
	q->conn_id = g->conn_id;
	q->user_agent = "MS-RDGateway/1.0";
	if (token == NULL)
		return;
	q->auth_scheme = req == GW_REQ_NEGO || req == GW_REQ_NEGO_AUTH
	                     ? "Negotiate"
	                     : "NTLM";
	q->auth_token = token;
	q->auth_len = token_len;
}

static int
send_rdg(struct rdd_gw *g, const uint8_t *token, size_t token_len, uint64_t now)
{
	uint8_t buf[REQ_CAP];
	struct rdd_buf b;
	struct rdd_rdg_req q;

	rdd__gw_req_init(g, &q, RDD_RDG_OUT_DATA, g->req, token, token_len);
	q.ws_key = g->ws_key;
	rdd_buf_init(&b, buf, sizeof(buf));
	if (rdd_rdg_build_request(&b, &q) != 0 || b.err) {
		rdd__gw_fail(g, RDD_GW_ERROR, now,
		             "could not build the RDG_OUT_DATA request (the "
		             "gateway's name must be printable ASCII)");
		return -1;
	}
	g->info->requests++;
	rdd__gw_tracef(
	    g, "-> RDG_OUT_DATA /remoteDesktopGateway/ (WebSocket upgrade%s)",
	    token == NULL            ? ", no sign-in"
	    : g->req == GW_REQ_FIRST ? ", NTLM NEGOTIATE"
	    : g->req == GW_REQ_NEGO  ? ", Negotiate: NTLM NEGOTIATE in SPNEGO"
	    : g->req == GW_REQ_NEGO_AUTH ? ", Negotiate: NTLM AUTHENTICATE in "
	                                   "SPNEGO with mechListMIC"
	                                 : ", NTLM AUTHENTICATE");
	return rdd__gw_write(g, buf, b.len, now);
}

bool
rdd__gw_skip_body(const struct rdd_http_resp *r, bool *skipping,
                  struct rdd_http_body *body)
{
	enum rdd_http_framing f = rdd_http_resp_framing(r);

	if (f == RDD_HTTP_BODY_CLOSE)
		return false;
	*skipping = f != RDD_HTTP_BODY_NONE;
	rdd_http_body_init(body, f, r->length);
	return true;
}

struct gw_auth_conn
rdd__gw_auth_out(struct rdd_gw *g)
{
	struct gw_auth_conn c = {.resp = &g->resp,
	                         .req = &g->req,
	                         .sec = &g->nego_sec,
	                         .cbt = g->have_cbt ? g->cbt : NULL,
	                         .send = send_rdg,
	                         .skipping = &g->skipping,
	                         .body = &g->body,
	                         .in = false};

	return c;
}

static int
send_rpc_probe(struct rdd_gw *g, uint64_t now)
{
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof(buf),
	             "RPC_IN_DATA /rpc/rpcproxy.dll?localhost:3388 HTTP/1.1\r\n"
	             "Host: %s\r\n"
	             "Accept: application/rpc\r\n"
	             "User-Agent: MSRPC\r\n"
	             "Cache-Control: no-cache\r\n"
	             "Connection: Keep-Alive\r\n"
	             "Content-Length: 0\r\n\r\n",
	             g->cfg.gateway_host);
	if (n <= 0 || (size_t)n >= sizeof(buf)) {
		rdd__gw_fail(g, RDD_GW_ERROR, now, "gateway name too long");
		return -1;
	}
	g->req = GW_REQ_RPC;
	g->info->requests++;
	rdd__gw_tracef(
	    g, "-> RPC_IN_DATA /rpc/rpcproxy.dll (is it an RPC-over-HTTP "
	       "gateway?)");
	return rdd__gw_write(g, (const uint8_t *)buf, (size_t)n, now);
}

void
rdd__gw_http_begin(struct rdd_gw *g, uint64_t now)
{
	static const struct rdd_ntlm_version v = {
	    RDD_NLA_CLIENT_MAJOR, RDD_NLA_CLIENT_MINOR, RDD_NLA_CLIENT_BUILD,
	    RDD_NTLM_REVISION_W2K3};
	uint8_t rnd[32], der[CERT_CAP];
	struct rdd_buf b;
	size_t der_len;
	int k;

	/* The GUID and the WebSocket key. */
	if (g->cfg.fixed_random != NULL) {
		memcpy(rnd, g->cfg.fixed_random, sizeof(rnd));
	} else if (rdd_random_bytes(rnd, sizeof(rnd)) != 0) {
		rdd__gw_fail(g, RDD_GW_ERROR, now, "no randomness");
		return;
	}
	make_guid(g, rnd);
	k = rdd_b64_encode(g->ws_key, sizeof(g->ws_key), rnd + 16, 16);
	if (k < 0) {
		rdd__gw_fail(g, RDD_GW_ERROR, now, "WebSocket key");
		return;
	}
	der_len = rdd__tls_peer_cert_der(g->tls, der, sizeof(der));
	g->have_cbt = der_len > 0 && rdd__gw_cbt(der, der_len, g->cbt) == 0;
	g->req = GW_REQ_FIRST;
	if (g->cfg.credentials == NULL) {
		(void)send_rdg(g, NULL, 0, now);
		return;
	}
	rdd_buf_init(&b, g->negotiate, sizeof(g->negotiate));
	if (rdd_ntlm_build_negotiate(&b, RDD_NTLM_PROBE_FLAGS, &v) != 0 ||
	    b.err) {
		rdd__gw_fail(g, RDD_GW_ERROR, now, "NTLM NEGOTIATE");
		return;
	}
	g->negotiate_len = b.len;
	rdd__gw_auth_note(g, "NTLM", "ntlm",
	                  "NTLM sent with the first request, as FreeRDP does");
	(void)send_rdg(g, g->negotiate, g->negotiate_len, now);
}

int
rdd__gw_ntlm_build(struct rdd_gw *g, const uint8_t *chal, size_t chal_len,
                   const uint8_t *cbt, bool nego, const char *where,
                   struct rdd_buf *out, struct rdd_ntlm_sec *sec, uint64_t now)
{
	const struct rdd_credentials *cr = g->cfg.credentials;
	char spn[RDD_STR + 8];
	struct rdd_ntlm_auth_input in;
	enum rdd_ntlm_auth_result r;
	uint32_t missing = 0;
	uint8_t rnd[24];

	snprintf(spn, sizeof(spn), "HTTP/%s", g->cfg.gateway_host);
	rdd__gw_random(g, rnd, sizeof(rnd));
	memset(&in, 0, sizeof(in));
	in.negotiate = g->negotiate;
	in.negotiate_len = g->negotiate_len;
	in.challenge = chal;
	in.challenge_len = chal_len;
	in.user = cr->user;
	in.domain = cr->domain;
	in.password = cr->password != NULL ? cr->password : "";
	in.workstation = "";
	in.target_spn = spn;
	in.channel_bindings = cbt;
	in.now_filetime =
	    ((uint64_t)(g->cfg.verify_at > 0 ? g->cfg.verify_at : 0) +
	     FILETIME_EPOCH) *
	    10000000ULL;
	memcpy(in.client_challenge, rnd, 8);
	memcpy(in.exported_session_key, rnd + 8, 16);
	rdd_ntlm_sec_free(sec);
	r = rdd_ntlm_authenticate(out, &in, sec, &missing);
	rdd_wipe(&in, sizeof(in));
	rdd_wipe(rnd, sizeof(rnd));
	switch (r) {
	case RDD_NTLM_AUTH_OK:
		return 0;
	case RDD_NTLM_AUTH_MALFORMED:
		if (nego)
			rdd__gw_fail(g, RDD_GW_MALFORMED, now,
			             "the NTLM CHALLENGE inside the gateway's "
			             "Negotiate token%s is malformed",
			             where);
		else
			rdd__gw_fail(g, RDD_GW_MALFORMED, now,
			             "the gateway's NTLM CHALLENGE%s is "
			             "malformed",
			             where);
		break;
	case RDD_NTLM_AUTH_DOWNGRADE:
		rdd__gw_fail(
		    g, RDD_GW_ERROR, now,
		    "the gateway's NTLM CHALLENGE%s lacks flags 0x%08x "
		    "(weak NTLM): no credentials were sent",
		    where, (unsigned)missing);
		break;
	case RDD_NTLM_AUTH_TOO_LONG:
		rdd__gw_fail(g, RDD_GW_ERROR, now,
		             "the user name, domain or the gateway's target "
		             "information is too long for NTLM");
		break;
	default:
		rdd__gw_fail(g, RDD_GW_ERROR, now,
		             "NTLM needs MD4 and RC4, which this OpenSSL does "
		             "not offer (no legacy provider)");
		break;
	}
	rdd_ntlm_sec_free(sec);
	return -1;
}

size_t
rdd__gw_ntlm_answer(struct rdd_gw *g, struct rdd_cur tok, const uint8_t *cbt,
                    uint8_t *auth, uint64_t now)
{
	uint8_t chal[CHALLENGE_CAP];
	struct rdd_ntlm_sec sec;
	struct rdd_buf b;
	size_t chal_len = 0;
	int rc;

	if (rdd_b64_decode(chal, sizeof(chal), &chal_len, tok.p,
	                   rdd_cur_left(&tok)) != 0 ||
	    chal_len == 0) {
		rdd__gw_fail(g, RDD_GW_MALFORMED, now,
		             "the 401's NTLM token is not base64");
		return 0;
	}
	memset(&sec, 0, sizeof(sec));
	rdd_buf_init(&b, auth, RDD_NTLM_AUTHENTICATE_MAX);
	rc = rdd__gw_ntlm_build(g, chal, chal_len, cbt, false, "", &b, &sec,
	                        now);
	rdd_ntlm_sec_free(&sec);
	if (rc != 0)
		return 0;
	g->info->ntlm = true;
	return b.len;
}

/* Names of the offered schemes, for the detail line. */
void
rdd__gw_schemes_text(unsigned s, char *dst, size_t cap)
{
	snprintf(dst, cap, "%s%s%s%s%s", s == 0 ? "none" : "",
	         (s & RDD_HTTP_AUTH_NTLM) ? "NTLM " : "",
	         (s & RDD_HTTP_AUTH_NEGOTIATE) ? "Negotiate " : "",
	         (s & RDD_HTTP_AUTH_BASIC) ? "Basic " : "",
	         (s & RDD_HTTP_AUTH_OTHER) ? "other " : "");
	if (dst[0] != '\0' && dst[strlen(dst) - 1] == ' ')
		dst[strlen(dst) - 1] = '\0';
}

void
rdd__gw_copy_span(const struct rdd_http_resp *r, struct rdd_http_span s,
                  char *dst, size_t cap)
{
	struct rdd_cur c = rdd_http_resp_span(r, s);
	size_t n = rdd_cur_left(&c);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, c.p, n);
	dst[n] = '\0';
}

/* A whole head came; REST/N follow it. Returns how many of them were
 * used (all of them when the walk moved on to WebSocket). */
static size_t
on_head(struct rdd_gw *g, const uint8_t *rest, size_t n, uint64_t now)
{
	struct rdd_gateway_info *in = g->info;
	const struct rdd_http_resp *r = &g->resp;
	struct gw_auth_conn ac;
	uint16_t st = r->status;

	rdd__gw_tracef(g, "<- HTTP %u", (unsigned)st);
	if (st >= 100 && st < 200 && st != 101) {
		rdd_http_resp_init(&g->resp); /* 100 Continue and the like */
		return 0;
	}
	if (g->req == GW_REQ_RPC) {
		in->rpc_status = st;
		if (st == 401 || st == 200) {
			snprintf(in->transport, sizeof(in->transport), "rpc");
			rdd__gw_fail(
			    g, RDD_GW_RPC_ONLY, now,
			    "404 to RDG_OUT_DATA on /remoteDesktopGateway/"
			    ", HTTP %u to RPC_IN_DATA on "
			    "/rpc/rpcproxy.dll: the gateway speaks only "
			    "RPC over HTTP",
			    (unsigned)st);
		} else {
			rdd__gw_fail(g, RDD_GW_HTTP_STATUS, now,
			             "HTTP 404 to RDG_OUT_DATA on "
			             "/remoteDesktopGateway/ (and %u on /rpc)",
			             (unsigned)st);
		}
		return n;
	}
	in->status = st;
	rdd__gw_copy_span(r, r->reason, in->reason, sizeof(in->reason));
	if (r->server.len > 0)
		rdd__gw_copy_span(r, r->server, in->server, sizeof(in->server));
	in->schemes |= r->schemes;
	switch (st) {
	case 101:
		ac = rdd__gw_auth_out(g);
		rdd__gw_nego_final(g, &ac, now);
		if (!rdd_http_resp_ws_ok(r, g->ws_key)) {
			rdd__gw_fail(
			    g, RDD_GW_BAD_UPGRADE, now,
			    "101 Switching Protocols without a valid "
			    "WebSocket upgrade (Upgrade, Connection or "
			    "Sec-WebSocket-Accept wrong)");
			return n;
		}
		snprintf(in->transport, sizeof(in->transport), "websocket");
		g->state = GW_WS;
		rdd__gw_ws_begin(g, rest, n, now);
		return n;
	case 200:
		ac = rdd__gw_auth_out(g);
		rdd__gw_nego_final(g, &ac, now);
		/* An old gateway, or WebSocket turned off: the legacy
		 * transport (gateway_legacy.c). */
		rdd__gw_legacy_begin(g, rest, n, now);
		return n;
	case 401:
		ac = rdd__gw_auth_out(g);
		return rdd__gw_auth_401(g, &ac, now) ? 0 : n;
	case 404:
		if (!rdd__gw_skip_body(&g->resp, &g->skipping, &g->body)) {
			rdd__gw_fail(g, RDD_GW_HTTP_STATUS, now,
			             "HTTP 404 to RDG_OUT_DATA on "
			             "/remoteDesktopGateway/");
			return n;
		}
		rdd_http_resp_init(&g->resp);
		(void)send_rpc_probe(g, now);
		return 0;
	default:
		rdd__gw_fail(
		    g, RDD_GW_HTTP_STATUS, now,
		    "HTTP %u to RDG_OUT_DATA on /remoteDesktopGateway/",
		    (unsigned)st);
		return n;
	}
}

void
rdd__gw_http_recv(struct rdd_gw *g, const uint8_t *p, size_t n, uint64_t now)
{
	int guard;

	for (guard = 0; n > 0 && g->state == GW_HTTP && guard < 64; guard++) {
		if (g->skipping) {
			struct rdd_cur in, data;
			int rc;

			rdd_cur_init(&in, p, n);
			do {
				rc = rdd_http_body_next(&g->body, &in, &data);
			} while (rc == 0 && rdd_cur_left(&in) > 0);
			if (rc < 0) {
				rdd__gw_fail(
				    g, RDD_GW_MALFORMED, now,
				    "the body of HTTP %u is not framed "
				    "as its head says",
				    (unsigned)g->info->status);
				return;
			}
			p += n - rdd_cur_left(&in);
			n = rdd_cur_left(&in);
			if (rc == 1)
				g->skipping = false;
			continue;
		} else {
			size_t used = 0, k;
			int rc = rdd_http_resp_feed(&g->resp, p, n, &used);

			if (rc < 0) {
				rdd__gw_fail(
				    g, RDD_GW_MALFORMED, now,
				    "the gateway's answer is not HTTP/1.1 "
				    "(or its head is over %u bytes or %u "
				    "lines)",
				    (unsigned)RDD_HTTP_MAX_HEAD,
				    (unsigned)RDD_HTTP_MAX_HEADERS);
				return;
			}
			p += used;
			n -= used;
			if (rc == 0)
				return;
			k = on_head(g, p, n, now);
			p += k;
			n -= k;
		}
	}
}

bool
rdd__gw_http_closed(struct rdd_gw *g, uint64_t now)
{
	if (g->req == GW_REQ_RPC) {
		rdd__gw_fail(
		    g, RDD_GW_HTTP_STATUS, now,
		    "HTTP 404 to RDG_OUT_DATA on /remoteDesktopGateway/, "
		    "and the connection closed on RPC_IN_DATA");
		return true;
	}
	return false;
}
