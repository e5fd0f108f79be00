/*
 * test_text.c - rdd_report_text (text.c): the layout of each section on
 * synthetic observations (a healthy Negotiate server, a refused port, an
 * expired certificate, a hostile certificate), that no control byte the
 * server chose reaches the output with or without colour, that colour
 * codes appear only when asked for, verbose-only sections, and the width.
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

#include "fixtures.h"

/* ---- Rendering and matching ------------------------------------------ */

typedef void (*fixture_fn)(struct rdd_observation *, struct rdd_diagnosis *);

static const fixture_fn fixtures[] = {fixture_healthy, fixture_refused,
                                      fixture_expired, fixture_hostile,
                                      fixture_rdp_security};

/* Render to memory; the caller frees the result. */
static char *
render_obs(const struct rdd_observation *obs, const struct rdd_diagnosis *d,
           bool color, bool verbose)
{
	struct rdd_text_options opt = {.color = color, .verbose = verbose};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(rdd_report_text(f, obs, d, &opt), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	assert_true(len > 0 && buf[len - 1] == '\n');
	return buf;
}

static char *
render(fixture_fn fx, bool color, bool verbose)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;

	fx(&obs, &d);
	return render_obs(&obs, &d, color, verbose);
}

/* The start of the line of TEXT equal to LINE, or NULL. */
static const char *
find_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while (*p != '\0') {
		const char *end = strchr(p, '\n');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		if (len == n && memcmp(p, line, n) == 0)
			return p;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return NULL;
}

static void
assert_line(const char *text, const char *line)
{
	if (find_line(text, line) == NULL)
		fail_msg("no line \"%s\" in:\n%s", line, text);
}

/* A line that starts with PREFIX. */
static const char *
find_prefix(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, prefix, n) == 0)
			return p;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

static void
assert_prefix(const char *text, const char *prefix)
{
	if (find_prefix(text, prefix) == NULL)
		fail_msg("no line starting \"%s\" in:\n%s", prefix, text);
}

/* No byte that a terminal acts on: C0 except LF, DEL, C1 in UTF-8. */
static void
assert_no_controls(const char *text)
{
	const unsigned char *p;

	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			fail_msg("control byte 0x%02x at offset %zu", *p,
			         (size_t)(p - (const unsigned char *)text));
		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			fail_msg("C1 control at offset %zu",
			         (size_t)(p - (const unsigned char *)text));
		/* Raw invalid bytes from the fixtures never pass either. */
		assert_int_not_equal(*p, 0xff);
		assert_int_not_equal(*p, 0xfe);
	}
}

/* Every ESC starts one of the renderer's own SGR sequences. */
static void
assert_only_our_sgr(const char *text)
{
	static const char *const ours[] = {"\033[0m",  "\033[1m",  "\033[2m",
	                                   "\033[31m", "\033[32m", "\033[33m",
	                                   "\033[36m"};
	const char *p;

	for (p = strchr(text, '\033'); p != NULL; p = strchr(p + 1, '\033')) {
		size_t i;
		bool ok = false;

		for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
			if (strncmp(p, ours[i], strlen(ours[i])) == 0)
				ok = true;
		if (!ok)
			fail_msg("foreign escape sequence at \"%.12s\"", p);
	}
}

/* Columns of a line: UTF-8 continuation bytes take none. */
static size_t
line_columns(const char *p, size_t len)
{
	size_t i, w = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			w++;
	return w;
}

/* Every line from the second up to the line UNTIL (or the end) is
 * narrower than 80 columns. The first line is the header. */
static void
assert_narrow(const char *text, const char *until)
{
	const char *p = strchr(text, '\n');
	const char *stop = until != NULL ? find_line(text, until) : NULL;

	while (p != NULL && p[1] != '\0' && (stop == NULL || p + 1 < stop)) {
		const char *line = p + 1;
		const char *end = strchr(line, '\n');
		size_t len = end != NULL ? (size_t)(end - line) : strlen(line);

		if (line_columns(line, len) >= 80)
			fail_msg("line of %zu columns: \"%.*s\"",
			         line_columns(line, len), (int)len, line);
		p = end;
	}
}

/* ---- Tests ----------------------------------------------------------- */

static void
test_healthy_layout(void **state)
{
	char *t = render(fixture_healthy, false, false);
	const char *sections[] = {"Phases", "Negotiation", "Certificate",
	                          "Findings"};
	const char *prev = t;
	size_t i;

	(void)state;
	assert_memory_equal(
	    t,
	    "rdpdoctor 0.1.0  check of nego.rdpsrv.lab:3389 (10.201.0.14)  "
	    "2026-11-22 06:40:01 UTC\n\nPhases\n",
	    sizeof("rdpdoctor 0.1.0  check of nego.rdpsrv.lab:3389 "
	           "(10.201.0.14)  2026-11-22 06:40:01 UTC\n\nPhases\n") -
	        1);
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		const char *at = find_line(t, sections[i]);

		assert_non_null(at);
		assert_true(at > prev);
		prev = at;
	}
	assert_line(t, "  resolve    ok          0.4 ms  nego.rdpsrv.lab -> "
	               "10.201.0.14, 10.201.0.15");
	assert_line(t, "  tcp        ok          0.3 ms  connected to "
	               "10.201.0.14");
	assert_line(t, "  x224       ok          1.2 ms  selected HYBRID "
	               "(flags 0x1f)");
	assert_line(t, "  total                 12.5 ms");
	assert_line(t, "  A  SSL|HYBRID|HYBRID_EX  -> selected HYBRID"
	               "                   1.2 ms");
	assert_line(t, "  B  SSL                   -> selected SSL"
	               "                      1.1 ms");
	assert_line(t, "  C  RDP                   -> selected RDP"
	               "                      0.9 ms");
	assert_line(t, "  security layer: negotiate   NLA required: no");
	assert_line(t, "  tls          TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384 "
	               "(attempt A)");
	assert_line(t, "  subject      CN=nego.rdpsrv.lab");
	assert_line(t, "  issuer       CN=nego.rdpsrv.lab");
	assert_line(t, "  SAN          DNS:nego.rdpsrv.lab, IP:10.201.0.14");
	assert_line(t, "  not before   2026-03-02 06:40:01 UTC");
	assert_line(t, "  not after    2027-03-02 06:40:01 UTC (100 days "
	               "left)");
	assert_line(t, "  key          RSA 2048 bits");
	assert_line(t, "  signature    sha256WithRSAEncryption");
	assert_line(t, "  sha256       3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b4c5d6e7f"
	               "8091a2b3c4d5e6f708192a3b");
	assert_line(t, "  self-signed  yes");
	assert_line(t, "  name check   nego.rdpsrv.lab matches");
	assert_prefix(t, "  WARNING   cert-self-signed  [tls]  The RDP "
	                 "certificate is self-signed");
	assert_line(t, "    evidence: issuer = subject = CN=nego.rdpsrv.lab");
	assert_line(t, "    fix (server):");
	assert_prefix(t, "      1. Deploy a CA certificate");
	assert_prefix(t, "      2. ");
	assert_line(t, "    fix (client):");
	assert_prefix(t, "  WARNING   nla-not-required  [x224]  ");
	assert_line(t, "Verdict: WARNING - a default client connects; 2 "
	               "warnings");
	/* Not verbose: no alternate addresses, no per-attempt lines. */
	assert_null(find_line(t, "Other addresses"));
	assert_null(find_prefix(t, "       tcp"));
	assert_null(find_prefix(t, "    why: "));
	assert_no_controls(t);
	free(t);
}

static void
test_refused_layout(void **state)
{
	char *t = render(fixture_refused, false, false);

	(void)state;
	assert_line(t, "  tcp        failed      0.2 ms  connection refused by "
	               "10.201.0.14");
	/* Skipped: a dash for the time, and no trailing blanks. */
	assert_line(t, "  x224       skipped       -");
	assert_line(t, "  tls        skipped       -");
	assert_line(t, "  A  SSL|HYBRID|HYBRID_EX  -> TCP refused"
	               "                       0.2 ms");
	assert_line(t, "  security layer: unknown   NLA required: unknown");
	assert_null(find_line(t, "Certificate"));
	assert_prefix(t, "  CRITICAL  tcp-refused  [tcp]  ");
	assert_line(t, "    evidence: 10.201.0.14:3389 answered the SYN with "
	               "a RST");
	assert_line(t, "    fix (server):");
	assert_prefix(t, "      1. ");
	assert_prefix(t, "      5. ");
	assert_line(t, "Verdict: CRITICAL - nothing accepts connections on "
	               "10.201.0.14:3389");
	assert_no_controls(t);
	free(t);
}

static void
test_expired_layout(void **state)
{
	char *t = render(fixture_expired, false, false);

	(void)state;
	assert_line(t, "  not after    2026-11-19 06:40:01 UTC (expired 3 days "
	               "ago)");
	assert_prefix(t, "  CRITICAL  cert-expired  [tls]  The RDP certificate "
	                 "has expired");
	assert_line(t, "Verdict: CRITICAL - the server's certificate has "
	               "expired");
	free(t);
}

static void
test_validity_wording(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *t;

	(void)state;
	fixture_healthy(&obs, &d);
	obs.tls.cert.not_after = CHECKED_AT - 60;
	t = render_obs(&obs, &d, false, false);
	assert_prefix(t, "  not after    2026-11-22 06:39:01 UTC (expired less "
	                 "than a day ago)");
	free(t);

	obs.tls.cert.not_after = CHECKED_AT + DAY + 5;
	t = render_obs(&obs, &d, false, false);
	assert_line(t, "  not after    2026-11-23 06:40:06 UTC (1 day left)");
	free(t);

	obs.tls.cert.not_before = CHECKED_AT + 60;
	t = render_obs(&obs, &d, false, false);
	assert_line(t, "  not after    2026-11-23 06:40:06 UTC (not yet "
	               "valid)");
	free(t);
}

static void
test_hostile_no_color(void **state)
{
	char *t = render(fixture_hostile, false, true);

	(void)state;
	assert_null(strchr(t, '\033'));
	assert_null(strchr(t, '\r'));
	assert_no_controls(t);
	assert_line(t, "  subject      CN=\\x1b[2Jevil\\xff\\xfe\\x1b]52;c;"
	               "aGk=\\x07");
	assert_line(t, "  SAN          DNS:nego.rdpsrv.lab, "
	               "DNS:\\x1b[31mred\\x0d\\x0afake\\x7f");
	assert_line(t, "  tls        ok          2.1 ms  alert from "
	               "\\x1b[2J\\xc2\\x9b1;1H server");
	assert_line(t, "  name check   nego.rdpsrv.lab does not match");
	assert_line(t, "    evidence: subject CN=\\x1b[2Jevil\\xff\\xfe"
	               "\\x1b]52;c;aGk=\\x07 does not match");
	assert_line(t, "Verdict: WARNING - summary \\x1b[2J\\xff");
	free(t);
}

static void
test_hostile_with_color(void **state)
{
	char *t = render(fixture_hostile, true, true);

	(void)state;
	/* Colour is on, but every ESC in the output is ours. */
	assert_non_null(strchr(t, '\033'));
	assert_only_our_sgr(t);
	assert_null(strchr(t, '\r'));
	assert_non_null(strstr(t, "CN=\\x1b[2Jevil"));
	free(t);
}

/* With colour off, no fixture, verbose or not, writes a control byte. */
static void
test_no_color_never_escapes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char *t = render(fixtures[i], false, false);
		char *v = render(fixtures[i], false, true);

		assert_null(strchr(t, '\033'));
		assert_null(strchr(v, '\033'));
		assert_no_controls(t);
		assert_no_controls(v);
		free(t);
		free(v);
	}
}

static void
test_color_codes(void **state)
{
	char *t;
	struct rdd_observation obs;
	struct rdd_diagnosis d;

	(void)state;
	t = render(fixture_healthy, true, false);
	assert_non_null(strstr(t, "\033[32mok\033[0m"));
	assert_non_null(strstr(t, "\033[33mWARNING\033[0m"));
	assert_non_null(strstr(t, "\033[1mPhases\033[0m"));
	/* Padding stays outside the colour: columns line up. */
	assert_non_null(
	    strstr(t, "  x224       \033[32mok\033[0m          1.2 ms"));
	assert_only_our_sgr(t);
	free(t);

	t = render(fixture_refused, true, false);
	assert_non_null(strstr(t, "\033[31mfailed\033[0m"));
	assert_non_null(strstr(t, "\033[2mskipped\033[0m"));
	assert_non_null(strstr(t, "\033[31mCRITICAL\033[0m"));
	assert_non_null(strstr(t, "Verdict:\033[0m \033[31mCRITICAL\033[0m"));
	free(t);

	fixture_healthy(&obs, &d);
	d.findings[0].severity = RDD_SEV_INFO;
	t = render_obs(&obs, &d, true, false);
	assert_non_null(strstr(t, "\033[36mINFO\033[0m"));
	free(t);
}

static void
test_verbose(void **state)
{
	char *t = render(fixture_healthy, false, true);

	(void)state;
	assert_line(t, "Other addresses");
	assert_line(t, "  10.201.0.15                             refused"
	               "         0.2 ms");
	assert_line(t, "       address 10.201.0.14");
	assert_line(t, "       tcp   ok                0.3 ms");
	assert_line(t, "       x224  response          1.2 ms  flags 0x1f");
	assert_line(t, "       tls   ok                2.1 ms");
	assert_prefix(t, "    why: The certificate's issuer is its own "
	                 "subject");
	free(t);
}

static void
test_negotiation_outcomes(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *t;

	(void)state;
	fixture_healthy(&obs, &d);
	obs.attempts[2].x224 = RDD_X224_FAILURE;
	obs.attempts[2].failure_code = 1;
	obs.attempts[1].x224 = RDD_X224_FAILURE;
	obs.attempts[1].failure_code = 99;
	obs.attempts[0].x224 = RDD_X224_NOT_RDP;
	memcpy(obs.attempts[0].first_bytes, "SSH-2.0\r\n\x1b\"\\", 12);
	obs.attempts[0].n_first_bytes = 12;
	obs.nla_required = 1;
	obs.security_layer = RDD_SECLAYER_TLS;
	t = render_obs(&obs, &d, false, true);
	assert_prefix(t, "  C  RDP                   -> RDP_NEG_FAILURE "
	                 "SSL_REQUIRED_BY_SERVER (1)");
	assert_prefix(t, "  B  SSL                   -> RDP_NEG_FAILURE "
	                 "unknown code (99)");
	assert_prefix(t, "  A  SSL|HYBRID|HYBRID_EX  -> answer is not RDP");
	assert_line(t,
	            "       first bytes \"SSH-2.0\\x0d\\x0a\\x1b\\x22\\x5c\"");
	assert_line(t, "  security layer: tls   NLA required: yes");
	assert_no_controls(t);
	free(t);
}

static void
test_backslashes(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *t;

	(void)state;
	fixture_healthy(&obs, &d);
	d.n_findings = 0;
	add_finding(&d, RDD_CAUSE_NEGO_HYBRID_REQUIRED, RDD_SEV_INFO,
	            RDD_PHASE_X224, "path C:\\x1b is literal");
	t = render_obs(&obs, &d, false, false);
	/* The server's backslash is doubled, so it cannot fake an escape. */
	assert_line(t, "    evidence: path C:\\\\x1b is literal");
	/* Our own fix text keeps single backslashes, to be copied as is. */
	assert_non_null(strstr(t, "HKLM\\SYSTEM\\CurrentControlSet"));
	assert_null(strstr(t, "HKLM\\\\SYSTEM"));
	/* A fix that lowers security carries a note. */
	assert_prefix(t, "    note: Turning NLA off exposes");
	assert_prefix(t, "  INFO      nego-hybrid-required  [x224]  ");
	free(t);
}

static void
test_width(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	size_t i;
	char *t;

	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		t = render(fixtures[i], false, true);
		/* The causes table's fixes may hold long commands; the
		 * rest of the report stays narrow. */
		assert_narrow(t, "Findings");
		free(t);
	}

	/* Many names in the certificate wrap onto several lines. */
	fixture_healthy(&obs, &d);
	for (i = 0; i < 12; i++)
		snprintf(obs.tls.cert.san[i], RDD_STR, "DNS:h%02zu.example.lab",
		         i);
	obs.tls.cert.n_san = 12;
	snprintf(obs.phases[RDD_PHASE_TCP].detail, RDD_STR, "%s",
	         "a rather long detail that the probe wrote about this phase, "
	         "which must wrap at a space");
	snprintf(
	    d.findings[0].evidence, RDD_EVIDENCE, "%s",
	    "evidence that goes on and on about what was seen on the wire, "
	    "long enough to need a second line and perhaps a third one");
	t = render_obs(&obs, &d, false, false);
	assert_narrow(t, "    fix (server):");
	assert_line(t,
	            "  SAN          DNS:h00.example.lab, DNS:h01.example.lab, "
	            "DNS:h02.example.lab,");
	assert_line(t,
	            "               DNS:h09.example.lab, DNS:h10.example.lab, "
	            "DNS:h11.example.lab");
	assert_line(
	    t, "                                 about this phase, which must "
	       "wrap at a space");
	assert_prefix(t, "              long enough");
	free(t);
}

static void
test_header_variants(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *t;

	(void)state;
	fixture_refused(&obs, &d);
	snprintf(obs.host, sizeof(obs.host), "2001:db8::1");
	snprintf(obs.address, sizeof(obs.address), "2001:db8::1");
	obs.port = 3390;
	t = render_obs(&obs, &d, false, false);
	assert_prefix(t, "rdpdoctor 0.1.0  check of [2001:db8::1]:3390  "
	                 "2026-11-22 06:40:01 UTC\n");
	free(t);

	/* A hostile host name is escaped in the header too. */
	snprintf(obs.host, sizeof(obs.host), "x\x1b]0;pwned\x07");
	t = render_obs(&obs, &d, false, false);
	assert_prefix(t, "rdpdoctor 0.1.0  check of x\\x1b]0;pwned\\x07:3390 "
	                 "(2001:db8::1)");
	assert_no_controls(t);
	free(t);
}

static void
test_tls_without_certificate(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *t;

	(void)state;
	fixture_healthy(&obs, &d);
	obs.tls.cert.present = false;
	t = render_obs(&obs, &d, false, false);
	assert_line(t, "  certificate  none received");
	assert_null(find_prefix(t, "  subject"));
	free(t);
}

static void
test_no_findings(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *t;

	(void)state;
	fixture_healthy(&obs, &d);
	d.n_findings = 0;
	d.status = RDD_VERDICT_OK;
	d.summary[0] = '\0';
	t = render_obs(&obs, &d, false, false);
	assert_line(t, "  none");
	assert_line(t, "Verdict: OK");
	free(t);
}

/* Every row of the causes table renders with its id, its steps numbered,
 * and nothing that is not printable. */
static void
test_every_cause(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *t, line[128];
	int c;

	(void)state;
	assert_true(RDD_CAUSE_COUNT > 0 && RDD_CAUSE_COUNT <= RDD_MAX_FINDINGS);
	fixture_healthy(&obs, &d);
	d.n_findings = 0;
	for (c = 0; c < RDD_CAUSE_COUNT; c++) {
		const struct rdd_cause_info *ci = rdd_cause_info(c);

		assert_non_null(ci);
		add_finding(&d, c, ci->severity, ci->phase, "evidence");
	}
	t = render_obs(&obs, &d, false, true);
	assert_no_controls(t);
	for (c = 0; c < RDD_CAUSE_COUNT; c++) {
		const struct rdd_cause_info *ci = rdd_cause_info(c);

		snprintf(line, sizeof(line), "  %-8s  %s  [%s]  ",
		         ci->severity == RDD_SEV_CRITICAL
		             ? "CRITICAL"
		             : (ci->severity == RDD_SEV_WARNING ? "WARNING"
		                                                : "INFO"),
		         ci->id, rdd_phase_name(ci->phase));
		assert_prefix(t, line);
	}
	free(t);
}

static void
test_write_error(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	struct rdd_text_options opt = {.color = false, .verbose = false};
	FILE *f = fopen("/dev/null", "r");

	(void)state;
	assert_non_null(f);
	fixture_healthy(&obs, &d);
	assert_int_equal(rdd_report_text(f, &obs, &d, &opt), -1);
	fclose(f);
}

/* The lab's FreeRDP shadow server after CredSSP: its NTLM identity. */
static void
fixture_credssp(struct rdd_observation *obs, struct rdd_diagnosis *d)
{
	struct rdd_credssp_info *ci = &obs->credssp;

	fixture_healthy(obs, d);
	set_phase(obs, RDD_PHASE_CREDSSP, RDD_STATUS_OK, 4.0, 1.5,
	          "version 6, NTLM CHALLENGE from RDPLAB-SHADOW, Windows "
	          "6.1.7601");
	ci->outcome = RDD_CREDSSP_OK;
	snprintf(ci->attempt, sizeof(ci->attempt), "A");
	ci->has_version = true;
	ci->server_version = 6;
	ci->ntlm.present = true;
	snprintf(ci->ntlm.target_name, RDD_STR, "RDPLAB-SHADOW");
	snprintf(ci->ntlm.netbios_computer, RDD_STR, "RDPLAB-SHADOW");
	snprintf(ci->ntlm.netbios_domain, RDD_STR, "RDPLAB-SHADOW");
	snprintf(ci->ntlm.dns_computer, RDD_STR, "RDPLAB-SHADOW");
	snprintf(ci->ntlm.dns_domain, RDD_STR, "RDPLAB-SHADOW");
	ci->ntlm.has_version = true;
	ci->ntlm.os_major = 6;
	ci->ntlm.os_minor = 1;
	ci->ntlm.os_build = 7601;
	ci->ntlm.has_time = true;
	ci->ntlm.server_time = CHECKED_AT;
	ci->ntlm.time_at_ms = 5.5;
}

static void
test_server_identity(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	const char *at;
	char *t;

	(void)state;
	/* No CredSSP, no block. */
	t = render(fixture_healthy, false, false);
	assert_null(find_line(t, "Server identity"));
	free(t);

	t = render(fixture_credssp, false, false);
	at = find_line(t, "Server identity");
	assert_non_null(at);
	assert_true(at > find_line(t, "Certificate"));
	assert_true(at < find_line(t, "Findings"));
	assert_line(t, "  credssp    ok          1.5 ms  version 6, NTLM "
	               "CHALLENGE from RDPLAB-SHADOW,");
	assert_line(t, "  name         RDPLAB-SHADOW");
	assert_line(t, "  domain       RDPLAB-SHADOW");
	assert_line(t, "  windows      Windows 7 SP1 / Server 2008 R2 SP1 "
	               "(6.1.7601)");
	assert_line(t, "  clock        2026-11-22 06:40:01 UTC, in step with "
	               "this machine");
	assert_line(t, "  credssp      version 6: current (the March 2018 "
	               "CredSSP update for");
	assert_line(t, "               CVE-2018-0886, or later)");
	assert_null(find_prefix(t, "  forest"));
	assert_null(find_prefix(t, "  error code"));
	free(t);

	/* A Windows domain member, its clock 7 minutes behind, CredSSP 3,
	 * an errorCode, the SPNEGO retry; colour on. */
	fixture_credssp(&obs, &d);
	snprintf(obs.credssp.ntlm.dns_computer, RDD_STR, "srv01.corp.example");
	snprintf(obs.credssp.ntlm.netbios_computer, RDD_STR, "SRV01");
	snprintf(obs.credssp.ntlm.dns_domain, RDD_STR, "corp.example");
	snprintf(obs.credssp.ntlm.netbios_domain, RDD_STR, "CORP");
	snprintf(obs.credssp.ntlm.dns_tree, RDD_STR, "example");
	obs.credssp.ntlm.os_major = 10;
	obs.credssp.ntlm.os_minor = 0;
	obs.credssp.ntlm.os_build = 12345;
	obs.credssp.ntlm.server_time = CHECKED_AT - 420;
	obs.credssp.server_version = 3;
	obs.credssp.has_error_code = true;
	obs.credssp.error_code = 0xc000006d;
	obs.credssp.spnego = true;
	snprintf(obs.credssp.attempt, 8, "A2");
	obs.credssp.other_outcome = RDD_CREDSSP_CLOSED;
	snprintf(obs.credssp.other_attempt, 8, "A");
	t = render_obs(&obs, &d, false, false);
	assert_line(t, "  name         srv01.corp.example (NetBIOS SRV01)");
	assert_line(t, "  domain       corp.example (NetBIOS CORP)");
	assert_line(t, "  forest       example");
	assert_line(t, "  windows      Windows 10 / 11 / Server 2016 or later "
	               "(10.0.12345)");
	assert_line(t, "  clock        2026-11-22 06:33:01 UTC, 7 minutes "
	               "behind this machine");
	assert_line(t, "  credssp      version 3: predates the March 2018 "
	               "CredSSP update");
	assert_line(t, "               (CVE-2018-0886); patched clients "
	               "refuse it");
	assert_line(t, "  error code   0xC000006D STATUS_LOGON_FAILURE");
	assert_line(t,
	            "  requests     SPNEGO-wrapped NEGOTIATE (A2): ok; plain "
	            "NTLM (A): closed");
	free(t);
	t = render_obs(&obs, &d, true, false);
	assert_only_our_sgr(t);
	free(t);

	/* No CHALLENGE, no version: only what is known. */
	fixture_credssp(&obs, &d);
	obs.credssp.outcome = RDD_CREDSSP_CLOSED;
	obs.credssp.has_version = false;
	memset(&obs.credssp.ntlm, 0, sizeof(obs.credssp.ntlm));
	t = render_obs(&obs, &d, false, false);
	assert_non_null(find_line(t, "Server identity"));
	assert_line(t, "  credssp      no TSRequest answer (closed)");
	assert_null(find_prefix(t, "  name         "));
	free(t);

	/* Hostile names are escaped. */
	fixture_credssp(&obs, &d);
	snprintf(obs.credssp.ntlm.dns_computer, RDD_STR,
	         "evil\x1b[2J\xff\xc2\x9b");
	obs.credssp.server_version = 5;
	t = render_obs(&obs, &d, false, false);
	assert_no_controls(t);
	assert_prefix(t, "  name         evil\\x1b[2J");
	assert_line(t, "  credssp      version 5: outdated (current Windows "
	               "sends 6)");
	free(t);
}

/* The RDP version and encryption block; the encryption probes only with
 * -v, and each attempt's MCS line there. */
static void
test_rdp_version_and_encryption(void **state)
{
	struct rdd_observation obs;
	struct rdd_diagnosis d;
	char *t;

	(void)state;
	t = render(fixture_rdp_security, false, false);
	assert_line(t, "RDP version and encryption");
	assert_line(t, "  rdp version  RDP 5.0-8.1 (0x00080004)");
	assert_line(t, "  mcs          rt-successful (attempt C, "
	               "serverSelectedProtocol RDP)");
	assert_line(t, "  security     standard RDP security: 128-bit RC4, "
	               "level High");
	assert_line(t, "  certificate  proprietary, RSA 2048 bits, permanent");
	assert_line(t, "  methods      accepted alone: 128-bit RC4; refused: "
	               "40-bit RC4, 56-bit RC4,");
	assert_line(t, "               FIPS 140-1");
	assert_line(t, "  C  RDP                   -> selected RDP           "
	               "           1.2 ms");
	assert_null(strstr(t, "E40"));
	assert_null(strstr(t, "offered 0x1b"));
	free(t);

	t = render(fixture_rdp_security, false, true);
	assert_line(t, "  A     SSL|HYBRID|HYBRID_EX  -> selected RDP        "
	               "              1.2 ms");
	assert_line(t, "  EFIPS RDP                   -> selected RDP        "
	               "              1.2 ms");
	assert_line(t, "       mcs   ok                1.0 ms  offered 0x01  "
	               "chose 0x02");
	free(t);

	/* No MCS: no block. */
	t = render(fixture_healthy, false, false);
	assert_null(strstr(t, "RDP version and encryption"));
	free(t);

	/* TLS, then MCS; an X.509 chain; a refusal; no encryption. */
	fixture_rdp_security(&obs, &d);
	obs.mcs.selected_protocol = RDD_PROTO_SSL;
	obs.mcs.encryption_method = 0;
	obs.mcs.encryption_level = 0;
	obs.mcs.server_certificate.kind = RDD_SERVER_CERT_NONE;
	obs.mcs.tested_encryption_methods = 0;
	obs.mcs.has_multitransport = true;
	obs.mcs.multitransport_flags = 0x101;
	snprintf(obs.mcs.attempt, sizeof(obs.mcs.attempt), "A");
	t = render_obs(&obs, &d, false, false);
	assert_line(t, "  security     Enhanced RDP Security (SSL): no RDP "
	               "encryption");
	assert_line(t, "  transport    multitransport UDPFECR|UDP_PREFERRED "
	               "(0x101)");
	assert_null(strstr(t, "  certificate  "));
	assert_null(strstr(t, "  methods  "));
	free(t);

	fixture_rdp_security(&obs, &d);
	obs.mcs.server_certificate.kind = RDD_SERVER_CERT_X509;
	obs.mcs.server_certificate.n_certs = 2;
	obs.mcs.server_certificate.temporary = true;
	obs.mcs.server_certificate.leaf_parsed = true;
	snprintf(obs.mcs.server_certificate.leaf_subject, RDD_STR, "%s",
	         HOSTILE_SUBJECT);
	snprintf(obs.mcs.server_certificate.leaf_key_type, 16, "RSA");
	obs.mcs.server_certificate.leaf_key_bits = 512;
	t = render_obs(&obs, &d, false, false);
	assert_null(strchr(t, '\x1b'));
	assert_line(t, "  certificate  X.509 chain of 2, server certificate");
	assert_non_null(strstr(t, "CN=\\x1b[2Jevil\\xff\\xfe"));
	assert_non_null(strstr(t, "RSA 512 bits,\n               temporary"));
	free(t);

	fixture_rdp_security(&obs, &d);
	obs.mcs.encryption_method = 0;
	obs.mcs.encryption_level = 0;
	t = render_obs(&obs, &d, false, false);
	assert_line(t, "  security     standard RDP security: no encryption "
	               "(level None)");
	free(t);

	fixture_rdp_security(&obs, &d);
	obs.mcs.outcome = RDD_MCS_DISCONNECTED;
	obs.mcs.result = -1;
	obs.mcs.has_core = false;
	obs.mcs.has_security = false;
	snprintf(obs.mcs.detail, sizeof(obs.mcs.detail),
	         "MCS Disconnect Provider Ultimatum rn-user-requested (3)");
	t = render_obs(&obs, &d, false, false);
	assert_line(t, "  rdp version  not known");
	assert_line(t, "  mcs          disconnected: MCS Disconnect Provider "
	               "Ultimatum");
	assert_null(strstr(t, "  security     "));
	free(t);
}

/* check --tls-full: the versions, suites, groups and clients table. */
static void
test_tls_enum_table(void **state)
{
	static struct rdd_observation obs;
	struct rdd_diagnosis d;
	struct rdd_tls_enum_info *e = &obs.tls_enum;
	char *t;

	(void)state;
	fixture_healthy(&obs, &d);
	t = render_obs(&obs, &d, false, false);
	assert_null(strstr(t, "--tls-full"));
	free(t);
	e->present = true;
	e->accepted[3] = true;
	e->implied[0] = true; /* as if from a refused TLS 1.1 hello */
	e->implied_by[0] = 0x0302;
	e->server_order[3] = 1;
	e->server_order[0] = e->server_order[1] = e->server_order[2] = -1;
	e->server_order[4] = -1;
	e->ciphers[0] = (struct rdd_tls_cipher){
	    0x0303, 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "strong",
	    1};
	e->ciphers[1] = (struct rdd_tls_cipher){
	    0x0303, 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "weak", 2};
	e->n_ciphers = 2;
	e->groups[0] = 29;
	e->n_groups = 1;
	e->connections = 40;
	e->ms = 812;
	e->saw_certificate = true;
	t = render_obs(&obs, &d, false, false);
	assert_non_null(
	    strstr(t, "TLS versions and cipher suites (--tls-full)"));
	assert_non_null(strstr(t, "  TLSv1.0   refused\n"));
	assert_non_null(strstr(t, "  SSLv3     refused (not asked: TLSv1.1's "
	                          "hello got a lower version or none)\n"));
	assert_non_null(
	    strstr(t, "  TLSv1.2   accepted, the server's order\n"));
	assert_non_null(
	    strstr(t, "     1 0xC030 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
	assert_non_null(
	    strstr(t, "     2 0x000A TLS_RSA_WITH_3DES_EDE_CBC_SHA"));
	assert_non_null(strstr(t, "  groups    x25519\n"));
	assert_non_null(strstr(t, "FAIL Windows 7 / Server 2008 R2"));
	assert_non_null(strstr(t, "ok   Windows 10/11"));
	assert_non_null(strstr(t,
	                       "40 connections in 812 ms, 0 without an answer; "
	                       "certificate seen\n"));
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_healthy_layout),
	    cmocka_unit_test(test_refused_layout),
	    cmocka_unit_test(test_expired_layout),
	    cmocka_unit_test(test_validity_wording),
	    cmocka_unit_test(test_hostile_no_color),
	    cmocka_unit_test(test_hostile_with_color),
	    cmocka_unit_test(test_no_color_never_escapes),
	    cmocka_unit_test(test_color_codes),
	    cmocka_unit_test(test_verbose),
	    cmocka_unit_test(test_negotiation_outcomes),
	    cmocka_unit_test(test_backslashes),
	    cmocka_unit_test(test_width),
	    cmocka_unit_test(test_header_variants),
	    cmocka_unit_test(test_tls_without_certificate),
	    cmocka_unit_test(test_server_identity),
	    cmocka_unit_test(test_rdp_version_and_encryption),
	    cmocka_unit_test(test_no_findings),
	    cmocka_unit_test(test_every_cause),
	    cmocka_unit_test(test_write_error),
	    cmocka_unit_test(test_tls_enum_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
