/*
 * html_findings.c - the findings of a check document on a page
 * (html_int.h): each with its severity, phase, explanation, the evidence
 * of this check (which may quote the server), the steps on the server and
 * on the client (commands, written `like this` in the causes table, in
 * blocks selected whole with one click), and what a step costs in
 * security; and the error the user gave with --client-error.
 */
#include <string.h>

#include "report/html_int.h"

static void
steps(struct hw *w, const json_t *f, const char *key, const char *heading)
{
	json_t *arr = rdd__h_arr(f, key), *e;
	size_t i;

	if (json_array_size(arr) == 0)
		return;
	rdd__h_printf(w, "<p><b>%s</b></p>\n<ol>\n", heading);
	json_array_foreach(arr, i, e)
	{
		if (!json_is_string(e))
			continue;
		rdd__h_raw(w, "<li>");
		rdd__h_text_code(w, json_string_value(e));
		rdd__h_raw(w, "</li>\n");
	}
	rdd__h_raw(w, "</ol>\n");
}

static void
finding(struct hw *w, const json_t *f, const char *prefix)
{
	const char *sev = rdd__h_str(f, "severity");
	const char *lowers = rdd__h_str(f, "lowers_security");
	const char *evidence = rdd__h_str(f, "evidence");

	rdd__h_printf(w, "<section class=\"finding %s\" id=\"",
	              rdd__h_class(sev));
	rdd__h_anchor(w, prefix, "finding-");
	rdd__h_text(w, rdd__h_str(f, "id"));
	rdd__h_raw(w, "\" data-id=\"");
	rdd__h_text(w, rdd__h_str(f, "id"));
	rdd__h_raw(w, "\">\n<h3>");
	rdd__h_badge(w, sev, sev != NULL ? sev : "?");
	rdd__h_raw(w, " ");
	rdd__h_text(w, rdd__h_str(f, "title"));
	rdd__h_raw(w, "</h3>\n<p class=\"muted\"><code>");
	rdd__h_text(w, rdd__h_str(f, "id"));
	rdd__h_raw(w, "</code> &middot; phase ");
	rdd__h_text(w, rdd__h_str(f, "phase"));
	rdd__h_raw(w, "</p>\n<p>");
	rdd__h_text_code(w, rdd__h_str(f, "explanation"));
	rdd__h_raw(w, "</p>\n");
	if (evidence != NULL && evidence[0] != '\0') {
		rdd__h_raw(w, "<p class=\"evidence\"><b>Evidence:</b> "
		              "<span class=\"mono\">");
		rdd__h_text(w, evidence);
		rdd__h_raw(w, "</span></p>\n");
	}
	steps(w, f, "fix", "Fix on the server");
	steps(w, f, "client_fix", "Fix on the client");
	if (lowers != NULL && lowers[0] != '\0') {
		rdd__h_raw(w, "<p class=\"lowers\"><b>Lowers security:</b> ");
		rdd__h_text_code(w, lowers);
		rdd__h_raw(w, "</p>\n");
	}
	rdd__h_raw(w, "</section>\n");
}

void
rdd__h_findings(struct hw *w, const json_t *doc, const char *prefix)
{
	json_t *arr = rdd__h_arr(doc, "findings"), *f;
	size_t i;

	rdd__h_raw(w, "<h2 id=\"");
	rdd__h_anchor(w, prefix, "findings");
	rdd__h_printf(w, "\">Findings (%zu)</h2>\n", json_array_size(arr));
	if (json_array_size(arr) == 0)
		rdd__h_raw(w, "<p class=\"muted\">Nothing found.</p>\n");
	json_array_foreach(arr, i, f) finding(w, f, prefix);
}

void
rdd__h_client_error(struct hw *w, const json_t *doc, const char *prefix)
{
	json_t *ce = rdd__h_obj(doc, "client_error"), *arr, *e;
	long long code, ext;
	size_t i;

	if (ce == NULL)
		return;
	rdd__h_raw(w, "<div class=\"callout\" id=\"");
	rdd__h_anchor(w, prefix, "client-error");
	rdd__h_raw(w, "\"><b>The error the client showed:</b> ");
	if (rdd__h_int_at(ce, "code", &code))
		rdd__h_printf(w, "<code>0x%llX</code> ", code);
	if (rdd__h_str(ce, "name") != NULL) {
		rdd__h_raw(w, "<code>");
		rdd__h_text(w, rdd__h_str(ce, "name"));
		rdd__h_raw(w, "</code>");
	}
	if (rdd__h_int_at(ce, "extended", &ext)) {
		rdd__h_printf(w, " / extended <code>0x%llX</code> ", ext);
		if (rdd__h_str(ce, "extended_name") != NULL) {
			rdd__h_raw(w, "<code>");
			rdd__h_text(w, rdd__h_str(ce, "extended_name"));
			rdd__h_raw(w, "</code>");
		}
	}
	rdd__h_raw(w, "<p>");
	rdd__h_text(w, rdd__h_str(ce, "summary"));
	rdd__h_raw(w, "</p>\n");
	arr = rdd__h_arr(ce, "explained_by");
	if (json_array_size(arr) > 0) {
		rdd__h_raw(w, "<ol>\n");
		json_array_foreach(arr, i, e)
		{
			rdd__h_raw(w, "<li><a href=\"#");
			rdd__h_anchor(w, prefix, "finding-");
			rdd__h_text(w, rdd__h_str(e, "id"));
			rdd__h_raw(w, "\"><code>");
			rdd__h_text(w, rdd__h_str(e, "id"));
			rdd__h_raw(w, "</code></a>: ");
			rdd__h_text(w, rdd__h_str(e, "cause"));
			rdd__h_raw(w, "</li>\n");
		}
		rdd__h_raw(w, "</ol>\n");
	}
	rdd__h_raw(w, "</div>\n");
}
