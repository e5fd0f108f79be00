/*
 * mcsphase.c - the Connect-Initial rdpdoctor sends and the reading of the
 * server's answer (mcsphase.h): [MS-RDPBCGR] 2.2.1.3 / 2.2.1.4 through
 * lib/wire/mcs.c and gcc.c.
 *
 * The Connect-Initial is what mstsc sends stripped to the mandatory
 * blocks: CS_CORE (with RNS_UD_CS_SUPPORT_ERRINFO_PDU, so that a server
 * may answer later refusals with a Set Error Info PDU, and with
 * serverSelectedProtocol equal to the server's choice, which servers
 * check), CS_CLUSTER, CS_SECURITY, and no static channels.
 */
#include <stdio.h>
#include <string.h>

#include "probe/mcsphase.h"
#include "wire/cursor.h"
#include "wire/gcc.h"
#include "wire/x224.h"

size_t
rdd__mcs_request(uint8_t *dst, size_t cap, uint32_t selected, uint32_t methods)
{
	return rdd__mcs_request_channels(dst, cap, selected, methods, NULL, 0);
}

size_t
rdd__mcs_request_channels(uint8_t *dst, size_t cap, uint32_t selected,
                          uint32_t methods, const char *const *names, size_t n)
{
	struct rdd_gcc_client_data cd;
	struct rdd_buf b;
	size_t i;

	rdd_gcc_client_defaults(&cd, selected, methods);
	if (n > RDD_GCC_MAX_CHANNELS)
		return 0;
	if (n > 0) {
		cd.has_net = true;
		cd.channel_count = (uint32_t)n;
		for (i = 0; i < n; i++) {
			if (names[i] == NULL ||
			    strlen(names[i]) >= sizeof(cd.channels[i].name))
				return 0;
			memcpy(cd.channels[i].name, names[i],
			       strlen(names[i]) + 1);
			/* CHANNEL_OPTION_INITIALIZED ([MS-RDPBCGR] 2.2.1.3.4.1) */
			cd.channels[i].options = 0x80000000u;
		}
	}
	rdd_buf_init(&b, dst, cap);
	if (rdd_mcs_build_connect_initial(&b, &cd) != 0 || b.err)
		return 0;
	return b.len;
}

static void
cert_facts(const struct rdd_gcc_server_cert *in,
           struct rdd_server_certificate *out)
{
	uint32_t i;

	memset(out, 0, sizeof(*out));
	switch (in->kind) {
	case RDD_GCC_CERT_PROPRIETARY:
		out->kind = RDD_SERVER_CERT_PROPRIETARY;
		break;
	case RDD_GCC_CERT_X509:
		out->kind = RDD_SERVER_CERT_X509;
		break;
	case RDD_GCC_CERT_UNKNOWN:
		out->kind = RDD_SERVER_CERT_UNKNOWN;
		break;
	case RDD_GCC_CERT_NONE:
	default:
		out->kind = RDD_SERVER_CERT_NONE;
		return;
	}
	out->version_raw = in->version_raw;
	out->temporary = in->temporary;
	out->valid = in->valid;
	out->sig_alg_id = in->sig_alg_id;
	out->key_alg_id = in->key_alg_id;
	out->rsa_bits = in->rsa_bitlen;
	out->rsa_exponent = in->rsa_exponent;
	out->signature_len = in->signature_len;
	out->n_certs = in->n_certs;
	for (i = 0;
	     i < in->n_certs && i < RDD_MAX_CERT_CHAIN && i < RDD_GCC_MAX_CERTS;
	     i++)
		out->cert_len[i] = in->cert_len[i];
	out->leaf_parsed = in->leaf_parsed;
	snprintf(out->leaf_subject, sizeof(out->leaf_subject), "%s",
	         in->leaf_subject);
	snprintf(out->leaf_issuer, sizeof(out->leaf_issuer), "%s",
	         in->leaf_issuer);
	snprintf(out->leaf_key_type, sizeof(out->leaf_key_type), "%s",
	         in->leaf_key_type);
	out->leaf_key_bits = in->leaf_key_bits;
	out->leaf_rsa_exponent = in->leaf_rsa_exponent;
}

void
rdd__mcs_facts(const struct rdd_mcs_connect_response *cr,
               struct rdd_mcs_info *info)
{
	const struct rdd_gcc_server_data *s = &cr->server;
	const char *v;

	info->result = cr->result;
	info->has_core = s->has_core;
	info->server_version_raw = s->has_core ? s->version : 0;
	v = s->has_core ? rdd_rdp_version_name(s->version) : NULL;
	snprintf(info->rdp_version, sizeof(info->rdp_version), "%s",
	         v != NULL ? v : "");
	info->core_length = s->has_core ? s->core_length : 0;
	info->has_client_requested_protocols =
	    s->has_client_requested_protocols;
	info->client_requested_protocols = s->client_requested_protocols;
	info->has_early_capability_flags = s->has_early_capability_flags;
	info->early_capability_flags = s->early_capability_flags;
	info->has_security = s->has_security;
	info->encryption_method = s->encryption_method;
	info->encryption_level = s->encryption_level;
	info->server_random_len = s->server_random_len;
	cert_facts(&s->cert, &info->server_certificate);
	info->has_net = s->has_net;
	info->io_channel = s->io_channel;
	info->channel_count = s->channel_count;
	info->has_msgchannel = s->has_msgchannel;
	info->msg_channel = s->msg_channel;
	info->has_multitransport = s->has_multitransport;
	info->multitransport_flags = s->multitransport_flags;
}

/* "; 128-bit RC4, level High, proprietary certificate (RSA 512 bits)" */
static void
security_words(const struct rdd_mcs_info *info, char *dst, size_t cap)
{
	const struct rdd_server_certificate *c = &info->server_certificate;
	const char *m = rdd_encryption_method_desc(info->encryption_method);
	const char *l = rdd_encryption_level_desc(info->encryption_level);
	char cert[96] = "";

	if (!info->has_security) {
		snprintf(dst, cap, "; no server security data");
		return;
	}
	if (info->encryption_method == 0 && info->encryption_level == 0) {
		snprintf(dst, cap,
		         "; no RDP encryption (Enhanced RDP Security)");
		return;
	}
	if (c->kind == RDD_SERVER_CERT_PROPRIETARY)
		snprintf(cert, sizeof(cert),
		         ", proprietary certificate (RSA %u bits)%s",
		         (unsigned)c->rsa_bits, c->valid ? "" : ", malformed");
	else if (c->kind == RDD_SERVER_CERT_X509)
		snprintf(cert, sizeof(cert),
		         ", X.509 chain of %u (%s %d bits)%s",
		         (unsigned)c->n_certs,
		         c->leaf_parsed ? c->leaf_key_type : "unreadable",
		         c->leaf_key_bits, c->valid ? "" : ", malformed");
	else if (c->kind == RDD_SERVER_CERT_UNKNOWN)
		snprintf(cert, sizeof(cert),
		         ", certificate of unknown version 0x%08x",
		         (unsigned)c->version_raw);
	else
		snprintf(cert, sizeof(cert), ", no certificate");
	snprintf(dst, cap, "; %s, level %s%s", m != NULL ? m : "unknown method",
	         l != NULL ? l : "unknown", cert);
}

enum rdd_mcs_outcome
rdd__mcs_answer(const uint8_t *payload, size_t len, struct rdd_mcs_info *info)
{
	struct rdd_mcs_connect_response cr;
	struct rdd_cur in;
	uint8_t reason, li = 0, code = 0;
	const char *name;
	char sec[160], hex[3 * 8 + 1] = "";
	size_t i, off = 0;

	rdd_cur_init(&in, payload, len);
	if (rdd_mcs_parse_connect_response(&in, &cr) == 0) {
		rdd__mcs_facts(&cr, info);
		name = rdd_mcs_result_name(cr.result);
		if (cr.result != RDD_MCS_RT_SUCCESSFUL) {
			snprintf(info->detail, sizeof(info->detail),
			         "Connect-Response %s (%u)",
			         name != NULL ? name : "unknown",
			         (unsigned)cr.result);
			return RDD_MCS_OK;
		}
		security_words(info, sec, sizeof(sec));
		snprintf(info->detail, sizeof(info->detail),
		         "Connect-Response rt-successful; %s (0x%08x)%s",
		         info->rdp_version[0] ? info->rdp_version
		                              : "unknown RDP version",
		         (unsigned)info->server_version_raw, sec);
		return RDD_MCS_OK;
	}
	rdd_cur_init(&in, payload, len);
	if (rdd_mcs_parse_dpum(&in, &reason) == 0) {
		info->disconnect_reason = reason;
		name = rdd_mcs_reason_name(reason);
		snprintf(info->detail, sizeof(info->detail),
		         "MCS Disconnect Provider Ultimatum %s (%u) instead of "
		         "a Connect-Response",
		         name != NULL ? name : "unknown", (unsigned)reason);
		return RDD_MCS_DISCONNECTED;
	}
	rdd_cur_init(&in, payload, len);
	if (rdd_cur_u8(&in, &li) == 0 && rdd_cur_u8(&in, &code) == 0 &&
	    (code & 0xf0) == RDD_X224_TPDU_DR) {
		snprintf(info->detail, sizeof(info->detail),
		         "X.224 Disconnect Request instead of a "
		         "Connect-Response");
		return RDD_MCS_DISCONNECTED;
	}
	rdd_cur_init(&in, payload, len);
	for (i = 0; i < 8 && rdd_cur_u8(&in, &reason) == 0; i++) {
		snprintf(hex + off, sizeof(hex) - off, "%s%02x", i ? " " : "",
		         reason);
		off = strlen(hex);
	}
	snprintf(info->detail, sizeof(info->detail),
	         "a TPKT of %zu bytes that is not an MCS Connect-Response "
	         "(payload %s%s)",
	         len + 4, len ? hex : "empty", len > 8 ? " ..." : "");
	return RDD_MCS_MALFORMED;
}
