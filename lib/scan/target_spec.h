/*
 * target_spec.h - one target spec parsed (targets.h states the syntax),
 * and the 128-bit address arithmetic the list and the excludes share.
 * Internal to lib/scan.
 */
#ifndef RDD_SCAN_TARGET_SPEC_H
#define RDD_SCAN_TARGET_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An inclusive range of addresses, or a name; PORT 0 when none given. */
struct rdd_target_spec {
	bool is_name;
	uint8_t lo[16], hi[16]; /* IPv4 as ::ffff:a.b.c.d */
	const char *name;       /* is_name: points into the parsed text */
	size_t name_len;
	uint16_t port;
};

/*
 * Parse S[0..LEN) (not trimmed: blanks are errors here). 0, or -1 with
 * "'SPEC': what is wrong" in ERR.
 */
int rdd_target_spec_parse(const char *s, size_t len,
                          struct rdd_target_spec *out, char *err,
                          size_t errsize);

/* Write S[0..LEN) quoted for a message: 'abc\x1b...' (at most 60 bytes). */
void rdd_target_quote(char *buf, size_t size, const char *s, size_t len);

/* memcmp order of 16-byte big-endian addresses. */
int rdd_addr_cmp(const uint8_t a[16], const uint8_t b[16]);
/* A += 1; false when it wrapped past ff..ff. */
bool rdd_addr_inc(uint8_t a[16]);
/* HI - LO + 1 when it is at most LIMIT, else LIMIT + 1 (HI >= LO). */
uint64_t rdd_addr_span(const uint8_t lo[16], const uint8_t hi[16],
                       uint64_t limit);
/* Is A an IPv4-mapped address (::ffff:0:0/96)? */
bool rdd_addr_is_v4(const uint8_t a[16]);

#endif
