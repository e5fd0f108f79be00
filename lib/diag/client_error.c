/*
 * client_error.c - `check --client-error`: which findings explain the
 * error the user saw.
 *
 * The code tables (codes.def) give each well-known client error a story:
 * its causes ranked from most to least likely, each confirmed by some
 * finding ids. Matching those ids against the findings of a check turns
 * "error 0x904, extended 0x7" into "this is why, here": the explaining
 * findings move to the front of the report, and a summary says plainly
 * when none is present and which causes this check could not test.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdpdoctor/codes.h"
#include "rdpdoctor/diag.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void append(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
append(char *buf, size_t cap, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= cap)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
}

int
rdd_client_error_parse(const char *text, uint32_t *code, bool *has_extended,
                       uint32_t *extended)
{
	char first[32];
	const char *sep;
	size_t n;

	if (text == NULL)
		return -1;
	sep = strpbrk(text, "/,");
	n = sep != NULL ? (size_t)(sep - text) : strlen(text);
	if (n == 0 || n >= sizeof(first))
		return -1;
	memcpy(first, text, n);
	first[n] = '\0';
	if (rdd_code_parse_number(first, code) != 0)
		return -1;
	*has_extended = sep != NULL;
	*extended = 0;
	if (sep != NULL && rdd_code_parse_number(sep + 1, extended) != 0)
		return -1;
	return 0;
}

/* Index of the finding with CAUSE in D, or -1. */
static int
find_cause(const struct rdd_diagnosis *d, enum rdd_cause cause)
{
	size_t i;

	for (i = 0; i < d->n_findings; i++)
		if (d->findings[i].cause == cause)
			return (int)i;
	return -1;
}

static bool
already(const struct rdd_client_error *ce, enum rdd_cause cause)
{
	size_t i;

	for (i = 0; i < ce->n_explaining; i++)
		if (ce->explaining[i] == cause)
			return true;
	return false;
}

/*
 * The next finding id of the space-separated list at *P: its cause, or -1
 * for an id the causes table does not know. Returns false at the end.
 */
static bool
next_cause(const char **p, int *cause)
{
	char id[64];
	size_t n;

	while (**p == ' ')
		(*p)++;
	if (**p == '\0')
		return false;
	n = strcspn(*p, " ");
	*cause = -1;
	if (n < sizeof(id)) {
		memcpy(id, *p, n);
		id[n] = '\0';
		*cause = rdd_cause_from_id(id);
	}
	*p += n;
	return true;
}

/* Does some finding id of the space-separated list IDS have a rule? */
static bool
any_detectable(const char *ids)
{
	int c;

	while (next_cause(&ids, &c))
		if (c >= 0 &&
		    rdd_cause_info((enum rdd_cause)c)->not_detectable == NULL)
			return true;
	return false;
}

/* Add every finding of D named in IDS as explaining cause RANK. */
static void
match_ids(struct rdd_diagnosis *d, const char *ids, unsigned rank,
          const char *title)
{
	struct rdd_client_error *ce = &d->client_error;
	int c;

	while (ce->n_explaining < RDD_MAX_EXPLAINING && next_cause(&ids, &c)) {
		if (c < 0 || find_cause(d, (enum rdd_cause)c) < 0 ||
		    already(ce, (enum rdd_cause)c))
			continue;
		ce->explaining[ce->n_explaining] = (enum rdd_cause)c;
		ce->cause_title[ce->n_explaining] = title;
		ce->cause_rank[ce->n_explaining] = rank;
		ce->n_explaining++;
	}
}

/*
 * The explaining findings by severity, then rank: a critical finding
 * (the server said no, or a phase fails) explains the error before a
 * warning or a note that only could. Insertion sort: stable, and at most
 * RDD_MAX_EXPLAINING of them.
 */
static void
by_severity(struct rdd_diagnosis *d)
{
	struct rdd_client_error *ce = &d->client_error;
	enum rdd_severity sev[RDD_MAX_EXPLAINING];
	size_t i, j;

	for (i = 0; i < ce->n_explaining; i++)
		sev[i] = d->findings[find_cause(d, ce->explaining[i])].severity;
	for (i = 1; i < ce->n_explaining; i++) {
		enum rdd_cause c = ce->explaining[i];
		const char *t = ce->cause_title[i];
		unsigned r = ce->cause_rank[i];
		enum rdd_severity s = sev[i];

		for (j = i; j > 0 && sev[j - 1] < s; j--) {
			ce->explaining[j] = ce->explaining[j - 1];
			ce->cause_title[j] = ce->cause_title[j - 1];
			ce->cause_rank[j] = ce->cause_rank[j - 1];
			sev[j] = sev[j - 1];
		}
		ce->explaining[j] = c;
		ce->cause_title[j] = t;
		ce->cause_rank[j] = r;
		sev[j] = s;
	}
}

/* Explaining findings first (in that order), then the rest as they were. */
static void
reorder(struct rdd_diagnosis *d)
{
	const struct rdd_client_error *ce = &d->client_error;
	struct rdd_finding *sorted;
	size_t i, n = 0;

	sorted = calloc(RDD_MAX_FINDINGS, sizeof(*sorted));
	if (sorted == NULL)
		return; /* keep the severity order */
	for (i = 0; i < ce->n_explaining; i++)
		sorted[n++] = d->findings[find_cause(d, ce->explaining[i])];
	for (i = 0; i < d->n_findings; i++)
		if (!already(ce, d->findings[i].cause))
			sorted[n++] = d->findings[i];
	memcpy(d->findings, sorted, n * sizeof(*sorted));
	free(sorted);
}

static void
write_summary(struct rdd_diagnosis *d, enum rdd_story story)
{
	struct rdd_client_error *ce = &d->client_error;
	char *s = ce->summary;
	size_t cap = sizeof(ce->summary), i, untested = 0;
	const struct rdd_story_cause *sc;
	bool server_side = false;

	s[0] = '\0';
	append(s, cap, "0x%x", (unsigned)ce->code);
	if (ce->code_name != NULL)
		append(s, cap, " (%s)", ce->code_name);
	if (ce->has_extended) {
		append(s, cap, " with extended code 0x%x",
		       (unsigned)ce->extended);
		if (ce->extended_name != NULL)
			append(s, cap, " (%s)", ce->extended_name);
	}
	if (ce->code_name == NULL) {
		append(s, cap,
		       " is not a code rdpdoctor knows (see "
		       "`rdpdoctor explain`); findings follow in "
		       "severity order.");
		return;
	}
	if (story == RDD_STORY_NONE) {
		append(s, cap,
		       ": rdpdoctor has no cause list for this code; "
		       "findings follow in severity order.");
		return;
	}
	for (i = 0; i < ce->n_explaining; i++)
		if (ce->explaining[i] != RDD_CAUSE_CLIENT_SIDE_SUSPECT)
			server_side = true;
	if (server_side) {
		append(s, cap, " is explained by ");
		for (i = 0; i < ce->n_explaining; i++)
			append(s, cap, "%s%s (cause %u: %s)", i ? ", " : "",
			       rdd_cause_info(ce->explaining[i])->id,
			       ce->cause_rank[i], ce->cause_title[i]);
		append(s, cap, ".");
		return;
	}
	append(s, cap, ": none of the findings that explain it is present");
	for (i = 0, untested = 0; i < d->n_findings; i++)
		if (d->findings[i].severity == RDD_SEV_CRITICAL)
			append(s, cap, "%s%s",
			       untested++ ? ", "
			                  : "; this check fails another way ("
			                    "a different path or port than "
			                    "the client's?): ",
			       rdd_cause_info(d->findings[i].cause)->id);
	untested = 0;
	if (ce->n_explaining > 0)
		append(s, cap,
		       "; every server-side phase tested passed, so "
		       "look at the client (client-side-suspect)");
	for (i = 0; (sc = rdd_story_cause(story, i)) != NULL; i++)
		if (!any_detectable(sc->findings))
			untested++;
	if (untested > 0) {
		append(s, cap, ". Not testable by this check yet: ");
		for (i = 0, untested = 0;
		     (sc = rdd_story_cause(story, i)) != NULL; i++)
			if (!any_detectable(sc->findings))
				append(s, cap, "%s%s", untested++ ? "; " : "",
				       sc->title);
	}
	append(s, cap, ".");
}

void
rdd_diagnose_client_error(struct rdd_diagnosis *d, uint32_t code,
                          bool has_extended, uint32_t extended)
{
	struct rdd_client_error *ce = &d->client_error;
	const struct rdd_code *row;
	const struct rdd_story_info *si;
	const struct rdd_story_cause *sc;
	struct rdd_code_match m;
	enum rdd_story story = RDD_STORY_NONE;
	size_t i;

	memset(ce, 0, sizeof(*ce));
	ce->present = true;
	ce->code = code;
	ce->has_extended = has_extended;
	ce->extended = extended;

	/* What mstsc shows first is its discReason; any table otherwise. */
	row = rdd_code_find(RDD_TABLE_DISC, code);
	if (row == NULL && rdd_code_find_value(code, &m, 1) > 0)
		row = m.code;
	if (row != NULL) {
		ce->code_name = row->name;
		story = row->story;
	}
	if (has_extended && rdd_code_find_extended(extended, &m) == 0) {
		ce->extended_name = m.code->name;
		if (story == RDD_STORY_NONE)
			story = m.code->story;
	}
	si = rdd_story_info(story);
	ce->story_id = si != NULL ? si->id : NULL;
	for (i = 0; (sc = rdd_story_cause(story, i)) != NULL; i++)
		match_ids(d, sc->findings, (unsigned)i + 1, sc->title);
	by_severity(d);
	reorder(d);
	write_summary(d, story);
}
