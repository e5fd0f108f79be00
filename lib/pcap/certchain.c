/*
 * certchain.c - the server's certificate chain from a capture
 * (certchain.h). The facts come from lib/probe/tls.c (rdd__cert_facts),
 * the verification is OpenSSL's, with the dates left to lib/diag as in
 * `check` (a chain whose only fault is time still leads to a root).
 */
#include <stdio.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "pcap/certchain.h"
#include "probe/tls.h"

static X509 *
decode(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;

	if (len > 0x7FFFFFFF)
		return NULL;
	return d2i_X509(NULL, &p, (long)len);
}

static int
verify(X509_STORE *store, X509 *leaf, STACK_OF(X509) * rest, int64_t at,
       bool no_time, int *err)
{
	X509_STORE_CTX *vc = X509_STORE_CTX_new();
	int ok;

	if (vc == NULL || X509_STORE_CTX_init(vc, store, leaf, rest) != 1) {
		X509_STORE_CTX_free(vc);
		return -1;
	}
	if (at > 0)
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(vc),
		                           (time_t)at);
	if (no_time)
		X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(vc),
		                            X509_V_FLAG_NO_CHECK_TIME);
	ok = X509_verify_cert(vc);
	*err = X509_STORE_CTX_get_error(vc);
	X509_STORE_CTX_free(vc);
	return ok == 1 ? 1 : 0;
}

void
rdd_pcap_chain_facts(const struct rdd_pcap_chain *chain,
                     const char *server_name, void *store, int64_t at,
                     struct rdd_cert *out)
{
	STACK_OF(X509) *rest = NULL;
	X509 *leaf, *x;
	size_t i;
	int ok, err = 0;

	if (chain->n == 0)
		return;
	leaf = decode(chain->der[0], chain->len[0]);
	if (leaf == NULL) {
		ERR_clear_error();
		return;
	}
	rdd__cert_facts(leaf, server_name, out);
	if (store != NULL && out->present) {
		rest = sk_X509_new_null();
		for (i = 1; rest != NULL && i < chain->n; i++) {
			x = decode(chain->der[i], chain->len[i]);
			if (x != NULL && sk_X509_push(rest, x) == 0)
				X509_free(x);
		}
		ok = verify(store, leaf, rest, at, false, &err);
		if (ok == 0 && (err == X509_V_ERR_CERT_HAS_EXPIRED ||
		                err == X509_V_ERR_CERT_NOT_YET_VALID))
			ok = verify(store, leaf, rest, at, true, &err);
		if (ok >= 0) {
			out->trusted = ok;
			if (ok == 0)
				snprintf(out->trust_error,
				         sizeof(out->trust_error), "%s",
				         X509_verify_cert_error_string(err));
		}
		sk_X509_pop_free(rest, X509_free);
	}
	X509_free(leaf);
	ERR_clear_error();
}
