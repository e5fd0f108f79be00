/*
 * logon_krb_stub.c - CredSSP over Kerberos in the Windows build
 * (rdpdoctor.exe), which has no MIT GSSAPI: the Kerberos phase never runs
 * there (lib/net/krb_stub.c), so no ticket is ever ready and probe.c
 * logs on over NTLM. Were it asked to, the logon says why it cannot.
 */
#include <stdio.h>

#include "probe/logon_krb.h"

struct rdd__logon_krb *
rdd__logon_krb_new(const struct rdd_credentials *creds, const char *host,
                   const char *realm, const char *ccache, int64_t now_unix,
                   const struct rdd__logon_seed *seed)
{
	(void)creds;
	(void)host;
	(void)realm;
	(void)ccache;
	(void)now_unix;
	(void)seed;
	return NULL;
}

size_t
rdd__logon_krb_msg1(struct rdd__logon_krb *l, uint8_t *out, size_t cap,
                    struct rdd_logon_info *info)
{
	(void)l;
	(void)out;
	(void)cap;
	snprintf(info->detail, sizeof(info->detail),
	         "the Windows build of rdpdoctor has no Kerberos logon");
	info->outcome = RDD_LOGON_ERROR;
	return 0;
}

enum rdd_logon_outcome
rdd__logon_krb_msg2(struct rdd__logon_krb *l, const uint8_t *pdu, size_t len,
                    const uint8_t *cert, size_t cert_len, uint8_t *out,
                    size_t cap, size_t *out_len, struct rdd_logon_info *info)
{
	(void)l;
	(void)pdu;
	(void)len;
	(void)cert;
	(void)cert_len;
	(void)out;
	(void)cap;
	*out_len = 0;
	info->outcome = RDD_LOGON_ERROR;
	return RDD_LOGON_ERROR;
}

enum rdd_logon_outcome
rdd__logon_krb_msg4(struct rdd__logon_krb *l, const uint8_t *pdu, size_t len,
                    uint8_t *out, size_t cap, size_t *out_len,
                    struct rdd_logon_info *info)
{
	(void)l;
	(void)pdu;
	(void)len;
	(void)out;
	(void)cap;
	*out_len = 0;
	info->outcome = RDD_LOGON_ERROR;
	return RDD_LOGON_ERROR;
}

void
rdd__logon_krb_free(struct rdd__logon_krb *l)
{
	(void)l;
}
