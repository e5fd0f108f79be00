/*
 * html_page.c - the frame of every HTML page and its small pieces
 * (html_int.h): the head with the style sheet, the Content-Security-Policy,
 * badges, tables of facts, and the typed reads of a document.
 *
 * The page is self-contained: the CSS is inline, the charts are inline SVG,
 * and the policy `default-src 'none'` forbids every script, font, image and
 * request (a page that needs its own small script names its hash). So even
 * a string that escaped escaping could neither run nor call home, and a
 * browser logs the attempt, which the lab test would see. Colours come
 * from CSS variables, switched for `prefers-color-scheme: dark` and reset
 * for print.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/html_int.h"

void
rdd__h_raw(struct hw *w, const char *s)
{
	if (fputs(s, w->out) == EOF)
		w->err = -1;
}

void
rdd__h_printf(struct hw *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vfprintf(w->out, fmt, ap) < 0)
		w->err = -1;
	va_end(ap);
}

void
rdd__h_ms(struct hw *w, double ms)
{
	if (!isfinite(ms) || ms < 0)
		rdd__h_raw(w, "-");
	else if (ms < 1000)
		rdd__h_printf(w, "%.1f&nbsp;ms", ms);
	else
		rdd__h_printf(w, "%.2f&nbsp;s", ms / 1000.0);
}

void
rdd__h_num(struct hw *w, double v)
{
	char buf[64];
	size_t n;

	if (!isfinite(v) || v > 1e15 || v < -1e15)
		v = 0;
	snprintf(buf, sizeof(buf), "%.3f", v);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
	rdd__h_raw(w, buf);
}

void
rdd__h_anchor(struct hw *w, const char *prefix, const char *name)
{
	rdd__h_text(w, prefix);
	rdd__h_text(w, name);
}

/* ---- reading a document ------------------------------------------------ */

json_t *
rdd__h_get(const json_t *obj, const char *key)
{
	return json_is_object(obj) ? json_object_get(obj, key) : NULL;
}

const char *
rdd__h_str(const json_t *obj, const char *key)
{
	json_t *v = rdd__h_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

bool
rdd__h_num_at(const json_t *obj, const char *key, double *v)
{
	json_t *j = rdd__h_get(obj, key);

	if (!json_is_number(j))
		return false;
	*v = json_number_value(j);
	return isfinite(*v);
}

bool
rdd__h_int_at(const json_t *obj, const char *key, long long *v)
{
	json_t *j = rdd__h_get(obj, key);

	if (!json_is_integer(j))
		return false;
	*v = (long long)json_integer_value(j);
	return true;
}

int
rdd__h_bool(const json_t *obj, const char *key)
{
	json_t *j = rdd__h_get(obj, key);

	if (!json_is_boolean(j))
		return -1;
	return json_is_true(j) ? 1 : 0;
}

json_t *
rdd__h_obj(const json_t *obj, const char *key)
{
	json_t *j = rdd__h_get(obj, key);

	return json_is_object(j) ? j : NULL;
}

json_t *
rdd__h_arr(const json_t *obj, const char *key)
{
	json_t *j = rdd__h_get(obj, key);

	return json_is_array(j) ? j : NULL;
}

bool
rdd__h_is_check(const json_t *doc)
{
	return rdd__h_arr(doc, "phases") != NULL &&
	       rdd__h_obj(doc, "verdict") != NULL;
}

/* ---- page --------------------------------------------------------------- */

static const char css[] =
    ":root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;"
    "--line:#d1d9e0;--card:#f6f8fa;--ok:#1a7f37;--warning:#9a6700;"
    "--critical:#cf222e;--info:#0969da;--skipped:#818b98;--bar-ok:#2da44e;"
    "--bar-bad:#cf222e;--bar-skip:#d1d9e0;--tcp:#0969da;--x224:#8250df;"
    "--tls:#1b7c83;--credssp:#bf8700;--mcs:#bc4c00;--session:#57606a}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;"
    "--muted:#9198a1;--line:#3d444d;--card:#151b23;--ok:#3fb950;"
    "--warning:#d29922;--critical:#f85149;--info:#4493f8;--skipped:#656c76;"
    "--bar-ok:#3fb950;--bar-bad:#f85149;--bar-skip:#3d444d;--tcp:#4493f8;"
    "--x224:#ab7df8;--tls:#39c5cf;--credssp:#d29922;--mcs:#f0883e;"
    "--session:#9198a1}}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0 auto;max-width:1120px;padding:20px 28px 40px;"
    "background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,"
    "-apple-system,'Segoe UI',Roboto,'Liberation Sans',sans-serif}\n"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;"
    "padding-bottom:4px;border-bottom:1px solid var(--line)}"
    "h3{font-size:15px;margin:18px 0 6px}\n"
    "a{color:var(--info)}\n"
    ".muted{color:var(--muted)}\n"
    "code,.mono{font-family:ui-monospace,'DejaVu Sans Mono','Liberation "
    "Mono',monospace;font-size:12.5px;overflow-wrap:anywhere}\n"
    "code.cmd{user-select:all;background:var(--card);border:1px solid "
    "var(--line);border-radius:4px;padding:0 4px}\n"
    "code.cmd.blk{display:block;white-space:pre-wrap;margin:4px 0;"
    "padding:6px 8px}\n"
    ".badge{display:inline-block;padding:0 8px;border-radius:10px;"
    "font-size:12px;font-weight:600;border:1px solid currentColor;"
    "white-space:nowrap}\n"
    ".ok{color:var(--ok)}.warning{color:var(--warning)}"
    ".critical,.failed,.timeout{color:var(--critical)}.info{color:var(--info)}"
    ".skipped,.unknown{color:var(--skipped)}\n"
    ".verdict{border:2px solid currentColor;border-radius:8px;"
    "padding:12px 16px;margin:14px 0}\n"
    ".verdict .status{font-size:20px;font-weight:700;text-transform:"
    "uppercase;margin-right:10px}\n"
    ".verdict p{color:var(--fg);margin:6px 0 0}\n"
    "table{border-collapse:collapse;margin:6px 0 10px}\n"
    "th,td{text-align:left;vertical-align:top;padding:3px 10px 3px 0;"
    "border-bottom:1px solid var(--line)}\n"
    "th{font-weight:600;color:var(--muted)}\n"
    "td.n,th.n{text-align:right}td.n,.nw{white-space:nowrap}\n"
    "table.kv th{width:210px;font-weight:500}\n"
    ".finding{border:1px solid var(--line);border-left:5px solid "
    "currentColor;border-radius:6px;padding:8px 14px;margin:10px 0;"
    "break-inside:avoid}\n"
    ".finding h3{margin:4px 0;color:var(--fg)}\n"
    ".finding p,.finding li{color:var(--fg)}\n"
    ".finding ol{margin:4px 0 8px;padding-left:22px}\n"
    ".lowers{border:1px dashed var(--warning);border-radius:4px;"
    "padding:4px 8px;color:var(--fg)}\n"
    ".evidence{background:var(--card);border-radius:4px;padding:4px 8px}\n"
    "svg{display:block;max-width:100%;height:auto}\n"
    "svg text{font:12px system-ui,'Liberation Sans',sans-serif;"
    "fill:var(--fg)}\n"
    "svg .axis{stroke:var(--line)}svg .tick{fill:var(--muted)}\n"
    "svg .bar-ok{fill:var(--bar-ok)}svg .bar-failed,svg .bar-timeout"
    "{fill:var(--bar-bad)}svg .bar-skipped,svg .bar-unknown"
    "{fill:var(--bar-skip)}\n"
    "svg .seg-tcp{fill:var(--tcp)}svg .seg-x224{fill:var(--x224)}"
    "svg .seg-tls{fill:var(--tls)}svg .seg-credssp{fill:var(--credssp)}"
    "svg .seg-mcs{fill:var(--mcs)}svg .seg-session{fill:var(--session)}\n"
    "svg .lbl-failed,svg .lbl-timeout{fill:var(--critical);"
    "font-weight:600}svg .lbl-skipped{fill:var(--skipped)}\n"
    ".legend span{display:inline-block;width:10px;height:10px;"
    "margin:0 4px 0 12px;border-radius:2px}\n"
    ".callout{border-left:4px solid var(--critical);padding:4px 10px;"
    "margin:8px 0}\n"
    "details>summary{cursor:pointer;color:var(--muted)}\n"
    "dl.tree{margin:2px 0 2px 14px}dl.tree dt{font-weight:600;"
    "color:var(--muted)}dl.tree dd{margin:0 0 2px 16px}\n"
    "footer{margin-top:32px;color:var(--muted);font-size:12px}\n"
    "th button.sort{font:inherit;color:inherit;background:none;border:0;"
    "padding:0;cursor:pointer;text-decoration:underline dotted}\n"
    "th[aria-sort=ascending] button.sort::after{content:\" \\25B2\"}"
    "th[aria-sort=descending] button.sort::after{content:\" \\25BC\"}\n"
    "table.counts td.n{font-size:18px;font-weight:600;text-align:center}"
    "table.counts th{text-align:center;padding:3px 14px}\n"
    "#drift-fields td:nth-child(2){min-width:190px}\n"
    "table.hosts td a{white-space:nowrap}\n"
    "@media print{:root{--bg:#fff;--fg:#000;--muted:#444;--line:#bbb;"
    "--card:#fff}body{max-width:none;padding:0;font-size:11pt}"
    "a{color:inherit;text-decoration:none}"
    "h2{break-after:avoid}table,svg,.verdict{break-inside:avoid}"
    "details.raw{display:none}}\n";

void
rdd__h_page_begin(struct hw *w, const char *title, const char *script_src)
{
	rdd__h_raw(w,
	           "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	           "<meta charset=\"utf-8\">\n"
	           "<meta name=\"viewport\" content=\"width=device-width, "
	           "initial-scale=1\">\n"
	           "<meta name=\"color-scheme\" content=\"light dark\">\n"
	           "<meta http-equiv=\"Content-Security-Policy\" "
	           "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	           "img-src data:; ");
	if (script_src != NULL) {
		rdd__h_raw(w, "script-src ");
		rdd__h_text(w, script_src);
		rdd__h_raw(w, "; ");
	}
	rdd__h_raw(w,
	           "base-uri 'none'; form-action 'none'\">\n"
	           "<meta name=\"referrer\" content=\"no-referrer\">\n"
	           "<meta name=\"generator\" content=\"rdpdoctor " RDD_VERSION
	           "\">\n<title>");
	rdd__h_text(w, title);
	rdd__h_raw(w, "</title>\n<style>\n");
	rdd__h_raw(w, css);
	rdd__h_raw(w, "</style>\n</head>\n<body>\n");
}

void
rdd__h_page_end(struct hw *w)
{
	rdd__h_raw(w, "<footer>Made by rdpdoctor " RDD_VERSION
	              ". Times are milliseconds from the start of each check. "
	              "Strings from the server are shown as received, with "
	              "invisible characters as \\x or \\u escapes.</footer>\n"
	              "</body>\n</html>\n");
}

/* ---- small pieces ------------------------------------------------------- */

const char *
rdd__h_class(const char *name)
{
	static const char *const known[] = {
	    "ok",     "warning", "critical", "info", "skipped",
	    "failed", "timeout", "unknown",  NULL,
	};
	size_t i;

	for (i = 0; name != NULL && known[i] != NULL; i++)
		if (strcmp(name, known[i]) == 0)
			return known[i];
	return "unknown";
}

void
rdd__h_badge(struct hw *w, const char *cls, const char *text)
{
	rdd__h_printf(w, "<span class=\"badge %s\">", rdd__h_class(cls));
	rdd__h_text(w, text);
	rdd__h_raw(w, "</span>");
}

void
rdd__h_kv_begin(struct hw *w)
{
	rdd__h_raw(w, "<table class=\"kv\">\n");
}

void
rdd__h_kv_end(struct hw *w)
{
	rdd__h_raw(w, "</table>\n");
}

void
rdd__h_kv_row_begin(struct hw *w, const char *label)
{
	rdd__h_raw(w, "<tr><th>");
	rdd__h_text(w, label);
	rdd__h_raw(w, "</th><td>");
}

void
rdd__h_kv_row_end(struct hw *w)
{
	rdd__h_raw(w, "</td></tr>\n");
}

void
rdd__h_value(struct hw *w, const json_t *v)
{
	size_t i;
	json_t *e;

	if (v == NULL || json_is_null(v)) {
		rdd__h_raw(w, "<span class=\"muted\">-</span>");
	} else if (json_is_true(v)) {
		rdd__h_raw(w, "yes");
	} else if (json_is_false(v)) {
		rdd__h_raw(w, "no");
	} else if (json_is_integer(v)) {
		rdd__h_printf(w, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		rdd__h_num(w, json_real_value(v));
	} else if (json_is_string(v)) {
		rdd__h_text_n(w, json_string_value(v), json_string_length(v));
	} else if (json_is_array(v)) {
		if (json_array_size(v) == 0)
			rdd__h_raw(w, "<span class=\"muted\">none</span>");
		json_array_foreach(v, i, e)
		{
			if (i > 0)
				rdd__h_raw(w, ", ");
			if (json_is_object(e) || json_is_array(e))
				rdd__h_raw(w, "&hellip;");
			else
				rdd__h_value(w, e);
		}
	} else {
		rdd__h_raw(w, "&hellip;");
	}
}

void
rdd__h_kv_str(struct hw *w, const char *label, const json_t *obj,
              const char *key)
{
	json_t *v = rdd__h_get(obj, key);

	if (v == NULL)
		return;
	rdd__h_kv_row_begin(w, label);
	if (json_is_string(v))
		rdd__h_text_n(w, json_string_value(v), json_string_length(v));
	else
		rdd__h_value(w, v);
	rdd__h_kv_row_end(w);
}

void
rdd__h_kv_val(struct hw *w, const char *label, const json_t *obj,
              const char *key)
{
	json_t *v = rdd__h_get(obj, key);

	if (v == NULL)
		return;
	rdd__h_kv_row_begin(w, label);
	rdd__h_value(w, v);
	rdd__h_kv_row_end(w);
}
