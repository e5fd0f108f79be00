/*
 * test_trust.c - lib/net/trust.c: the trust store from --ca-file, and the
 * system's read lazily from a hashed directory (SSL_CERT_DIR) or a bundle
 * (SSL_CERT_FILE), each checked by verifying leaves signed by CAs made
 * here; a bundle's certificates are decoded only when an issuer of their
 * name is asked for.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "rdpdoctor/check.h"

static EVP_PKEY *ca_key, *leaf_key;
static X509 *ca, *leaf;
/* Two CAs nobody asks for, and a root -> intermediate -> leaf chain. */
static X509 *other1, *other2, *root, *inter, *leaf2;
/* Self-signed under other1's name, with another key. */
static X509 *stranger;
static char dir[64];

/* A certificate for CN signed by SIGNER (self-signed when NULL). */
static X509 *
issue(EVP_PKEY *key, const char *cn, X509 *signer, EVP_PKEY *signer_key)
{
	X509 *x = X509_new();
	X509_NAME *name;

	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), signer ? 2 : 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	                           (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, signer ? X509_get_subject_name(signer) : name);
	if (signer == NULL) {
		X509_EXTENSION *bc = X509V3_EXT_conf_nid(
		    NULL, NULL, NID_basic_constraints, "critical,CA:TRUE");

		assert_non_null(bc);
		X509_add_ext(x, bc, -1);
		X509_EXTENSION_free(bc);
	}
	assert_true(X509_sign(x, signer_key ? signer_key : key, EVP_sha256()) >
	            0);
	return x;
}

/* A CA certificate for CN signed by SIGNER (self-signed when NULL). */
static X509 *
issue_ca(EVP_PKEY *key, const char *cn, X509 *signer, EVP_PKEY *signer_key)
{
	X509 *x = issue(key, cn, signer, signer_key);
	X509_EXTENSION *bc;

	if (signer == NULL)
		return x; /* issue() made it a CA */
	bc = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints,
	                         "critical,CA:TRUE");
	assert_non_null(bc);
	X509_add_ext(x, bc, -1);
	X509_EXTENSION_free(bc);
	assert_true(X509_sign(x, signer_key, EVP_sha256()) > 0);
	return x;
}

/* Write the N certificates of XS to PATH as PEM; AUX: as TRUSTED
 * CERTIFICATE blocks. */
static void
write_pems(const char *path, X509 *const *xs, int n, bool aux)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (int i = 0; i < n; i++)
		assert_int_equal(aux ? PEM_write_X509_AUX(f, xs[i])
		                     : PEM_write_X509(f, xs[i]),
		                 1);
	assert_int_equal(fclose(f), 0);
}

static void
write_pem(const char *path, X509 *x)
{
	write_pems(path, &x, 1, false);
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* 1 LEAF, sent with UNTRUSTED (may be NULL), verifies against STORE. */
static int
chain_verifies(void *store, X509 *l, X509 *untrusted)
{
	X509_STORE_CTX *vc = X509_STORE_CTX_new();
	STACK_OF(X509) *sk = sk_X509_new_null();
	int ok;

	assert_non_null(vc);
	assert_non_null(sk);
	if (untrusted != NULL)
		assert_true(sk_X509_push(sk, untrusted) > 0);
	assert_int_equal(X509_STORE_CTX_init(vc, store, l, sk), 1);
	ok = X509_verify_cert(vc);
	X509_STORE_CTX_free(vc);
	sk_X509_free(sk);
	return ok == 1;
}

/* 1 the leaf verifies against STORE, 0 it does not. */
static int
verifies(void *store)
{
	return chain_verifies(store, leaf, NULL);
}

/* Certificates decoded into STORE so far. */
static int
decoded(void *store)
{
	return sk_X509_OBJECT_num(X509_STORE_get0_objects(store));
}

static int
setup(void **state)
{
	(void)state;
	ca_key = EVP_EC_gen("P-256");
	leaf_key = EVP_EC_gen("P-256");
	if (ca_key == NULL || leaf_key == NULL)
		return -1;
	ca = issue(ca_key, "rdpdoctor test CA", NULL, NULL);
	leaf = issue(leaf_key, "rdp.example.test", ca, ca_key);
	/* The keys are reused: only names and signatures matter here. */
	other1 = issue(leaf_key, "Other Root One", NULL, NULL);
	other2 = issue(leaf_key, "Other Root Two", NULL, NULL);
	root = issue(leaf_key, "rdpdoctor test root", NULL, NULL);
	inter = issue_ca(ca_key, "rdpdoctor test intermediate", root, leaf_key);
	leaf2 = issue(leaf_key, "rdp2.example.test", inter, ca_key);
	stranger = issue(ca_key, "Other Root One", NULL, NULL);
	snprintf(dir, sizeof(dir), "/tmp/rdd-trust-XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return -1;
	X509_free(leaf);
	X509_free(ca);
	X509_free(other1);
	X509_free(other2);
	X509_free(root);
	X509_free(inter);
	X509_free(leaf2);
	X509_free(stranger);
	EVP_PKEY_free(leaf_key);
	EVP_PKEY_free(ca_key);
	return 0;
}

static void
test_ca_file(void **state)
{
	char path[128], err[128];
	void *st;

	(void)state;
	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	write_pem(path, ca);
	st = rdd_trust_store_load(path, err, sizeof(err));
	assert_non_null(st);
	assert_string_equal(err, "");
	assert_true(verifies(st));
	rdd_trust_store_free(st);

	snprintf(path, sizeof(path), "%s/missing.pem", dir);
	assert_null(rdd_trust_store_load(path, err, sizeof(err)));
	assert_string_equal(err, "No such file or directory");
}

/* A file the user names must hold certificates, all of them whole, as
 * OpenSSL's own loading requires; other PEM blocks are passed over. */
static void
test_ca_file_errors(void **state)
{
	static const char bad_der[] = "-----BEGIN CERTIFICATE-----\n"
	                              "MAMCAQE=\n"
	                              "-----END CERTIFICATE-----\n";
	static const char bad_base64[] = "-----BEGIN CERTIFICATE-----\n"
	                                 "MA!!MCAQE=\n"
	                                 "-----END CERTIFICATE-----\n";
	static const char other_block[] = "-----BEGIN X509 CRL-----\n"
	                                  "MAMCAQE=\n"
	                                  "-----END X509 CRL-----\n";
	char path[128], err[128];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/bad.pem", dir);
	write_text(path, "not PEM at all\n");
	assert_null(rdd_trust_store_load(path, err, sizeof(err)));
	assert_string_equal(err, "no certificate in the file");

	write_text(path, other_block);
	assert_null(rdd_trust_store_load(path, err, sizeof(err)));
	assert_string_equal(err, "no certificate in the file");

	write_pem(path, ca);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs(bad_der, f);
	fclose(f);
	assert_null(rdd_trust_store_load(path, err, sizeof(err)));
	assert_string_equal(err, "certificate 2 is malformed");

	write_pem(path, ca);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs(bad_base64, f);
	fclose(f);
	assert_null(rdd_trust_store_load(path, err, sizeof(err)));
	assert_string_equal(err, "block 2 is not valid PEM");

	/* A CRL beside the CA is passed over. */
	write_text(path, other_block);
	f = fopen(path, "a");
	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, ca), 1);
	fclose(f);
	void *st = rdd_trust_store_load(path, err, sizeof(err));
	assert_non_null(st);
	assert_true(verifies(st));
	rdd_trust_store_free(st);
}

/* A bundle (SSL_CERT_FILE, or --ca-file): only the certificates named
 * as issuers are decoded, and a chain through an intermediate the server
 * sends, a self-signed certificate trusted as itself, and OpenSSL's
 * TRUSTED CERTIFICATE blocks all verify as with OpenSSL's own loading. */
static void
test_bundle_lazy(void **state)
{
	X509 *bundle[] = {other1, ca, other2, root};
	char empty[96], path[160], err[128];
	void *st;

	(void)state;
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	assert_int_equal(mkdir(empty, 0700), 0);
	snprintf(path, sizeof(path), "%s/bundle.pem", dir);
	write_pems(path, bundle, 4, false);
	assert_int_equal(setenv("SSL_CERT_FILE", path, 1), 0);
	assert_int_equal(setenv("SSL_CERT_DIR", empty, 1), 0);
	st = rdd_trust_store_load(NULL, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(decoded(st), 0);
	assert_true(verifies(st));
	assert_int_equal(decoded(st), 1); /* the CA alone */
	assert_true(verifies(st));        /* again, from the store */
	assert_int_equal(decoded(st), 1);
	/* Through the intermediate: the root is found by its name. */
	assert_true(chain_verifies(st, leaf2, inter));
	assert_int_equal(decoded(st), 2);
	/* Without the intermediate there is no path. */
	assert_false(chain_verifies(st, leaf2, NULL));
	/* A self-signed certificate that is in the bundle is trusted. */
	assert_true(chain_verifies(st, other2, NULL));
	/* One that is not: its name is in the bundle, its key is not. */
	assert_false(chain_verifies(st, stranger, NULL));
	rdd_trust_store_free(st);

	/* The same bundle named by --ca-file, as TRUSTED CERTIFICATEs. */
	write_pems(path, bundle, 4, true);
	st = rdd_trust_store_load(path, err, sizeof(err));
	assert_non_null(st);
	assert_true(verifies(st));
	assert_true(chain_verifies(st, leaf2, inter));
	rdd_trust_store_free(st);

	/* The system's bundle is read at the first lookup, not at load:
	 * written after the load, it is still the one found. */
	snprintf(path, sizeof(path), "%s/late.pem", dir);
	assert_int_equal(setenv("SSL_CERT_FILE", path, 1), 0);
	st = rdd_trust_store_load(NULL, err, sizeof(err));
	assert_non_null(st);
	write_pem(path, ca);
	assert_true(verifies(st));
	rdd_trust_store_free(st);

	/* A system bundle that is not there is no error: nothing trusted. */
	snprintf(path, sizeof(path), "%s/no-such-bundle.pem", dir);
	assert_int_equal(setenv("SSL_CERT_FILE", path, 1), 0);
	st = rdd_trust_store_load(NULL, err, sizeof(err));
	assert_non_null(st);
	assert_false(verifies(st));
	rdd_trust_store_free(st);
	assert_int_equal(unsetenv("SSL_CERT_FILE"), 0);
	assert_int_equal(unsetenv("SSL_CERT_DIR"), 0);
}

/* The system's store from a hashed directory: the CA is found by its
 * subject hash, during the verification. */
static void
test_hashed_dir(void **state)
{
	char sub[96], path[160], err[128];
	void *st;

	(void)state;
	snprintf(sub, sizeof(sub), "%s/hashed", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/%08lx.0", sub,
	         X509_subject_name_hash(ca));
	write_pem(path, ca);
	assert_int_equal(unsetenv("SSL_CERT_FILE"), 0);
	assert_int_equal(setenv("SSL_CERT_DIR", sub, 1), 0);
	st = rdd_trust_store_load(NULL, err, sizeof(err));
	assert_non_null(st);
	/* Nothing parsed before it is needed (the default paths would have
	 * read the whole system bundle). */
	assert_int_equal(sk_X509_OBJECT_num(X509_STORE_get0_objects(st)), 0);
	assert_true(verifies(st));
	rdd_trust_store_free(st);

	/* The CA under another name: not the hashed layout, so the default
	 * paths are used, and they do not find it. */
	snprintf(sub, sizeof(sub), "%s/plain", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/ca.pem", sub);
	write_pem(path, ca);
	assert_int_equal(setenv("SSL_CERT_DIR", sub, 1), 0);
	st = rdd_trust_store_load(NULL, err, sizeof(err));
	assert_non_null(st);
	assert_false(verifies(st));
	rdd_trust_store_free(st);

	/* A list of directories, as OpenSSL takes it: each is looked in. */
	snprintf(path, sizeof(path), "%s/plain:%s/hashed", dir, dir);
	assert_int_equal(setenv("SSL_CERT_DIR", path, 1), 0);
	st = rdd_trust_store_load(NULL, err, sizeof(err));
	assert_non_null(st);
	assert_true(verifies(st));
	rdd_trust_store_free(st);
	assert_int_equal(unsetenv("SSL_CERT_DIR"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ca_file),
	    cmocka_unit_test(test_ca_file_errors),
	    cmocka_unit_test(test_bundle_lazy),
	    cmocka_unit_test(test_hashed_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
