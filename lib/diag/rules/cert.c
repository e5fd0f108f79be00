/*
 * cert.c - the rules of the server certificate (phase tls): validity,
 * identity, strength, key usage and trust.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diag/rules/rules.h"

static void
cert_subject(struct draft *d, const struct rdd_cert *cert)
{
	if (d != NULL && cert->subject[0] != '\0')
		rdd__append(d->f.evidence, sizeof(d->f.evidence),
		            "; subject %s", cert->subject);
}

static void
rule_cert_validity(struct ctx *c)
{
	const struct rdd_cert *cert = &c->obs->tls.cert;
	int64_t now = c->obs->checked_at;
	char date[48], span[48];
	struct draft *d;

	/* Validity is judged only against a known time of the check. */
	if (now <= 0)
		return;
	if (cert->not_after != 0 && cert->not_after < now) {
		d = rdd__emit(
		    c, RDD_CAUSE_CERT_EXPIRED, "notAfter %s, %s ago",
		    rdd__fmt_date(cert->not_after, true, date, sizeof(date)),
		    rdd__fmt_span(now - cert->not_after, span, sizeof(span)));
		cert_subject(d, cert);
		rdd__set_headline(
		    d, "the certificate expired %s",
		    rdd__fmt_date(cert->not_after, false, date, sizeof(date)));
	} else if (cert->not_after != 0 &&
	           cert->not_after - now < 30 * (int64_t)86400) {
		d = rdd__emit(
		    c, RDD_CAUSE_CERT_EXPIRING_SOON, "notAfter %s, %s left",
		    rdd__fmt_date(cert->not_after, true, date, sizeof(date)),
		    rdd__fmt_span(cert->not_after - now, span, sizeof(span)));
		cert_subject(d, cert);
	}
	if (cert->not_before > now) {
		d = rdd__emit(
		    c, RDD_CAUSE_CERT_NOT_YET_VALID,
		    "notBefore %s, %s in the future",
		    rdd__fmt_date(cert->not_before, true, date, sizeof(date)),
		    rdd__fmt_span(cert->not_before - now, span, sizeof(span)));
		cert_subject(d, cert);
		rdd__set_headline(
		    d, "the certificate is not valid until %s",
		    rdd__fmt_date(cert->not_before, false, date, sizeof(date)));
	}
}

static void
rule_cert_identity(struct ctx *c)
{
	const struct rdd_observation *obs = c->obs;
	const struct rdd_cert *cert = &obs->tls.cert;
	struct draft *d;
	size_t i;

	if (cert->self_signed) {
		if (cert->issuer[0] != '\0')
			rdd__emit(c, RDD_CAUSE_CERT_SELF_SIGNED,
			          "issuer = subject: %s", cert->issuer);
		else
			rdd__emit(c, RDD_CAUSE_CERT_SELF_SIGNED,
			          "the certificate is signed by its own key");
	}
	if (cert->name_match == 0) {
		d = rdd__emit(c, RDD_CAUSE_CERT_NAME_MISMATCH,
		              "name %s used; certificate ",
		              cert->name_checked[0] ? cert->name_checked
		                                    : obs->host);
		if (d == NULL)
			return;
		if (cert->common_name[0] != '\0')
			rdd__append(d->f.evidence, sizeof(d->f.evidence),
			            "CN=%s", cert->common_name);
		else
			rdd__append(d->f.evidence, sizeof(d->f.evidence),
			            "no CN");
		for (i = 0; i < cert->n_san && i < RDD_MAX_SAN; i++)
			rdd__append(d->f.evidence, sizeof(d->f.evidence),
			            "%s%s", i == 0 ? ", SAN " : ", ",
			            cert->san[i]);
		if (cert->n_san == 0)
			rdd__append(d->f.evidence, sizeof(d->f.evidence),
			            ", no SAN");
	}
}

static void
rule_cert_weak(struct ctx *c)
{
	const struct rdd_cert *cert = &c->obs->tls.cert;
	static const struct {
		const char *needle;
		const char *name;
	} weak_hash[] = {
	    {"sha1", "SHA-1"}, {"sha-1", "SHA-1"}, {"md5", "MD5"},
	    {"md4", "MD4"},    {"md2", "MD2"},
	};
	int min_bits = 0;
	size_t i;

	if (rdd__starts_with(cert->key_type, "RSA") ||
	    rdd__starts_with(cert->key_type, "DSA"))
		min_bits = 2048;
	else if (rdd__starts_with(cert->key_type, "EC") ||
	         strcmp(cert->key_type, "id-ecPublicKey") == 0)
		min_bits = 224;
	if (min_bits != 0 && cert->key_bits > 0 && cert->key_bits < min_bits)
		rdd__emit(c, RDD_CAUSE_CERT_WEAK,
		          "%s key of %d bits (minimum %d)", cert->key_type,
		          cert->key_bits, min_bits);
	for (i = 0; i < NELEM(weak_hash); i++) {
		if (rdd__contains(cert->signature, weak_hash[i].needle)) {
			rdd__emit(c, RDD_CAUSE_CERT_WEAK, "signature %s (%s)",
			          cert->signature, weak_hash[i].name);
			break;
		}
	}
}

/* An EKU extension without Server Authentication or Remote Desktop
 * Authentication (no extension means any use). */
static void
rule_cert_usage(struct ctx *c)
{
	const struct rdd_cert *cert = &c->obs->tls.cert;
	struct draft *d;

	if (!cert->has_eku || cert->eku_server_auth || cert->eku_rdp_auth)
		return;
	d = rdd__emit(
	    c, RDD_CAUSE_CERT_WRONG_USAGE,
	    "the extended key usage lists neither Server Authentication "
	    "nor Remote Desktop Authentication [attempt %s]",
	    c->obs->tls.attempt);
	rdd__set_headline(d, "the certificate is not issued for server "
	                     "authentication");
}

/* A CA-issued certificate whose chain leads to no trusted root
 * (self-signed ones have cert-self-signed). */
static void
rule_cert_trust(struct ctx *c)
{
	const struct rdd_cert *cert = &c->obs->tls.cert;
	struct draft *d;

	if (cert->trusted != 0 || cert->self_signed)
		return;
	d = rdd__emit(c, RDD_CAUSE_CERT_UNTRUSTED, "issuer %s: %s [attempt %s]",
	              cert->issuer,
	              cert->trust_error[0] ? cert->trust_error : "not trusted",
	              c->obs->tls.attempt);
	rdd__set_headline(d,
	                  "the certificate does not chain to a trusted root");
}

void
rdd__rules_cert(struct ctx *c)
{
	if (!c->obs->tls.cert.present)
		return;
	rule_cert_validity(c);
	rule_cert_identity(c);
	rule_cert_weak(c);
	rule_cert_usage(c);
	rule_cert_trust(c);
}
