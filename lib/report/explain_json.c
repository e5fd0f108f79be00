/*
 * explain_json.c - what `rdpdoctor explain` found, as one JSON document
 * (report.h): each argument with its matches, or the nearest codes and the names that contain it
 * when it is unknown; the stories with their phases and ranked causes.
 *
 * The whole tree is built first and written only when every value was
 * made. The echoed input is made valid UTF-8 (json.c's helpers); the
 * document is written with every non-ASCII character escaped.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rdpdoctor/codes.h"
#include "rdpdoctor/diag.h"
#include "rdpdoctor/report.h"
#include "report/json_int.h"

static json_t *
hex_string(uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%" PRIX32, v);
	return json_string(buf);
}

/* {table, value, hex, name}, or null for no code. */
static json_t *
code_ref(struct jb *b, const struct rdd_code *c)
{
	json_t *o;

	if (c == NULL)
		return json_null();
	o = json_object();
	if (o == NULL)
		return NULL;
	rdd__j_put(b, o, "table",
	           json_string(rdd_code_table_info(c->table)->id));
	rdd__j_put(b, o, "value", json_integer(c->value));
	rdd__j_put(b, o, "hex", hex_string(c->value));
	rdd__j_put(b, o, "name", json_string(c->name));
	return o;
}

static const char *
via_name(enum rdd_code_via v)
{
	switch (v) {
	case RDD_VIA_VALUE:
		return "value";
	case RDD_VIA_FREERDP:
		return "freerdp-last-error";
	case RDD_VIA_EXT_RANGE:
		return "extended-protocol-range";
	case RDD_VIA_MIT_KRB5:
		return "mit-krb5";
	case RDD_VIA_WIN32:
		return "win32-form";
	}
	return "value";
}

/* What an RD Gateway code asks of the gateway host; null for others. */
static json_t *
gateway(struct jb *b, const struct rdd_gateway_hint *h)
{
	json_t *o, *ev, *by;
	const char *p;
	char *end;

	if (h == NULL)
		return json_null();
	o = json_object();
	ev = json_array();
	by = json_array();
	if (o == NULL || ev == NULL || by == NULL) {
		json_decref(o);
		json_decref(ev);
		json_decref(by);
		b->err = -1;
		return NULL;
	}
	for (p = h->events; *p != '\0'; p = end) {
		unsigned long id = strtoul(p, &end, 10);

		if (end == p)
			break;
		rdd__j_push(b, ev, json_integer((json_int_t)id));
		while (*end == ' ')
			end++;
	}
	if (rdd_cause_from_id(h->finding) >= 0)
		rdd__j_push(b, by, json_string(h->finding));
	rdd__j_put(b, o, "fix", json_string(h->fix));
	rdd__j_put(b, o, "events", ev);
	rdd__j_put(b, o, "confirmed_by", by);
	rdd__j_put(b, o, "check_step", json_string(h->step));
	/* check --gateway walks every step; available when one of its
	 * findings names the code. */
	rdd__j_put(b, o, "check_step_available",
	           json_boolean(rdd_cause_from_id(h->finding) >= 0));
	return o;
}

static json_t *
match(struct jb *b, const struct rdd_code_match *m)
{
	const struct rdd_code *c = m->code;
	const struct rdd_story_info *si = rdd_story_info(c->story);
	json_t *o = code_ref(b, c);

	if (o == NULL)
		return NULL;
	rdd__j_put(b, o, "table_title",
	           json_string(rdd_code_table_info(c->table)->title));
	rdd__j_put(b, o, "message", json_string(c->message));
	rdd__j_put(b, o, "source", json_string(c->source));
	rdd__j_put(b, o, "via", json_string(via_name(m->via)));
	rdd__j_put(b, o, "story",
	           si != NULL ? json_string(si->id) : json_null());
	rdd__j_put(b, o, "gateway", gateway(b, rdd_code_gateway_hint(c)));
	return o;
}

static json_t *
neighbour(struct jb *b, const struct rdd_explain_near *nb)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	rdd__j_put(b, o, "table",
	           json_string(rdd_code_table_info(nb->table)->id));
	rdd__j_put(b, o, "below", code_ref(b, nb->below));
	rdd__j_put(b, o, "above", code_ref(b, nb->above));
	return o;
}

static json_t *
lookup(struct jb *b, const struct rdd_explain_lookup *l)
{
	json_t *o = json_object(), *arr;
	size_t i;

	if (o == NULL)
		return NULL;
	rdd__j_put(b, o, "input", UNTRUSTED(l->input));
	rdd__j_put(b, o, "known", json_boolean(l->n > 0));
	rdd__j_put(b, o, "value",
	           l->numeric ? json_integer(l->value) : json_null());
	arr = json_array();
	for (i = 0; arr != NULL && i < l->n; i++)
		rdd__j_push(b, arr, match(b, &l->m[i]));
	rdd__j_put(b, o, "matches", arr);
	arr = json_array();
	for (i = 0; arr != NULL && i < l->n_near; i++)
		rdd__j_push(b, arr, neighbour(b, &l->near[i]));
	rdd__j_put(b, o, "neighbours", arr);
	arr = json_array();
	for (i = 0; arr != NULL && i < l->n_suggest; i++)
		rdd__j_push(b, arr, code_ref(b, l->suggest[i]));
	rdd__j_put(b, o, "suggestions", arr);
	return o;
}

/* "cert-expired tls-reset" -> ["cert-expired", "tls-reset"] */
static json_t *
finding_ids(struct jb *b, const char *ids)
{
	json_t *arr = json_array();
	char buf[256], *tok, *save;

	if (arr == NULL)
		return NULL;
	snprintf(buf, sizeof(buf), "%s", ids);
	for (tok = strtok_r(buf, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save))
		rdd__j_push(b, arr, json_string(tok));
	return arr;
}

static json_t *
cause(struct jb *b, size_t rank, const struct rdd_story_cause *c)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	rdd__j_put(b, o, "rank", json_integer((json_int_t)rank + 1));
	rdd__j_put(b, o, "title", json_string(c->title));
	rdd__j_put(b, o, "findings", finding_ids(b, c->findings));
	rdd__j_put(b, o, "fix", json_string(c->fix));
	return o;
}

static json_t *
story(struct jb *b, enum rdd_story s)
{
	const struct rdd_story_info *si = rdd_story_info(s);
	const struct rdd_story_cause *c;
	json_t *o = json_object(), *arr;
	size_t r;
	int p;

	if (o == NULL)
		return NULL;
	rdd__j_put(b, o, "id", json_string(si->id));
	rdd__j_put(b, o, "summary", json_string(si->summary));
	arr = json_array();
	for (p = 0; arr != NULL && p < RDD_PHASE_COUNT; p++)
		if (si->phases & RDD_PHASE_BIT(p))
			rdd__j_push(
			    b, arr,
			    json_string(rdd_phase_name((enum rdd_phase)p)));
	rdd__j_put(b, o, "phases", arr);
	arr = json_array();
	for (r = 0; arr != NULL && (c = rdd_story_cause(s, r)) != NULL; r++)
		rdd__j_push(b, arr, cause(b, r, c));
	rdd__j_put(b, o, "causes", arr);
	return o;
}

static json_t *
document(struct jb *b, const struct rdd_explain *e)
{
	json_t *root = json_object(), *tool = json_object(), *arr;
	size_t i;

	if (root == NULL || tool == NULL) {
		json_decref(root);
		json_decref(tool);
		return NULL;
	}
	rdd__j_put(b, root, "schema", json_integer(RDD_JSON_SCHEMA_VERSION));
	rdd__j_put(b, tool, "name", json_string("rdpdoctor"));
	rdd__j_put(b, tool, "version", json_string(RDD_VERSION));
	rdd__j_put(b, root, "tool", tool);
	rdd__j_put(b, root, "command", json_string("explain"));
	rdd__j_put(b, root, "known", json_boolean(e->known));
	rdd__j_put(b, root, "code", lookup(b, &e->code));
	rdd__j_put(b, root, "extended",
	           e->has_extended ? lookup(b, &e->extended) : json_null());
	arr = json_array();
	for (i = 0; arr != NULL && i < e->n_stories; i++)
		rdd__j_push(b, arr, story(b, e->stories[i]));
	rdd__j_put(b, root, "stories", arr);
	rdd__j_put(b, root, "next",
	           e->n_stories > 0 ? json_string("rdpdoctor check HOST")
	                            : json_null());
	return root;
}

/* Write TEXT with DEL as \u007F: jansson leaves it raw even with
 * JSON_ENSURE_ASCII, and it can only occur inside a string (the echoed
 * input). */
static int
write_document(FILE *out, const char *text)
{
	for (; *text != '\0'; text++) {
		if (*text == 0x7F) {
			if (fputs("\\u007F", out) < 0)
				return -1;
		} else if (fputc(*text, out) == EOF)
			return -1;
	}
	return 0;
}

int
rdd_report_explain_json(FILE *out, const struct rdd_explain *e)
{
	struct jb b = {0};
	json_t *root = document(&b, e);
	char *text = NULL;
	int rc = -1;

	if (root == NULL || b.err != 0)
		goto out;
	/* Our strings are ASCII; ENSURE_ASCII keeps the echoed input free
	 * of raw C1 controls as well. */
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	                            JSON_ENSURE_ASCII);
	if (text == NULL)
		goto out;
	if (write_document(out, text) == 0 && fputc('\n', out) != EOF)
		rc = 0;
out:
	free(text);
	json_decref(root);
	return rc;
}
