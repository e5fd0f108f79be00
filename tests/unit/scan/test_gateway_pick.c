/*
 * test_gateway_pick.c - lib/scan/gateway_pick.c: the RD Gateway of a scan
 * target from --gateway and the target's .rdp file (parsed by
 * rdd_rdpfile_parse from text, as the tool reads it), in the documented
 * order: the option wins over the file, the file's gateway only with
 * gatewayusagemethod:i:1 and a gatewayhostname, every other value direct;
 * GW, GW:PORT, [V6]:PORT; bad names refused with their line. Also
 * rdd_scan_gateway_failed (lib/net/scan_run.c): which walks stop the
 * scan's use of a gateway (its own phases) and which do not (the channel
 * and what follows are the target's).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rdpdoctor/scan.h"
#include "scan/gateway_pick.h"
#include "wire/rdpfile.h"

static struct rdd_rdpfile file;

static const struct rdd_rdpfile *
rdp(const char *text)
{
	rdd_rdpfile_parse((const uint8_t *)text, strlen(text), &file);
	return &file;
}

static void
picks(const char *opt, uint16_t opt_port, const char *text, int want,
      const char *host, uint16_t port)
{
	char h[256] = "", err[256] = "";
	uint16_t p = 0;
	int got = rdd_scan_gateway_pick(opt, opt_port,
	                                text != NULL ? rdp(text) : NULL, h,
	                                sizeof(h), &p, err, sizeof(err));

	if (got != want)
		fail_msg("%s / %s: source %d, want %d (%s)", opt ? opt : "-",
		         text ? text : "-", got, want, err);
	if (want > RDD_SCAN_GW_NONE) {
		assert_string_equal(h, host);
		assert_int_equal(p, port);
	}
}

static void
test_order(void **state)
{
	const char *always = "full address:s:pc1.corp:3390\r\n"
	                     "gatewayhostname:s:rdg.corp\r\n"
	                     "gatewayusagemethod:i:1\r\n";

	(void)state;
	/* No option, no file: direct. */
	picks(NULL, 0, NULL, RDD_SCAN_GW_NONE, NULL, 0);
	/* The option alone, default port 443. */
	picks("gw.example", 0, NULL, RDD_SCAN_GW_OPTION, "gw.example", 443);
	picks("gw.example", 8443, NULL, RDD_SCAN_GW_OPTION, "gw.example", 8443);
	/* The file's gateway wins over none ... */
	picks(NULL, 0, always, RDD_SCAN_GW_FILE, "rdg.corp", 443);
	/* ... and the option over the file's. */
	picks("gw.example", 0, always, RDD_SCAN_GW_OPTION, "gw.example", 443);
	/* The option also wins over a file that says never. */
	picks("gw.example", 0,
	      "full address:s:pc1\ngatewayhostname:s:rdg.corp\n"
	      "gatewayusagemethod:i:0\n",
	      RDD_SCAN_GW_OPTION, "gw.example", 443);
	/* An empty option is none. */
	picks("", 0, always, RDD_SCAN_GW_FILE, "rdg.corp", 443);
}

static void
test_usage_method(void **state)
{
	char text[256];
	int m;

	(void)state;
	/* Only 1 (always) goes through the file's gateway; 0 and 4 never,
	 * 2 tries direct first (the scan checks that path), 3 is the
	 * client's default settings (not in the file). */
	for (m = 0; m <= 5; m++) {
		snprintf(text, sizeof(text),
		         "full address:s:pc1\ngatewayhostname:s:rdg.corp:8443\n"
		         "gatewayusagemethod:i:%d\n",
		         m);
		picks(NULL, 0, text,
		      m == 1 ? RDD_SCAN_GW_FILE : RDD_SCAN_GW_NONE, "rdg.corp",
		      8443);
	}
	/* No usage method, or no name: direct. */
	picks(NULL, 0, "full address:s:pc1\ngatewayhostname:s:rdg.corp\n",
	      RDD_SCAN_GW_NONE, NULL, 0);
	picks(NULL, 0, "full address:s:pc1\ngatewayusagemethod:i:1\n",
	      RDD_SCAN_GW_NONE, NULL, 0);
	picks(NULL, 0,
	      "full address:s:pc1\ngatewayhostname:s:\n"
	      "gatewayusagemethod:i:1\n",
	      RDD_SCAN_GW_NONE, NULL, 0);
	/* UTF-16LE with a BOM, as mstsc saves it. */
	{
		const char *u = "gatewayhostname:s:rdg.corp\r\n"
		                "gatewayusagemethod:i:1\r\n";
		uint8_t buf[256];
		size_t n = 0, i;
		char h[256];
		uint16_t p;
		char err[64];

		buf[n++] = 0xFF;
		buf[n++] = 0xFE;
		for (i = 0; u[i] != '\0'; i++) {
			buf[n++] = (uint8_t)u[i];
			buf[n++] = 0;
		}
		rdd_rdpfile_parse(buf, n, &file);
		assert_int_equal(rdd_scan_gateway_pick(NULL, 0, &file, h,
		                                       sizeof(h), &p, err,
		                                       sizeof(err)),
		                 RDD_SCAN_GW_FILE);
		assert_string_equal(h, "rdg.corp");
		assert_int_equal(p, 443);
	}
}

#define GW_FMT "gatewayhostname:s:%s\ngatewayusagemethod:i:1\n"

static void
test_names(void **state)
{
	static const struct {
		const char *name, *host;
		uint16_t port;
	} good[] = {
	    {"rdg.corp", "rdg.corp", 443},
	    {"rdg.corp:4443", "rdg.corp", 4443},
	    {"10.0.0.5:443", "10.0.0.5", 443},
	    {"[2001:db8::5]:8443", "2001:db8::5", 8443},
	    {"[2001:db8::5]", "2001:db8::5", 443},
	    {"2001:db8::5", "2001:db8::5", 443},
	};
	static const char *const bad[] = {
	    "rdg.corp:", "rdg.corp:0", "rdg.corp:65536", "rdg.corp:44x",
	    ":443",      "[]:443",     "[::1",           "[::1]x",
	};
	char text[256], h[256], err[256];
	uint16_t p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), GW_FMT, good[i].name);
		picks(NULL, 0, text, RDD_SCAN_GW_FILE, good[i].host,
		      good[i].port);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), GW_FMT, bad[i]);
		err[0] = '\0';
		if (rdd_scan_gateway_pick(NULL, 0, rdp(text), h, sizeof(h), &p,
		                          err, sizeof(err)) != -1)
			fail_msg("'%s' was taken", bad[i]);
		assert_non_null(strstr(err, "line 1"));
	}
	/* A name longer than the caller's buffer. */
	snprintf(text, sizeof(text), GW_FMT, "a-rather-long-gateway.example");
	assert_int_equal(rdd_scan_gateway_pick(NULL, 0, rdp(text), h, 8, &p,
	                                       err, sizeof(err)),
	                 -1);
	assert_int_equal(rdd_scan_gateway_pick("a-rather-long-gateway.example",
	                                       0, NULL, h, 8, &p, err,
	                                       sizeof(err)),
	                 -1);
	assert_string_equal(rdd_scan_gw_source_name(RDD_SCAN_GW_FILE), "file");
	assert_null(rdd_scan_gw_source_name((enum rdd_scan_gw_source)7));
}

static void
test_gateway_failed(void **state)
{
	static struct rdd_observation obs;
	static const struct {
		enum rdd_gw_step step;
		enum rdd_gw_outcome outcome;
		bool failed;
	} cases[] = {
	    {RDD_GW_STEP_RESOLVE, RDD_GW_DNS_FAILED, true},
	    {RDD_GW_STEP_TCP, RDD_GW_TCP_FAILED, true},
	    {RDD_GW_STEP_TCP, RDD_GW_TIMEOUT, true},
	    {RDD_GW_STEP_TLS, RDD_GW_TLS_FAILED, true},
	    {RDD_GW_STEP_HTTP, RDD_GW_AUTH_FAILED, true},
	    {RDD_GW_STEP_HTTP, RDD_GW_AUTH_NO_CREDENTIALS, true},
	    {RDD_GW_STEP_HTTP, RDD_GW_HTTP_STATUS, true},
	    {RDD_GW_STEP_HANDSHAKE, RDD_GW_REFUSED, true},
	    {RDD_GW_STEP_TUNNEL_CREATE, RDD_GW_REFUSED, true},
	    {RDD_GW_STEP_TUNNEL_AUTH, RDD_GW_REFUSED, true},
	    /* The channel and the target's walk: the target's, not the
	     * gateway's. */
	    {RDD_GW_STEP_CHANNEL, RDD_GW_REFUSED, false},
	    {RDD_GW_STEP_CHANNEL, RDD_GW_TIMEOUT, false},
	    {RDD_GW_STEP_DATA, RDD_GW_CLOSED, false},
	    {RDD_GW_STEP_DATA, RDD_GW_OK, false},
	    {RDD_GW_STEP_NONE, RDD_GW_NOT_RUN, false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rdd_observation_init(&obs);
		obs.gateway.present = true;
		obs.gateway.step = cases[i].step;
		obs.gateway.outcome = cases[i].outcome;
		if (rdd_scan_gateway_failed(&obs) != cases[i].failed)
			fail_msg("case %zu: step %s outcome %s", i,
			         rdd_gw_step_name(cases[i].step),
			         rdd_gw_outcome_name(cases[i].outcome));
		/* Not through a gateway, or not reached: never. */
		obs.gateway.not_reached = true;
		assert_false(rdd_scan_gateway_failed(&obs));
		obs.gateway.not_reached = false;
		obs.gateway.present = false;
		assert_false(rdd_scan_gateway_failed(&obs));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_usage_method),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_gateway_failed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
