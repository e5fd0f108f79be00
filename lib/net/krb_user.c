/*
 * krb_user.c - the Kerberos phase with a password: MIT krb5 computes the
 * keys, the PA-ENC-TIMESTAMP, the TGS authenticator and decrypts the
 * replies (reference 6.3: no hand-rolled Kerberos cryptography), through
 * its step API (krb5_init_creds_step, krb5_tkt_creds_step), so that the
 * bytes go over rdpdoctor's own blocking socket to the one KDC the
 * credential-free probe reached, each wait bounded by what is left of the
 * phase timeout: MIT's own loop would wait up to 18 s for a KDC that
 * stopped answering (reference 3.2).
 *
 * Each KDC answer is also read by lib/wire/krb.c: the KRB-ERROR's code,
 * e-text and Windows NTSTATUS e-data (reference 4.3), which MIT does not
 * decode.
 *
 * The context is built on a private configuration file written to a
 * fresh 0600 temporary file (the realm, this KDC; no DNS lookups), with
 * KRB5_INIT_CONTEXT_SECURE so that KRB5_CONFIG, KRB5_TRACE and KRB5CCNAME
 * are ignored; the credentials live in a MEMORY cache destroyed at the
 * end. MIT copies the password into its init_creds context and wipes it
 * when that is freed. shared/reference/kerberos.md 4, 6.1.
 */
#define _GNU_SOURCE /* strcasestr */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <krb5/krb5.h>
#include <profile.h>

#include "krb_user.h"
#include "wire/krb.h"

#define SAY(buf, cap, ...)                                                     \
	do {                                                                   \
		if (snprintf(buf, cap, __VA_ARGS__) < 0)                       \
			(buf)[0] = '\0';                                       \
	} while (0)

/* The encryption types a Windows client allows by default (AES 256, AES
 * 128, RC4; reference 3.7), so that an account without any of them is
 * found as it would be from Windows, not rescued by MIT's wider list. */
#define WINDOWS_ETYPES                                                         \
	"aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 rc4-hmac"

/* A UDP request is sent again after a second without an answer (as MIT
 * does, reference 3.2). */
#define UDP_RESEND_MS 1000

struct urun {
	const struct rdd__krb_user_params *p;
	struct rdd_krb_user *out;
	uint64_t deadline_ms;
	bool timed_out;
	/* The last KRB-ERROR read from the KDC. */
	int64_t last_code;
	bool last_etype_info2;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Milliseconds since T0_US, for the timings. */
static double
since_ms(uint64_t t0_us)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)((uint64_t)ts.tv_sec * 1000000 +
	                (uint64_t)ts.tv_nsec / 1000 - t0_us) /
	       1000.0;
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void utrace(struct urun *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
utrace(struct urun *u, const char *fmt, ...)
{
	char line[RDD_STR];
	va_list ap;

	if (u->p->trace == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	u->p->trace(u->p->trace_ctx, "K", line);
}

/* MIT's trace lines, forwarded to -v. They never hold the password, but
 * MIT prints each key as its type and two bytes of a hash of it
 * ("aes256-cts/8B9C") and the encrypted timestamp: lines about keys are
 * left out, so -v says nothing derived from the password. */
static void
mit_trace(krb5_context ctx, const krb5_trace_info *info, void *data)
{
	struct urun *u = data;
	char line[RDD_STR];
	size_t n;

	(void)ctx;
	if (info == NULL || info->message == NULL ||
	    strcasestr(info->message, "key") != NULL ||
	    strcasestr(info->message, "encrypted timestamp") != NULL)
		return;
	SAY(line, sizeof(line), "krb5: %s", info->message);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	utrace(u, "%s", line);
}

bool
rdd__krb_realm_ok(const char *realm)
{
	size_t n;

	if (realm == NULL)
		return false;
	n = strlen(realm);
	if (n == 0 || n > RDD_KRB_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = realm[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '_'))
			return false;
	}
	return true;
}

/* --- the transport -------------------------------------------------------
 * Returns 0 with the reply in REP (malloc'd), -1 on a timeout
 * (u->timed_out), -2 on another failure (DETAIL). */

static int
wait_fd(struct urun *u, int fd, short ev, uint64_t until)
{
	struct pollfd pfd = {.fd = fd, .events = ev};
	uint64_t now;
	int r;

	for (;;) {
		now = now_ms();
		if (now >= until)
			return 0;
		r = poll(&pfd, 1, (int)(until - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		(void)u;
		return r;
	}
}

static socklen_t
addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                 : sizeof(struct sockaddr_in);
}

static int
send_all(struct urun *u, int fd, const uint8_t *b, size_t n)
{
	while (n > 0) {
		ssize_t w;
		int r = wait_fd(u, fd, POLLOUT, u->deadline_ms);

		if (r == 0) {
			u->timed_out = true;
			return -1;
		}
		if (r < 0)
			return -2;
		w = send(fd, b, n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w <= 0)
			return -2;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
recv_all(struct urun *u, int fd, uint8_t *b, size_t n)
{
	while (n > 0) {
		ssize_t got;
		int r = wait_fd(u, fd, POLLIN, u->deadline_ms);

		if (r == 0) {
			u->timed_out = true;
			return -1;
		}
		if (r < 0)
			return -2;
		got = recv(fd, b, n, 0);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (got <= 0)
			return -2;
		b += got;
		n -= (size_t)got;
	}
	return 0;
}

static int
tcp_exchange(struct urun *u, const krb5_data *req, krb5_data *rep, char *detail,
             size_t cap)
{
	const struct sockaddr_storage *ss = &u->p->kdc;
	uint8_t hdr[4];
	uint32_t len;
	int fd, r, err = 0;
	socklen_t el = sizeof(err);
	uint8_t *buf;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	            0);
	if (fd < 0) {
		SAY(detail, cap, "socket: %s", strerror(errno));
		return -2;
	}
	if (connect(fd, (const struct sockaddr *)ss, addr_len(ss)) != 0 &&
	    errno != EINPROGRESS) {
		SAY(detail, cap, "connect to the KDC: %s", strerror(errno));
		close(fd);
		return -2;
	}
	r = wait_fd(u, fd, POLLOUT, u->deadline_ms);
	if (r == 0) {
		u->timed_out = true;
		close(fd);
		return -1;
	}
	if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 ||
	    err != 0) {
		SAY(detail, cap, "connect to the KDC: %s",
		    strerror(err != 0 ? err : errno));
		close(fd);
		return -2;
	}
	hdr[0] = (uint8_t)(req->length >> 24);
	hdr[1] = (uint8_t)(req->length >> 16);
	hdr[2] = (uint8_t)(req->length >> 8);
	hdr[3] = (uint8_t)req->length;
	if ((r = send_all(u, fd, hdr, 4)) != 0 ||
	    (r = send_all(u, fd, (const uint8_t *)req->data, req->length)) !=
	        0 ||
	    (r = recv_all(u, fd, hdr, 4)) != 0) {
		if (r == -2)
			SAY(detail, cap, "the KDC closed the TCP connection");
		close(fd);
		return r;
	}
	len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	      (uint32_t)hdr[2] << 8 | hdr[3];
	if (len == 0 || len > RDD_KRB_MAX_MSG) {
		SAY(detail, cap, "the KDC's TCP record length %u is refused",
		    (unsigned)len);
		close(fd);
		return -2;
	}
	buf = malloc(len);
	if (buf == NULL) {
		close(fd);
		SAY(detail, cap, "out of memory");
		return -2;
	}
	if ((r = recv_all(u, fd, buf, len)) != 0) {
		if (r == -2)
			SAY(detail, cap, "the KDC closed the TCP connection");
		free(buf);
		close(fd);
		return r;
	}
	close(fd);
	rep->data = (char *)buf;
	rep->length = len;
	return 0;
}

static int
udp_exchange(struct urun *u, const krb5_data *req, krb5_data *rep, char *detail,
             size_t cap)
{
	const struct sockaddr_storage *ss = &u->p->kdc;
	uint8_t *buf;
	int fd;

	fd =
	    socket(ss->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		SAY(detail, cap, "socket: %s", strerror(errno));
		return -2;
	}
	if (connect(fd, (const struct sockaddr *)ss, addr_len(ss)) != 0) {
		SAY(detail, cap, "connect: %s", strerror(errno));
		close(fd);
		return -2;
	}
	buf = malloc(RDD_KRB_MAX_MSG);
	if (buf == NULL) {
		close(fd);
		SAY(detail, cap, "out of memory");
		return -2;
	}
	for (;;) {
		uint64_t until = now_ms() + UDP_RESEND_MS;
		ssize_t got;
		int r;

		if (until > u->deadline_ms)
			until = u->deadline_ms;
		if (send(fd, req->data, req->length, 0) < 0) {
			SAY(detail, cap, "send to the KDC: %s",
			    strerror(errno));
			break;
		}
		r = wait_fd(u, fd, POLLIN, until);
		if (r < 0)
			break;
		if (r == 0) {
			if (now_ms() >= u->deadline_ms) {
				u->timed_out = true;
				free(buf);
				close(fd);
				return -1;
			}
			continue;
		}
		got = recv(fd, buf, RDD_KRB_MAX_MSG, 0);
		if (got <= 0) {
			SAY(detail, cap, "the KDC refused 88/udp");
			break;
		}
		close(fd);
		rep->data = (char *)buf;
		rep->length = (unsigned)got;
		return 0;
	}
	free(buf);
	close(fd);
	return -2;
}

/* A KDC answer as lib/wire/krb.c reads it: the KRB-ERROR's code, e-text
 * and NTSTATUS are kept for the findings. */
static void
note_reply(struct urun *u, const krb5_data *rep)
{
	struct rdd_cur c;
	struct rdd_krb_error e;
	uint32_t st;

	rdd_cur_init(&c, (const uint8_t *)rep->data, rep->length);
	if (rdd_krb_msg_type(&c) != RDD_KRB_ERROR) {
		utrace(u, "Kerberos: KDC answered message type %d, %u bytes",
		       rdd_krb_msg_type(&c), (unsigned)rep->length);
		return;
	}
	if (rdd_krb_parse_error(&c, &e) != 0) {
		utrace(u, "Kerberos: a malformed KRB-ERROR (%u bytes)",
		       (unsigned)rep->length);
		return;
	}
	u->last_code = e.error_code;
	u->last_etype_info2 = e.has_etype_info2;
	u->out->etext[0] = '\0';
	if (e.has_etext)
		SAY(u->out->etext, sizeof(u->out->etext), "%.*s",
		    (int)(e.etext.len < 200 ? e.etext.len : 200),
		    (const char *)e.etext.p);
	/* e-text is the KDC's: keep printable ASCII only. */
	for (char *s = u->out->etext; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
	u->out->has_ntstatus = false;
	if (e.has_edata && rdd_krb_edata_ntstatus(&e.edata, &st) == 0) {
		u->out->has_ntstatus = true;
		u->out->ntstatus = st;
	}
	utrace(u, "Kerberos: KRB-ERROR %lld %s%s%s", (long long)e.error_code,
	       rdd_krb_error_name(e.error_code) != NULL
	           ? rdd_krb_error_name(e.error_code)
	           : "",
	       u->out->has_ntstatus ? " with an NTSTATUS" : "",
	       e.has_etype_info2 ? " with ETYPE-INFO2" : "");
}

static int
exchange(struct urun *u, const krb5_data *req, const krb5_data *realm,
         krb5_data *rep)
{
	char detail[RDD_STR] = "";
	int r;

	if (realm->length != strlen(u->p->realm) ||
	    memcmp(realm->data, u->p->realm, realm->length) != 0)
		utrace(u,
		       "Kerberos: MIT asks for realm %.*s; sent to the "
		       "KDC of %s",
		       (int)(realm->length < 100 ? realm->length : 100),
		       realm->data, u->p->realm);
	r = u->p->tcp ? tcp_exchange(u, req, rep, detail, sizeof(detail))
	              : udp_exchange(u, req, rep, detail, sizeof(detail));
	if (r == 0)
		note_reply(u, rep);
	else if (r == -2)
		SAY(u->out->detail, sizeof(u->out->detail), "%s", detail);
	return r;
}

/* A krb5 error code as the protocol's error code, or -1. */
static int64_t
protocol_code(krb5_error_code ret)
{
	long v = (long)ret - (long)ERROR_TABLE_BASE_krb5;

	return v >= 0 && v <= 127 ? v : -1;
}

static void
mit_message(krb5_context ctx, krb5_error_code ret, char *buf, size_t cap)
{
	const char *m = krb5_get_error_message(ctx, ret);

	SAY(buf, cap, "%s", m != NULL ? m : "unknown error");
	krb5_free_error_message(ctx, m);
}

/* Write the private configuration. Returns 0 with PATH filled. */
static int
write_config(struct urun *u, char *path, size_t cap)
{
	const struct sockaddr_storage *ss = &u->p->kdc;
	char addr[INET6_ADDRSTRLEN], kdc[INET6_ADDRSTRLEN + 16];
	const char *tmp = getenv("TMPDIR");
	unsigned port;
	FILE *f;
	int fd;

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)ss;

		inet_ntop(AF_INET6, &a->sin6_addr, addr, sizeof(addr));
		port = ntohs(a->sin6_port);
		SAY(kdc, sizeof(kdc), "[%s]:%u", addr, port);
	} else {
		const struct sockaddr_in *a = (const void *)ss;

		inet_ntop(AF_INET, &a->sin_addr, addr, sizeof(addr));
		port = ntohs(a->sin_port);
		SAY(kdc, sizeof(kdc), "%s:%u", addr, port);
	}
	if (tmp == NULL || tmp[0] != '/' || strlen(tmp) > cap - 32)
		tmp = "/tmp";
	SAY(path, cap, "%s/rdpdoctor-krb5-XXXXXX", tmp);
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		unlink(path);
		return -1;
	}
	/* No DNS: the KDC is the one that answered; the TERMSRV name is
	 * taken as typed, never canonicalized (reference 1.1). */
	fprintf(f,
	        "[libdefaults]\n"
	        " default_realm = %s\n"
	        " dns_lookup_kdc = false\n"
	        " dns_lookup_realm = false\n"
	        " dns_canonicalize_hostname = false\n"
	        " rdns = false\n"
	        " kdc_timesync = 1\n"
	        " permitted_enctypes = " WINDOWS_ETYPES "\n"
	        " default_tkt_enctypes = " WINDOWS_ETYPES "\n"
	        " default_tgs_enctypes = " WINDOWS_ETYPES "\n"
	        " default_ccache_name = MEMORY:rdpdoctor\n"
	        "[realms]\n"
	        " %s = {\n"
	        "  kdc = %s\n"
	        " }\n",
	        u->p->realm, u->p->realm, kdc);
	if (fclose(f) != 0) {
		unlink(path);
		return -1;
	}
	return 0;
}

/* MIT's AS and TGS step machines, alike for drive(): one step, and
 * whether it wants another exchange. */
typedef krb5_error_code (*step_fn)(krb5_context ctx, void *machine,
                                   krb5_data *in, krb5_data *out,
                                   krb5_data *realm, bool *more);

static krb5_error_code
as_one(krb5_context ctx, void *machine, krb5_data *in, krb5_data *out,
       krb5_data *realm, bool *more)
{
	unsigned int flags = 0;
	krb5_error_code ret =
	    krb5_init_creds_step(ctx, machine, in, out, realm, &flags);

	*more = (flags & KRB5_INIT_CREDS_STEP_FLAG_CONTINUE) != 0;
	return ret;
}

static krb5_error_code
tgs_one(krb5_context ctx, void *machine, krb5_data *in, krb5_data *out,
        krb5_data *realm, bool *more)
{
	unsigned int flags = 0;
	krb5_error_code ret =
	    krb5_tkt_creds_step(ctx, machine, in, out, realm, &flags);

	*more = (flags & KRB5_TKT_CREDS_STEP_FLAG_CONTINUE) != 0;
	return ret;
}

/*
 * Drive a step machine over rdpdoctor's own socket (exchange()), at most
 * 16 messages: MIT's answer; *LOST when an exchange failed (u->timed_out
 * says whether by the deadline), *UNFINISHED when it still wanted more.
 */
static krb5_error_code
drive(struct urun *u, krb5_context ctx, step_fn step, void *machine, bool *lost,
      bool *unfinished)
{
	krb5_data in = {0}, out = {0}, realm = {0};
	krb5_error_code ret = 0;
	bool more = false;

	for (int i = 0; ret == 0 && i < 16; i++) {
		more = false;
		ret = step(ctx, machine, &in, &out, &realm, &more);
		free(in.data);
		in.data = NULL;
		in.length = 0;
		if (ret != 0 || !more)
			break;
		*lost = exchange(u, &out, &realm, &in) != 0;
		krb5_free_data_contents(ctx, &out);
		krb5_free_data_contents(ctx, &realm);
		if (*lost)
			break;
	}
	free(in.data);
	*unfinished = ret == 0 && more && !*lost;
	return ret;
}

/* After drive(): true, with the outcome and detail set, when the
 * exchange was lost or did not end. */
static bool
drive_failed(struct urun *u, bool lost, bool unfinished, const char *what)
{
	struct rdd_krb_user *o = u->out;

	if (lost) {
		o->outcome =
		    u->timed_out ? RDD_KRB_USER_TIMEOUT : RDD_KRB_USER_ERROR;
		return true;
	}
	if (unfinished) {
		SAY(o->detail, sizeof(o->detail),
		    "the %s exchange did not end after 16 messages", what);
		o->outcome = RDD_KRB_USER_ERROR;
		return true;
	}
	return false;
}

static void
as_step(struct urun *u, krb5_context ctx, krb5_principal client, krb5_ccache cc)
{
	struct rdd_krb_user *o = u->out;
	krb5_get_init_creds_opt *opt = NULL;
	krb5_init_creds_context icc = NULL;
	krb5_error_code ret;
	krb5_creds creds;
	uint64_t t0 = now_us();
	bool lost = false, unfinished = false;

	memset(&creds, 0, sizeof(creds));
	ret = krb5_get_init_creds_opt_alloc(ctx, &opt);
	if (ret == 0) {
		/* As a Windows client asks: canonicalize, forwardable. */
		krb5_get_init_creds_opt_set_canonicalize(opt, 1);
		krb5_get_init_creds_opt_set_forwardable(opt, 1);
		ret =
		    krb5_init_creds_init(ctx, client, NULL, NULL, 0, opt, &icc);
	}
	if (ret == 0)
		ret = krb5_init_creds_set_password(ctx, icc, u->p->password);
	if (ret == 0)
		ret = drive(u, ctx, as_one, icc, &lost, &unfinished);
	o->as_ms = since_ms(t0);
	if (drive_failed(u, lost, unfinished, "AS"))
		goto out;
	if (ret != 0) {
		o->as_code = protocol_code(ret);
		/* MIT's "Generic preauthentication failure" after a 25
		 * without ETYPE-INFO2: nothing in common (reference 3.7). */
		if (o->as_code < 0 && u->last_code == 25 &&
		    !u->last_etype_info2) {
			o->no_common_etype = true;
			o->as_code = u->last_code;
		}
		if (o->as_code < 0 && u->last_code >= 0 && u->last_code != 25)
			o->as_code = u->last_code;
		mit_message(ctx, ret, o->detail, sizeof(o->detail));
		o->outcome = RDD_KRB_USER_AS_FAILED;
		goto out;
	}
	ret = krb5_init_creds_get_creds(ctx, icc, &creds);
	if (ret == 0)
		ret = krb5_cc_initialize(ctx, cc, client);
	if (ret == 0)
		ret = krb5_cc_store_cred(ctx, cc, &creds);
	if (ret != 0) {
		mit_message(ctx, ret, o->detail, sizeof(o->detail));
		o->outcome = RDD_KRB_USER_ERROR;
		goto out;
	}
	{
		krb5_timestamp s = 0;
		krb5_int32 us = 0;

		if (krb5_get_time_offsets(ctx, &s, &us) == 0) {
			o->has_offset = true;
			o->offset_s = (int64_t)s + (us >= 500000 ? 1 : 0);
		}
	}
	o->outcome = RDD_KRB_USER_TICKET; /* so far: the TGT */
out:
	krb5_free_cred_contents(ctx, &creds);
	if (icc != NULL)
		krb5_init_creds_free(ctx, icc);
	if (opt != NULL)
		krb5_get_init_creds_opt_free(ctx, opt);
}

static void
tgs_step(struct urun *u, krb5_context ctx, krb5_principal client,
         krb5_ccache cc)
{
	struct rdd_krb_user *o = u->out;
	krb5_principal server = NULL;
	krb5_tkt_creds_context tcc = NULL;
	krb5_creds in_creds;
	krb5_error_code ret;
	uint64_t t0 = now_us();
	bool lost = false, unfinished = false;

	u->last_code = -1;
	o->has_ntstatus = false;
	o->etext[0] = '\0';
	ret = krb5_build_principal(ctx, &server, (unsigned)strlen(u->p->realm),
	                           u->p->realm, "TERMSRV", u->p->host,
	                           (char *)NULL);
	if (ret != 0) {
		mit_message(ctx, ret, o->detail, sizeof(o->detail));
		o->outcome = RDD_KRB_USER_ERROR;
		return;
	}
	server->type = KRB5_NT_SRV_HST;
	memset(&in_creds, 0, sizeof(in_creds));
	in_creds.client = client;
	in_creds.server = server;
	ret = krb5_tkt_creds_init(ctx, cc, &in_creds, 0, &tcc);
	if (ret == 0)
		ret = drive(u, ctx, tgs_one, tcc, &lost, &unfinished);
	o->tgs_ms = since_ms(t0);
	if (drive_failed(u, lost, unfinished, "TGS"))
		goto out;
	if (ret != 0) {
		o->tgs_code = protocol_code(ret);
		if (o->tgs_code < 0 && u->last_code >= 0)
			o->tgs_code = u->last_code;
		mit_message(ctx, ret, o->detail, sizeof(o->detail));
		o->outcome = RDD_KRB_USER_TGS_FAILED;
		goto out;
	}
	o->outcome = RDD_KRB_USER_TICKET;
out:
	if (tcc != NULL)
		krb5_tkt_creds_free(ctx, tcc);
	krb5_free_principal(ctx, server);
}

void
rdd__krb_ccache_destroy(const char *name)
{
	const_profile_filespec_t files[1] = {NULL};
	profile_t prof = NULL;
	krb5_context ctx = NULL;
	krb5_ccache cc = NULL;

	if (name == NULL || strncmp(name, "MEMORY:", 7) != 0)
		return;
	/* An empty profile: nothing read from any krb5.conf. */
	if (profile_init_flags(files, 0, &prof) != 0)
		return;
	if (krb5_init_context_profile(prof, KRB5_INIT_CONTEXT_SECURE, &ctx) ==
	        0 &&
	    krb5_cc_resolve(ctx, name, &cc) == 0)
		krb5_cc_destroy(ctx, cc);
	if (ctx != NULL)
		krb5_free_context(ctx);
	profile_release(prof);
}

void
rdd__krb_user_run(const struct rdd__krb_user_params *p, struct rdd_krb_user *o)
{
	struct urun u;
	char path[256] = "";
	const_profile_filespec_t files[2];
	profile_t prof = NULL;
	krb5_context ctx = NULL;
	krb5_principal client = NULL;
	krb5_ccache cc = NULL;
	krb5_error_code ret;

	memset(o, 0, sizeof(*o));
	o->as_code = -1;
	o->tgs_code = -1;
	memset(&u, 0, sizeof(u));
	u.p = p;
	u.out = o;
	u.last_code = -1;
	u.deadline_ms =
	    now_ms() + (uint64_t)(p->timeout_ms > 0 ? p->timeout_ms : 5000);
	SAY(o->transport, sizeof(o->transport), "%s", p->tcp ? "tcp" : "udp");
	SAY(o->principal, sizeof(o->principal), "%s@%s", p->cname, p->realm);
	SAY(o->spn, sizeof(o->spn), "TERMSRV/%s@%s", p->host, p->realm);
	if (!rdd__krb_realm_ok(p->realm) || p->cname[0] == '\0' ||
	    p->password == NULL || p->host[0] == '\0') {
		SAY(o->detail, sizeof(o->detail),
		    "the realm, user or target cannot go into a Kerberos "
		    "configuration");
		o->outcome = RDD_KRB_USER_ERROR;
		return;
	}
	if (write_config(&u, path, sizeof(path)) != 0) {
		SAY(o->detail, sizeof(o->detail),
		    "cannot write the private Kerberos configuration: %s",
		    strerror(errno));
		o->outcome = RDD_KRB_USER_ERROR;
		return;
	}
	files[0] = path;
	files[1] = NULL;
	ret = profile_init_flags(files, 0, &prof);
	if (ret == 0)
		ret = krb5_init_context_profile(prof, KRB5_INIT_CONTEXT_SECURE,
		                                &ctx);
	if (ret != 0) {
		SAY(o->detail, sizeof(o->detail),
		    "MIT krb5 could not start (error %ld)", (long)ret);
		o->outcome = RDD_KRB_USER_ERROR;
		goto out;
	}
	if (p->trace != NULL)
		krb5_set_trace_callback(ctx, mit_trace, &u);
	ret = krb5_build_principal(ctx, &client, (unsigned)strlen(p->realm),
	                           p->realm, p->cname, (char *)NULL);
	if (ret == 0)
		ret = krb5_cc_new_unique(ctx, "MEMORY", NULL, &cc);
	if (ret != 0) {
		mit_message(ctx, ret, o->detail, sizeof(o->detail));
		o->outcome = RDD_KRB_USER_ERROR;
		goto out;
	}
	utrace(&u, "Kerberos: AS exchange for %s with its password over %s",
	       o->principal, o->transport);
	as_step(&u, ctx, client, cc);
	if (o->outcome != RDD_KRB_USER_TICKET)
		goto out;
	utrace(&u, "Kerberos: TGT in %.0f ms; TGS request for %s", o->as_ms,
	       o->spn);
	tgs_step(&u, ctx, client, cc);
out:
	if (cc != NULL && p->ccache_out != NULL &&
	    o->outcome == RDD_KRB_USER_TICKET && o->tgs_code < 0 &&
	    o->tgs_ms > 0) {
		char *full = NULL;

		/* Kept for CredSSP over Kerberos: in memory only. */
		if (krb5_cc_get_full_name(ctx, cc, &full) == 0 &&
		    strlen(full) < p->ccache_cap) {
			SAY(p->ccache_out, p->ccache_cap, "%s", full);
			krb5_free_string(ctx, full);
			krb5_cc_close(ctx, cc);
			cc = NULL;
		} else if (full != NULL)
			krb5_free_string(ctx, full);
	}
	if (cc != NULL)
		krb5_cc_destroy(ctx, cc);
	if (client != NULL)
		krb5_free_principal(ctx, client);
	if (ctx != NULL)
		krb5_free_context(ctx);
	if (prof != NULL)
		profile_release(prof);
	if (path[0] != '\0')
		unlink(path);
}
