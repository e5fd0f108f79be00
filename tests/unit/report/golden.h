/*
 * golden.h - the golden files of `rdpdoctor explain`
 * (tests/unit/report/golden/explain/NAME.golden), shared by the test that
 * runs the built tool (test_explain_golden.c) and the test that calls the
 * library's renderers (test_explain_render.c).
 *
 * One file per case holds everything the run produced, with byte counts so
 * that the comparison is exact and unambiguous:
 *
 *     $ rdpdoctor explain 0x904 0x7       (arguments C-escaped)
 *     stdout: pipe                        (or "terminal", "/dev/full")
 *     NO_COLOR: unset                     (or set to "...")
 *     exit status: 0
 *     --- stdout: 1234 bytes
 *     <the bytes>
 *     --- stderr: 0 bytes
 *     <the bytes>
 *
 * with a newline after each block of bytes. The tool's version in a JSON
 * document ("version": "0.1.0") is written as @RDD_VERSION@, so that a
 * release does not change every golden file.
 */
#ifndef RDD_TEST_REPORT_GOLDEN_H
#define RDD_TEST_REPORT_GOLDEN_H

#include <stddef.h>

#ifndef RDD_GOLDEN_DIR
#error "RDD_GOLDEN_DIR: golden/explain, from tests/unit/report/meson.build"
#endif

/* A growable byte string; all functions abort the test on failure. */
struct bytes {
	char *p;
	size_t len, cap;
};

void bytes_add(struct bytes *b, const void *p, size_t n);
void bytes_addf(struct bytes *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void bytes_free(struct bytes *b);

/* The tool's version in a JSON document replaced by @RDD_VERSION@. */
void golden_unversion(struct bytes *b);

/* The whole golden file RDD_GOLDEN_DIR/NAME.golden into B; -1 if absent. */
int golden_read(const char *name, struct bytes *b);
/* Write B as RDD_GOLDEN_DIR/NAME.golden. */
void golden_write(const char *name, const struct bytes *b);

/* The stdout block of golden file NAME into OUT (appended). */
void golden_stdout(const char *name, struct bytes *out);

/* Fail the test when ACTUAL differs from EXPECTED, naming WHAT and the
 * first differing byte with a little context of both. */
void assert_same_bytes(const char *what, const struct bytes *expected,
                       const struct bytes *actual);

#endif
