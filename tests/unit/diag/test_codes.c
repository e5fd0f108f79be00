/*
 * test_codes.c - the error-code tables and their lookups (lib/diag/codes.c).
 *
 * Like curl's test 1538, the first tests walk every row of every table:
 * each has a name, a message and a source; values and names are unique
 * within a table; each name and each value finds its own row; every
 * finding id a story names is a row of the causes table. The others pin
 * the parsing of numbers, name matching, the neighbours of unknown values
 * and the codes the sources leave unverified.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdpdoctor/codes.h"
#include "rdpdoctor/diag.h"

#define MAXM 16

static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isprint((unsigned char)*s))
			return false;
	return true;
}

/* A text for people: non-empty, printable ASCII, no stray spaces. */
static void
check_text(const char *s)
{
	size_t n;

	assert_non_null(s);
	n = strlen(s);
	assert_true(n > 0);
	if (!printable(s))
		fail_msg("unprintable character in \"%s\"", s);
	if (isspace((unsigned char)s[0]) || isspace((unsigned char)s[n - 1]))
		fail_msg("leading or trailing space in \"%s\"", s);
	if (strstr(s, "  ") != NULL)
		fail_msg("double space in \"%s\"", s);
}

static void
test_tables(void **state)
{
	const char *ids[RDD_TABLE_COUNT];
	int t, u;

	(void)state;
	for (t = 0; t < RDD_TABLE_COUNT; t++) {
		const struct rdd_code_table_info *ti =
		    rdd_code_table_info((enum rdd_code_table)t);

		assert_non_null(ti);
		check_text(ti->id);
		check_text(ti->title);
		check_text(ti->source);
		assert_non_null(ti->prefixes);
		ids[t] = ti->id;
		for (u = 0; u < t; u++)
			assert_string_not_equal(ids[u], ids[t]);
		assert_true(rdd_code_count((enum rdd_code_table)t) > 0);
	}
	assert_null(rdd_code_table_info(RDD_TABLE_COUNT));
	assert_null(
	    rdd_code_at(RDD_TABLE_DISC, rdd_code_count(RDD_TABLE_DISC)));
}

/* Every row of every table has a name, a message and a source. */
static void
test_every_row_has_text(void **state)
{
	int t;
	size_t i, total = 0;

	(void)state;
	for (t = 0; t < RDD_TABLE_COUNT; t++) {
		size_t n = rdd_code_count((enum rdd_code_table)t);

		for (i = 0; i < n; i++) {
			const struct rdd_code *c =
			    rdd_code_at((enum rdd_code_table)t, i);

			assert_non_null(c);
			assert_int_equal(c->table, t);
			check_text(c->name);
			check_text(c->message);
			check_text(c->source);
			/* A name is one token: no spaces. */
			assert_null(strchr(c->name, ' '));
			assert_true((unsigned)c->story < RDD_STORY_COUNT);
			total++;
		}
	}
	assert_true(total > 300);
}

static void
test_no_duplicate_values(void **state)
{
	int t;
	size_t i, j;

	(void)state;
	for (t = 0; t < RDD_TABLE_COUNT; t++) {
		size_t n = rdd_code_count((enum rdd_code_table)t);

		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++) {
				const struct rdd_code *a, *b;

				a = rdd_code_at((enum rdd_code_table)t, i);
				b = rdd_code_at((enum rdd_code_table)t, j);
				if (a->value == b->value)
					fail_msg("%s and %s share 0x%X",
					         a->name, b->name,
					         (unsigned)a->value);
			}
	}
}

/* Names are looked up folded (case and '_' ignored), so uniqueness is
 * checked the same way. */
static void
fold(char *dst, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s != '\0' && n + 1 < cap; s++)
		if (*s != '_')
			dst[n++] = (char)tolower((unsigned char)*s);
	dst[n] = '\0';
}

static void
test_no_duplicate_names(void **state)
{
	int t;
	size_t i, j;
	char fa[128], fb[128];

	(void)state;
	for (t = 0; t < RDD_TABLE_COUNT; t++) {
		size_t n = rdd_code_count((enum rdd_code_table)t);

		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++) {
				const struct rdd_code *a, *b;

				a = rdd_code_at((enum rdd_code_table)t, i);
				b = rdd_code_at((enum rdd_code_table)t, j);
				fold(fa, sizeof(fa), a->name);
				fold(fb, sizeof(fb), b->name);
				if (strcmp(fa, fb) == 0)
					fail_msg("duplicate name %s", a->name);
			}
	}
}

static bool
contains(const struct rdd_code *const *v, size_t n, const struct rdd_code *c)
{
	size_t i;

	for (i = 0; i < n && i < MAXM; i++)
		if (v[i] == c)
			return true;
	return false;
}

/* Each row's name (as spelt, in lower case, and within its own table)
 * and each row's value find that row. */
static void
test_round_trip(void **state)
{
	const struct rdd_code *found[MAXM];
	struct rdd_code_match m[MAXM];
	char lower[128];
	int t;
	size_t i, k, n, nm;

	(void)state;
	for (t = 0; t < RDD_TABLE_COUNT; t++) {
		size_t rows = rdd_code_count((enum rdd_code_table)t);

		for (i = 0; i < rows; i++) {
			const struct rdd_code *c =
			    rdd_code_at((enum rdd_code_table)t, i);
			bool seen = false;

			n = rdd_code_find_name(c->name, RDD_TABLE_COUNT, found,
			                       MAXM);
			if (!contains(found, n, c))
				fail_msg("name %s does not find its row",
				         c->name);
			for (k = 0; c->name[k] != '\0' && k + 1 < sizeof(lower);
			     k++)
				lower[k] =
				    (char)tolower((unsigned char)c->name[k]);
			lower[k] = '\0';
			n = rdd_code_find_name(lower, RDD_TABLE_COUNT, found,
			                       MAXM);
			assert_true(contains(found, n, c));
			n = rdd_code_find_name(c->name, c->table, found, MAXM);
			assert_int_equal(n, 1);
			assert_ptr_equal(found[0], c);

			assert_ptr_equal(rdd_code_find(c->table, c->value), c);
			nm = rdd_code_find_value(c->value, m, MAXM);
			for (k = 0; k < nm && k < MAXM; k++)
				if (m[k].code == c && m[k].via == RDD_VIA_VALUE)
					seen = true;
			if (!seen)
				fail_msg("value 0x%X does not find %s",
				         (unsigned)c->value, c->name);
		}
	}
}

static void
expect_name(const char *query, enum rdd_code_table t, uint32_t value)
{
	const struct rdd_code *found[MAXM];
	size_t n, i;

	n = rdd_code_find_name(query, RDD_TABLE_COUNT, found, MAXM);
	for (i = 0; i < n && i < MAXM; i++)
		if (found[i]->table == t && found[i]->value == value)
			return;
	fail_msg("\"%s\" does not find table %d value 0x%X", query, (int)t,
	         (unsigned)value);
}

static void
test_names(void **state)
{
	const struct rdd_code *found[MAXM];

	(void)state;
	expect_name("ERRINFO_SERVER_DENIED_CONNECTION", RDD_TABLE_ERRINFO, 7);
	expect_name("SERVER_DENIED_CONNECTION", RDD_TABLE_ERRINFO, 7);
	expect_name("errinfo_server_denied_connection", RDD_TABLE_ERRINFO, 7);
	expect_name("ServerDeniedConnection", RDD_TABLE_EXT, 7);
	expect_name("exDiscReasonServerDeniedConnection", RDD_TABLE_EXT, 7);
	/* Without the prefix, both spellings of "server denied" match. */
	expect_name("server_denied_connection", RDD_TABLE_EXT, 7);
	expect_name("SSL_NOT_ALLOWED_BY_SERVER", RDD_TABLE_NEG, 2);
	expect_name("ssl_not_allowed_by_server", RDD_TABLE_NEG, 2);
	expect_name("ERRCONNECT_TLS_CONNECT_FAILED", RDD_TABLE_ERRCONNECT, 8);
	expect_name("TLS_CONNECT_FAILED", RDD_TABLE_ERRCONNECT, 8);
	expect_name("FREERDP_ERROR_CONNECT_LOGON_FAILURE", RDD_TABLE_ERRCONNECT,
	            0x14);
	expect_name("STATUS_LOGON_FAILURE", RDD_TABLE_CREDSSP, 0xC000006D);
	expect_name("SEC_E_UNSUPPORTED_FUNCTION", RDD_TABLE_CREDSSP,
	            0x80090302);
	expect_name("AtClientWinsockFDCLOSE", RDD_TABLE_DISC, 0x904);
	expect_name("ATCLIENTWINSOCKFDCLOSE", RDD_TABLE_DISC, 0x904);
	expect_name("XF_EXIT_CONN_DENIED", RDD_TABLE_XF_EXIT, 7);
	expect_name("CONN_DENIED", RDD_TABLE_XF_EXIT, 7);
	expect_name("ERR_NO_LICENSE_SERVER", RDD_TABLE_LICENSE, 6);

	assert_int_equal(rdd_code_find_name("NoSuchCodeAnywhere",
	                                    RDD_TABLE_COUNT, found, MAXM),
	                 0);
	assert_int_equal(rdd_code_find_name("", RDD_TABLE_COUNT, found, MAXM),
	                 0);
	assert_int_equal(
	    rdd_code_find_name("___", RDD_TABLE_COUNT, found, MAXM), 0);
	/* A bare prefix is not a name. */
	assert_int_equal(
	    rdd_code_find_name("ERRINFO_", RDD_TABLE_COUNT, found, MAXM), 0);
	assert_int_equal(rdd_code_find_name(NULL, RDD_TABLE_COUNT, found, MAXM),
	                 0);
	/* Restricted to one table. */
	assert_int_equal(rdd_code_find_name("SERVER_DENIED_CONNECTION",
	                                    RDD_TABLE_NEG, found, MAXM),
	                 0);
}

static void
test_suggest(void **state)
{
	const struct rdd_code *found[64];
	size_t n, i;
	bool hit = false;

	(void)state;
	n = rdd_code_suggest("denied", found, 64);
	assert_true(n >= 3);
	for (i = 0; i < n && i < 64; i++)
		if (found[i]->table == RDD_TABLE_ERRINFO &&
		    found[i]->value == 7)
			hit = true;
	assert_true(hit);
	assert_int_equal(rdd_code_suggest("de", found, 64), 0);
	assert_int_equal(rdd_code_suggest("qqqqqq", found, 64), 0);
}

static void
expect_number(const char *s, uint32_t want)
{
	uint32_t v = 0;

	if (rdd_code_parse_number(s, &v) != 0)
		fail_msg("\"%s\" does not parse", s);
	assert_int_equal(v, want);
}

static void
test_parse_number(void **state)
{
	static const char *const bad[] = {
	    "",     "0x",          "0x1g",       "0x123456789", "x904",
	    "12a",  " 1",          "1 ",         "+1",          "-",
	    "-0",   "-2147483649", "4294967296", "99999999999", "0x0000000904",
	    "0x-1", "0x 1",        "--1",        "1e3",         NULL};
	uint32_t v;
	int i;

	(void)state;
	expect_number("0x904", 0x904);
	expect_number("0X904", 0x904);
	expect_number("0x00000904", 0x904);
	expect_number("2308", 2308);
	expect_number("0", 0);
	expect_number("0x0", 0);
	expect_number("0xC000006D", 0xC000006D);
	expect_number("0xc000006d", 0xC000006D);
	expect_number("0xFFFFFFFF", 0xFFFFFFFF);
	expect_number("4294967295", 0xFFFFFFFF);
	expect_number("-2146893054", 0x80090302);
	expect_number("-1", 0xFFFFFFFF);
	expect_number("-2147483648", 0x80000000);
	expect_number("50331649", 0x3000001);
	for (i = 0; bad[i] != NULL; i++)
		if (rdd_code_parse_number(bad[i], &v) == 0)
			fail_msg("\"%s\" parses", bad[i]);
	assert_int_not_equal(rdd_code_parse_number(NULL, &v), 0);
}

static void
expect_neighbours(enum rdd_code_table t, uint32_t v, int64_t below,
                  int64_t above)
{
	const struct rdd_code *b, *a;

	assert_null(rdd_code_find(t, v));
	rdd_code_neighbours(t, v, &b, &a);
	if (below < 0)
		assert_null(b);
	else {
		assert_non_null(b);
		assert_int_equal(b->value, (uint32_t)below);
	}
	if (above < 0)
		assert_null(a);
	else {
		assert_non_null(a);
		assert_int_equal(a->value, (uint32_t)above);
	}
}

/* The unverified codes of the sources are unknown, and report their
 * nearest neighbours. */
static void
test_unknown_and_neighbours(void **state)
{
	struct rdd_code_match m[MAXM];

	(void)state;
	expect_neighbours(RDD_TABLE_DISC, 0x1308, 0x1307, 0x1407);
	expect_neighbours(RDD_TABLE_DISC, 0x2407, 0x2207, 0x2507);
	expect_neighbours(RDD_TABLE_ERRINFO, 0x8, 0x7, 0x9);
	expect_neighbours(RDD_TABLE_ERRINFO, 0x19, 0x18, 0x100);
	expect_neighbours(RDD_TABLE_ERRINFO, 0x1A, 0x18, 0x100);
	expect_neighbours(RDD_TABLE_NEG, 0x7, 0x6, -1);
	expect_neighbours(RDD_TABLE_NEG, 0x0, -1, 0x1);
	expect_neighbours(RDD_TABLE_EXT, 13, 12, 256);
	expect_neighbours(RDD_TABLE_XF_EXIT, 146, 145, 147);
	assert_int_equal(rdd_code_find_value(0x1308, m, MAXM), 0);
	assert_int_equal(rdd_code_find_value(0x2407, m, MAXM), 0);
}

static void
test_value_lookup(void **state)
{
	struct rdd_code_match m[MAXM];
	size_t n;

	(void)state;
	/* What mstsc shows comes first. */
	n = rdd_code_find_value(0x904, m, MAXM);
	assert_true(n >= 1);
	assert_int_equal(m[0].code->table, RDD_TABLE_DISC);
	assert_string_equal(m[0].code->name, "AtClientWinsockFDCLOSE");
	assert_int_equal(m[0].code->story, RDD_STORY_DENIED);

	/* A bare 7 is in many tables; all of them are reported, in order. */
	n = rdd_code_find_value(7, m, MAXM);
	assert_int_equal(n, 6);
	assert_int_equal(m[0].code->table, RDD_TABLE_EXT);
	assert_int_equal(m[1].code->table, RDD_TABLE_ERRINFO);
	assert_int_equal(m[2].code->table, RDD_TABLE_LICENSE);
	assert_int_equal(m[3].code->table, RDD_TABLE_ERRCONNECT);
	assert_int_equal(m[4].code->table, RDD_TABLE_XF_EXIT);
	assert_int_equal(m[5].code->table, RDD_TABLE_KERBEROS);
	assert_string_equal(m[5].code->name, "KDC_ERR_S_PRINCIPAL_UNKNOWN");
	assert_int_equal(m[5].code->story, RDD_STORY_KRB_SPN);
	/* The count is the total even when OUT is short. */
	assert_int_equal(rdd_code_find_value(7, m, 2), 6);

	/* FreeRDP's last error, (class << 16) | type. */
	n = rdd_code_find_value(0x00020014, m, MAXM);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].via, RDD_VIA_FREERDP);
	assert_string_equal(m[0].code->name, "ERRCONNECT_LOGON_FAILURE");
	n = rdd_code_find_value(0x00010009, m, MAXM);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].code->name,
	                    "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES");
	assert_int_equal(rdd_code_find_value(0x00030001, m, MAXM), 0);
}

static void
test_extended(void **state)
{
	struct rdd_code_match m;

	(void)state;
	assert_int_equal(rdd_code_find_extended(7, &m), 0);
	assert_int_equal(m.via, RDD_VIA_VALUE);
	assert_string_equal(m.code->name, "exDiscReasonServerDeniedConnection");
	assert_int_equal(rdd_code_find_extended(0x10C9, &m), 0);
	assert_int_equal(m.via, RDD_VIA_EXT_RANGE);
	assert_string_equal(m.code->name, "ERRINFO_UNKNOWN_DATA_PDU_TYPE");
	assert_int_equal(rdd_code_find_extended(4096, &m), 0);
	assert_int_equal(m.code->table, RDD_TABLE_EXT);
	assert_int_equal(rdd_code_find_extended(13, &m), -1);
	assert_int_equal(rdd_code_find_extended(0x10C8, &m), -1);
	assert_int_equal(rdd_code_find_extended(40000, &m), -1);
	/* ERRINFO's broker codes are below the protocol range. */
	assert_int_equal(rdd_code_find_extended(0x400, &m), -1);
}

/* Every finding id that a story names is a row of causes.def. */
static void
test_findings_exist(void **state)
{
	size_t i, n = rdd_story_cause_count();
	char buf[256], *tok, *save;

	(void)state;
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		const struct rdd_story_cause *c = rdd_story_cause_at(i);
		int ids = 0;

		assert_non_null(c);
		assert_non_null(rdd_story_info(c->story));
		check_text(c->title);
		check_text(c->fix);
		check_text(c->findings);
		assert_true(strlen(c->findings) < sizeof(buf));
		strcpy(buf, c->findings);
		for (tok = strtok_r(buf, " ", &save); tok != NULL;
		     tok = strtok_r(NULL, " ", &save)) {
			if (rdd_cause_from_id(tok) < 0)
				fail_msg("story cause \"%s\" names unknown "
				         "finding id \"%s\"",
				         c->title, tok);
			ids++;
		}
		assert_true(ids > 0);
	}
	assert_null(rdd_story_cause_at(n));
}

static void
test_stories(void **state)
{
	int s, u, t;
	size_t i;

	(void)state;
	assert_null(rdd_story_info(RDD_STORY_NONE));
	assert_null(rdd_story_info(RDD_STORY_COUNT));
	for (s = 1; s < RDD_STORY_COUNT; s++) {
		const struct rdd_story_info *si =
		    rdd_story_info((enum rdd_story)s);
		bool used = false;

		assert_non_null(si);
		check_text(si->id);
		check_text(si->summary);
		assert_true(si->phases != 0);
		assert_true(si->phases < RDD_PHASE_BIT(RDD_PHASE_COUNT));
		assert_non_null(rdd_story_cause((enum rdd_story)s, 0));
		for (u = 1; u < s; u++)
			assert_string_not_equal(
			    rdd_story_info((enum rdd_story)u)->id, si->id);
		for (t = 0; t < RDD_TABLE_COUNT && !used; t++)
			for (i = 0; i < rdd_code_count((enum rdd_code_table)t);
			     i++)
				if ((int)rdd_code_at((enum rdd_code_table)t, i)
				        ->story == s)
					used = true;
		if (!used)
			fail_msg("story %s is used by no code", si->id);
	}
}

static bool
has_finding(const struct rdd_story_cause *c, const char *id)
{
	size_t n = strlen(id);
	const char *p = c->findings;

	while ((p = strstr(p, id)) != NULL) {
		if ((p == c->findings || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/* The 0x904 / 0x7 story: the phases and the ranking of the field
 * articles. */
static void
test_denied_story(void **state)
{
	static const char *const rank[] = {
	    "cert-expired",         "credssp-outdated",
	    "nego-ssl-not-allowed", "tls-alert",
	    "udp-blocked",          "net-packet-loss",
	    "tcp-timeout",          "client-side-suspect",
	    "licensing-unverified", "server-denied-connection"};
	const struct rdd_story_info *si = rdd_story_info(RDD_STORY_DENIED);
	const struct rdd_code *ext = rdd_code_find(RDD_TABLE_EXT, 7);
	size_t i;

	(void)state;
	assert_non_null(si);
	assert_non_null(ext);
	assert_int_equal(ext->story, RDD_STORY_DENIED);
	assert_int_equal(rdd_code_find(RDD_TABLE_ERRINFO, 7)->story,
	                 RDD_STORY_DENIED);
	assert_true(si->phases & RDD_PHASE_BIT(RDD_PHASE_X224));
	assert_true(si->phases & RDD_PHASE_BIT(RDD_PHASE_TLS));
	assert_true(si->phases & RDD_PHASE_BIT(RDD_PHASE_CREDSSP));
	assert_true(si->phases & RDD_PHASE_BIT(RDD_PHASE_LICENSING));
	assert_true(si->phases & RDD_PHASE_BIT(RDD_PHASE_ACTIVATION));
	assert_true(si->phases & RDD_PHASE_BIT(RDD_PHASE_UDP));
	for (i = 0; i < sizeof(rank) / sizeof(rank[0]); i++) {
		const struct rdd_story_cause *c =
		    rdd_story_cause(RDD_STORY_DENIED, i);

		assert_non_null(c);
		if (!has_finding(c, rank[i]))
			fail_msg("cause %zu (%s) lacks %s", i + 1, c->title,
			         rank[i]);
	}
	assert_null(rdd_story_cause(RDD_STORY_DENIED, i));
	assert_true(
	    has_finding(rdd_story_cause(RDD_STORY_DENIED, 0), "tls-reset"));
}

/* The RD Gateway rows: every hint belongs to a row, its texts are for
 * people, its events are rows of the event table, its step a gateway
 * phase name, its finding id kebab-case; a Win32 form finds its HRESULT
 * row (and 0 does not, nor a value above 0xFFFF). */
static void
test_gateway(void **state)
{
	static const char *const steps[] = {
	    "gateway-tls", "gateway-http", "gateway-tunnel", "gateway-channel"};
	struct rdd_code_match m[MAXM];
	const struct rdd_code *found[MAXM];
	size_t t, i, k, n, hinted = 0;

	(void)state;
	for (t = 0; t < RDD_TABLE_COUNT; t++)
		for (i = 0; i < rdd_code_count((enum rdd_code_table)t); i++) {
			const struct rdd_code *c =
			    rdd_code_at((enum rdd_code_table)t, i);
			const struct rdd_gateway_hint *h =
			    rdd_code_gateway_hint(c);
			const char *p;
			char *end;
			bool step_ok = false;

			if (h == NULL)
				continue;
			hinted++;
			check_text(h->fix);
			for (p = h->events; *p != '\0'; p = end) {
				unsigned long id = strtoul(p, &end, 10);

				assert_true(end > p);
				if (rdd_code_find(RDD_TABLE_GW_EVENT,
				                  (uint32_t)id) == NULL)
					fail_msg(
					    "%s names event %lu, not a row",
					    c->name, id);
				while (*end == ' ')
					end++;
			}
			for (k = 0; k < 4; k++)
				step_ok |= strcmp(h->step, steps[k]) == 0;
			if (!step_ok)
				fail_msg("%s: step %s", c->name, h->step);
			assert_int_equal(strncmp(h->finding, "gateway-", 8), 0);
			assert_int_equal(
			    strspn(h->finding, "abcdefghijklmnopqrstuvwxyz-"),
			    strlen(h->finding));
		}
	assert_int_equal(hinted, rdd_gateway_hint_count());
	assert_null(rdd_code_gateway_hint(NULL));
	assert_null(
	    rdd_code_gateway_hint(rdd_code_find(RDD_TABLE_DISC, 0x904)));
	assert_non_null(
	    rdd_code_gateway_hint(rdd_code_find(RDD_TABLE_DISC, 0x300001B)));
	assert_non_null(
	    rdd_code_gateway_hint(rdd_code_find(RDD_TABLE_GW_EVENT, 301)));

	/* Both numeric forms, and the name. */
	n = rdd_code_find_value(0x000059DD, m, MAXM);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].via, RDD_VIA_WIN32);
	assert_string_equal(m[0].code->name, "E_PROXY_TS_CONNECTFAILED");
	n = rdd_code_find_value(0x800759DD, m, MAXM);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].via, RDD_VIA_VALUE);
	n = rdd_code_find_value(0x000004D4, m, MAXM);
	assert_true(n >= 1);
	assert_int_equal(m[n - 1].via, RDD_VIA_WIN32);
	assert_string_equal(m[n - 1].code->name, "E_PROXY_CONNECTIONABORTED");
	n = rdd_code_find_value(0, m, MAXM);
	for (i = 0; i < n && i < MAXM; i++)
		assert_int_not_equal(m[i].via, RDD_VIA_WIN32);
	n = rdd_code_find_value(0x000159DD, m, MAXM);
	for (i = 0; i < n && i < MAXM; i++)
		assert_int_not_equal(m[i].code->table, RDD_TABLE_GATEWAY);
	n = rdd_code_find_name("E_PROXY_RAP_ACCESSDENIED", RDD_TABLE_COUNT,
	                       found, MAXM);
	assert_int_equal(n, 1);
	assert_int_equal(found[0]->value, 0x800759DA);
	n = rdd_code_find_name("rap_accessdenied", RDD_TABLE_COUNT, found,
	                       MAXM);
	assert_int_equal(n, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gateway),
	    cmocka_unit_test(test_tables),
	    cmocka_unit_test(test_every_row_has_text),
	    cmocka_unit_test(test_no_duplicate_values),
	    cmocka_unit_test(test_no_duplicate_names),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_suggest),
	    cmocka_unit_test(test_parse_number),
	    cmocka_unit_test(test_unknown_and_neighbours),
	    cmocka_unit_test(test_value_lookup),
	    cmocka_unit_test(test_extended),
	    cmocka_unit_test(test_findings_exist),
	    cmocka_unit_test(test_stories),
	    cmocka_unit_test(test_denied_story),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
