/*
 * gsstoken.c - Kerberos GSS-API token framing (gsstoken.h), RFC 2743 3.1
 * and RFC 4121 4.1, over lib/wire/der.
 */
#include <string.h>

#include "der.h"
#include "gsstoken.h"
#include "spnego.h"

int
rdd_gss_token_parse(struct rdd_cur *c, struct rdd_gss_token *out)
{
	struct rdd_cur in = *c, body;
	struct rdd_gss_token t;

	memset(&t, 0, sizeof(t));
	if (rdd_der_get(&in, RDD_DER_APP(0), &body) != 0 ||
	    rdd_der_get(&body, RDD_DER_OID, &t.mech) != 0 ||
	    rdd_cur_left(&t.mech) == 0 || rdd_cur_u16be(&body, &t.tok_id) != 0)
		return -1;
	t.inner = body;
	*c = in;
	*out = t;
	return 0;
}

int
rdd_gss_token_krb_error(const struct rdd_cur *token, struct rdd_krb_error *out)
{
	struct rdd_cur c = *token;
	struct rdd_gss_token t;

	if (rdd_gss_token_parse(&c, &t) != 0 || t.tok_id != RDD_GSS_TOK_ERROR)
		return -1;
	if (!rdd_der_equal(&t.mech, rdd_oid_krb5, sizeof(rdd_oid_krb5)) &&
	    !rdd_der_equal(&t.mech, rdd_oid_ms_krb5, sizeof(rdd_oid_ms_krb5)))
		return -1;
	if (rdd_krb_parse_error(&t.inner, out) != 0 ||
	    rdd_cur_left(&t.inner) != 0)
		return -1;
	return 0;
}
