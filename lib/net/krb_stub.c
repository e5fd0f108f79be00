/*
 * krb_stub.c - the Kerberos phase in the Windows build (rdpdoctor.exe),
 * which has neither libresolv's SRV lookups nor MIT krb5: check never
 * starts the phase there (src/cmd_check.c), and were it asked to, the
 * phase would say why it did not run.
 */
#include <stdio.h>
#include <string.h>

#include "krb_run.h"
#include "krb_user.h"

int
rdd__krb_start(uv_loop_t *loop, const struct rdd__krb_params *p,
               struct rdd_krb_info *out, void (*done)(void *ctx), void *ctx)
{
	(void)loop;
	(void)done;
	(void)ctx;
	memset(out, 0, sizeof(*out));
	out->run = true;
	snprintf(out->realm, sizeof(out->realm), "%s", p->realm);
	snprintf(out->cname, sizeof(out->cname), "%s", p->cname);
	out->realm_source = p->realm_source;
	out->kdc_from_option = p->kdc != NULL;
	out->lookup = RDD_KRB_LOOKUP_ERROR;
	snprintf(out->lookup_detail, sizeof(out->lookup_detail),
	         "the Windows build of rdpdoctor has no Kerberos phase");
	return -1;
}

/* No ccache is ever made here: nothing to destroy. */
void
rdd__krb_ccache_destroy(const char *name)
{
	(void)name;
}
