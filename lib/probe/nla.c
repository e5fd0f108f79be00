/*
 * nla.c - the request and the answer of the CredSSP phase (nla.h).
 *
 * The request is what nmap's rdp-ntlm-info sends, with version 6: a
 * TSRequest whose one negoToken is an NTLM NEGOTIATE (flags 0xe20882b7),
 * optionally wrapped in a SPNEGO NegTokenInit offering NTLM only. The
 * answer is a TSRequest whose version is the server's highest CredSSP
 * version ([MS-CSSP] 3.1.5), with an NTLM CHALLENGE (raw, or inside a
 * SPNEGO NegTokenResp), or an errorCode. Nothing more is sent: no
 * AUTHENTICATE, no credentials.
 */
#include <stdio.h>
#include <string.h>

#include "probe/nla.h"
#include "wire/credssp.h"
#include "wire/cursor.h"
#include "wire/ntlm.h"
#include "wire/spnego.h"

#define HEX_BYTES 8

size_t
rdd__nla_request(uint8_t *dst, size_t cap, bool spnego)
{
	static const struct rdd_ntlm_version v = {
	    RDD_NLA_CLIENT_MAJOR, RDD_NLA_CLIENT_MINOR, RDD_NLA_CLIENT_BUILD,
	    RDD_NTLM_REVISION_W2K3};
	uint8_t neg[RDD_NTLM_NEGOTIATE_LEN], wrapped[RDD_NLA_REQUEST_MAX];
	struct rdd_buf b;
	const uint8_t *token = neg;
	size_t len;

	rdd_buf_init(&b, neg, sizeof(neg));
	if (rdd_ntlm_build_negotiate(&b, RDD_NTLM_PROBE_FLAGS, &v) != 0)
		return 0;
	len = b.len;
	if (spnego) {
		rdd_buf_init(&b, wrapped, sizeof(wrapped));
		if (rdd_spnego_build_init(&b, neg, len) != 0)
			return 0;
		token = wrapped;
		len = b.len;
	}
	rdd_buf_init(&b, dst, cap);
	if (rdd_tsrequest_build(&b, RDD_CREDSSP_VERSION, token, len) != 0)
		return 0;
	return b.len;
}

/* UTF-16LE name to the fixed-size field DST. */
static void
name(char *dst, size_t cap, bool has, const struct rdd_cur *u16)
{
	if (!has) {
		dst[0] = '\0';
		return;
	}
	rdd_utf16le_to_utf8(dst, cap, u16);
}

/* The target name: UTF-16LE with NEGOTIATE_UNICODE, else OEM bytes (kept
 * as they are; the report layer sanitizes them). */
static void
target_name(char *dst, size_t cap, const struct rdd_ntlm_challenge *ch)
{
	struct rdd_cur c = ch->target_name;
	size_t n = rdd_cur_left(&c);

	if (ch->flags & RDD_NTLM_NEGOTIATE_UNICODE) {
		rdd_utf16le_to_utf8(dst, cap, &c);
		return;
	}
	if (n > cap - 1)
		n = cap - 1;
	if (n > 0 && rdd_cur_copy(&c, dst, n) != 0)
		n = 0;
	dst[n] = '\0';
	/* A NUL inside would cut the name short: show it. */
	for (size_t i = 0; i < n; i++)
		if (dst[i] == '\0')
			dst[i] = '?';
}

void
rdd__nla_ntlm_facts(const struct rdd_ntlm_challenge *ch, double now_ms,
                    struct rdd_ntlm_info *ntlm)
{
	memset(ntlm, 0, sizeof(*ntlm));
	ntlm->present = true;
	ntlm->flags = ch->flags;
	target_name(ntlm->target_name, sizeof(ntlm->target_name), ch);
	name(ntlm->netbios_computer, sizeof(ntlm->netbios_computer),
	     ch->has_nb_computer, &ch->nb_computer);
	name(ntlm->netbios_domain, sizeof(ntlm->netbios_domain),
	     ch->has_nb_domain, &ch->nb_domain);
	name(ntlm->dns_computer, sizeof(ntlm->dns_computer),
	     ch->has_dns_computer, &ch->dns_computer);
	name(ntlm->dns_domain, sizeof(ntlm->dns_domain), ch->has_dns_domain,
	     &ch->dns_domain);
	name(ntlm->dns_tree, sizeof(ntlm->dns_tree), ch->has_dns_tree,
	     &ch->dns_tree);
	if (ch->has_version) {
		ntlm->has_version = true;
		ntlm->os_major = ch->version.major;
		ntlm->os_minor = ch->version.minor;
		ntlm->os_build = ch->version.build;
		ntlm->ntlm_revision = ch->version.revision;
	}
	if (ch->has_timestamp) {
		ntlm->has_time = true;
		ntlm->server_time = rdd_filetime_to_unix(ch->timestamp);
	}
	ntlm->time_at_ms = now_ms;
}

/* "4e 54 4c 4d ..." of the first bytes of C. */
static void
hex(const struct rdd_cur *c, char *dst, size_t cap)
{
	struct rdd_cur in = *c;
	size_t off = 0, i;
	uint8_t b;
	int w;

	dst[0] = '\0';
	for (i = 0; i < HEX_BYTES && rdd_cur_u8(&in, &b) == 0; i++) {
		w = snprintf(dst + off, cap - off, "%s%02x", i ? " " : "", b);
		if (w < 0 || (size_t)w >= cap - off)
			break;
		off += (size_t)w;
	}
}

static enum rdd_credssp_outcome
set(struct rdd_credssp_info *info, enum rdd_credssp_outcome o, const char *text)
{
	snprintf(info->detail, sizeof(info->detail), "%s", text);
	return o;
}

/* The server's name as the detail line shows it. */
static const char *
server_name(const struct rdd_ntlm_info *n)
{
	if (n->dns_computer[0] != '\0')
		return n->dns_computer;
	if (n->netbios_computer[0] != '\0')
		return n->netbios_computer;
	return n->target_name;
}

/* An NTLM token: a CHALLENGE is the goal. */
static enum rdd_credssp_outcome
ntlm_token(const struct rdd_cur *tok, double now_ms, const char *what,
           struct rdd_credssp_info *info)
{
	struct rdd_ntlm_challenge ch;
	char v[48], text[RDD_STR];
	int type = rdd_ntlm_message_type(tok);

	if (type != RDD_NTLM_CHALLENGE) {
		snprintf(text, sizeof(text),
		         "%s is an NTLM message of type %d, not a CHALLENGE",
		         what, type);
		return set(info, RDD_CREDSSP_MALFORMED, text);
	}
	if (rdd_ntlm_parse_challenge(tok, &ch) != 0) {
		snprintf(text, sizeof(text), "%s is a malformed NTLM CHALLENGE",
		         what);
		return set(info, RDD_CREDSSP_MALFORMED, text);
	}
	rdd__nla_ntlm_facts(&ch, now_ms, &info->ntlm);
	v[0] = '\0';
	if (ch.has_version)
		snprintf(v, sizeof(v), ", Windows %u.%u.%u", ch.version.major,
		         ch.version.minor, ch.version.build);
	snprintf(info->detail, sizeof(info->detail),
	         "version %u, NTLM CHALLENGE from %.100s%s%s",
	         (unsigned)info->server_version, server_name(&info->ntlm), v,
	         info->spnego ? " (SPNEGO)" : "");
	return RDD_CREDSSP_OK;
}

/* What an answer without a CHALLENGE amounts to. */
static enum rdd_credssp_outcome
no_challenge(struct rdd_credssp_info *info, const char *why)
{
	char text[RDD_STR];

	if (info->has_error_code) {
		snprintf(text, sizeof(text),
		         "errorCode 0x%08X, no NTLM CHALLENGE (%.180s)",
		         (unsigned)info->error_code, why);
		return set(info, RDD_CREDSSP_ERROR, text);
	}
	return set(info, RDD_CREDSSP_MALFORMED, why);
}

enum rdd_credssp_outcome
rdd__nla_answer(const uint8_t *pdu, size_t len, double now_ms,
                struct rdd_credssp_info *info)
{
	struct rdd_tsrequest r;
	struct rdd_spnego_resp resp;
	struct rdd_cur c, tok;
	char h[3 * HEX_BYTES + 1], why[RDD_STR];

	info->has_version = false;
	info->has_error_code = false;
	memset(&info->ntlm, 0, sizeof(info->ntlm));
	rdd_cur_init(&c, pdu, len);
	if (rdd_tsrequest_parse(&c, &r) != 0) {
		rdd_cur_init(&c, pdu, len);
		hex(&c, h, sizeof(h));
		snprintf(why, sizeof(why),
		         "the answer is not a valid TSRequest (%zu bytes: %s)",
		         len, h);
		return set(info, RDD_CREDSSP_MALFORMED, why);
	}
	info->has_version = true;
	info->server_version = r.version;
	info->has_error_code = r.has_error_code;
	info->error_code = r.error_code;
	if (r.n_tokens == 0 || rdd_cur_left(&r.token) == 0)
		return no_challenge(info, "TSRequest without a negoToken");
	tok = r.token;
	if (rdd_ntlm_has_signature(&tok))
		return ntlm_token(&tok, now_ms, "the negoToken", info);
	if (!rdd_spnego_looks_like(&tok)) {
		hex(&tok, h, sizeof(h));
		snprintf(why, sizeof(why),
		         "the negoToken is neither NTLM nor SPNEGO (%zu bytes: "
		         "%s)",
		         rdd_cur_left(&tok), h);
		return no_challenge(info, why);
	}
	if (rdd_spnego_parse_resp(&tok, &resp) != 0)
		return no_challenge(info, "the negoToken is not a valid SPNEGO "
		                          "NegTokenResp");
	if (resp.has_token && rdd_ntlm_has_signature(&resp.token))
		return ntlm_token(&resp.token, now_ms, "the SPNEGO token",
		                  info);
	if (resp.neg_state == RDD_SPNEGO_REJECT) {
		if (info->has_error_code)
			return no_challenge(info, "SPNEGO reject");
		return set(info, RDD_CREDSSP_ERROR,
		           "SPNEGO reject, no NTLM CHALLENGE");
	}
	if (resp.has_mech && !rdd_spnego_mech_is_ntlm(&resp))
		return no_challenge(info, "SPNEGO chose a mechanism other "
		                          "than NTLM");
	return no_challenge(info, "SPNEGO answer without an NTLM token");
}
