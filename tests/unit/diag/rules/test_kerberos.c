/*
 * test_kerberos.c - lib/diag/rules/kerberos.c and lib/probe/krbphase.c:
 * the realm's source, the skew arithmetic, the phase result, and the
 * findings of phase kerberos from synthetic observations shaped like the
 * lab's (tests/lab/kerberos.bash: MIT KDC dc1.rdplab.test).
 */
#include "rdpdoctor/krbphase.h"
#include "rules_harness.h"

/* A KDC found by SRV that answered on both transports. */
static struct rdd_krb_kdc *
krb_answered(struct rdd_observation *o, int64_t skew, int64_t code)
{
	struct rdd_krb_info *k = &o->krb;
	struct rdd_krb_kdc *x = &k->kdcs[0];

	k->run = true;
	snprintf(k->realm, sizeof(k->realm), "RDPLAB.TEST");
	snprintf(k->cname, sizeof(k->cname), "rdpdoctor");
	k->realm_source = RDD_KRB_REALM_OPTION;
	k->lookup = RDD_KRB_LOOKUP_FOUND;
	k->n_kdcs = 1;
	k->start_ms = 1;
	k->ms = 3;
	snprintf(x->name, sizeof(x->name), "dc1.rdplab.test");
	snprintf(x->address, sizeof(x->address), "10.209.0.1");
	x->port = 88;
	x->udp.outcome = RDD_KRB_ANSWERED;
	x->udp.ms = 0.4;
	x->tcp.outcome = RDD_KRB_ANSWERED;
	x->tcp.ms = 0.6;
	x->answered = true;
	x->msg_type = 30;
	x->error_code = code;
	x->has_skew = true;
	x->skew_s = skew;
	x->rtt_ms = 0.4;
	return x;
}

static void
test_krb_realm_choice(void **state)
{
	struct rdd_krb_realm_inputs in;
	char r[RDD_STR];

	(void)state;
	memset(&in, 0, sizeof(in));
	in.host = "rdsh.rdplab.test";
	assert_int_equal(rdd_krb_choose_realm(&in, r, sizeof(r)),
	                 RDD_KRB_REALM_NONE);
	assert_string_equal(r, "");
	/* The DNS suffix only with a known KDC, never for an address. */
	in.allow_dns_suffix = true;
	assert_int_equal(rdd_krb_choose_realm(&in, r, sizeof(r)),
	                 RDD_KRB_REALM_DNS_SUFFIX);
	assert_string_equal(r, "RDPLAB.TEST");
	in.host = "10.209.0.1";
	in.host_is_address = true;
	assert_int_equal(rdd_krb_choose_realm(&in, r, sizeof(r)),
	                 RDD_KRB_REALM_NONE);
	/* A workgroup server's "domain" is its own name: no realm. */
	in.ntlm_domain = "rdplab-shadow";
	in.ntlm_computer = "rdplab-shadow";
	assert_int_equal(rdd_krb_choose_realm(&in, r, sizeof(r)),
	                 RDD_KRB_REALM_NONE);
	in.ntlm_domain = "corp.example.com";
	in.ntlm_computer = "rdsh.corp.example.com";
	assert_int_equal(rdd_krb_choose_realm(&in, r, sizeof(r)),
	                 RDD_KRB_REALM_NTLM);
	assert_string_equal(r, "CORP.EXAMPLE.COM");
	/* A NetBIOS DOMAIN\ is no realm; a DNS one and @REALM are. */
	in.user_domain = "CORP";
	assert_int_equal(rdd_krb_choose_realm(&in, r, sizeof(r)),
	                 RDD_KRB_REALM_NTLM);
	in.user_domain = "ad.example.org";
	assert_int_equal(rdd_krb_choose_realm(&in, r, sizeof(r)),
	                 RDD_KRB_REALM_USER);
	assert_string_equal(r, "AD.EXAMPLE.ORG");
	in.user = "alice@Sub.Example.Net";
	assert_int_equal(rdd_krb_choose_realm(&in, r, sizeof(r)),
	                 RDD_KRB_REALM_USER);
	assert_string_equal(r, "SUB.EXAMPLE.NET");
	in.option = "Lab";
	assert_int_equal(rdd_krb_choose_realm(&in, r, sizeof(r)),
	                 RDD_KRB_REALM_OPTION);
	assert_string_equal(r, "LAB");
	in.option = "bad realm";
	assert_int_equal(rdd_krb_choose_realm(&in, r, sizeof(r)),
	                 RDD_KRB_REALM_USER);
	assert_string_equal(rdd_krb_realm_source_name(RDD_KRB_REALM_NTLM),
	                    "ntlm");
	assert_null(rdd_krb_realm_source_name((enum rdd_krb_realm_source)9));
}

static void
test_krb_skew_arithmetic(void **state)
{
	int64_t t = 1796590739, us = t * 1000000;

	(void)state;
	/* The KDC's clock in the middle of a 0.4 ms round trip. */
	assert_int_equal(rdd_krb_skew_s(t, 200, us, us + 400), 0);
	/* +10 minutes (the lab's faketime KDC). */
	assert_int_equal(rdd_krb_skew_s(t + 600, 0, us, us + 400), 600);
	assert_int_equal(rdd_krb_skew_s(t - 600, 0, us, us + 400), -600);
	/* Half a second is rounded away from zero, less is not. */
	assert_int_equal(rdd_krb_skew_s(t, 600000, us, us), 1);
	assert_int_equal(rdd_krb_skew_s(t, 400000, us, us), 0);
	assert_int_equal(rdd_krb_skew_s(t - 1, 400000, us, us), -1);
	/* A 4 s round trip: the middle is 2 s after the send. */
	assert_int_equal(rdd_krb_skew_s(t + 2, 0, us, us + 4000000), 0);
}

static void
test_krb_realm_and_phase(void **state)
{
	struct rdd_krb_kdc *x;
	const struct rdd_finding *f;

	enum rdd_verdict base;

	(void)state;
	healthy(&obs);
	diagnose(&obs, &diag);
	base = diag.status;
	x = krb_answered(&obs, 0, 25);
	x->n_etypes = 1;
	x->etypes[0] = 18;
	rdd_krb_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_KERBEROS].status, RDD_STATUS_OK);
	assert_has(obs.phases[RDD_PHASE_KERBEROS].detail,
	           "realm RDPLAB.TEST (from option): KDC dc1.rdplab.test "
	           "10.209.0.1: 88/udp answered in 0.4 ms, 88/tcp answered "
	           "in 0.6 ms; KDC_ERR_PREAUTH_REQUIRED (25); clock skew +0 s");
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-realm", RDD_SEV_INFO);
	assert_has(f->evidence, "realm RDPLAB.TEST (from option); KDC (DNS "
	                        "SRV): dc1.rdplab.test (10.209.0.1)");
	assert_has(f->evidence, "KDC_ERR_PREAUTH_REQUIRED (25)");
	assert_has(f->evidence, "etypes aes256-cts-hmac-sha1-96");
	assert_has(f->evidence, "KDC clock +0 s");
	expect_none(&diag, "kerberos-clock-skew");
	expect_none(&diag, "kerberos-kdc-udp-blocked");
	expect_none(&diag, "kerberos-by-ip");
	/* Info only: the verdict is the healthy one's. */
	assert_int_equal(diag.status, base);

	/* A made-up name is said to be one. */
	healthy(&obs);
	krb_answered(&obs, 0, 6);
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-realm", RDD_SEV_INFO);
	assert_has(f->evidence, "KDC_ERR_C_PRINCIPAL_UNKNOWN (6) (a made-up "
	                        "name, as expected)");

	/* Not run: nothing. */
	healthy(&obs);
	rdd_krb_conclude(&obs);
	assert_false(obs.phases[RDD_PHASE_KERBEROS].present);
	diagnose(&obs, &diag);
	expect_none(&diag, "kerberos-realm");
}

static void
test_krb_clock_skew(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	krb_answered(&obs, 600, 6);
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-clock-skew", RDD_SEV_WARNING);
	assert_has(f->evidence, "KDC dc1.rdplab.test (10.209.0.1)'s clock is "
	                        "600 s ahead of this machine's");
	assert_has(f->evidence, "beyond Kerberos' default tolerance of 300 s");

	healthy(&obs);
	krb_answered(&obs, -90, 6);
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-clock-skew", RDD_SEV_WARNING);
	assert_has(f->evidence, "90 s behind this machine's");
	assert_has(f->evidence, "within the default tolerance");

	/* A minute or less: nothing to say. */
	healthy(&obs);
	krb_answered(&obs, -60, 6);
	diagnose(&obs, &diag);
	expect_none(&diag, "kerberos-clock-skew");
}

static void
test_krb_not_found(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	krb_answered(&obs, 0, 6);
	obs.krb.n_kdcs = 0;
	obs.krb.lookup = RDD_KRB_LOOKUP_NONE;
	snprintf(obs.krb.lookup_detail, sizeof(obs.krb.lookup_detail),
	         "no SRV records _kerberos._udp or _kerberos._tcp for "
	         "NOSRV.TEST");
	rdd_krb_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_KERBEROS].status,
	                 RDD_STATUS_FAILED);
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-kdc-not-found", RDD_SEV_WARNING);
	assert_has(f->evidence, "realm RDPLAB.TEST (from option): no SRV "
	                        "records _kerberos._udp or _kerberos._tcp");
	expect_none(&diag, "kerberos-kdc-unreachable");

	/* A silent DNS: the phase timed out. */
	obs.krb.lookup = RDD_KRB_LOOKUP_NO_ANSWER;
	rdd_krb_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_KERBEROS].status,
	                 RDD_STATUS_TIMEOUT);
}

static void
test_krb_unreachable(void **state)
{
	struct rdd_krb_kdc *x;
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	x = krb_answered(&obs, 0, 6);
	x->answered = false;
	x->has_skew = false;
	x->udp.outcome = RDD_KRB_NO_ANSWER;
	x->udp.ms = 2000;
	x->tcp.outcome = RDD_KRB_NO_ANSWER;
	x->tcp.ms = 2000;
	rdd_krb_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_KERBEROS].status,
	                 RDD_STATUS_TIMEOUT);
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-kdc-unreachable", RDD_SEV_WARNING);
	assert_has(f->evidence, "realm RDPLAB.TEST: no answer to a Kerberos "
	                        "request from 1 KDC: dc1.rdplab.test "
	                        "(10.209.0.1): 88/udp silent for 2000 ms, "
	                        "88/tcp silent for 2000 ms");
	expect_none(&diag, "kerberos-clock-skew");
	expect_none(&diag, "kerberos-kdc-udp-blocked");

	/* Refused (KDC stopped): failed, not a timeout. */
	x->udp.outcome = RDD_KRB_REFUSED;
	x->tcp.outcome = RDD_KRB_REFUSED;
	rdd_krb_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_KERBEROS].status,
	                 RDD_STATUS_FAILED);
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-kdc-unreachable", RDD_SEV_WARNING);
	assert_has(f->evidence, "88/udp refused, 88/tcp refused");
}

static void
test_krb_udp_blocked(void **state)
{
	struct rdd_krb_kdc *x;
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	x = krb_answered(&obs, 0, 6);
	x->udp.outcome = RDD_KRB_NO_ANSWER;
	x->udp.ms = 2000;
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-kdc-udp-blocked", RDD_SEV_WARNING);
	assert_has(f->evidence,
	           "KDC dc1.rdplab.test (10.209.0.1): 88/udp "
	           "silent for 2000 ms, 88/tcp answered in 0.6 ms");
	expect_none(&diag, "kerberos-kdc-unreachable");
}

static void
test_krb_by_ip(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	krb_answered(&obs, 0, 6);
	obs.host_is_address = true;
	snprintf(obs.host, sizeof(obs.host), "10.209.0.1");
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-by-ip", RDD_SEV_WARNING);
	assert_has(f->evidence, "target given as the address 10.209.0.1; the "
	                        "server is in realm RDPLAB.TEST (from option)"
	                        ": Windows will not ask for TERMSRV/10.209.0.1 "
	                        "and uses NTLM");
}

/* With a password: the KDC answered the AS exchange with CODE. */
static struct rdd_krb_user *
krb_user(enum rdd_krb_user_outcome o, int64_t as, int64_t tgs)
{
	struct rdd_krb_user *u = &obs.krb.user;

	krb_answered(&obs, 0, 25);
	u->outcome = o;
	u->as_code = as;
	u->tgs_code = tgs;
	snprintf(u->principal, sizeof(u->principal), "alice@RDPLAB.TEST");
	snprintf(u->spn, sizeof(u->spn),
	         "TERMSRV/nospn.rdplab.test@RDPLAB.TEST");
	snprintf(u->transport, sizeof(u->transport), "tcp");
	return u;
}

static void
test_krb_user_as_errors(void **state)
{
	static const struct {
		int64_t code;
		uint32_t ntstatus; /* 0: none */
		const char *id;
		const char *evidence;
	} cases[] = {
	    {6, 0, "kerberos-user-unknown", "KDC_ERR_C_PRINCIPAL_UNKNOWN (6)"},
	    {24, 0, "kerberos-preauth-failed", "KDC_ERR_PREAUTH_FAILED (24)"},
	    {18, 0, "kerberos-account-revoked", "KDC_ERR_CLIENT_REVOKED (18)"},
	    {18, 0xC0000234U, "kerberos-account-revoked",
	     "NTSTATUS 0xC0000234 STATUS_ACCOUNT_LOCKED_OUT"},
	    {1, 0, "kerberos-account-revoked", "KDC_ERR_NAME_EXP (1)"},
	    {23, 0xC0000224U, "kerberos-password-expired",
	     "KDC_ERR_KEY_EXPIRED (23), e-text \"E\", NTSTATUS 0xC0000224 "
	     "STATUS_PASSWORD_MUST_CHANGE"},
	    {12, 0xC000006FU, "kerberos-account-restricted",
	     "STATUS_INVALID_LOGON_HOURS"},
	    {14, 0, "kerberos-etype-unsupported", "KDC_ERR_ETYPE_NOSUPP (14)"},
	    {68, 0, "kerberos-wrong-realm", "KDC_ERR_WRONG_REALM (68)"},
	    {37, 0, "kerberos-clock-skew", "KRB_AP_ERR_SKEW (37)"},
	};
	const struct rdd_finding *f;

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct rdd_krb_user *u;

		healthy(&obs);
		u = krb_user(RDD_KRB_USER_AS_FAILED, cases[i].code, -1);
		u->has_ntstatus = cases[i].ntstatus != 0;
		u->ntstatus = cases[i].ntstatus;
		snprintf(u->etext, sizeof(u->etext), "E");
		diagnose(&obs, &diag);
		f = expect(&diag, cases[i].id,
		           rdd_cause_info(
		               (enum rdd_cause)rdd_cause_from_id(cases[i].id))
		               ->severity);
		assert_has(f->evidence, "AS exchange for alice@RDPLAB.TEST "
		                        "with its password: ");
		assert_has(f->evidence, cases[i].evidence);
		expect_none(&diag, "kerberos-spn-missing");
		expect_none(&diag, "kerberos-ntlm-blocked");
	}
	/* A wrong password is critical: the verdict fails in phase
	 * kerberos (exit 2)... */
	healthy(&obs);
	krb_user(RDD_KRB_USER_AS_FAILED, 24, -1);
	diagnose(&obs, &diag);
	assert_int_equal(diag.status, RDD_VERDICT_CRITICAL);
	assert_int_equal(diag.failed_phase, RDD_PHASE_KERBEROS);
	/* ...unless the logon over NTLM worked: a Windows client falls
	 * back to it, a warning (exit 1). */
	obs.credssp.logon.outcome = RDD_LOGON_OK;
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-preauth-failed", RDD_SEV_WARNING);
	assert_has(f->evidence, "the logon over NTLM worked");
	assert_int_equal(diag.status, RDD_VERDICT_WARNING);
	/* A generic MIT failure after a 25 without ETYPE-INFO2. */
	healthy(&obs);
	krb_user(RDD_KRB_USER_AS_FAILED, 25, -1)->no_common_etype = true;
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-etype-unsupported", RDD_SEV_WARNING);
	assert_has(f->evidence,
	           "KDC_ERR_PREAUTH_REQUIRED (25), without ETYPE-INFO2");
	assert_has(f->evidence, "without ETYPE-INFO2");
	/* Another code: no finding of the user part. */
	healthy(&obs);
	krb_user(RDD_KRB_USER_AS_FAILED, 60, -1);
	diagnose(&obs, &diag);
	expect_none(&diag, "kerberos-user-unknown");
	expect_none(&diag, "kerberos-etype-unsupported");
}

static void
test_krb_user_spn(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	/* A ticket: no finding beyond the realm; the phase says it. */
	healthy(&obs);
	krb_user(RDD_KRB_USER_TICKET, -1, -1);
	obs.krb.user.as_ms = 7.25;
	obs.krb.user.tgs_ms = 1.5;
	rdd_krb_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_KERBEROS].status, RDD_STATUS_OK);
	assert_has(obs.phases[RDD_PHASE_KERBEROS].detail,
	           "; clock skew +0 s; password: TGT in 7.2 ms, TERMSRV "
	           "ticket in 1.5 ms");
	diagnose(&obs, &diag);
	expect(&diag, "kerberos-realm", RDD_SEV_INFO);
	expect_none(&diag, "kerberos-spn-missing");
	/* 7: the SPN is missing; NTLM not known: a warning. */
	healthy(&obs);
	snprintf(obs.host, sizeof(obs.host), "nospn.rdplab.test");
	snprintf(krb_user(RDD_KRB_USER_TGS_FAILED, -1, 7)->etext,
	         sizeof(obs.krb.user.etext), "LOOKING_UP_SERVER");
	rdd_krb_conclude(&obs);
	assert_int_equal(obs.phases[RDD_PHASE_KERBEROS].status,
	                 RDD_STATUS_FAILED);
	assert_has(obs.phases[RDD_PHASE_KERBEROS].detail,
	           "; clock skew +0 s; password: TGT, TERMSRV ticket "
	           "KDC_ERR_S_PRINCIPAL_UNKNOWN (7)");
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-spn-missing", RDD_SEV_WARNING);
	assert_has(f->evidence,
	           "with alice@RDPLAB.TEST's ticket, the ticket request for "
	           "TERMSRV/nospn.rdplab.test@RDPLAB.TEST: "
	           "KDC_ERR_S_PRINCIPAL_UNKNOWN (7), e-text "
	           "\"LOOKING_UP_SERVER\"");
	expect_none(&diag, "kerberos-ntlm-blocked");
	/* The NTLM logon worked: still a warning, and it says so. */
	obs.credssp.logon.outcome = RDD_LOGON_OK;
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-spn-missing", RDD_SEV_WARNING);
	assert_has(f->evidence, "the logon over NTLM worked");
	/* The server refused NTLM: critical, and kerberos-ntlm-blocked. */
	obs.credssp.logon.outcome = RDD_LOGON_REFUSED;
	obs.credssp.logon.has_error_code = true;
	obs.credssp.logon.error_code = 0xC0000418U;
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-spn-missing", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "the server refused NTLM (0xC0000418)");
	f = expect(&diag, "kerberos-ntlm-blocked", RDD_SEV_CRITICAL);
	assert_has(f->evidence,
	           "Kerberos fails (kerberos-spn-missing, realm RDPLAB.TEST) "
	           "and the server refused NTLM with 0xC0000418 "
	           "(STATUS_NTLM_BLOCKED)");
	/* A wrong password refused over NTLM is no NTLM block. */
	obs.credssp.logon.error_code = 0xC000006DU;
	diagnose(&obs, &diag);
	expect(&diag, "kerberos-spn-missing", RDD_SEV_WARNING);
	expect_none(&diag, "kerberos-ntlm-blocked");
	/* 8: duplicate. */
	healthy(&obs);
	snprintf(obs.host, sizeof(obs.host), "rdsh.rdplab.test");
	krb_user(RDD_KRB_USER_TGS_FAILED, -1, 8);
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-spn-duplicate", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "KDC_ERR_PRINCIPAL_NOT_UNIQUE (8)");
	expect_none(&diag, "kerberos-spn-missing");
	/* 7 for an address: kerberos-by-ip says it. */
	healthy(&obs);
	obs.host_is_address = true;
	snprintf(obs.host, sizeof(obs.host), "10.209.0.1");
	krb_user(RDD_KRB_USER_TGS_FAILED, -1, 7);
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-by-ip", RDD_SEV_WARNING);
	assert_has(f->evidence, "no TERMSRV/10.209.0.1 either");
	expect_none(&diag, "kerberos-spn-missing");
}

static void
test_krb_user_timeout_and_blocked(void **state)
{
	const struct rdd_finding *f;
	struct rdd_krb_user *u;

	(void)state;
	healthy(&obs);
	u = krb_user(RDD_KRB_USER_TIMEOUT, -1, -1);
	u->as_ms = 2000;
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-kdc-unreachable", RDD_SEV_WARNING);
	assert_has(f->evidence, "not the exchange with alice@RDPLAB.TEST's "
	                        "password over tcp within 2000 ms");
	/* No KDC at all, and NTLM refused before a CHALLENGE. */
	healthy(&obs);
	krb_answered(&obs, 0, 25);
	obs.krb.n_kdcs = 0;
	obs.krb.lookup = RDD_KRB_LOOKUP_NONE;
	obs.credssp.ntlm.present = false;
	obs.credssp.has_error_code = true;
	obs.credssp.error_code = 0xC00000BBU;
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-ntlm-blocked", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "kerberos-kdc-not-found");
	assert_has(f->evidence, "(STATUS_NOT_SUPPORTED)");
	/* NTLM refused but Kerberos fine: no finding. */
	healthy(&obs);
	krb_user(RDD_KRB_USER_TICKET, -1, -1);
	obs.credssp.logon.has_error_code = true;
	obs.credssp.logon.error_code = 0xC0000418U;
	diagnose(&obs, &diag);
	expect_none(&diag, "kerberos-ntlm-blocked");
}

/* A KRB-ERROR inside CredSSP after the AP-REQ (kerberos_logon.c), as the
 * lab acceptor sends them (tests/lab/krbacceptor.c). */
static void
krb_logon_error(struct rdd_observation *o, int32_t code, bool skew,
                int64_t skew_s)
{
	struct rdd_logon_info *li = &o->credssp.logon;

	o->credentials.given = true;
	li->outcome = RDD_LOGON_REFUSED;
	li->mech = RDD_LOGON_MECH_KERBEROS;
	li->has_krb_error = true;
	li->krb_error = code;
	li->has_server_skew = skew;
	li->server_skew_s = skew_s;
}

static void
test_krb_logon_errors(void **state)
{
	const struct rdd_finding *f;

	(void)state;
	healthy(&obs);
	krb_answered(&obs, 0, 6);
	krb_logon_error(&obs, 37, true, 600);
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-clock-skew", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "KRB_AP_ERR_SKEW (37)");
	assert_has(f->evidence, "600 s ahead of this machine's");
	expect_none(&diag, "kerberos-server-key-stale");

	healthy(&obs);
	krb_answered(&obs, 0, 6);
	krb_logon_error(&obs, 44, true, 0);
	diagnose(&obs, &diag);
	f = expect(&diag, "kerberos-server-key-stale", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "(44)");
	expect_none(&diag, "kerberos-clock-skew");
	/* Not also an errorCode of 0 (there is none). */
	expect_none(&diag, "credssp-error");

	healthy(&obs);
	krb_answered(&obs, 0, 6);
	krb_logon_error(&obs, 41, false, 0);
	diagnose(&obs, &diag);
	expect(&diag, "kerberos-server-key-stale", RDD_SEV_CRITICAL);

	/* Another code: a CredSSP error that names it. */
	healthy(&obs);
	krb_answered(&obs, 0, 6);
	krb_logon_error(&obs, 60, false, 0);
	snprintf(obs.credssp.logon.detail, sizeof(obs.credssp.logon.detail),
	         "the server refused the Kerberos ticket with KRB-ERROR 60 "
	         "KRB_ERR_GENERIC");
	diagnose(&obs, &diag);
	expect_none(&diag, "kerberos-server-key-stale");
	expect_none(&diag, "kerberos-clock-skew");
	f = expect(&diag, "credssp-error", RDD_SEV_CRITICAL);
	assert_has(f->evidence, "KRB_ERR_GENERIC");

	/* An NTLM logon with the same fields set means nothing here. */
	healthy(&obs);
	krb_answered(&obs, 0, 6);
	krb_logon_error(&obs, 44, false, 0);
	obs.credssp.logon.mech = RDD_LOGON_MECH_NTLM;
	diagnose(&obs, &diag);
	expect_none(&diag, "kerberos-server-key-stale");
}

const struct CMUnitTest rules_kerberos_tests[] = {
    cmocka_unit_test(test_krb_logon_errors),
    cmocka_unit_test(test_krb_user_as_errors),
    cmocka_unit_test(test_krb_user_spn),
    cmocka_unit_test(test_krb_user_timeout_and_blocked),
    cmocka_unit_test(test_krb_realm_choice),
    cmocka_unit_test(test_krb_skew_arithmetic),
    cmocka_unit_test(test_krb_realm_and_phase),
    cmocka_unit_test(test_krb_clock_skew),
    cmocka_unit_test(test_krb_not_found),
    cmocka_unit_test(test_krb_unreachable),
    cmocka_unit_test(test_krb_udp_blocked),
    cmocka_unit_test(test_krb_by_ip),
};
const size_t rules_kerberos_n_tests = NELEM(rules_kerberos_tests);
