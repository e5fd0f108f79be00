/*
 * test_rdpfile_report.c - lib/report/rdpfile_report.c: the target a
 * connection file names, the notes on what mstsc would do with it judged
 * against synthetic observations (NLA required or not, the gateway's
 * usage methods, a failed direct connection), escaping of the file's
 * strings, and the "rdp_file" object inside the check's JSON document.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "fixtures.h"
#include "report/rdpfile_report.h"
#include "wire/rdpfile.h"

static struct rdd_rdpfile *
parse(const char *text)
{
	struct rdd_rdpfile *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	(void)rdd_rdpfile_parse((const uint8_t *)text, strlen(text), f);
	return f;
}

static int
target_of(const char *text, int cli_port, struct rdd_rdpfile_use *use)
{
	struct rdd_rdpfile *f = parse(text);
	char err[256];
	int rc;

	memset(use, 0, sizeof(*use));
	rc = rdd_rdpfile_target(f, cli_port, use, err, sizeof(err));
	free(f);
	return rc;
}

static void
test_target(void **state)
{
	struct rdd_rdpfile_use u;

	(void)state;
	assert_int_equal(target_of("full address:s:ts1\n", -1, &u), 0);
	assert_string_equal(u.host, "ts1");
	assert_int_equal(u.port, 3389);
	assert_string_equal(u.port_from, "default");
	assert_int_equal(
	    target_of("full address:s:ts1:3390\nserver port:i:3391\n", -1, &u),
	    0);
	assert_int_equal(u.port, 3390);
	assert_string_equal(u.port_from, "full address");
	assert_int_equal(
	    target_of("full address:s:ts1\nserver port:i:3391\n", -1, &u), 0);
	assert_int_equal(u.port, 3391);
	assert_string_equal(u.port_from, "server port");
	assert_int_equal(target_of("full address:s:ts1:3390\n", 4000, &u), 0);
	assert_int_equal(u.port, 4000);
	assert_string_equal(u.port_from, "--port");
	assert_int_equal(target_of("full address:s:[fd00::5]:3392\n", -1, &u),
	                 0);
	assert_string_equal(u.host, "fd00::5");
	assert_int_equal(u.port, 3392);
	assert_int_equal(target_of("full address:s:fd00::5\n", -1, &u), 0);
	assert_string_equal(u.host, "fd00::5");
	assert_int_equal(u.port, 3389);
	/* Refused: none, empty, port 0 or too big, junk after the port. */
	assert_int_equal(target_of("username:s:x\n", -1, &u), -1);
	assert_int_equal(target_of("full address:s:\n", -1, &u), -1);
	assert_int_equal(target_of("full address:s:h:0\n", -1, &u), -1);
	assert_int_equal(target_of("full address:s:h:65536\n", -1, &u), -1);
	assert_int_equal(target_of("full address:s:h:33x\n", -1, &u), -1);
	assert_int_equal(target_of("full address:s:[::1\n", -1, &u), -1);
	assert_int_equal(target_of("full address:s:a b\n", -1, &u), -1);
}

static const struct rdd_rdpfile_note *
find(const struct rdd_rdpfile_note *n, size_t count, const char *id)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strcmp(n[i].id, id) == 0)
			return &n[i];
	return NULL;
}

struct run {
	struct rdd_rdpfile_note notes[RDD_RDPFILE_MAX_NOTES];
	size_t n;
};

static void
notes_of(const char *text, const struct rdd_observation *obs, struct run *r)
{
	struct rdd_rdpfile *f = parse(text);
	struct rdd_rdpfile_use u;
	char err[256];

	memset(&u, 0, sizeof(u));
	u.path = "t.rdp";
	assert_int_equal(rdd_rdpfile_target(f, -1, &u, err, sizeof(err)), 0);
	r->n = rdd_rdpfile_notes(f, &u, obs, r->notes, RDD_RDPFILE_MAX_NOTES);
	free(f);
}

/* enablecredsspsupport:i:0 against a server that requires NLA (B refused
 * with HYBRID_REQUIRED_BY_SERVER), one that does not, and an unknown. */
static void
test_credssp_off(void **state)
{
	struct rdd_observation *obs = calloc(1, sizeof(*obs));
	struct rdd_attempt *b;
	const struct rdd_rdpfile_note *x;
	struct run r;
	static const char text[] = "full address:s:ts1\n"
	                           "enablecredsspsupport:i:0\n";

	(void)state;
	assert_non_null(obs);
	base(obs);
	b = add_attempt(obs, "B", 0x01, true);
	b->x224 = RDD_X224_FAILURE;
	b->failure_code = 5;
	obs->nla_required = 1;
	notes_of(text, obs, &r);
	x = find(r.notes, r.n, "credssp-off-nla-required");
	assert_non_null(x);
	assert_int_equal(x->level, RDD_NOTE_CRITICAL);
	assert_int_equal(x->line, 2);
	assert_non_null(strstr(x->text, "HYBRID_REQUIRED_BY_SERVER"));
	assert_int_equal(rdd_rdpfile_notes_exit(r.notes, r.n), 2);

	obs->nla_required = 0;
	attempt_rsp(b, 0x01, 0, 1.0);
	notes_of(text, obs, &r);
	assert_null(find(r.notes, r.n, "credssp-off-nla-required"));
	x = find(r.notes, r.n, "credssp-off");
	assert_non_null(x);
	assert_int_equal(x->level, RDD_NOTE_INFO);
	assert_int_equal(rdd_rdpfile_notes_exit(r.notes, r.n), 0);

	obs->nla_required = -1;
	notes_of(text, obs, &r);
	x = find(r.notes, r.n, "credssp-off");
	assert_int_equal(x->level, RDD_NOTE_WARNING);
	assert_int_equal(rdd_rdpfile_notes_exit(r.notes, r.n), 1);

	/* CredSSP on (or not said): no note. */
	notes_of("full address:s:ts1\nenablecredsspsupport:i:1\n", obs, &r);
	assert_int_equal(r.n, 0);
	free(obs);
}

static void
test_gateway(void **state)
{
	struct rdd_observation *obs = calloc(1, sizeof(*obs));
	const struct rdd_rdpfile_note *x;
	struct run r;

	(void)state;
	assert_non_null(obs);
	base(obs);
	notes_of("full address:s:ts1:3390\ngatewayhostname:s:gw.example\n"
	         "gatewayusagemethod:i:1\n",
	         obs, &r);
	x = find(r.notes, r.n, "gateway-not-walked");
	assert_non_null(x);
	assert_int_equal(x->level, RDD_NOTE_WARNING);
	assert_int_equal(x->line, 3);
	assert_non_null(strstr(x->text, "gw.example"));
	assert_non_null(strstr(x->text, "ts1:3390"));
	assert_null(strstr(x->text, "default profile"));
	assert_null(strstr(x->text, "cannot walk"));
	assert_non_null(strstr(x->text, "--gateway"));
	assert_int_equal(rdd_rdpfile_notes_exit(r.notes, r.n), 1);

	notes_of("full address:s:ts1\ngatewayhostname:s:gw\n"
	         "gatewayusagemethod:i:1\ngatewayprofileusagemethod:i:0\n",
	         obs, &r);
	x = find(r.notes, r.n, "gateway-not-walked");
	assert_non_null(strstr(x->text, "default profile"));

	/* Detect: the direct attempt first; say so when it failed. */
	notes_of("full address:s:ts1\ngatewayhostname:s:gw\n"
	         "gatewayusagemethod:i:2\n",
	         obs, &r);
	x = find(r.notes, r.n, "gateway-fallback");
	assert_non_null(x);
	assert_int_equal(x->level, RDD_NOTE_INFO);
	assert_null(strstr(x->text, "it failed"));
	set_phase(obs, RDD_PHASE_TCP, RDD_STATUS_FAILED, 0, 5000, "timeout");
	notes_of("full address:s:ts1\ngatewayhostname:s:gw\n"
	         "gatewayusagemethod:i:2\n",
	         obs, &r);
	x = find(r.notes, r.n, "gateway-fallback");
	assert_non_null(strstr(x->text, "it failed"));
	assert_non_null(strstr(x->text, "went direct, as mstsc first does"));
	assert_null(strstr(x->text, "cannot walk"));
	/* With --gateway the check took the path mstsc falls back to. */
	obs->gateway.present = true;
	snprintf(obs->gateway.host, sizeof(obs->gateway.host), "gw2.example");
	notes_of("full address:s:ts1\ngatewayhostname:s:gw\n"
	         "gatewayusagemethod:i:2\n",
	         obs, &r);
	x = find(r.notes, r.n, "gateway-fallback");
	assert_non_null(strstr(x->text, "went through the RD Gateway "
	                                "gw2.example (--gateway)"));
	notes_of("full address:s:ts1\ngatewayhostname:s:gw\n"
	         "gatewayusagemethod:i:3\n",
	         obs, &r);
	x = find(r.notes, r.n, "gateway-default");
	assert_non_null(strstr(x->text, "went through the RD Gateway"));
	obs->gateway.present = false;

	notes_of("full address:s:ts1\ngatewayhostname:s:gw\n"
	         "gatewayusagemethod:i:4\n",
	         obs, &r);
	assert_non_null(find(r.notes, r.n, "gateway-unused"));
	assert_int_equal(rdd_rdpfile_notes_exit(r.notes, r.n), 0);
	notes_of("full address:s:ts1\ngatewayhostname:s:gw\n"
	         "gatewayusagemethod:i:3\n",
	         obs, &r);
	x = find(r.notes, r.n, "gateway-default");
	assert_non_null(x);
	assert_non_null(strstr(x->text, "the file does not say"));
	assert_non_null(strstr(x->text, "connected to ts1:3389 directly"));
	notes_of("full address:s:ts1\ngatewayhostname:s:gw\n", obs, &r);
	assert_non_null(find(r.notes, r.n, "gateway-usage-unknown"));
	notes_of("full address:s:ts1\ngatewayusagemethod:i:1\n", obs, &r);
	assert_non_null(find(r.notes, r.n, "gateway-without-name"));
	notes_of("full address:s:ts1\n", obs, &r);
	assert_int_equal(r.n, 0);
	free(obs);
}

/* The file's strings reach the text escaped; secrets never appear. */
static void
test_text_escapes(void **state)
{
	static const char text[] = "full address:s:ts1\n"
	                           "gatewayhostname:s:gw\x1b[2J.example\n"
	                           "gatewayusagemethod:i:1\n"
	                           "gatewayaccesstoken:s:TOPSECRET\n"
	                           "bad\x1b]52;line\n";
	struct rdd_rdpfile *f = parse(text);
	struct rdd_rdpfile_note notes[RDD_RDPFILE_MAX_NOTES];
	struct rdd_rdpfile_use u;
	char err[128], *buf = NULL;
	size_t n, len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(out);
	memset(&u, 0, sizeof(u));
	u.path = "x\x1b.rdp";
	assert_int_equal(rdd_rdpfile_target(f, -1, &u, err, sizeof(err)), 0);
	n = rdd_rdpfile_notes(f, &u, NULL, notes, RDD_RDPFILE_MAX_NOTES);
	rdd_report_rdpfile_text(out, &u, f, notes, n);
	fclose(out);
	assert_null(strchr(buf, 0x1b));
	assert_null(strstr(buf, "TOPSECRET"));
	assert_non_null(strstr(buf, "gateway-not-walked (line 3)"));
	assert_non_null(strstr(buf, "gateway-access-token (line 4)"));
	assert_non_null(strstr(buf, "line 5: not a setting"));
	free(buf);
	free(f);
}

/* The object, and its place in the check's document. */
static void
test_json(void **state)
{
	static const char text[] = "full address:s:ts1:3390\n"
	                           "password 51:b:0102\n"
	                           "gatewayaccesstoken:s:TOPSECRET\n"
	                           "username:s:caf\xc3\xa9\n"
	                           "junk\n";
	struct rdd_observation *obs = calloc(1, sizeof(*obs));
	struct rdd_diagnosis *d = calloc(1, sizeof(*d));
	struct rdd_rdpfile *f = parse(text);
	struct rdd_rdpfile_note notes[RDD_RDPFILE_MAX_NOTES];
	struct rdd_rdpfile_use u;
	char err[128], *buf = NULL;
	size_t n, len = 0, i = 0;
	json_t *o, *doc;
	json_error_t je;
	const char *k;
	json_t *v;
	int rdp_at = -1, target_at = -1;
	FILE *out;

	(void)state;
	assert_non_null(obs);
	assert_non_null(d);
	fixture_healthy(obs, d);
	memset(&u, 0, sizeof(u));
	u.path = "t.rdp";
	assert_int_equal(rdd_rdpfile_target(f, -1, &u, err, sizeof(err)), 0);
	n = rdd_rdpfile_notes(f, &u, obs, notes, RDD_RDPFILE_MAX_NOTES);
	o = rdd_report_rdpfile_json(&u, f, notes, n);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(o, "target"), "port_from")),
	                    "full address");
	assert_int_equal(json_integer_value(json_object_get(
	                     json_object_get(o, "target"), "port")),
	                 3390);
	v = json_object_get(o, "settings");
	assert_true(json_is_true(
	    json_object_get(json_object_get(v, "password 51"), "present")));
	assert_null(
	    json_object_get(json_object_get(v, "password 51"), "value"));
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(v, "username"), "value")),
	                    "caf\xc3\xa9");
	assert_int_equal(json_array_size(json_object_get(o, "problems")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "exit_code")),
	                 rdd_rdpfile_notes_exit(notes, n));
	assert_int_equal(
	    json_integer_value(json_object_get(
	        json_array_get(json_object_get(o, "problems"), 0), "line")),
	    5);

	out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(rdd_report_json_rdpfile(out, obs, d, o), 0);
	fclose(out);
	assert_null(strstr(buf, "TOPSECRET"));
	doc = json_loads(buf, 0, &je);
	assert_non_null(doc);
	json_object_foreach(doc, k, v)
	{
		if (strcmp(k, "target") == 0)
			target_at = (int)i;
		if (strcmp(k, "rdp_file") == 0)
			rdp_at = (int)i;
		i++;
	}
	assert_true(target_at >= 0);
	assert_int_equal(rdp_at, target_at + 1);
	assert_non_null(json_object_get(doc, "verdict"));
	json_decref(doc);
	free(buf);
	free(f);
	free(obs);
	free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_target),  cmocka_unit_test(test_credssp_off),
	    cmocka_unit_test(test_gateway), cmocka_unit_test(test_text_escapes),
	    cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
