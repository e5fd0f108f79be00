/*
 * test_trust.c - lib/net/trust.c: the trust store from --ca-file, and the
 * system's read lazily from a hashed directory (SSL_CERT_DIR), each
 * checked by verifying a leaf signed by a CA made here.
 */
#include <stdarg.h>
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

static void
write_pem(const char *path, X509 *x)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, x), 1);
	assert_int_equal(fclose(f), 0);
}

/* 1 the leaf verifies against STORE, 0 it does not. */
static int
verifies(void *store)
{
	X509_STORE_CTX *vc = X509_STORE_CTX_new();
	int ok;

	assert_non_null(vc);
	assert_int_equal(X509_STORE_CTX_init(vc, store, leaf, NULL), 1);
	ok = X509_verify_cert(vc);
	X509_STORE_CTX_free(vc);
	return ok == 1;
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
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ca_file),
	    cmocka_unit_test(test_hashed_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
