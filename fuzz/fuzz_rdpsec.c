/*
 * fuzz_rdpsec.c - libFuzzer target for Standard RDP Security
 * (lib/wire/rdpsec.c) and the certificate parser of lib/wire/gcc.c that
 * calls its signature check.
 *
 * The input is read as a basic security header; as the body of one
 * encrypted PDU (what follows a basic header with SEC_ENCRYPT) given to
 * rdd_sec_decrypt under each of the four methods, with keys derived from
 * fixed randoms, the first byte choosing the flags and how much room OUT
 * has; as a run of such bodies for one state, each behind a one-byte
 * length, so the counters and the RC4 stream move; as plaintext one side
 * encrypts and the other decrypts; and as a SERVER_CERTIFICATE, whose
 * key, if any, then encrypts a client random. Invariants a crash would
 * not reveal are checked with abort(): a refused PDU leaves the cursor
 * and the state as they were (a genuine PDU still decrypts with a
 * matching MAC after it), an accepted one consumes its input and counts
 * once, a round trip gives the plaintext back, and the certificate's
 * signature_ok is the signature check's own answer.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wire/cursor.h"
#include "wire/gcc.h"
#include "wire/rdpsec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

/* Longest input looked at in each mode. */
#define MAX_PDU 4096

static const uint32_t methods[] = {
    RDD_ENCRYPTION_METHOD_40BIT,
    RDD_ENCRYPTION_METHOD_56BIT,
    RDD_ENCRYPTION_METHOD_128BIT,
    RDD_ENCRYPTION_METHOD_FIPS,
};

#define N_METHODS (sizeof(methods) / sizeof(methods[0]))

/* The client's and the server's keys of each method, derived once: the
 * randoms are fixed, so every input would derive the same ones again (it
 * was twelve derivations per input, each hashing through OpenSSL). */
static struct rdd_sec_keys client_keys[N_METHODS], server_keys[N_METHODS];
static bool have_keys[N_METHODS];

/* A client and a server state sharing the keys of method M (an index
 * into methods). */
static void
make_pair(size_t m, struct rdd_sec **client, struct rdd_sec **server)
{
	uint8_t cr[RDD_CLIENT_RANDOM_LEN], sr[RDD_SERVER_RANDOM_LEN];
	struct rdd_sec_keys *k = &client_keys[m], *sk = &server_keys[m];
	size_t i;

	if (!have_keys[m]) {
		for (i = 0; i < sizeof(cr); i++) {
			cr[i] = (uint8_t)(i + 1);
			sr[i] = (uint8_t)(0xa0 ^ i);
		}
		CHECK(rdd_sec_derive_keys(methods[m], cr, sr, k) == 0);
		*sk = *k;
		memcpy(sk->encrypt, k->decrypt, sizeof(sk->encrypt));
		memcpy(sk->decrypt, k->encrypt, sizeof(sk->decrypt));
		have_keys[m] = true;
	}
	*client = rdd_sec_new(k);
	*server = rdd_sec_new(sk);
	CHECK(*client != NULL && *server != NULL);
}

/*
 * Decrypt IN on S and check what the contract promises. Returns what
 * rdd_sec_decrypt returned.
 */
static int
decrypt_checked(struct rdd_sec *s, uint16_t flags, struct rdd_cur *in,
                uint8_t *out, size_t cap)
{
	const struct rdd_cur before = *in;
	const uint32_t count = rdd_sec_decrypt_count(s);
	size_t got = (size_t)-1;
	bool ok = false;
	int r;

	r = rdd_sec_decrypt(s, flags, in, out, cap, &got, &ok);
	if (r != 0) {
		CHECK(r == -1);
		CHECK(in->p == before.p && in->len == before.len);
		CHECK(rdd_sec_decrypt_count(s) == count);
		CHECK(got == (size_t)-1);
		return r;
	}
	CHECK(rdd_cur_left(in) == 0);
	CHECK(rdd_sec_decrypt_count(s) == count + 1);
	CHECK(got <= cap && got <= before.len);
	return 0;
}

/* The client encrypts DATA; S must decrypt it with a matching MAC. */
static void
genuine(struct rdd_sec *client, struct rdd_sec *s, uint16_t flags,
        const uint8_t *data, size_t n)
{
	static const size_t hdr = 4;
	uint8_t wire[MAX_PDU + 32], back[MAX_PDU + 32];
	struct rdd_buf b;
	struct rdd_cur in;
	size_t got;
	bool ok = false;

	rdd_buf_init(&b, wire, sizeof(wire));
	CHECK(rdd_sec_encrypt(client, flags, data, n, &b) == 0);
	rdd_cur_init(&in, wire + hdr, b.len - hdr);
	CHECK(rdd_sec_decrypt(s, flags | RDD_SEC_ENCRYPT, &in, back,
	                      sizeof(back), &got, &ok) == 0);
	CHECK(ok && got == n);
	CHECK(n == 0 || memcmp(back, data, n) == 0);
}

/* The whole input as one PDU body, then a genuine PDU if it was
 * refused. */
static void
one_pdu(size_t method, const uint8_t *data, size_t size)
{
	static uint8_t out[MAX_PDU];
	struct rdd_sec *client, *server;
	struct rdd_cur in;
	uint16_t flags;
	size_t cap;

	if (size == 0 || size > MAX_PDU)
		return;
	make_pair(method, &client, &server);
	flags = (uint16_t)((data[0] & 1) ? RDD_SEC_SECURE_CHECKSUM : 0);
	/* Sometimes OUT is too small. */
	cap = (data[0] & 2) ? size / 2 : sizeof(out);
	rdd_cur_init(&in, data, size);
	if (decrypt_checked(server, flags, &in, out, cap) != 0)
		genuine(client, server, flags, data, size);
	rdd_sec_free(client);
	rdd_sec_free(server);
}

/* Bodies behind one-byte lengths, on one state. */
static void
pdu_run(size_t method, const uint8_t *data, size_t size)
{
	static uint8_t out[256];
	struct rdd_sec *client, *server;
	struct rdd_cur stream, pdu;
	uint8_t len;
	int steps;

	make_pair(method, &client, &server);
	rdd_cur_init(&stream, data, size);
	for (steps = 0; steps < 64 && rdd_cur_u8(&stream, &len) == 0; steps++) {
		if (rdd_cur_sub(&stream, len, &pdu) != 0)
			break;
		/* Odd lengths say the MAC is salted. */
		(void)decrypt_checked(
		    server, (uint16_t)(len & 1 ? RDD_SEC_SECURE_CHECKSUM : 0),
		    &pdu, out, sizeof(out));
	}
	rdd_sec_free(client);
	rdd_sec_free(server);
}

/* The input as plaintext, both ways. */
static void
roundtrip(size_t method, const uint8_t *data, size_t size)
{
	struct rdd_sec *client, *server;

	if (size > MAX_PDU)
		return;
	make_pair(method, &client, &server);
	genuine(client, server, RDD_SEC_SECURE_CHECKSUM, data, size);
	genuine(server, client, 0, data, size);
	genuine(client, server, 0, data, size / 2);
	rdd_sec_free(client);
	rdd_sec_free(server);
}

static void
certificate(const uint8_t *data, size_t size)
{
	struct rdd_gcc_server_cert cert;
	uint8_t cr[RDD_CLIENT_RANDOM_LEN], out[RDD_GCC_MAX_MODULUS + 32];
	struct rdd_cur in;
	struct rdd_buf b;
	int sig;

	sig = rdd_sec_check_proprietary_signature(data, size);
	CHECK(sig >= -1 && sig <= 1);
	rdd_cur_init(&in, data, size);
	(void)rdd_gcc_parse_server_certificate(&in, &cert);
	/* All of it is read, unless not even dwVersion is there. */
	CHECK(rdd_cur_left(&in) == 0 || size < 4);
	if (cert.kind == RDD_GCC_CERT_PROPRIETARY && cert.valid)
		CHECK(cert.signature_ok == sig);
	else
		CHECK(cert.signature_ok == -1);
	memset(cr, 0x42, sizeof(cr));
	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_sec_build_exchange(&b, &cert, cr) == 0) {
		CHECK(cert.has_rsa_key);
		CHECK(b.len == 4 + 4 + cert.key_modulus_len + 8);
	} else {
		CHECK(b.len == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_cur in;
	uint16_t flags, flags_hi;
	size_t i;

	rdd_cur_init(&in, data, size);
	if (rdd_sec_read_basic_header(&in, &flags, &flags_hi) == 0)
		CHECK(size >= 4 && rdd_cur_left(&in) == size - 4);
	else
		CHECK(size < 4 && rdd_cur_left(&in) == size);
	for (i = 0; i < N_METHODS; i++) {
		one_pdu(i, data, size);
		pdu_run(i, data, size);
		roundtrip(i, data, size);
	}
	certificate(data, size);
	return 0;
}
