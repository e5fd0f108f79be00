/*
 * target_read.c - specs from a file or standard input (targets.h states
 * the format): lines cut at '#', split at blanks, each token added; bad
 * ones reported with their line number and skipped. A line is read into
 * a fixed buffer, so memory stays bounded whatever the input.
 */
#include <errno.h>
#include <string.h>

#include "scan/targets_int.h"

/* Add one token to the list or the excludes. */
typedef long add_fn(void *to, const char *s, size_t len, char *err,
                    size_t errsize);

struct reader {
	add_fn *add;
	void *to;
	const char *name;
	rdd_targets_error_fn *on_error;
	void *ctx;
	struct rdd_targets_read_stats *st;
};

static void
report(const struct reader *r, unsigned long line, const char *msg)
{
	if (r->on_error != NULL)
		r->on_error(r->ctx, r->name, line, msg);
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* One line (without its newline); -1 on a fatal error. */
static int
line(const struct reader *r, char *buf, size_t n, bool too_long)
{
	unsigned long no = ++r->st->lines;
	char err[RDD_TARGETS_ERR_MAX], *hash;
	size_t i = 0;

	if (no == 1 && n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		n -= 3;
	}
	if ((hash = memchr(buf, '#', n)) != NULL) {
		n = (size_t)(hash - buf);
		too_long = false;
	}
	if (too_long) {
		snprintf(err, sizeof(err), "line longer than %u bytes",
		         RDD_TARGETS_LINE_MAX);
		report(r, no, err);
		r->st->specs++;
		r->st->bad++;
		return 0;
	}
	while (i < n) {
		size_t start;
		long got;

		while (i < n && blank(buf[i]))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && !blank(buf[i]))
			i++;
		r->st->specs++;
		got = r->add(r->to, buf + start, i - start, err, sizeof(err));
		if (got >= 0) {
			r->st->added += (size_t)got;
			continue;
		}
		report(r, no, err);
		if (got != RDD_TARGETS_EBAD)
			return -1;
		r->st->bad++;
	}
	return 0;
}

static int
read_all(const struct reader *r, FILE *f)
{
	char buf[RDD_TARGETS_LINE_MAX];
	bool too_long = false;
	size_t n = 0;
	int c;

	memset(r->st, 0, sizeof(*r->st));
	/* One lock for the file, not one per byte. */
	flockfile(f);
	while ((c = getc_unlocked(f)) != EOF) {
		if (c == '\n') {
			if (line(r, buf, n, too_long) != 0) {
				funlockfile(f);
				return -1;
			}
			n = 0;
			too_long = false;
		} else if (n < sizeof(buf)) {
			buf[n++] = (char)c;
		} else {
			too_long = true;
		}
	}
	funlockfile(f);
	if (ferror(f)) {
		char err[RDD_TARGETS_ERR_MAX];

		snprintf(err, sizeof(err), "read error: %s", strerror(errno));
		report(r, r->st->lines + 1, err);
		return -1;
	}
	if (n > 0 || too_long)
		return line(r, buf, n, too_long);
	return 0;
}

static long
add_target(void *to, const char *s, size_t len, char *err, size_t errsize)
{
	return rdd_targets_add_n(to, s, len, err, errsize);
}

static long
add_exclude(void *to, const char *s, size_t len, char *err, size_t errsize)
{
	int r = rdd_excludes_add_n(to, s, len, err, errsize);

	return r == 0 ? 1 : r;
}

int
rdd_targets_read(struct rdd_targets *l, FILE *f, const char *name,
                 rdd_targets_error_fn *on_error, void *ctx,
                 struct rdd_targets_read_stats *stats)
{
	struct rdd_targets_read_stats own;
	struct reader r = {add_target, l,   name,
	                   on_error,   ctx, stats ? stats : &own};

	return read_all(&r, f);
}

int
rdd_excludes_read(struct rdd_excludes *ex, FILE *f, const char *name,
                  rdd_targets_error_fn *on_error, void *ctx,
                  struct rdd_targets_read_stats *stats)
{
	struct rdd_targets_read_stats own;
	struct reader r = {add_exclude, ex,  name,
	                   on_error,    ctx, stats ? stats : &own};

	return read_all(&r, f);
}
