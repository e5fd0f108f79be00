/*
 * html_common.c - the HTML tests' shared helpers (html_common.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rdpdoctor/report.h"

#include "html_common.h"

const char *const html_real_docs[N_REAL] = {"nego.json", "license-error.json",
                                            "tls-full.json", "shadow-nla.json",
                                            "gateway.json"};

json_t *
load_doc(const char *name)
{
	char path[512];
	json_error_t err;
	json_t *doc;

	snprintf(path, sizeof(path), "%s/%s", RDD_DOCS_DIR, name);
	doc = json_load_file(path, 0, &err);
	if (doc == NULL)
		fail_msg("%s: %s (line %d)", path, err.text, err.line);
	return doc;
}

json_t *
fixture_doc(void (*fixture)(struct rdd_observation *, struct rdd_diagnosis *))
{
	struct rdd_observation *obs = calloc(1, sizeof(*obs));
	struct rdd_diagnosis *d = calloc(1, sizeof(*d));
	json_t *doc;

	assert_non_null(obs);
	assert_non_null(d);
	fixture(obs, d);
	doc = rdd_report_json_doc(obs, d);
	assert_non_null(doc);
	free(obs);
	free(d);
	return doc;
}

size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

static bool
one_of(const char *s, size_t n, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && strncmp(s, *list, n) == 0)
			return true;
	return false;
}

void
check_structure(const char *page, bool scripts)
{
	static const char *const tags[] = {
	    "html",    "head",    "meta", "title", "style", "body", "section",
	    "h1",      "h2",      "h3",   "p",     "span",  "div",  "b",
	    "a",       "table",   "tr",   "th",    "td",    "code", "ol",
	    "li",      "svg",     "g",    "text",  "tspan", "rect", "line",
	    "details", "summary", "dl",   "dt",    "dd",    "br",   "hr",
	    "footer",  NULL};
	static const char *const script_tags[] = {"script", "button", "thead",
	                                          "tbody", NULL};
	static const char *const attrs[] = {
	    "lang",       "charset",     "name",      "content",
	    "http-equiv", "class",       "id",        "href",
	    "xmlns",      "viewBox",     "width",     "height",
	    "role",       "aria-label",  "x",         "y",
	    "x1",         "x2",          "y1",        "y2",
	    "rx",         "text-anchor", "font-size", "stroke-dasharray",
	    "style",      NULL};
	static const char *const script_attrs[] = {"type", "colspan", NULL};
	const char *p = page;
	const unsigned char *u;

	assert_true(strncmp(page, "<!DOCTYPE html>\n", 16) == 0);
	for (u = (const unsigned char *)page; *u != '\0'; u++)
		if ((*u < 0x20 && *u != '\n' && *u != '\t') || *u == 0x7f)
			fail_msg("raw control byte 0x%02x at offset %zu", *u,
			         (size_t)((const char *)u - page));
	p = page + 16;
	while ((p = strchr(p, '<')) != NULL) {
		size_t n;

		p++;
		if (*p == '/')
			p++;
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (!one_of(p, n, tags) &&
		    !(scripts && one_of(p, n, script_tags)))
			fail_msg("unexpected tag at ...%.60s", p - 1);
		if (p[-1] == '<' &&
		    ((n == 5 && strncmp(p, "style", 5) == 0) ||
		     (scripts && n == 6 && strncmp(p, "script", 6) == 0))) {
			const char *end =
			    strstr(p, n == 5 ? "</style>" : "</script>");

			assert_non_null(end);
			p = end + 1;
			continue;
		}
		p += n;
		/* Attributes up to '>'. */
		for (;;) {
			size_t k;
			const char *q;

			p += strspn(p, " \n");
			if (*p == '>' || (p[0] == '/' && p[1] == '>'))
				break;
			k = strcspn(p, "= >");
			if (!one_of(p, k, attrs) &&
			    !(scripts && one_of(p, k, script_attrs)) &&
			    !(k > 5 && strncmp(p, "data-", 5) == 0 &&
			      strspn(p + 5,
			             "abcdefghijklmnopqrstuvwxyz0123456789-") ==
			          k - 5))
				fail_msg("unexpected attribute at ...%.60s", p);
			p += k;
			if (*p != '=')
				continue;
			if (p[1] != '"')
				fail_msg("unquoted attribute at ...%.40s", p);
			q = strchr(p + 2, '"');
			assert_non_null(q);
			/* A value holds no '<' (escaped as &lt;). */
			for (const char *c = p + 2; c < q; c++)
				if (*c == '<' || *c == '>')
					fail_msg("'<' in a value: %.60s", p);
			p = q + 1;
		}
	}
	assert_true(strstr(page, "</html>\n") != NULL);
}

json_t *
poison(const json_t *v, bool keys)
{
	const char *key;
	json_t *e, *out;
	size_t i;
	char buf[4096];

	if (json_is_string(v)) {
		snprintf(buf, sizeof(buf), "%s%s", PAYLOAD,
		         json_string_value(v));
		return json_string(buf);
	}
	if (json_is_array(v)) {
		out = json_array();
		json_array_foreach(v, i, e)
		    json_array_append_new(out, poison(e, keys));
		return out;
	}
	if (json_is_object(v)) {
		out = json_object();
		json_object_foreach((json_t *)v, key, e)
		{
			/* Keep the keys the renderer looks up, and add a
			 * hostile one beside each. */
			json_object_set_new(out, key, poison(e, keys));
			if (keys) {
				snprintf(buf, sizeof(buf), "%s%s", PAYLOAD,
				         key);
				json_object_set_new(out, buf, json_true());
			}
		}
		return out;
	}
	return json_deep_copy(v);
}
