/*
 * test_krb_user.c - lib/net/krb_user.c against fake KDCs on loopback: a
 * KDC that accepts the TCP connection and never answers, and one that
 * never answers over UDP, must end the exchange as a timeout within the
 * timeout given (MIT's own loop would wait 18 s, reference 3.2); a KDC
 * that answers a KRB-ERROR 6 (a Windows-style one with an NTSTATUS in
 * its e-data) ends it with that code read; a realm that could break the
 * private configuration is refused before anything is written or sent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/krb_user.h"

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* A socket of TYPE bound to 127.0.0.1 on a free port, in *SIN. */
static int
bound(int type, struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int fd = socket(AF_INET, type, 0);

	assert_true(fd >= 0);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)sin, &len), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static void
params(struct rdd__krb_user_params *p, const struct sockaddr_in *sin, bool tcp,
       double timeout_ms)
{
	memset(p, 0, sizeof(*p));
	p->realm = "RDPLAB.TEST";
	p->cname = "alice";
	p->password = "not-a-real-password";
	p->host = "rdsh.rdplab.test";
	memcpy(&p->kdc, sin, sizeof(*sin));
	p->tcp = tcp;
	p->timeout_ms = timeout_ms;
}

static void
test_silent_kdc_tcp(void **state)
{
	struct rdd__krb_user_params p;
	struct rdd_krb_user u;
	struct sockaddr_in sin;
	int fd = bound(SOCK_STREAM, &sin);
	double t0, ms;

	(void)state;
	params(&p, &sin, true, 300);
	t0 = mono_ms();
	rdd__krb_user_run(&p, &u);
	ms = mono_ms() - t0;
	assert_int_equal(u.outcome, RDD_KRB_USER_TIMEOUT);
	assert_string_equal(u.transport, "tcp");
	assert_string_equal(u.principal, "alice@RDPLAB.TEST");
	assert_string_equal(u.spn, "TERMSRV/rdsh.rdplab.test@RDPLAB.TEST");
	assert_true(ms >= 290 && ms < 1500);
	close(fd);
}

static void
test_silent_kdc_udp(void **state)
{
	struct rdd__krb_user_params p;
	struct rdd_krb_user u;
	struct sockaddr_in sin;
	int fd = bound(SOCK_DGRAM, &sin);
	double t0, ms;

	(void)state;
	params(&p, &sin, false, 1300);
	t0 = mono_ms();
	rdd__krb_user_run(&p, &u);
	ms = mono_ms() - t0;
	assert_int_equal(u.outcome, RDD_KRB_USER_TIMEOUT);
	assert_string_equal(u.transport, "udp");
	/* Sent again after a second, and given up at 1.3 s. */
	assert_true(ms >= 1290 && ms < 2500);
	close(fd);
}

/* A KRB-ERROR 18 with a KERB-ERROR-DATA e-data holding 0xC0000234
 * (tests/unit/wire/test_krb.c's err_kerb_error_data). */
static const uint8_t err18[] = {
    0x7e, 0x75, 0x30, 0x73, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1, 0x03, 0x02,
    0x01, 0x1e, 0xa4, 0x11, 0x18, 0x0f, 0x32, 0x30, 0x32, 0x36, 0x31, 0x32,
    0x30, 0x36, 0x32, 0x30, 0x35, 0x38, 0x35, 0x39, 0x5a, 0xa5, 0x03, 0x02,
    0x01, 0x00, 0xa6, 0x03, 0x02, 0x01, 0x12, 0xa9, 0x0d, 0x1b, 0x0b, 0x52,
    0x44, 0x50, 0x4c, 0x41, 0x42, 0x2e, 0x54, 0x45, 0x53, 0x54, 0xaa, 0x20,
    0x30, 0x1e, 0xa0, 0x03, 0x02, 0x01, 0x02, 0xa1, 0x17, 0x30, 0x15, 0x1b,
    0x06, 0x6b, 0x72, 0x62, 0x74, 0x67, 0x74, 0x1b, 0x0b, 0x52, 0x44, 0x50,
    0x4c, 0x41, 0x42, 0x2e, 0x54, 0x45, 0x53, 0x54, 0xac, 0x19, 0x04, 0x17,
    0x30, 0x15, 0xa1, 0x03, 0x02, 0x01, 0x03, 0xa2, 0x0e, 0x04, 0x0c, 0x34,
    0x02, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
};

/* One UDP request answered with err18. */
static void *
answer_once(void *arg)
{
	int fd = *(int *)arg;
	uint8_t buf[4096];
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	if (n > 0 && buf[0] == 0x6a) /* an AS-REQ */
		(void)sendto(fd, err18, sizeof(err18), 0,
		             (struct sockaddr *)&from, fl);
	return NULL;
}

static void
test_kdc_error_read(void **state)
{
	struct rdd__krb_user_params p;
	struct rdd_krb_user u;
	struct sockaddr_in sin;
	int fd = bound(SOCK_DGRAM, &sin);
	pthread_t th;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, answer_once, &fd), 0);
	params(&p, &sin, false, 3000);
	rdd__krb_user_run(&p, &u);
	pthread_join(th, NULL);
	assert_int_equal(u.outcome, RDD_KRB_USER_AS_FAILED);
	assert_int_equal(u.as_code, 18);
	assert_true(u.has_ntstatus);
	assert_int_equal(u.ntstatus, 0xC0000234U);
	assert_true(strstr(u.detail, "revoked") != NULL);
	assert_int_equal(u.tgs_code, -1);
	close(fd);
}

static void
test_realm_refused(void **state)
{
	struct rdd__krb_user_params p;
	struct rdd_krb_user u;
	struct sockaddr_in sin;

	(void)state;
	assert_true(rdd__krb_realm_ok("RDPLAB.TEST"));
	assert_true(rdd__krb_realm_ok("ad-1.example_org"));
	assert_false(rdd__krb_realm_ok(""));
	assert_false(rdd__krb_realm_ok(NULL));
	assert_false(rdd__krb_realm_ok("A }\n[libdefaults]"));
	assert_false(rdd__krb_realm_ok("A B"));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(9);
	params(&p, &sin, true, 100);
	p.realm = "EVIL = {\n kdc = 192.0.2.1\n}";
	rdd__krb_user_run(&p, &u);
	assert_int_equal(u.outcome, RDD_KRB_USER_ERROR);
	assert_true(strstr(u.detail, "cannot go into") != NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_silent_kdc_tcp),
	    cmocka_unit_test(test_silent_kdc_udp),
	    cmocka_unit_test(test_kdc_error_read),
	    cmocka_unit_test(test_realm_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
