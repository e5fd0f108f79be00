/*
 * fuzz_krb.c - libFuzzer target for lib/wire/krb.c: the KRB-ERROR parser
 * (as a bare UDP answer and inside TCP records), ETYPE-INFO2, KerberosTime,
 * and the AS-REQ builder with fuzz-chosen names read back.
 *
 * Checked with abort(): a parse that fails leaves the cursor alone; one
 * that succeeds consumed bytes of the input, its borrowed fields lie inside
 * it, susec is below a million and at most RDD_KRB_MAX_ETYPES etypes are
 * kept; an AS-REQ that was built starts with its own length.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "wire/der.h"
#include "wire/krb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static void
inside(const struct rdd_cur *f, const uint8_t *data, size_t size)
{
	if (rdd_cur_left(f) == 0)
		return;
	CHECK(f->p >= data && f->len <= size &&
	      (size_t)(f->p - data) <= size - f->len);
}

static void
parse(const uint8_t *data, size_t size)
{
	struct rdd_cur c, before;
	struct rdd_krb_error e;

	rdd_cur_init(&c, data, size);
	before = c;
	if (rdd_krb_parse_error(&c, &e) != 0) {
		CHECK(c.p == before.p && c.len == before.len);
		return;
	}
	CHECK(rdd_cur_left(&c) < size);
	CHECK(e.susec < 1000000);
	CHECK(e.n_etypes <= RDD_KRB_MAX_ETYPES);
	CHECK(rdd_krb_msg_type(&before) == RDD_KRB_ERROR);
	inside(&e.realm, data, size);
	if (e.has_etext)
		inside(&e.etext, data, size);
	if (e.has_edata)
		inside(&e.edata, data, size);
	(void)rdd_krb_error_name(e.error_code);
	if (e.has_edata) {
		uint32_t st;

		(void)rdd_krb_edata_ntstatus(&e.edata, &st);
	}
	for (size_t i = 0; i < e.n_etypes; i++)
		(void)rdd_krb_etype_name(e.etypes[i]);
}

static void
records(const uint8_t *data, size_t size)
{
	struct rdd_cur c, msg, m;
	struct rdd_krb_error e;
	int r;

	rdd_cur_init(&c, data, size);
	for (int i = 0; i < 8; i++) {
		r = rdd_krb_tcp_record(&c, &msg);
		if (r != 1)
			return;
		CHECK(rdd_cur_left(&msg) <= RDD_KRB_MAX_MSG);
		m = msg;
		(void)rdd_krb_parse_error(&m, &e);
	}
}

static void
build(const uint8_t *data, size_t size)
{
	static uint8_t out[2048];
	char cname[64], realm[64];
	int32_t etypes[4];
	struct rdd_buf b;
	struct rdd_cur c;
	struct rdd_krb_error e;
	size_t n;

	if (size < 8)
		return;
	n = data[0] % sizeof(cname);
	if (n > size - 1)
		n = size - 1;
	memcpy(cname, data + 1, n);
	cname[n] = '\0';
	n = data[1] % sizeof(realm);
	if (n > size - 2)
		n = size - 2;
	memcpy(realm, data + 2, n);
	realm[n] = '\0';
	for (int i = 0; i < 4; i++)
		etypes[i] = data[i + 2];
	rdd_buf_init(&b, out, sizeof(out));
	if (rdd_krb_build_as_req(&b, cname, realm, (uint32_t)size, etypes,
	                         1 + data[3] % 4, true) != 0)
		return;
	rdd_cur_init(&c, out, b.len);
	{
		struct rdd_cur msg;

		CHECK(rdd_krb_tcp_record(&c, &msg) == 1);
		CHECK(rdd_cur_left(&c) == 0);
		CHECK(rdd_krb_msg_type(&msg) == RDD_KRB_AS_REQ);
		CHECK(rdd_krb_parse_error(&msg, &e) == -1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_cur v;
	int32_t et[RDD_KRB_MAX_ETYPES];
	int64_t t;
	size_t n;

	parse(data, size);
	records(data, size);
	rdd_cur_init(&v, data, size);
	if (rdd_krb_parse_etype_info2(&v, et, RDD_KRB_MAX_ETYPES, &n) == 0)
		CHECK(n <= RDD_KRB_MAX_ETYPES);
	(void)rdd_krb_time(data, size, &t);
	{
		uint32_t st = 0;

		/* The input as bare e-data: a status only from 12 bytes. */
		if (rdd_krb_edata_ntstatus(&v, &st) == 0)
			CHECK(size >= 12);
		(void)rdd_krb_ntstatus_name(st);
	}
	build(data, size);
	return 0;
}
