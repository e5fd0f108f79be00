/*
 * keylog.so - an LD_PRELOAD shim for the rdpdoctor lab that makes an
 * OpenSSL program write its TLS secrets to the file SSLKEYLOGFILE names,
 * in the NSS key log format (one line per secret, appended).
 *
 *   LD_PRELOAD=.../keylog.so SSLKEYLOGFILE=/tmp/keys xfreerdp /v:...
 *
 * The lab's client is FreeRDP 2.11's xfreerdp, which has no option for a
 * key log (FreeRDP 3 has /tls:secrets-file, 2.11 not: its /help lists no
 * secrets option) and OpenSSL 3.0 reads no SSLKEYLOGFILE itself. The shim
 * wraps SSL_CTX_new and SSL_new: each context (and the context of each
 * connection) gets OpenSSL's own key log callback
 * (SSL_CTX_set_keylog_callback), whose lines are exactly what a browser
 * writes. Used by tests/lab/pcap.bash for captures rdpdoctor pcap
 * decrypts with --keylog.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/ssl.h>

static void
keylog_line(const SSL *ssl, const char *line)
{
	const char *path = getenv("SSLKEYLOGFILE");
	FILE *f;

	(void)ssl;
	if (path == NULL || path[0] == '\0')
		return;
	f = fopen(path, "a");
	if (f == NULL)
		return;
	fprintf(f, "%s\n", line);
	fclose(f);
}

SSL_CTX *
SSL_CTX_new(const SSL_METHOD *method)
{
	static SSL_CTX *(*real)(const SSL_METHOD *);
	SSL_CTX *ctx;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "SSL_CTX_new");
	if (real == NULL)
		return NULL;
	ctx = real(method);
	if (ctx != NULL)
		SSL_CTX_set_keylog_callback(ctx, keylog_line);
	return ctx;
}

SSL *
SSL_new(SSL_CTX *ctx)
{
	static SSL *(*real)(SSL_CTX *);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "SSL_new");
	if (real == NULL)
		return NULL;
	if (ctx != NULL && SSL_CTX_get_keylog_callback(ctx) == NULL)
		SSL_CTX_set_keylog_callback(ctx, keylog_line);
	return real(ctx);
}
