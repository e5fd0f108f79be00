/*
 * fuzz_ntlm.c - libFuzzer target for lib/wire/ntlm.c: the CHALLENGE
 * parser and its AV_PAIRs, UTF-16 to UTF-8, and the NEGOTIATE builder.
 *
 * The input is one CHALLENGE_MESSAGE (and, as UTF-16, a name). Checked
 * with abort(): every cursor the parser hands out lies inside the input;
 * the AV pair count matches a walk of the list; the UTF-8 output is
 * terminated within its buffer at every capacity and is valid UTF-8; a
 * NEGOTIATE built with fuzz-chosen flags is 40 bytes of type 1.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/ntlm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static bool
inside(const struct rdd_cur *part, const uint8_t *data, size_t size)
{
	return part->len == 0 || (part->p >= data && part->len <= size &&
	                          (size_t)(part->p - data) <= size - part->len);
}

/* Structurally valid UTF-8 (lead and continuation bytes). */
static bool
valid_utf8(const char *s, size_t n)
{
	size_t i = 0, k, more;
	unsigned char c;

	while (i < n) {
		c = (unsigned char)s[i];
		more = c < 0x80         ? 0
		       : (c >> 5) == 6  ? 1
		       : (c >> 4) == 14 ? 2
		       : (c >> 3) == 30 ? 3
		                        : 9;
		if (more == 9 || more > n - i - 1)
			return false;
		for (k = 1; k <= more; k++)
			if (((unsigned char)s[i + k] & 0xc0) != 0x80)
				return false;
		i += more + 1;
	}
	return true;
}

static void
utf8(const struct rdd_cur *u16)
{
	char buf[80];
	size_t cap, w;

	for (cap = 1; cap <= sizeof(buf); cap += 13) {
		memset(buf, 'Z', sizeof(buf));
		w = rdd_utf16le_to_utf8(buf, cap, u16);
		CHECK(w < cap);
		CHECK(buf[w] == '\0');
		CHECK(strlen(buf) == w);
		CHECK(valid_utf8(buf, w));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdd_ntlm_challenge ch;
	struct rdd_ntlm_version v;
	struct rdd_cur c, list, val;
	uint8_t out[64];
	struct rdd_buf b;
	uint32_t flags = 0;
	uint16_t id;
	size_t n = 0;

	rdd_cur_init(&c, data, size);
	utf8(&c);
	if (rdd_ntlm_parse_challenge(&c, &ch) == 0) {
		CHECK(size >= RDD_NTLM_CHALLENGE_MIN);
		CHECK(inside(&ch.target_name, data, size));
		CHECK(inside(&ch.target_info, data, size));
		CHECK(inside(&ch.nb_computer, data, size));
		CHECK(inside(&ch.nb_domain, data, size));
		CHECK(inside(&ch.dns_computer, data, size));
		CHECK(inside(&ch.dns_domain, data, size));
		CHECK(inside(&ch.dns_tree, data, size));
		CHECK(inside(&ch.av_target_name, data, size));
		CHECK(ch.nb_computer.len % 2 == 0);
		list = ch.target_info;
		while (rdd_ntlm_av_next(&list, &id, &val) == 0 &&
		       id != RDD_MSV_AV_EOL)
			n++;
		CHECK(n == ch.n_av_pairs);
		utf8(&ch.target_name);
		utf8(&ch.dns_computer);
		if (ch.has_version)
			(void)rdd_ntlm_os_name(ch.version.major,
			                       ch.version.minor,
			                       ch.version.build, NULL);
		if (ch.has_timestamp)
			(void)rdd_filetime_to_unix(ch.timestamp);
	}
	(void)rdd_ntlm_message_type(&c);

	rdd_cur_init(&c, data, size);
	if (rdd_cur_u32le(&c, &flags) == 0 && rdd_cur_u8(&c, &v.major) == 0 &&
	    rdd_cur_u8(&c, &v.minor) == 0 && rdd_cur_u16le(&c, &v.build) == 0) {
		v.revision = RDD_NTLM_REVISION_W2K3;
		rdd_buf_init(&b, out, sizeof(out));
		CHECK(rdd_ntlm_build_negotiate(&b, flags, &v) == 0);
		CHECK(b.len == RDD_NTLM_NEGOTIATE_LEN);
		rdd_cur_init(&c, out, b.len);
		CHECK(rdd_ntlm_message_type(&c) == RDD_NTLM_NEGOTIATE);
	}
	return 0;
}
