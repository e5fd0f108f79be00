/*
 * trust.c - the trust store the certificate chain is verified against
 * (check.h): the system's (OpenSSL's default paths) or one file of PEM
 * certificates (--ca-file). The probe only reads it; it never opens a
 * file itself.
 *
 * Nothing is decoded before the verification needs it. OpenSSL's own
 * loading decodes every certificate of a file up front: for the system
 * bundle (/etc/ssl/certs/ca-certificates.crt, ~140 certificates) that is
 * ~30 ms before the first packet, on every check. Here:
 *   - a hashed directory (/etc/ssl/certs, or SSL_CERT_DIR; kept by
 *     update-ca-certificates) is looked up one issuer at a time, by
 *     OpenSSL's own directory lookup;
 *   - a file is indexed by subject name (~2 ms for the system bundle):
 *     --ca-file at load, where its errors can be reported, SSL_CERT_FILE
 *     at the first lookup, so that no check waits for it before its
 *     first packet; a certificate is decoded and put into the store only
 *     when the verification asks for an issuer of that name (the store's
 *     get_issuer and lookup_certs callbacks).
 * The verification sees the same certificates it would have seen in a
 * fully loaded store, since it only ever looks them up by subject name.
 *
 * On Windows (rdpdoctor.exe) the system's store is Windows' own: the
 * certificates of the ROOT system store (Trusted Root Certification
 * Authorities, the machine's and the user's), decoded up front, unless
 * SSL_CERT_FILE or SSL_CERT_DIR names OpenSSL's places.
 */
#ifdef _WIN32
/* Before OpenSSL's headers, which undo wincrypt.h's X509_NAME macros. */
#include <windows.h>
#include <wincrypt.h>
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "rdpdoctor/check.h"
#include "wire/certname.h"

/* More certificates than any real bundle holds (Debian's: ~150). */
#define MAX_BUNDLE_CERTS 10000

struct bundle_cert {
	unsigned char *der; /* the PEM block, decoded */
	long der_len;
	X509_NAME *subject;
	bool aux;   /* TRUSTED CERTIFICATE: with OpenSSL's trust settings */
	bool added; /* already in the store */
};

/* The certificates of one PEM file, indexed by subject; attached to its
 * store as ex_data, freed with it. */
struct bundle {
	pthread_mutex_t lock; /* the store may be shared by threads */
	/* The system's file, read at the first lookup; NULL once read (a
	 * --ca-file is read at load, where its errors can be told). */
	char *path;
	struct bundle_cert *certs;
	size_t n, cap;
};

static int bundle_index = -1;
static pthread_once_t bundle_index_once = PTHREAD_ONCE_INIT;

static void
bundle_free(struct bundle *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->n; i++) {
		OPENSSL_free(b->certs[i].der);
		X509_NAME_free(b->certs[i].subject);
	}
	free(b->certs);
	free(b->path);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

static void
bundle_ex_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
               void *argp)
{
	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	bundle_free(ptr);
}

static void
make_bundle_index(void)
{
	bundle_index =
	    X509_STORE_get_ex_new_index(0, NULL, NULL, NULL, bundle_ex_free);
}

static bool
is_certificate_block(const char *name, bool *aux)
{
	*aux = strcmp(name, PEM_STRING_X509_TRUSTED) == 0;
	return *aux || strcmp(name, PEM_STRING_X509) == 0 ||
	       strcmp(name, PEM_STRING_X509_OLD) == 0;
}

/* Index one decoded block. 0 indexed, -1 not a certificate's DER. */
static int
bundle_add(struct bundle *b, unsigned char *der, long len, bool aux)
{
	const uint8_t *name;
	const unsigned char *p;
	size_t name_len;
	X509_NAME *subject;

	if (rdd_cert_subject(der, (size_t)len, &name, &name_len) != 0)
		return -1;
	p = name;
	subject = d2i_X509_NAME(NULL, &p, (long)name_len);
	if (subject == NULL)
		return -1;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct bundle_cert *c = realloc(b->certs, cap * sizeof(*c));

		if (c == NULL) {
			X509_NAME_free(subject);
			return -1;
		}
		b->certs = c;
		b->cap = cap;
	}
	b->certs[b->n++] = (struct bundle_cert){
	    .der = der, .der_len = len, .subject = subject, .aux = aux};
	return 0;
}

/*
 * Read the PEM file PATH into B. STRICT (--ca-file): a block that is not
 * a certificate, or no certificate at all, is an error, as
 * X509_STORE_load_file makes it; otherwise (the system's file) bad blocks
 * are passed over and a missing file adds nothing. Returns 0, or -1 with
 * the reason in ERR.
 */
static int
bundle_fill(struct bundle *b, const char *path, bool strict, char *err,
            size_t errcap)
{
	BIO *in;
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long len;
	size_t blocks = 0;
	bool aux;
	int rc = -1;

	in = BIO_new_file(path, "r");
	if (in == NULL) {
		int e = errno;

		ERR_clear_error();
		if (!strict)
			return 0; /* no file there: nothing to add */
		snprintf(err, errcap, "%s",
		         e != 0 ? strerror(e) : "cannot open the file");
		return -1;
	}
	while (blocks < MAX_BUNDLE_CERTS &&
	       PEM_read_bio(in, &name, &header, &data, &len) == 1) {
		bool cert = is_certificate_block(name, &aux);

		blocks++;
		if (cert && bundle_add(b, data, len, aux) == 0)
			data = NULL; /* the bundle owns it */
		else if (strict && cert) {
			snprintf(err, errcap, "certificate %zu is malformed",
			         blocks);
			goto out;
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(data);
		name = header = NULL;
		data = NULL;
	}
	/* The loop ends at the end of the file (no more start lines) or at
	 * a block that does not decode. */
	if (strict &&
	    ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE) {
		snprintf(err, errcap, "block %zu is not valid PEM", blocks + 1);
		goto out;
	}
	if (strict && b->n == 0) {
		snprintf(err, errcap, "no certificate in the file");
		goto out;
	}
	rc = 0;
out:
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(data);
	BIO_free(in);
	ERR_clear_error();
	return rc;
}

/* Put the bundle's certificates named NAME into the store of CTX. */
static void
add_by_subject(X509_STORE_CTX *ctx, const X509_NAME *name)
{
	X509_STORE *st = X509_STORE_CTX_get0_store(ctx);
	struct bundle *b = st != NULL && bundle_index >= 0
	                       ? X509_STORE_get_ex_data(st, bundle_index)
	                       : NULL;

	if (b == NULL)
		return;
	pthread_mutex_lock(&b->lock);
	if (b->path != NULL) {
		char ignored[1];

		(void)bundle_fill(b, b->path, false, ignored, sizeof(ignored));
		free(b->path);
		b->path = NULL;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct bundle_cert *c = &b->certs[i];
		const unsigned char *p = c->der;
		X509 *x;

		if (c->added || X509_NAME_cmp(c->subject, name) != 0)
			continue;
		c->added = true;
		x = c->aux ? d2i_X509_AUX(NULL, &p, c->der_len)
		           : d2i_X509(NULL, &p, c->der_len);
		if (x != NULL)
			X509_STORE_add_cert(st, x);
		X509_free(x);
	}
	pthread_mutex_unlock(&b->lock);
}

/* The verification asks the store for the issuers of X ... */
static int
get_issuer(X509 **issuer, X509_STORE_CTX *ctx, X509 *x)
{
	add_by_subject(ctx, X509_get_issuer_name(x));
	return X509_STORE_CTX_get1_issuer(issuer, ctx, x);
}

/* ... and, to tell whether a certificate is itself trusted, for the
 * certificates of a name. */
static STACK_OF(X509) * lookup_certs(X509_STORE_CTX *ctx, const X509_NAME *name)
{
	add_by_subject(ctx, name);
	return X509_STORE_CTX_get1_certs(ctx, name);
}

static int
attach_file(X509_STORE *st, const char *path, bool strict, char *err,
            size_t errcap)
{
	struct bundle *b;

	pthread_once(&bundle_index_once, make_bundle_index);
	if (bundle_index < 0) {
		snprintf(err, errcap, "out of memory");
		return -1;
	}
	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		snprintf(err, errcap, "out of memory");
		return -1;
	}
	pthread_mutex_init(&b->lock, NULL);
	if (strict && bundle_fill(b, path, true, err, errcap) != 0) {
		bundle_free(b);
		return -1;
	}
	if (!strict && (b->path = strdup(path)) == NULL) {
		bundle_free(b);
		snprintf(err, errcap, "out of memory");
		return -1;
	}
	if (X509_STORE_set_ex_data(st, bundle_index, b) != 1) {
		bundle_free(b);
		snprintf(err, errcap, "out of memory");
		return -1;
	}
	X509_STORE_set_get_issuer(st, get_issuer);
	X509_STORE_set_lookup_certs(st, lookup_certs);
	return 0;
}

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

/*
 * The system's store, from OpenSSL's default places (SSL_CERT_FILE and
 * SSL_CERT_DIR override them): the hashed directory, and the bundle file
 * too when the user named one (SSL_CERT_FILE) or there is no hashed
 * directory. Missing places are skipped, as OpenSSL skips them.
 */
static int
load_system(X509_STORE *st, char *err, size_t errcap)
{
	const char *dir = getenv(X509_get_default_cert_dir_env());
	const char *file = getenv(X509_get_default_cert_file_env());

	if (dir == NULL)
		dir = X509_get_default_cert_dir();
	/* A list of directories, as OpenSSL takes it ("a:b"), too. */
	if (X509_STORE_load_path(st, dir) != 1)
		ERR_clear_error();
	/* One hashed directory holds what the default bundle holds. */
	if (file == NULL && strchr(dir, ':') == NULL && is_hashed_dir(dir))
		return 0;
	if (file == NULL)
		file = X509_get_default_cert_file();
	return attach_file(st, file, false, err, errcap);
}

#ifdef _WIN32
/* More certificates than any root store holds (Windows 10's: ~60 at
 * first, a few hundred once automatic root update has fetched more). */
#define MAX_WINDOWS_ROOTS 5000

/*
 * Windows' trusted roots as trust anchors. Windows fetches some roots on
 * their first use (automatic root update): one it has never fetched is
 * not in the store yet, and a chain to it is reported untrusted.
 */
static int
load_windows_roots(X509_STORE *st, char *err, size_t errcap)
{
	HCERTSTORE h = CertOpenSystemStoreW(0, L"ROOT");
	PCCERT_CONTEXT c = NULL;
	int n;

	if (h == NULL) {
		snprintf(err, errcap,
		         "cannot open Windows' root certificate store (error "
		         "%lu)",
		         (unsigned long)GetLastError());
		return -1;
	}
	for (n = 0; n < MAX_WINDOWS_ROOTS &&
	            (c = CertEnumCertificatesInStore(h, c)) != NULL;
	     n++) {
		const unsigned char *p = c->pbCertEncoded;
		X509 *x = d2i_X509(NULL, &p, (long)c->cbCertEncoded);

		if (x == NULL)
			continue; /* not one OpenSSL reads: skipped */
		(void)X509_STORE_add_cert(st, x); /* a duplicate is harmless */
		X509_free(x);
	}
	if (c != NULL)
		CertFreeCertificateContext(c);
	CertCloseStore(h, 0);
	ERR_clear_error();
	return 0;
}
#endif

void *
rdd_trust_store_load(const char *ca_file, char *err, size_t errcap)
{
	X509_STORE *st;
	char dummy[1];

	if (errcap == 0) {
		err = dummy;
		errcap = sizeof(dummy);
	}
	err[0] = '\0';
	ERR_clear_error();
	st = X509_STORE_new();
	if (st == NULL) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
#ifdef _WIN32
	if (ca_file == NULL &&
	    getenv(X509_get_default_cert_file_env()) == NULL &&
	    getenv(X509_get_default_cert_dir_env()) == NULL) {
		if (load_windows_roots(st, err, errcap) != 0) {
			X509_STORE_free(st);
			return NULL;
		}
		return st;
	}
#endif
	if ((ca_file != NULL ? attach_file(st, ca_file, true, err, errcap)
	                     : load_system(st, err, errcap)) != 0) {
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
