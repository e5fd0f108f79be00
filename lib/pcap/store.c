/*
 * store.c - finished connections in a temporary file (store.h).
 *
 * A record is the connection's bytes, then its diagnosis's, each a run
 * of chunks: a 32-bit count of zero bytes, a 32-bit count of literal
 * bytes and those bytes, until the struct's size is reached. Runs of
 * fewer than ZERO_MIN zeros stay literal. The connection's pointer to its
 * diagnosis is written too, and ignored when read back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap/store.h"
#include "wire/x224.h"

#define ZERO_MIN 16

struct rdd_pcap_store {
	FILE *f;
	struct rdd_pcap_store_entry *e;
	size_t n, cap;
	uint8_t *buf; /* one encoded record */
	size_t buf_cap;
};

struct rdd_pcap_store *
rdd_pcap_store_new(void)
{
	struct rdd_pcap_store *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->f = tmpfile();
	/* Worst case: every byte literal, plus one chunk header per
	 * ZERO_MIN bytes, for each of the two structs. */
	s->buf_cap = sizeof(struct rdd_pcap_conn) +
	             8 * (sizeof(struct rdd_pcap_conn) / ZERO_MIN + 2) +
	             sizeof(struct rdd_diagnosis) +
	             8 * (sizeof(struct rdd_diagnosis) / ZERO_MIN + 2);
	s->buf = malloc(s->buf_cap);
	if (s->f == NULL || s->buf == NULL) {
		rdd_pcap_store_free(s);
		return NULL;
	}
	return s;
}

void
rdd_pcap_store_free(struct rdd_pcap_store *s)
{
	if (s == NULL)
		return;
	if (s->f != NULL)
		fclose(s->f);
	free(s->e);
	free(s->buf);
	free(s);
}

size_t
rdd_pcap_store_count(const struct rdd_pcap_store *s)
{
	return s->n;
}

const struct rdd_pcap_store_entry *
rdd_pcap_store_entry(const struct rdd_pcap_store *s, size_t i)
{
	return i < s->n ? &s->e[i] : NULL;
}

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Zero bytes from P[I] on (at most N - I), a word at a time. */
static size_t
zeros_at(const uint8_t *p, size_t i, size_t n)
{
	size_t z = i;
	uint64_t w;

	while (n - z >= 8) {
		memcpy(&w, p + z, 8);
		if (w != 0)
			break;
		z += 8;
	}
	while (z < n && p[z] == 0)
		z++;
	return z - i;
}

/* Encode the N bytes at P into S->buf from OUT on; returns the encoded
 * length. */
static size_t
encode(struct rdd_pcap_store *s, size_t out, const uint8_t *p, size_t n)
{
	size_t i = 0, start = out, zeros, lit_start, z;

	while (i < n) {
		zeros = zeros_at(p, i, n);
		i += zeros;
		/* Literal bytes up to the next run of ZERO_MIN zeros. */
		lit_start = i;
		while (i < n) {
			if (p[i] != 0) {
				i++;
				continue;
			}
			z = zeros_at(p, i, n);
			if (z >= ZERO_MIN || i + z == n)
				break;
			i += z;
		}
		put32(s->buf + out, (uint32_t)zeros);
		put32(s->buf + out + 4, (uint32_t)(i - lit_start));
		memcpy(s->buf + out + 8, p + lit_start, i - lit_start);
		out += 8 + (i - lit_start);
	}
	return out - start;
}

static int
write_at_end(struct rdd_pcap_store *s, const struct rdd_pcap_conn *c,
             long *offset)
{
	size_t n = encode(s, 0, (const uint8_t *)c, sizeof(*c));
	uint8_t len[4];

	n += encode(s, n, (const uint8_t *)c->diag, sizeof(*c->diag));
	if (fseek(s->f, 0, SEEK_END) != 0 || (*offset = ftell(s->f)) < 0)
		return -1;
	put32(len, (uint32_t)n);
	if (fwrite(len, 4, 1, s->f) != 1 || fwrite(s->buf, 1, n, s->f) != n)
		return -1;
	return 0;
}

static void
fill_entry(struct rdd_pcap_store_entry *e, const struct rdd_pcap_conn *c)
{
	const struct rdd_attempt *a = &c->obs.attempts[0];

	e->start = c->start;
	e->first_frame = c->first_frame;
	e->kind = c->kind;
	e->status = c->status;
	e->status_phase = c->status_phase;
	e->refused_tls = a->x224 == RDD_X224_FAILURE &&
	                 a->failure_code == RDD_NEG_SSL_NOT_ALLOWED_BY_SERVER;
}

int
rdd_pcap_store_add(struct rdd_pcap_store *s, const struct rdd_pcap_conn *c)
{
	struct rdd_pcap_store_entry *ne;

	if (s->n == s->cap) {
		size_t cap = s->cap == 0 ? 256 : s->cap * 2;

		ne = realloc(s->e, cap * sizeof(*ne));
		if (ne == NULL)
			return -1;
		s->e = ne;
		s->cap = cap;
	}
	fill_entry(&s->e[s->n], c);
	if (write_at_end(s, c, &s->e[s->n].offset) != 0)
		return -1;
	s->n++;
	return 0;
}

static int
by_start(const void *a, const void *b)
{
	const struct rdd_pcap_store_entry *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->first_frame < y->first_frame   ? -1
	       : x->first_frame > y->first_frame ? 1
	                                         : 0;
}

void
rdd_pcap_store_sort(struct rdd_pcap_store *s)
{
	if (s->n > 1)
		qsort(s->e, s->n, sizeof(*s->e), by_start);
}

/* Decode SIZE bytes into OUT from S->buf's N bytes, from *OFF on.
 * Returns 0, or -1 if the chunks do not make exactly SIZE bytes. */
static int
decode(const struct rdd_pcap_store *s, size_t *off, size_t n, uint8_t *out,
       size_t size)
{
	size_t at = 0, zeros, lit;

	while (at < size) {
		if (n - *off < 8)
			return -1;
		zeros = get32(s->buf + *off);
		lit = get32(s->buf + *off + 4);
		*off += 8;
		if (zeros > size - at || lit > size - at - zeros ||
		    lit > n - *off)
			return -1;
		memset(out + at, 0, zeros);
		memcpy(out + at + zeros, s->buf + *off, lit);
		at += zeros + lit;
		*off += lit;
	}
	return 0;
}

int
rdd_pcap_store_get(struct rdd_pcap_store *s, size_t i, struct rdd_pcap_conn *c)
{
	struct rdd_diagnosis *d = c->diag;
	uint8_t len[4];
	size_t n, off = 0;
	int r;

	if (i >= s->n || fseek(s->f, s->e[i].offset, SEEK_SET) != 0 ||
	    fread(len, 4, 1, s->f) != 1)
		return -1;
	n = get32(len);
	if (n > s->buf_cap || fread(s->buf, 1, n, s->f) != n)
		return -1;
	r = decode(s, &off, n, (uint8_t *)c, sizeof(*c));
	c->diag = d; /* the stored pointer was the writer's */
	if (r != 0 || decode(s, &off, n, (uint8_t *)d, sizeof(*d)) != 0 ||
	    off != n)
		return -1;
	c->index = (unsigned)(i + 1);
	return 0;
}

int
rdd_pcap_store_put(struct rdd_pcap_store *s, size_t i,
                   const struct rdd_pcap_conn *c)
{
	long offset;

	if (i >= s->n || write_at_end(s, c, &offset) != 0)
		return -1;
	fill_entry(&s->e[i], c);
	s->e[i].offset = offset;
	return 0;
}
