/*
 * keylog.c - the NSS key log (keylog.h): parsed line by line into one
 * array, sorted by client random and label for a binary search.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "pcap/keylog.h"

struct entry {
	uint8_t random[32];
	uint8_t label; /* enum rdd_keylog_label */
	uint8_t len;
	uint8_t secret[RDD_KL_SECRET_MAX];
};

struct rdd_keylog {
	struct entry *e;
	size_t n;
	size_t cap;
};

static const struct {
	const char *name;
	enum rdd_keylog_label label;
} labels[] = {
    {"CLIENT_RANDOM", RDD_KL_CLIENT_RANDOM},
    {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", RDD_KL_CLIENT_HANDSHAKE},
    {"SERVER_HANDSHAKE_TRAFFIC_SECRET", RDD_KL_SERVER_HANDSHAKE},
    {"CLIENT_TRAFFIC_SECRET_0", RDD_KL_CLIENT_TRAFFIC_0},
    {"SERVER_TRAFFIC_SECRET_0", RDD_KL_SERVER_TRAFFIC_0},
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly 2*N hex digits at S (then a space, a line end or the end). */
static int
unhex(const char *s, size_t digits, uint8_t *out)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < digits / 2; i++) {
		hi = hexval((unsigned char)s[2 * i]);
		lo = hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static size_t
hex_run(const char *s)
{
	size_t n = 0;

	while (hexval((unsigned char)s[n]) >= 0)
		n++;
	return n;
}

/* One line: 0 added, 1 skipped, -1 out of memory. */
static int
parse_line(struct rdd_keylog *kl, char *line)
{
	struct entry e;
	char *p = line, *sp;
	size_t i, n;
	int found = -1;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '#' || *p == '\0' || *p == '\n' || *p == '\r')
		return 1;
	sp = strchr(p, ' ');
	if (sp == NULL)
		return 1;
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if ((size_t)(sp - p) == strlen(labels[i].name) &&
		    memcmp(p, labels[i].name, (size_t)(sp - p)) == 0)
			found = (int)i;
	if (found < 0)
		return 1;
	memset(&e, 0, sizeof(e));
	e.label = (uint8_t)labels[found].label;
	p = sp + 1;
	if (hex_run(p) != 64 || p[64] != ' ' || unhex(p, 64, e.random) != 0)
		return 1;
	p += 65;
	n = hex_run(p);
	if (n == 0 || n % 2 != 0 || n / 2 > RDD_KL_SECRET_MAX ||
	    (p[n] != '\0' && p[n] != '\n' && p[n] != '\r' && p[n] != ' ') ||
	    unhex(p, n, e.secret) != 0)
		return 1;
	/* CLIENT_RANDOM holds the 48-byte master secret. */
	if (e.label == RDD_KL_CLIENT_RANDOM && n / 2 != 48)
		return 1;
	e.len = (uint8_t)(n / 2);
	if (kl->n == kl->cap) {
		size_t cap = kl->cap == 0 ? 64 : kl->cap * 2;
		struct entry *ne = realloc(kl->e, cap * sizeof(*ne));

		if (ne == NULL) {
			OPENSSL_cleanse(&e, sizeof(e));
			return -1;
		}
		kl->e = ne;
		kl->cap = cap;
	}
	kl->e[kl->n++] = e;
	OPENSSL_cleanse(&e, sizeof(e));
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = memcmp(x->random, y->random, 32);

	return c != 0 ? c : (int)x->label - (int)y->label;
}

struct rdd_keylog *
rdd_keylog_read(FILE *f, size_t *lines_skipped, char *err, size_t errcap)
{
	struct rdd_keylog *kl = calloc(1, sizeof(*kl));
	char line[1024];
	size_t skipped = 0;
	int r;

	if (kl == NULL) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		r = parse_line(kl, line);
		if (r < 0) {
			snprintf(err, errcap, "out of memory");
			rdd_keylog_free(kl);
			return NULL;
		}
		if (r > 0 && line[0] != '#' && line[0] != '\n')
			skipped++;
	}
	OPENSSL_cleanse(line, sizeof(line));
	if (ferror(f)) {
		snprintf(err, errcap, "read error");
		rdd_keylog_free(kl);
		return NULL;
	}
	if (kl->n == 0) {
		snprintf(err, errcap,
		         "no TLS secret in it (NSS key log "
		         "format: CLIENT_RANDOM, "
		         "*_TRAFFIC_SECRET lines)");
		rdd_keylog_free(kl);
		return NULL;
	}
	qsort(kl->e, kl->n, sizeof(*kl->e), cmp);
	if (lines_skipped != NULL)
		*lines_skipped = skipped;
	return kl;
}

struct rdd_keylog *
rdd_keylog_load(const char *path, size_t *lines_skipped, char *err,
                size_t errcap)
{
	struct rdd_keylog *kl;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		snprintf(err, errcap, "%s", strerror(errno));
		return NULL;
	}
	kl = rdd_keylog_read(f, lines_skipped, err, errcap);
	fclose(f);
	return kl;
}

void
rdd_keylog_free(struct rdd_keylog *kl)
{
	if (kl == NULL)
		return;
	if (kl->e != NULL)
		OPENSSL_cleanse(kl->e, kl->cap * sizeof(*kl->e));
	free(kl->e);
	free(kl);
}

size_t
rdd_keylog_count(const struct rdd_keylog *kl)
{
	return kl != NULL ? kl->n : 0;
}

int
rdd_keylog_find(const struct rdd_keylog *kl, enum rdd_keylog_label label,
                const uint8_t client_random[32], uint8_t *secret, size_t *len)
{
	struct entry key;
	const struct entry *e;

	if (kl == NULL || kl->n == 0)
		return -1;
	memset(&key, 0, sizeof(key));
	memcpy(key.random, client_random, 32);
	key.label = (uint8_t)label;
	e = bsearch(&key, kl->e, kl->n, sizeof(*kl->e), cmp);
	if (e == NULL)
		return -1;
	memcpy(secret, e->secret, e->len);
	*len = e->len;
	return 0;
}
