/*
 * golden.c - reading, writing and comparing the golden files of
 * `rdpdoctor explain` (golden.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"

#define VERSION_KEY "\"version\": \""

void
bytes_add(struct bytes *b, const void *p, size_t n)
{
	if (b->p == NULL || n > b->cap - b->len) {
		size_t cap = b->cap == 0 ? 4096 : b->cap;
		char *np;

		while (n > cap - b->len)
			cap *= 2;
		np = realloc(b->p, cap + 1);
		if (np == NULL)
			fail_msg("out of memory");
		b->p = np;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
bytes_addf(struct bytes *b, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		fail_msg("bytes_addf: line too long");
	bytes_add(b, buf, (size_t)n);
}

void
bytes_free(struct bytes *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void
golden_unversion(struct bytes *b)
{
	const char *needle = VERSION_KEY RDD_VERSION "\"";
	const char *repl = VERSION_KEY "@RDD_VERSION@\"";
	struct bytes out = {0};
	size_t i = 0, nl = strlen(needle);

	bytes_add(&out, "", 0);
	while (i < b->len) {
		if (nl <= b->len - i && memcmp(b->p + i, needle, nl) == 0) {
			bytes_add(&out, repl, strlen(repl));
			i += nl;
		} else
			bytes_add(&out, b->p + i++, 1);
	}
	bytes_free(b);
	*b = out;
}

static void
path_of(char *buf, size_t cap, const char *name)
{
	int n = snprintf(buf, cap, "%s/%s.golden", RDD_GOLDEN_DIR, name);

	if (n < 0 || (size_t)n >= cap)
		fail_msg("golden path too long: %s", name);
}

int
golden_read(const char *name, struct bytes *b)
{
	char path[4096], buf[8192];
	FILE *f;
	size_t n;

	path_of(path, sizeof(path), name);
	f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		bytes_add(b, buf, n);
	if (ferror(f))
		fail_msg("cannot read %s", path);
	fclose(f);
	bytes_add(b, "", 0);
	return 0;
}

void
golden_write(const char *name, const struct bytes *b)
{
	char path[4096];
	FILE *f;

	path_of(path, sizeof(path), name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(b->p, 1, b->len, f) != b->len || fclose(f) != 0)
		fail_msg("cannot write %s", path);
}

void
golden_stdout(const char *name, struct bytes *out)
{
	static const char mark[] = "\n--- stdout: ";
	struct bytes g = {0};
	const char *p;
	char *end;
	unsigned long n;

	if (golden_read(name, &g) != 0)
		fail_msg("no golden file %s", name);
	p = strstr(g.p, mark);
	if (p == NULL)
		fail_msg("%s: no stdout block", name);
	p += strlen(mark);
	n = strtoul(p, &end, 10);
	if (strncmp(end, " bytes\n", 7) != 0)
		fail_msg("%s: bad stdout header", name);
	p = end + 7;
	if (n > g.len - (size_t)(p - g.p))
		fail_msg("%s: stdout block cut short", name);
	bytes_add(out, p, n);
	bytes_free(&g);
}

/* Up to 40 bytes of B from OFF, C-escaped, for a failure message. */
static void
excerpt(char *dst, size_t cap, const struct bytes *b, size_t off)
{
	size_t i, used = 0;

	dst[0] = '\0';
	for (i = off; i < b->len && i < off + 40 && used + 5 < cap; i++) {
		unsigned char c = (unsigned char)b->p[i];

		if (c >= 0x20 && c < 0x7F && c != '\\')
			dst[used++] = (char)c;
		else
			used += (size_t)snprintf(dst + used, cap - used,
			                         "\\x%02X", c);
	}
	dst[used] = '\0';
}

void
assert_same_bytes(const char *what, const struct bytes *expected,
                  const struct bytes *actual)
{
	char e[256], a[256];
	size_t i;

	for (i = 0; i < expected->len && i < actual->len; i++)
		if (expected->p[i] != actual->p[i])
			break;
	if (i == expected->len && i == actual->len)
		return;
	excerpt(e, sizeof(e), expected, i);
	excerpt(a, sizeof(a), actual, i);
	fail_msg("%s: differs at byte %zu (expected %zu bytes, got %zu)\n"
	         "  expected: %s\n  actual:   %s",
	         what, i, expected->len, actual->len, e, a);
}
