/*
 * trust.c - the trust store the certificate chain is verified against
 * (check.h): the system's (OpenSSL's default paths) or one file of PEM
 * certificates (--ca-file). The probe only reads it; it never opens a
 * file itself.
 *
 * The system's store is read lazily when it can be: OpenSSL's default
 * paths parse the whole bundle (/etc/ssl/certs/ca-certificates.crt, ~140
 * certificates, ~30 ms) before the first packet, while the hashed
 * directory beside it (update-ca-certificates keeps it) is looked up one
 * issuer at a time, during the verification.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "rdpdoctor/check.h"

/* DIR holds at least one "<8 hex digits>.<digit>" entry: OpenSSL's
 * hashed layout. Looks at a bounded number of entries. */
static bool
is_hashed_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	if (d == NULL)
		return false;
	for (int n = 0; n < 4096 && !found && (de = readdir(d)) != NULL; n++) {
		const char *name = de->d_name;
		int i = 0;

		while (i < 8 && isxdigit((unsigned char)name[i]))
			i++;
		found =
		    i == 8 && name[8] == '.' && isdigit((unsigned char)name[9]);
	}
	closedir(d);
	return found;
}

/* The system's store: the hashed directory alone when there is one and
 * the user did not name a file (SSL_CERT_FILE); otherwise OpenSSL's
 * default paths, which honour SSL_CERT_FILE and SSL_CERT_DIR. */
static int
load_system(X509_STORE *st)
{
	const char *dir = getenv(X509_get_default_cert_dir_env());

	if (dir == NULL)
		dir = X509_get_default_cert_dir();
	if (getenv(X509_get_default_cert_file_env()) == NULL &&
	    strchr(dir, ':') == NULL && is_hashed_dir(dir))
		return X509_STORE_load_path(st, dir);
	return X509_STORE_set_default_paths(st);
}

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
		ok = load_system(st) == 1;
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
