/*
 * gcc.c - GCC settings data blocks (gcc.h): [MS-RDPBCGR] 2.2.1.3.1 (user
 * data header), 2.2.1.3.2 (TS_UD_CS_CORE), 2.2.1.3.3 (TS_UD_CS_SEC),
 * 2.2.1.3.4 (TS_UD_CS_NET), 2.2.1.3.5 (TS_UD_CS_CLUSTER), 2.2.1.4.2
 * (TS_UD_SC_CORE), 2.2.1.4.3 (TS_UD_SC_SEC1 and the server certificate,
 * 2.2.1.4.3.1, 2.2.1.4.3.1.1, 2.2.1.4.3.1.1.1), 2.2.1.4.4 (TS_UD_SC_NET),
 * 2.2.1.4.5 (TS_UD_SC_MCS_MSGCHANNEL), 2.2.1.4.6 (TS_UD_SC_MULTITRANSPORT).
 * All fields little-endian.
 *
 *   +--------+--------+----------------------------------+
 *   | type   | length | body (length - 4 bytes)          |
 *   | LE16   | LE16   |                                  |
 *   +--------+--------+----------------------------------+
 *
 * The leaf of an X.509 chain is read with OpenSSL's d2i_X509 for its
 * subject and key; everything else is read through cursor.h.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "gcc.h"
#include "rdpsec.h"

#define UD_HEADER 4

/* ---- client blocks: build -------------------------------------------- */

void
rdd_gcc_client_defaults(struct rdd_gcc_client_data *cd, uint32_t selected,
                        uint32_t encryption_methods)
{
	struct rdd_gcc_client_core *c = &cd->core;

	memset(cd, 0, sizeof(*cd));
	cd->has_core = true;
	c->length = RDD_CS_CORE_LEN;
	c->version = RDD_RDP_VERSION_5_PLUS;
	c->desktop_width = 1024;
	c->desktop_height = 768;
	c->color_depth = 0xCA01;  /* RNS_UD_COLOR_8BPP */
	c->sas_sequence = 0xAA03; /* RNS_UD_SAS_DEL */
	c->keyboard_layout = 0x409;
	c->client_build = 2600;
	memcpy(c->client_name, "rdpdoctor", sizeof("rdpdoctor"));
	c->keyboard_type = 4; /* IBM enhanced (101- or 102-key) */
	c->keyboard_subtype = 0;
	c->keyboard_function_key = 12;
	c->post_beta2_color_depth = 0xCA01;
	c->client_product_id = 1;
	c->serial_number = 0;
	c->high_color_depth = 24;
	c->supported_color_depths = 0x0007; /* 24, 16, 15 bpp */
	c->has_early_capability_flags = true;
	c->early_capability_flags = RDD_RNS_UD_CS_SUPPORT_ERRINFO_PDU;
	c->has_dig_product_id = true;
	c->connection_type = 0;
	c->has_server_selected_protocol = true;
	c->server_selected_protocol = selected;
	cd->has_cluster = true;
	/* REDIRECTION_SUPPORTED | version 3 (<< 2), as nmap and mstsc. */
	cd->cluster_flags = 0x09;
	cd->has_security = true;
	cd->encryption_methods = encryption_methods;
}

/* ASCII S (an array of SCAP bytes) as UTF-16LE in a field of CAP bytes,
 * NUL-padded; S must leave room for the terminating NUL. */
static int
write_utf16_field(struct rdd_buf *b, const char *s, size_t scap, size_t cap)
{
	size_t n = strnlen(s, scap), i;

	if (n == scap || n > cap / 2 - 1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return -1;
		rdd_buf_u16le(b, (uint8_t)s[i]);
	}
	rdd_buf_zeros(b, cap - 2 * n);
	return 0;
}

static int
write_core(struct rdd_buf *b, const struct rdd_gcc_client_core *c)
{
	rdd_buf_u16le(b, RDD_CS_CORE);
	rdd_buf_u16le(b, RDD_CS_CORE_LEN);
	rdd_buf_u32le(b, c->version);
	rdd_buf_u16le(b, c->desktop_width);
	rdd_buf_u16le(b, c->desktop_height);
	rdd_buf_u16le(b, c->color_depth);
	rdd_buf_u16le(b, c->sas_sequence);
	rdd_buf_u32le(b, c->keyboard_layout);
	rdd_buf_u32le(b, c->client_build);
	if (write_utf16_field(b, c->client_name, sizeof(c->client_name), 32) !=
	    0)
		return -1;
	rdd_buf_u32le(b, c->keyboard_type);
	rdd_buf_u32le(b, c->keyboard_subtype);
	rdd_buf_u32le(b, c->keyboard_function_key);
	rdd_buf_zeros(b, 64); /* imeFileName */
	rdd_buf_u16le(b, c->post_beta2_color_depth);
	rdd_buf_u16le(b, c->client_product_id);
	rdd_buf_u32le(b, c->serial_number);
	rdd_buf_u16le(b, c->high_color_depth);
	rdd_buf_u16le(b, c->supported_color_depths);
	rdd_buf_u16le(b, c->early_capability_flags);
	if (write_utf16_field(b, c->dig_product_id, sizeof(c->dig_product_id),
	                      64) != 0)
		return -1;
	rdd_buf_u8(b, c->connection_type);
	rdd_buf_u8(b, 0); /* pad1octet */
	rdd_buf_u32le(b, c->server_selected_protocol);
	return 0;
}

int
rdd_gcc_write_client_blocks(struct rdd_buf *b,
                            const struct rdd_gcc_client_data *cd)
{
	size_t start = b->len, i, n;

	if (!cd->has_core || b->err)
		return -1;
	if (write_core(b, &cd->core) != 0)
		goto fail;
	if (cd->has_cluster) {
		rdd_buf_u16le(b, RDD_CS_CLUSTER);
		rdd_buf_u16le(b, 12);
		rdd_buf_u32le(b, cd->cluster_flags);
		rdd_buf_u32le(b, cd->redirected_session_id);
	}
	if (cd->has_security) {
		rdd_buf_u16le(b, RDD_CS_SECURITY);
		rdd_buf_u16le(b, 12);
		rdd_buf_u32le(b, cd->encryption_methods);
		rdd_buf_u32le(b, cd->ext_encryption_methods);
	}
	if (cd->has_net) {
		if (cd->channel_count > RDD_GCC_MAX_CHANNELS)
			goto fail;
		rdd_buf_u16le(b, RDD_CS_NET);
		rdd_buf_u16le(b, (uint16_t)(8 + 12 * cd->channel_count));
		rdd_buf_u32le(b, cd->channel_count);
		for (i = 0; i < cd->channel_count; i++) {
			const struct rdd_gcc_channel *ch = &cd->channels[i];

			n = strnlen(ch->name, sizeof(ch->name));
			if (n > 7)
				goto fail;
			rdd_buf_bytes(b, ch->name, n);
			rdd_buf_zeros(b, 8 - n);
			rdd_buf_u32le(b, ch->options);
		}
	}
	if (b->err)
		goto fail;
	return 0;
fail:
	/* Leave nothing half-written behind. */
	b->len = start;
	b->err = true;
	return -1;
}

/* ---- client blocks: parse -------------------------------------------- */

/* Fold a NUL-terminated UTF-16LE field of N bytes to ASCII into OUT. */
static void
read_utf16_field(struct rdd_cur *c, size_t n, char *out, size_t cap)
{
	size_t i, k = 0;
	uint16_t u;
	bool ended = false;

	for (i = 0; i + 2 <= n; i += 2) {
		if (rdd_cur_u16le(c, &u) != 0)
			break;
		if (u == 0)
			ended = true;
		if (ended || k + 1 >= cap)
			continue;
		out[k++] = (u >= 0x20 && u < 0x7f) ? (char)u : '?';
	}
	out[k] = '\0';
}

/* BODY holds LEN - 4 bytes of a CS_CORE block; LEN >= 132. */
static int
parse_cs_core(struct rdd_cur *body, uint16_t len, struct rdd_gcc_client_core *c)
{
	memset(c, 0, sizeof(*c));
	c->length = len;
	if (rdd_cur_u32le(body, &c->version) != 0 ||
	    rdd_cur_u16le(body, &c->desktop_width) != 0 ||
	    rdd_cur_u16le(body, &c->desktop_height) != 0 ||
	    rdd_cur_u16le(body, &c->color_depth) != 0 ||
	    rdd_cur_u16le(body, &c->sas_sequence) != 0 ||
	    rdd_cur_u32le(body, &c->keyboard_layout) != 0 ||
	    rdd_cur_u32le(body, &c->client_build) != 0)
		return -1;
	if (rdd_cur_left(body) < 32)
		return -1;
	read_utf16_field(body, 32, c->client_name, sizeof(c->client_name));
	if (rdd_cur_u32le(body, &c->keyboard_type) != 0 ||
	    rdd_cur_u32le(body, &c->keyboard_subtype) != 0 ||
	    rdd_cur_u32le(body, &c->keyboard_function_key) != 0 ||
	    rdd_cur_skip(body, 64) != 0) /* imeFileName */
		return -1;
	/* Optional fields: each only if the block covers it whole. */
	if (rdd_cur_u16le(body, &c->post_beta2_color_depth) != 0 ||
	    rdd_cur_u16le(body, &c->client_product_id) != 0 ||
	    rdd_cur_u32le(body, &c->serial_number) != 0 ||
	    rdd_cur_u16le(body, &c->high_color_depth) != 0 ||
	    rdd_cur_u16le(body, &c->supported_color_depths) != 0)
		return 0;
	if (rdd_cur_u16le(body, &c->early_capability_flags) != 0)
		return 0;
	c->has_early_capability_flags = true;
	if (rdd_cur_left(body) < 64)
		return 0;
	read_utf16_field(body, 64, c->dig_product_id,
	                 sizeof(c->dig_product_id));
	c->has_dig_product_id = true;
	if (rdd_cur_u8(body, &c->connection_type) != 0 ||
	    rdd_cur_skip(body, 1) != 0)
		return 0;
	if (rdd_cur_u32le(body, &c->server_selected_protocol) != 0)
		return 0;
	c->has_server_selected_protocol = true;
	return 0;
}

static int
parse_cs_net(struct rdd_cur *body, struct rdd_gcc_client_data *cd)
{
	uint32_t count, i;
	uint8_t name[8];
	uint32_t options;
	size_t k;

	if (rdd_cur_u32le(body, &count) != 0)
		return -1;
	/* Each CHANNEL_DEF is 12 bytes; all of them must be there. */
	if (count > rdd_cur_left(body) / 12)
		return -1;
	cd->channel_count = count;
	for (i = 0; i < count; i++) {
		if (rdd_cur_copy(body, name, sizeof(name)) != 0 ||
		    rdd_cur_u32le(body, &options) != 0)
			return -1;
		if (i >= RDD_GCC_MAX_CHANNELS)
			continue;
		for (k = 0; k < 7 && name[k] != 0; k++)
			cd->channels[i].name[k] =
			    (name[k] >= 0x20 && name[k] < 0x7f) ? (char)name[k]
			                                        : '?';
		cd->channels[i].name[k] = '\0';
		cd->channels[i].options = options;
	}
	return 0;
}

int
rdd_gcc_parse_client_blocks(struct rdd_cur *in, struct rdd_gcc_client_data *cd)
{
	struct rdd_gcc_client_data d;
	struct rdd_cur t = *in, body;
	uint16_t type, len;

	memset(&d, 0, sizeof(d));
	while (rdd_cur_left(&t) > 0) {
		if (rdd_cur_u16le(&t, &type) != 0 ||
		    rdd_cur_u16le(&t, &len) != 0)
			return -1;
		if (len < UD_HEADER ||
		    rdd_cur_sub(&t, (size_t)len - UD_HEADER, &body) != 0)
			return -1;
		switch (type) {
		case RDD_CS_CORE:
			/* Up to imeFileName the fields are mandatory. */
			if (len < 132 ||
			    parse_cs_core(&body, len, &d.core) != 0)
				return -1;
			d.has_core = true;
			break;
		case RDD_CS_SECURITY:
			if (rdd_cur_u32le(&body, &d.encryption_methods) != 0 ||
			    rdd_cur_u32le(&body, &d.ext_encryption_methods) !=
			        0)
				return -1;
			d.has_security = true;
			break;
		case RDD_CS_CLUSTER:
			if (rdd_cur_u32le(&body, &d.cluster_flags) != 0 ||
			    rdd_cur_u32le(&body, &d.redirected_session_id) != 0)
				return -1;
			d.has_cluster = true;
			break;
		case RDD_CS_NET:
			memset(d.channels, 0, sizeof(d.channels));
			if (parse_cs_net(&body, &d) != 0)
				return -1;
			d.has_net = true;
			break;
		default:
			d.n_other_blocks++;
			break;
		}
	}
	*in = t;
	*cd = d;
	return 0;
}

/* ---- server blocks ---------------------------------------------------- */

static void
name_rfc2253(const X509_NAME *name, char *dst, size_t cap)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	dst[0] = '\0';
	if (b == NULL)
		return;
	if (name != NULL &&
	    X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0)
		n = BIO_read(b, dst, (int)cap - 1);
	dst[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

/*
 * Windows terminal-server certificates label their public key with the
 * signature algorithm md5WithRSAEncryption (or sha1WithRSAEncryption)
 * instead of rsaEncryption, which OpenSSL will not decode. The key bits
 * are a plain PKCS #1 RSAPublicKey all the same (rdesktop and FreeRDP
 * read them so; Zeek's x509.log of rdp-x509.pcap shows the key algorithm
 * md5WithRSAEncryption, key type rsa, 512 bits).
 */
static EVP_PKEY *
rsa_key_with_signature_oid(X509 *x)
{
	X509_PUBKEY *xpk = X509_get_X509_PUBKEY(x);
	ASN1_OBJECT *obj = NULL;
	const unsigned char *p = NULL;
	int n = 0, nid;

	if (xpk == NULL ||
	    X509_PUBKEY_get0_param(&obj, &p, &n, NULL, xpk) != 1 ||
	    obj == NULL || p == NULL || n <= 0)
		return NULL;
	nid = OBJ_obj2nid(obj);
	/* 1.3.14.3.2.15 (shaWithRSAEncryption) is what a Windows license
	 * server's certificate carries (the LICENSE_REQUEST's chain). */
	if (nid != NID_md5WithRSAEncryption &&
	    nid != NID_sha1WithRSAEncryption && nid != NID_shaWithRSAEncryption)
		return NULL;
	return d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, n);
}

/* Keep the leaf's RSA key, little-endian, for the Security Exchange. */
static void
leaf_rsa_key(EVP_PKEY *pk, struct rdd_gcc_server_cert *cert)
{
	uint8_t be[RDD_GCC_MAX_MODULUS];
	BIGNUM *n = NULL;
	int len, i;

	if (cert->leaf_rsa_exponent == 0 ||
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) != 1)
		return;
	len = BN_num_bytes(n);
	if (len > 0 && len <= (int)sizeof(be) &&
	    BN_bn2binpad(n, be, len) == len) {
		for (i = 0; i < len; i++)
			cert->key_modulus[i] = be[len - 1 - i];
		cert->key_modulus_len = (uint32_t)len;
		cert->key_exponent = cert->leaf_rsa_exponent;
		cert->has_rsa_key = true;
	}
	BN_free(n);
}

/* The facts rdpdoctor reports about the leaf certificate DER. */
static void
parse_leaf(const uint8_t *der, size_t len, struct rdd_gcc_server_cert *cert)
{
	const unsigned char *p = der;
	X509 *x;
	EVP_PKEY *pk, *owned = NULL;
	BIGNUM *e = NULL;
	const char *type;

	if (len > 0x7fffffff)
		return;
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL)
		return;
	cert->leaf_parsed = true;
	name_rfc2253(X509_get_subject_name(x), cert->leaf_subject,
	             sizeof(cert->leaf_subject));
	name_rfc2253(X509_get_issuer_name(x), cert->leaf_issuer,
	             sizeof(cert->leaf_issuer));
	pk = X509_get0_pubkey(x);
	if (pk == NULL)
		pk = owned = rsa_key_with_signature_oid(x);
	if (pk != NULL) {
		switch (EVP_PKEY_get_base_id(pk)) {
		case EVP_PKEY_RSA:
			type = "RSA";
			break;
		case EVP_PKEY_RSA_PSS:
			type = "RSA-PSS";
			break;
		case EVP_PKEY_EC:
			type = "EC";
			break;
		case EVP_PKEY_DSA:
			type = "DSA";
			break;
		default:
			type = EVP_PKEY_get0_type_name(pk);
			break;
		}
		snprintf(cert->leaf_key_type, sizeof(cert->leaf_key_type), "%s",
		         type != NULL ? type : "unknown");
		cert->leaf_key_bits = EVP_PKEY_get_bits(pk);
		if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) == 1 &&
		    BN_num_bits(e) <= 32)
			cert->leaf_rsa_exponent = (uint32_t)BN_get_word(e);
		BN_free(e);
		leaf_rsa_key(pk, cert);
	} else {
		snprintf(cert->leaf_key_type, sizeof(cert->leaf_key_type),
		         "unknown");
	}
	EVP_PKEY_free(owned);
	X509_free(x);
}

/*
 * PROPRIETARYSERVERCERTIFICATE after dwVersion:
 *   dwSigAlgId(4) dwKeyAlgId(4) wPublicKeyBlobType(2) wPublicKeyBlobLen(2)
 *   PublicKeyBlob = RSA_PUBLIC_KEY { magic "RSA1"(4) keylen(4) bitlen(4)
 *                   datalen(4) pubExp(4) modulus(keylen) }
 *   wSignatureBlobType(2) wSignatureBlobLen(2) SignatureBlob
 */
static int
parse_proprietary(struct rdd_cur *c, struct rdd_gcc_server_cert *cert)
{
	struct rdd_cur blob;
	uint16_t blob_type, blob_len, sig_type, sig_len;
	uint32_t magic, datalen;

	if (rdd_cur_u32le(c, &cert->sig_alg_id) != 0 ||
	    rdd_cur_u32le(c, &cert->key_alg_id) != 0 ||
	    rdd_cur_u16le(c, &blob_type) != 0 ||
	    rdd_cur_u16le(c, &blob_len) != 0 ||
	    rdd_cur_sub(c, blob_len, &blob) != 0)
		return -1;
	if (rdd_cur_u32le(&blob, &magic) != 0 ||
	    rdd_cur_u32le(&blob, &cert->rsa_keylen) != 0 ||
	    rdd_cur_u32le(&blob, &cert->rsa_bitlen) != 0 ||
	    rdd_cur_u32le(&blob, &datalen) != 0 ||
	    rdd_cur_u32le(&blob, &cert->rsa_exponent) != 0)
		return -1;
	if (magic != RDD_RSA_MAGIC || cert->rsa_keylen > rdd_cur_left(&blob))
		return -1;
	/* The modulus: bitlen/8 bytes little-endian, then padding. */
	if (cert->rsa_bitlen % 8 == 0 && cert->rsa_bitlen > 0 &&
	    cert->rsa_bitlen / 8 <= cert->rsa_keylen &&
	    cert->rsa_bitlen / 8 <= RDD_GCC_MAX_MODULUS &&
	    cert->rsa_exponent != 0 &&
	    rdd_cur_copy(&blob, cert->key_modulus, cert->rsa_bitlen / 8) == 0) {
		cert->key_modulus_len = cert->rsa_bitlen / 8;
		cert->key_exponent = cert->rsa_exponent;
		cert->has_rsa_key = true;
	}
	if (rdd_cur_u16le(c, &sig_type) != 0 ||
	    rdd_cur_u16le(c, &sig_len) != 0 || rdd_cur_skip(c, sig_len) != 0)
		return -1;
	cert->signature_len = sig_len;
	return 0;
}

/*
 * X.509 chain after dwVersion: NumCertBlobs(4), then that many
 * CERT_BLOB { cbCert(4) abCert(cbCert) }, then padding. The last blob is
 * the server's own certificate.
 */
static int
parse_x509_chain(struct rdd_cur *c, struct rdd_gcc_server_cert *cert)
{
	struct rdd_cur blob = {NULL, 0};
	uint32_t n, i, len;

	if (rdd_cur_u32le(c, &n) != 0 || n == 0)
		return -1;
	cert->n_certs = n;
	for (i = 0; i < n; i++) {
		if (rdd_cur_u32le(c, &len) != 0 ||
		    rdd_cur_sub(c, len, &blob) != 0)
			return -1;
		if (i < RDD_GCC_MAX_CERTS)
			cert->cert_len[i] = len;
	}
	parse_leaf(blob.p, blob.len, cert);
	return 0;
}

int
rdd_gcc_parse_server_certificate(struct rdd_cur *c,
                                 struct rdd_gcc_server_cert *cert)
{
	/* The whole SERVER_CERTIFICATE, for the signature check. */
	const struct rdd_cur whole = *c;
	uint32_t v;

	memset(cert, 0, sizeof(*cert));
	cert->signature_ok = -1;
	if (rdd_cur_u32le(c, &v) != 0) {
		cert->kind = RDD_GCC_CERT_UNKNOWN;
		(void)rdd_cur_skip(c, rdd_cur_left(c));
		return -1;
	}
	cert->version_raw = v;
	cert->temporary = (v & RDD_CERT_TEMPORARILY_ISSUED) != 0;
	switch (v & ~RDD_CERT_TEMPORARILY_ISSUED) {
	case RDD_CERT_CHAIN_VERSION_1:
		cert->kind = RDD_GCC_CERT_PROPRIETARY;
		cert->n_certs = 1;
		cert->valid = parse_proprietary(c, cert) == 0;
		if (cert->valid)
			cert->signature_ok =
			    rdd_sec_check_proprietary_signature(whole.p,
			                                        whole.len);
		break;
	case RDD_CERT_CHAIN_VERSION_2:
		cert->kind = RDD_GCC_CERT_X509;
		cert->valid = parse_x509_chain(c, cert) == 0;
		break;
	default:
		cert->kind = RDD_GCC_CERT_UNKNOWN;
		break;
	}
	(void)rdd_cur_skip(c, rdd_cur_left(c));
	if (!cert->valid)
		cert->has_rsa_key = false;
	return cert->valid ? 0 : -1;
}

/*
 * TS_UD_SC_SEC1 after the header: encryptionMethod(4) encryptionLevel(4);
 * with both zero (Enhanced RDP Security) nothing follows. Otherwise
 * serverRandomLen(4) serverCertLen(4) serverRandom serverCertificate.
 */
static int
parse_sc_security(struct rdd_cur *body, struct rdd_gcc_server_data *sd)
{
	struct rdd_cur cert;

	memset(&sd->cert, 0, sizeof(sd->cert));
	sd->cert.signature_ok = -1;
	sd->server_random_len = 0;
	sd->server_cert_len = 0;
	if (rdd_cur_u32le(body, &sd->encryption_method) != 0 ||
	    rdd_cur_u32le(body, &sd->encryption_level) != 0)
		return -1;
	if (sd->encryption_method == 0 && sd->encryption_level == 0)
		return 0;
	if (rdd_cur_left(body) == 0) /* nothing more was sent */
		return 0;
	if (rdd_cur_u32le(body, &sd->server_random_len) != 0 ||
	    rdd_cur_u32le(body, &sd->server_cert_len) != 0)
		return -1;
	memset(sd->server_random, 0, sizeof(sd->server_random));
	if (sd->server_random_len >= RDD_SERVER_RANDOM_LEN) {
		struct rdd_cur r = *body;

		(void)rdd_cur_copy(&r, sd->server_random,
		                   RDD_SERVER_RANDOM_LEN);
	}
	if (rdd_cur_skip(body, sd->server_random_len) != 0 ||
	    rdd_cur_sub(body, sd->server_cert_len, &cert) != 0)
		return -1;
	if (sd->server_cert_len > 0)
		(void)rdd_gcc_parse_server_certificate(&cert, &sd->cert);
	return 0;
}

static int
parse_sc_net(struct rdd_cur *body, struct rdd_gcc_server_data *sd)
{
	uint16_t count, i, id;

	memset(sd->channel_ids, 0, sizeof(sd->channel_ids));
	if (rdd_cur_u16le(body, &sd->io_channel) != 0 ||
	    rdd_cur_u16le(body, &count) != 0)
		return -1;
	if (count > rdd_cur_left(body) / 2)
		return -1;
	sd->channel_count = count;
	for (i = 0; i < count; i++) {
		if (rdd_cur_u16le(body, &id) != 0)
			return -1;
		if (i < RDD_GCC_MAX_CHANNELS)
			sd->channel_ids[i] = id;
	}
	/* A two-byte pad follows an odd count; not required here. */
	return 0;
}

int
rdd_gcc_parse_server_blocks(struct rdd_cur *in, struct rdd_gcc_server_data *sd)
{
	struct rdd_gcc_server_data d;
	struct rdd_cur t = *in, body;
	uint16_t type, len;

	memset(&d, 0, sizeof(d));
	while (rdd_cur_left(&t) > 0) {
		if (rdd_cur_u16le(&t, &type) != 0 ||
		    rdd_cur_u16le(&t, &len) != 0)
			return -1;
		if (len < UD_HEADER ||
		    rdd_cur_sub(&t, (size_t)len - UD_HEADER, &body) != 0)
			return -1;
		switch (type) {
		case RDD_SC_CORE:
			d.has_client_requested_protocols = false;
			d.has_early_capability_flags = false;
			if (rdd_cur_u32le(&body, &d.version) != 0)
				return -1;
			d.has_core = true;
			d.core_length = len;
			if (rdd_cur_u32le(&body,
			                  &d.client_requested_protocols) != 0)
				break;
			d.has_client_requested_protocols = true;
			if (rdd_cur_u32le(&body, &d.early_capability_flags) !=
			    0)
				break;
			d.has_early_capability_flags = true;
			break;
		case RDD_SC_SECURITY:
			if (parse_sc_security(&body, &d) != 0)
				return -1;
			d.has_security = true;
			break;
		case RDD_SC_NET:
			if (parse_sc_net(&body, &d) != 0)
				return -1;
			d.has_net = true;
			break;
		case RDD_SC_MCS_MSGCHANNEL:
			if (rdd_cur_u16le(&body, &d.msg_channel) != 0)
				return -1;
			d.has_msgchannel = true;
			break;
		case RDD_SC_MULTITRANSPORT:
			if (rdd_cur_u32le(&body, &d.multitransport_flags) != 0)
				return -1;
			d.has_multitransport = true;
			break;
		default:
			d.n_other_blocks++;
			break;
		}
	}
	*in = t;
	*sd = d;
	return 0;
}

/* ---- names ------------------------------------------------------------ */

const char *
rdd_rdp_version_name(uint32_t version)
{
	static const char *const v10[] = {
	    "RDP 10.0",  "RDP 10.1",  "RDP 10.2",  "RDP 10.3", "RDP 10.4",
	    "RDP 10.5",  "RDP 10.6",  "RDP 10.7",  "RDP 10.8", "RDP 10.9",
	    "RDP 10.10", "RDP 10.11", "RDP 10.12",
	};

	if (version == RDD_RDP_VERSION_4)
		return "RDP 4.0";
	if (version == RDD_RDP_VERSION_5_PLUS)
		return "RDP 5.0-8.1";
	if (version >= RDD_RDP_VERSION_10_0 && version <= RDD_RDP_VERSION_10_12)
		return v10[version - RDD_RDP_VERSION_10_0];
	return NULL;
}

static const struct {
	uint32_t value;
	const char *name;
	const char *desc;
} methods[] = {
    {RDD_ENCRYPTION_METHOD_40BIT, "ENCRYPTION_METHOD_40BIT", "40-bit RC4"},
    {RDD_ENCRYPTION_METHOD_128BIT, "ENCRYPTION_METHOD_128BIT", "128-bit RC4"},
    {RDD_ENCRYPTION_METHOD_56BIT, "ENCRYPTION_METHOD_56BIT", "56-bit RC4"},
    {RDD_ENCRYPTION_METHOD_FIPS, "ENCRYPTION_METHOD_FIPS", "FIPS 140-1"},
};

const char *
rdd_encryption_method_name(uint32_t method)
{
	size_t i;

	if (method == RDD_ENCRYPTION_METHOD_NONE)
		return "ENCRYPTION_METHOD_NONE";
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].value == method)
			return methods[i].name;
	return NULL;
}

const char *
rdd_encryption_method_desc(uint32_t method)
{
	size_t i;

	if (method == RDD_ENCRYPTION_METHOD_NONE)
		return "none";
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].value == method)
			return methods[i].desc;
	return NULL;
}

const char *
rdd_encryption_level_name(uint32_t level)
{
	static const char *const names[] = {
	    "ENCRYPTION_LEVEL_NONE",
	    "ENCRYPTION_LEVEL_LOW",
	    "ENCRYPTION_LEVEL_CLIENT_COMPATIBLE",
	    "ENCRYPTION_LEVEL_HIGH",
	    "ENCRYPTION_LEVEL_FIPS",
	};

	return level < sizeof(names) / sizeof(names[0]) ? names[level] : NULL;
}

const char *
rdd_encryption_level_desc(uint32_t level)
{
	static const char *const descs[] = {
	    "None", "Low", "Client Compatible", "High", "FIPS Compliant",
	};

	return level < sizeof(descs) / sizeof(descs[0]) ? descs[level] : NULL;
}

/* Append S to DST (CAP bytes, *LEN used), truncating; always terminated. */
static void
append(char *dst, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len >= cap - 1)
		return;
	if (n > cap - 1 - *len)
		n = cap - 1 - *len;
	memcpy(dst + *len, s, n);
	*len += n;
	dst[*len] = '\0';
}

/* "NAME|NAME|0x..." for the bits of V named in TABLE. */
static char *
flags_str(char *dst, size_t cap, uint32_t v, const uint32_t *bits,
          const char *const *names, size_t n, const char *zero)
{
	static const char hex[] = "0123456789abcdef";
	char num[2 + 8 + 1];
	size_t len = 0, i, k;
	uint32_t unknown = v;
	int shift;

	if (dst == NULL || cap == 0)
		return dst;
	dst[0] = '\0';
	if (v == 0) {
		append(dst, cap, &len, zero);
		return dst;
	}
	for (i = 0; i < n; i++) {
		if (!(v & bits[i]))
			continue;
		if (len > 0)
			append(dst, cap, &len, "|");
		append(dst, cap, &len, names[i]);
		unknown &= ~bits[i];
	}
	if (unknown != 0) {
		k = 0;
		num[k++] = '0';
		num[k++] = 'x';
		for (shift = 28; shift > 0 && (unknown >> shift) == 0;
		     shift -= 4)
			;
		for (; shift >= 0; shift -= 4)
			num[k++] = hex[(unknown >> shift) & 0xf];
		num[k] = '\0';
		if (len > 0)
			append(dst, cap, &len, "|");
		append(dst, cap, &len, num);
	}
	return dst;
}

char *
rdd_encryption_methods_str(char *dst, size_t cap, uint32_t m)
{
	static const uint32_t bits[] = {
	    RDD_ENCRYPTION_METHOD_40BIT,
	    RDD_ENCRYPTION_METHOD_56BIT,
	    RDD_ENCRYPTION_METHOD_128BIT,
	    RDD_ENCRYPTION_METHOD_FIPS,
	};
	static const char *const names[] = {"40BIT", "56BIT", "128BIT", "FIPS"};

	return flags_str(dst, cap, m, bits, names, 4, "NONE");
}

char *
rdd_multitransport_str(char *dst, size_t cap, uint32_t f)
{
	static const uint32_t bits[] = {
	    RDD_TRANSPORTTYPE_UDPFECR,
	    RDD_TRANSPORTTYPE_UDPFECL,
	    RDD_TRANSPORTTYPE_UDP_PREFERRED,
	    RDD_SOFTSYNC_TCP_TO_UDP,
	};
	static const char *const names[] = {
	    "UDPFECR", "UDPFECL", "UDP_PREFERRED", "SOFTSYNC_TCP_TO_UDP"};

	return flags_str(dst, cap, f, bits, names, 4, "none");
}
