/*
 * codes.c - the error-code tables built from codes.def, and lookups by
 * value, by extended reason, by name, and the neighbours of an unknown
 * value (codes.h).
 *
 * The tables are small (a few hundred rows), so every lookup is a linear
 * scan: no sorting assumption, nothing built at run time, nothing global
 * that changes. tests/unit/diag/test_codes.c walks every row, in the
 * manner of curl's test 1538: each has a name and a message, values and
 * names are unique within a table, every name finds its row, and every
 * finding id a story names exists in causes.def.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rdpdoctor/codes.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const prefixes_none[] = {NULL};
static const char *const prefixes_ext[] = {"exDiscReason", NULL};
static const char *const prefixes_errinfo[] = {"ERRINFO_", "FREERDP_ERROR_",
                                               NULL};
static const char *const prefixes_errconnect[] = {
    "ERRCONNECT_", "FREERDP_ERROR_CONNECT_", "FREERDP_ERROR_", NULL};
static const char *const prefixes_xf[] = {"XF_EXIT_", NULL};
static const char *const prefixes_gateway[] = {"E_PROXY_", NULL};

static const struct rdd_code_table_info tables[RDD_TABLE_COUNT] = {
    [RDD_TABLE_DISC] =
        {"discReason", "mstsc disconnect reason (discReason)", prefixes_none,
         "Microsoft Learn: IMsTscAxEvents::OnDisconnected; TechNet Wiki 37870",
         true},
    [RDD_TABLE_EXT] = {"exDiscReason", "extended disconnect reason",
                       prefixes_ext,
                       "Microsoft Learn: ExtendedDisconnectReasonCode", false},
    [RDD_TABLE_ERRINFO] =
        {"errinfo", "server error info (ERRINFO)", prefixes_errinfo,
         "[MS-RDPBCGR] 2.2.5.1.1; FreeRDP include/freerdp/error.h", true},
    [RDD_TABLE_NEG] = {"negFailure",
                       "security negotiation failure (RDP_NEG_FAILURE)",
                       prefixes_none, "[MS-RDPBCGR] 2.2.1.2.2", true},
    [RDD_TABLE_CREDSSP] = {"credssp", "CredSSP errorCode (NTSTATUS/HRESULT)",
                           prefixes_none,
                           "[MS-CSSP] 2.2.1; winpr nt.h and sspi.h", true},
    [RDD_TABLE_LICENSE] = {"license", "licensing error code", prefixes_none,
                           "[MS-RDPBCGR] 2.2.1.12.1.3; [MS-RDPELE]", true},
    [RDD_TABLE_ERRCONNECT] = {"errconnect", "FreeRDP connect error",
                              prefixes_errconnect,
                              "FreeRDP include/freerdp/error.h", true},
    [RDD_TABLE_XF_EXIT] = {"xfreerdpExit", "xfreerdp exit status", prefixes_xf,
                           "FreeRDP client/X11/xfreerdp.h", false},
    [RDD_TABLE_KERBEROS] = {"kerberos",
                            "Kerberos error code (KDC_ERR_*, KRB_AP_ERR_*)",
                            prefixes_none, "RFC 4120 7.5.9", false},
    [RDD_TABLE_GATEWAY] = {"gatewayHresult", "RD Gateway HRESULT (E_PROXY_*)",
                           prefixes_gateway,
                           "[MS-TSGU] 2.2.6.1; FreeRDP libfreerdp/core/"
                           "gateway/tsg.h",
                           true},
    [RDD_TABLE_GW_EVENT] = {"gatewayEvent",
                            "RD Gateway event ID (TerminalServices-Gateway "
                            "log)",
                            prefixes_none,
                            "TechNet RD Gateway event pages; the "
                            "Microsoft-Windows-TerminalServices-Gateway "
                            "event catalogue",
                            false},
};

static const struct rdd_code codes[] = {
#define RDD_STORY(sym, id, phases, summary)
#define RDD_STORY_CAUSE(story, title, findings, fix)
#define RDD_CODE(table, value, name, message, story, source)                   \
	{RDD_TABLE_##table, value, name, message, RDD_STORY_##story, source},
#include "codes.def"
#undef RDD_CODE
#undef RDD_STORY_CAUSE
#undef RDD_STORY
};

static const struct rdd_story_info stories[RDD_STORY_COUNT] = {
    [RDD_STORY_NONE] = {NULL, 0, NULL},
#define RDD_STORY(sym, id, phases, summary)                                    \
	[RDD_STORY_##sym] = {id, phases, summary},
#define RDD_STORY_CAUSE(story, title, findings, fix)
#define RDD_CODE(table, value, name, message, story, source)
#include "codes.def"
#undef RDD_CODE
#undef RDD_STORY_CAUSE
#undef RDD_STORY
};

static const struct rdd_story_cause causes[] = {
#define RDD_STORY(sym, id, phases, summary)
#define RDD_STORY_CAUSE(story, title, findings, fix)                           \
	{RDD_STORY_##story, title, findings, fix},
#define RDD_CODE(table, value, name, message, story, source)
#include "codes.def"
#undef RDD_CODE
#undef RDD_STORY_CAUSE
#undef RDD_STORY
};

const struct rdd_code_table_info *
rdd_code_table_info(enum rdd_code_table t)
{
	if ((unsigned)t >= RDD_TABLE_COUNT)
		return NULL;
	return &tables[t];
}

size_t
rdd_code_count(enum rdd_code_table t)
{
	size_t i, n = 0;

	for (i = 0; i < NELEM(codes); i++)
		if (codes[i].table == t)
			n++;
	return n;
}

const struct rdd_code *
rdd_code_at(enum rdd_code_table t, size_t idx)
{
	size_t i;

	for (i = 0; i < NELEM(codes); i++)
		if (codes[i].table == t && idx-- == 0)
			return &codes[i];
	return NULL;
}

const struct rdd_code *
rdd_code_find(enum rdd_code_table t, uint32_t value)
{
	size_t i;

	for (i = 0; i < NELEM(codes); i++)
		if (codes[i].table == t && codes[i].value == value)
			return &codes[i];
	return NULL;
}

static size_t
add_match(struct rdd_code_match *out, size_t cap, size_t n,
          const struct rdd_code *code, enum rdd_code_via via)
{
	if (code == NULL)
		return n;
	if (n < cap) {
		out[n].code = code;
		out[n].via = via;
	}
	return n + 1;
}

size_t
rdd_code_find_value(uint32_t value, struct rdd_code_match *out, size_t cap)
{
	size_t n = 0;
	int t;

	for (t = 0; t < RDD_TABLE_COUNT; t++)
		n = add_match(out, cap, n,
		              rdd_code_find((enum rdd_code_table)t, value),
		              RDD_VIA_VALUE);
	/* freerdp_get_last_error(): MAKE_FREERDP_ERROR(class, type) is
	 * (class << 16) | type; class 1 is ERRINFO, class 2 is CONNECT. */
	if ((value >> 16) == 1)
		n = add_match(out, cap, n,
		              rdd_code_find(RDD_TABLE_ERRINFO, value & 0xFFFF),
		              RDD_VIA_FREERDP);
	else if ((value >> 16) == 2)
		n = add_match(
		    out, cap, n,
		    rdd_code_find(RDD_TABLE_ERRCONNECT, value & 0xFFFF),
		    RDD_VIA_FREERDP);
	/* MIT krb5 (kinit, FreeRDP's logs) prints -1765328384 + code. */
	{
		long v = (long)(int32_t)value - RDD_MIT_KRB5_BASE;

		if (v >= 0 && v <= 127)
			n = add_match(
			    out, cap, n,
			    rdd_code_find(RDD_TABLE_KERBEROS, (uint32_t)v),
			    RDD_VIA_MIT_KRB5);
	}
	/* A gateway puts some codes on the wire as the Win32 code, not as
	 * the HRESULT (shared/reference/gateway.md 2.3): 0x000059DD is
	 * E_PROXY_TS_CONNECTFAILED (0x800759DD). Zero is S_OK, not a code. */
	if (value != 0 && (value >> 16) == 0)
		n = add_match(out, cap, n,
		              rdd_code_find(RDD_TABLE_GATEWAY,
		                            UINT32_C(0x80070000) | value),
		              RDD_VIA_WIN32);
	return n;
}

int
rdd_code_find_extended(uint32_t value, struct rdd_code_match *out)
{
	const struct rdd_code *c = rdd_code_find(RDD_TABLE_EXT, value);

	if (c != NULL) {
		out->code = c;
		out->via = RDD_VIA_VALUE;
		return 0;
	}
	if (value > 4096 && value < 32767 &&
	    (c = rdd_code_find(RDD_TABLE_ERRINFO, value)) != NULL) {
		out->code = c;
		out->via = RDD_VIA_EXT_RANGE;
		return 0;
	}
	return -1;
}

/*
 * Names are compared folded: ASCII case ignored and '_' skipped, so that
 * "ERRINFO_SERVER_DENIED_CONNECTION" and "errinfoServerDeniedConnection"
 * are the same name. Writes the folded NAME to DST (CAP bytes); returns
 * -1 if it does not fit.
 */
static int
fold(char *dst, size_t cap, const char *name)
{
	size_t n = 0;

	for (; *name != '\0'; name++) {
		if (*name == '_')
			continue;
		if (n + 1 >= cap)
			return -1;
		dst[n++] = (char)tolower((unsigned char)*name);
	}
	if (cap == 0)
		return -1;
	dst[n] = '\0';
	return 0;
}

#define NAME_MAX_FOLDED 128

/* Does the folded query Q name row C? */
static bool
name_matches(const char *q, const struct rdd_code *c)
{
	const char *const *pfx = tables[c->table].prefixes;
	char full[NAME_MAX_FOLDED], base[NAME_MAX_FOLDED], p[NAME_MAX_FOLDED];
	size_t i, plen;

	if (fold(full, sizeof(full), c->name) != 0)
		return false;
	if (strcmp(q, full) == 0)
		return true;
	/* The row's name without its table's own prefix. */
	strcpy(base, full);
	if (pfx[0] != NULL && fold(p, sizeof(p), pfx[0]) == 0 &&
	    strncmp(full, p, strlen(p)) == 0)
		memmove(base, full + strlen(p), strlen(full + strlen(p)) + 1);
	if (base[0] != '\0' && strcmp(q, base) == 0)
		return true;
	/* The query with any of the table's prefixes in front of it. */
	for (i = 0; pfx[i] != NULL; i++) {
		if (fold(p, sizeof(p), pfx[i]) != 0)
			continue;
		plen = strlen(p);
		if (strncmp(q, p, plen) == 0 && q[plen] != '\0' &&
		    strcmp(q + plen, base) == 0)
			return true;
	}
	return false;
}

size_t
rdd_code_find_name(const char *name, enum rdd_code_table t,
                   const struct rdd_code **out, size_t cap)
{
	char q[NAME_MAX_FOLDED];
	size_t i, n = 0;

	if (name == NULL || fold(q, sizeof(q), name) != 0 || q[0] == '\0')
		return 0;
	for (i = 0; i < NELEM(codes); i++) {
		if (t != RDD_TABLE_COUNT && codes[i].table != t)
			continue;
		if (!name_matches(q, &codes[i]))
			continue;
		if (n < cap)
			out[n] = &codes[i];
		n++;
	}
	return n;
}

size_t
rdd_code_suggest(const char *fragment, const struct rdd_code **out, size_t cap)
{
	char q[NAME_MAX_FOLDED], full[NAME_MAX_FOLDED];
	size_t i, n = 0;

	if (fragment == NULL || fold(q, sizeof(q), fragment) != 0 ||
	    strlen(q) < 3)
		return 0;
	for (i = 0; i < NELEM(codes); i++) {
		if (fold(full, sizeof(full), codes[i].name) != 0 ||
		    strstr(full, q) == NULL)
			continue;
		if (n < cap)
			out[n] = &codes[i];
		n++;
	}
	return n;
}

void
rdd_code_neighbours(enum rdd_code_table t, uint32_t value,
                    const struct rdd_code **below,
                    const struct rdd_code **above)
{
	size_t i;

	*below = NULL;
	*above = NULL;
	for (i = 0; i < NELEM(codes); i++) {
		const struct rdd_code *c = &codes[i];

		if (c->table != t)
			continue;
		if (c->value < value &&
		    (*below == NULL || c->value > (*below)->value))
			*below = c;
		if (c->value > value &&
		    (*above == NULL || c->value < (*above)->value))
			*above = c;
	}
}

static bool
all(const char *s, int (*pred)(int))
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!pred((unsigned char)*s))
			return false;
	return true;
}

int
rdd_code_parse_number(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;
	bool neg = false;

	if (s == NULL)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		/* strtoull would accept "0x-1" and " 1"; check first. */
		if (!all(s + 2, isxdigit) || strlen(s + 2) > 8)
			return -1;
		v = strtoull(s + 2, &end, 16);
		*out = (uint32_t)v;
		return 0;
	}
	if (s[0] == '-') {
		neg = true;
		s++;
	}
	if (!all(s, isdigit) || strlen(s) > 10)
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	if (neg) {
		/* A signed 32-bit HRESULT or NTSTATUS: -1 .. -2147483648. */
		if (v == 0 || v > 2147483648ULL)
			return -1;
		*out = (uint32_t)(0x100000000ULL - v);
		return 0;
	}
	if (v > 0xFFFFFFFFULL)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

const struct rdd_story_info *
rdd_story_info(enum rdd_story s)
{
	if ((unsigned)s >= RDD_STORY_COUNT || s == RDD_STORY_NONE)
		return NULL;
	return &stories[s];
}

const struct rdd_story_cause *
rdd_story_cause(enum rdd_story s, size_t rank)
{
	size_t i;

	for (i = 0; i < NELEM(causes); i++)
		if (causes[i].story == s && rank-- == 0)
			return &causes[i];
	return NULL;
}

size_t
rdd_story_cause_count(void)
{
	return NELEM(causes);
}

const struct rdd_story_cause *
rdd_story_cause_at(size_t i)
{
	return i < NELEM(causes) ? &causes[i] : NULL;
}
