/*
 * trust.c - the trust store the certificate chain is verified against
 * (check.h): the system's (OpenSSL's default paths) or one file of PEM
 * certificates (--ca-file). The probe only reads it; it never opens a
 * file itself.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "rdpdoctor/check.h"

void *
rdd_trust_store_load(const char *ca_file, char *err, size_t errcap)
{
	X509_STORE *st;
	unsigned long e;
	int ok;

	if (errcap > 0)
		err[0] = '\0';
	ERR_clear_error();
	st = X509_STORE_new();
	if (st == NULL) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	if (ca_file != NULL)
		ok = X509_STORE_load_file(st, ca_file) == 1;
	else
		ok = X509_STORE_set_default_paths(st) == 1;
	if (!ok) {
		e = ERR_peek_error(); /* the first: fopen's errno, if any */
		if (e != 0 && ERR_SYSTEM_ERROR(e))
			snprintf(err, errcap, "%s",
			         strerror(ERR_GET_REASON(e)));
		else
			snprintf(err, errcap, "%s",
			         e != 0 && ERR_reason_error_string(e) != NULL
			             ? ERR_reason_error_string(e)
			             : "cannot load the certificates");
		X509_STORE_free(st);
		ERR_clear_error();
		return NULL;
	}
	ERR_clear_error();
	return st;
}

void
rdd_trust_store_free(void *store)
{
	X509_STORE_free(store);
}
