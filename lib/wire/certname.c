/*
 * certname.c - the subject Name of a DER X.509 certificate (certname.h),
 * RFC 5280 4.1, read with the bounds-checked DER reader.
 */
#include <stdbool.h>

#include "certname.h"
#include "der.h"

int
rdd_cert_subject(const uint8_t *der, size_t len, const uint8_t **name,
                 size_t *name_len)
{
	struct rdd_cur c, cert, tbs, skip, subject;
	bool present;

	rdd_cur_init(&c, der, len);
	if (rdd_der_get(&c, RDD_DER_SEQUENCE, &cert) != 0 ||
	    rdd_der_get(&cert, RDD_DER_SEQUENCE, &tbs) != 0 ||
	    rdd_der_get_optional(&tbs, RDD_DER_CTX(0), &skip, &present) != 0 ||
	    rdd_der_get(&tbs, RDD_DER_INTEGER, &skip) != 0 ||
	    rdd_der_get(&tbs, RDD_DER_SEQUENCE, &skip) != 0 || /* signature */
	    rdd_der_get(&tbs, RDD_DER_SEQUENCE, &skip) != 0 || /* issuer */
	    rdd_der_get(&tbs, RDD_DER_SEQUENCE, &skip) != 0)   /* validity */
		return -1;
	subject = tbs;
	if (rdd_der_get(&tbs, RDD_DER_SEQUENCE, &skip) != 0)
		return -1;
	*name = subject.p;
	*name_len = rdd_cur_left(&subject) - rdd_cur_left(&tbs);
	return 0;
}
