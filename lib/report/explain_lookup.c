/*
 * explain_lookup.c - what `rdpdoctor explain CODE [EXTENDED]` found
 * (report.h): each argument looked up in every code table (codes.h), the
 * nearest codes of an unknown number, names that contain an unknown name,
 * and the stories of the matches.
 *
 * It is built here, beside the renderers that read it, and not in
 * lib/diag: it observes and diagnoses nothing, it only resolves what the
 * user typed against lib/diag's constant tables into the one struct that
 * the text, JSON and HTML reports share, so each of them shows the same
 * lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "rdpdoctor/codes.h"
#include "rdpdoctor/report.h"

/* 8 hex digits at most: "80090302", "C000006D" as copied from a log. */
static bool
all_hex(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!((s[n] >= '0' && s[n] <= '9') ||
		      (s[n] >= 'a' && s[n] <= 'f') ||
		      (s[n] >= 'A' && s[n] <= 'F')))
			return false;
	return n > 0 && n <= 8;
}

static void
keep(struct rdd_explain_lookup *l, size_t total)
{
	l->n =
	    total < RDD_EXPLAIN_MAX_MATCHES ? total : RDD_EXPLAIN_MAX_MATCHES;
}

/* CODE: a number in every table, else a name, else bare hex digits, else
 * unknown (with the names that contain it, when it is not a number). */
static void
lookup_code(struct rdd_explain_lookup *l, const char *arg)
{
	const struct rdd_code *byname[RDD_EXPLAIN_MAX_MATCHES];
	uint32_t v;
	size_t i, n;

	if (rdd_code_parse_number(arg, &v) == 0) {
		l->numeric = true;
		l->value = v;
		keep(l, rdd_code_find_value(v, l->m, RDD_EXPLAIN_MAX_MATCHES));
		if (l->n > 0 || !all_hex(arg))
			return;
	}
	n = rdd_code_find_name(arg, RDD_TABLE_COUNT, byname,
	                       RDD_EXPLAIN_MAX_MATCHES);
	if (n > 0) {
		l->numeric = false;
		keep(l, n);
		for (i = 0; i < l->n; i++) {
			l->m[i].code = byname[i];
			l->m[i].via = RDD_VIA_VALUE;
		}
		return;
	}
	if (all_hex(arg)) {
		v = (uint32_t)strtoul(arg, NULL, 16);
		n = rdd_code_find_value(v, l->m, RDD_EXPLAIN_MAX_MATCHES);
		if (n > 0 || !l->numeric) {
			l->numeric = true;
			l->bare_hex = n > 0;
			l->value = v;
			keep(l, n);
		}
		if (n > 0)
			return;
	}
	if (!l->numeric) {
		n = rdd_code_suggest(arg, l->suggest, RDD_EXPLAIN_MAX_SUGGEST);
		l->n_suggest =
		    n < RDD_EXPLAIN_MAX_SUGGEST ? n : RDD_EXPLAIN_MAX_SUGGEST;
	}
}

/* EXTENDED: an extended disconnect reason (or, in the protocol range the
 * server's ERRINFO code), by number or by name. */
static void
lookup_extended(struct rdd_explain_lookup *l, const char *arg)
{
	const struct rdd_code *byname[RDD_EXPLAIN_MAX_MATCHES];
	uint32_t v;
	size_t n, i;

	if (rdd_code_parse_number(arg, &v) == 0) {
		l->numeric = true;
		l->value = v;
		if (rdd_code_find_extended(v, &l->m[0]) == 0)
			l->n = 1;
		return;
	}
	n = rdd_code_find_name(arg, RDD_TABLE_EXT, byname,
	                       RDD_EXPLAIN_MAX_MATCHES);
	if (n == 0) {
		n = rdd_code_find_name(arg, RDD_TABLE_ERRINFO, byname,
		                       RDD_EXPLAIN_MAX_MATCHES);
		for (i = 0; i < n && i < RDD_EXPLAIN_MAX_MATCHES; i++)
			if (byname[i]->value > 4096 && byname[i]->value < 32767)
				break;
		if (i < n && i < RDD_EXPLAIN_MAX_MATCHES) {
			l->m[0].code = byname[i];
			l->m[0].via = RDD_VIA_EXT_RANGE;
			l->n = 1;
		}
		return;
	}
	l->m[0].code = byname[0];
	l->m[0].via = RDD_VIA_VALUE;
	l->n = 1;
}

/* An unknown number: the nearest codes of every table it could be from.
 * An extended reason is an extended reason, or in the protocol range the
 * server's error info. */
static void
find_near(struct rdd_explain_lookup *l, bool extended)
{
	int t;

	if (l->n > 0 || !l->numeric)
		return;
	for (t = 0; t < RDD_TABLE_COUNT; t++) {
		struct rdd_explain_near *nb = &l->near[l->n_near];

		if (extended && t != RDD_TABLE_EXT && t != RDD_TABLE_ERRINFO)
			continue;
		nb->table = (enum rdd_code_table)t;
		rdd_code_neighbours(nb->table, l->value, &nb->below,
		                    &nb->above);
		l->n_near++;
	}
}

/* A number with an extended reason beside it is the pair mstsc shows,
 * "error code 0x904, extended error code 0x7": the number is then its
 * discReason, when it has one. */
static void
only_disc_reason(struct rdd_explain_lookup *l)
{
	size_t i;

	if (!l->numeric)
		return;
	for (i = 0; i < l->n; i++)
		if (l->m[i].code->table == RDD_TABLE_DISC &&
		    l->m[i].via == RDD_VIA_VALUE) {
			l->m[0] = l->m[i];
			l->n = 1;
			return;
		}
}

/* The distinct stories of the matches, the extended reason's first. */
static void
collect_stories(struct rdd_explain *e)
{
	const struct rdd_explain_lookup *order[2] = {
	    e->has_extended ? &e->extended : NULL, &e->code};
	size_t i, j, k;

	for (k = 0; k < 2; k++) {
		if (order[k] == NULL)
			continue;
		for (i = 0; i < order[k]->n; i++) {
			enum rdd_story s = order[k]->m[i].code->story;

			if (s == RDD_STORY_NONE)
				continue;
			for (j = 0; j < e->n_stories && e->stories[j] != s; j++)
				;
			if (j == e->n_stories && e->n_stories < RDD_STORY_COUNT)
				e->stories[e->n_stories++] = s;
		}
	}
}

static bool
valid_input(const char *s)
{
	return s != NULL && s[0] != '\0' && strlen(s) <= RDD_EXPLAIN_INPUT_MAX;
}

int
rdd_explain_codes(struct rdd_explain *e, const char *code, const char *extended)
{
	memset(e, 0, sizeof(*e));
	if (!valid_input(code) || (extended != NULL && !valid_input(extended)))
		return -1;
	memcpy(e->code.input, code, strlen(code) + 1);
	lookup_code(&e->code, code);
	find_near(&e->code, false);
	if (extended != NULL) {
		e->has_extended = true;
		memcpy(e->extended.input, extended, strlen(extended) + 1);
		lookup_extended(&e->extended, extended);
		find_near(&e->extended, true);
		only_disc_reason(&e->code);
	}
	e->known = e->code.n > 0 && (!e->has_extended || e->extended.n > 0);
	collect_stories(e);
	return 0;
}
