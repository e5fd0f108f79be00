/*
 * fingerprint.h - a host's configuration as a canonical set of (field,
 * value) pairs read from its check document, for drift (drift.h).
 *
 * The fingerprint is a JSON object holding only the fields the document
 * has; each value is a string, an integer, a boolean or a sorted array of
 * distinct strings, so that two hosts configured alike have equal
 * fingerprints whatever order their documents list things in.
 */
#ifndef RDD_SCAN_FINGERPRINT_H
#define RDD_SCAN_FINGERPRINT_H

#include <jansson.h>

/*
 * The fields, in report order:
 *   protocols             selected protocols of the attempts answered
 *                         ("HYBRID", "RDP", "SSL", ...)
 *   nla_required          negotiation.nla_required
 *   tls.versions          versions accepted (--tls-full)
 *   tls.version           the check's own version, only without
 *                         tls.versions (a check without --tls-full)
 *   tls.ciphers           suites accepted, IANA names (--tls-full)
 *   credssp.version       the server's CredSSP version
 *   cert.issuer           the TLS certificate's issuer
 *   rdp.version           the server's RDP version (SC_CORE)
 *   rdp.encryption_level  of the MCS Connect-Response (standard RDP
 *                         security's when it answered)
 */
extern const char *const rdd_fingerprint_fields[];

/* The fingerprint of DOC (a reached host's document); NULL when out of
 * memory. */
json_t *rdd_fingerprint(const json_t *doc);

#endif
