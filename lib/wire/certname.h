/*
 * certname.h - where the subject Name sits in a DER X.509 certificate
 * (RFC 5280 4.1), found without decoding the certificate: a CA is looked
 * up in a bundle of PEM certificates by its name (lib/net/trust.c), and
 * walking to the name costs far less than decoding every certificate.
 *
 *   Certificate ::= SEQUENCE {
 *     tbsCertificate ::= SEQUENCE {
 *       version          [0] EXPLICIT INTEGER OPTIONAL,
 *       serialNumber     INTEGER,
 *       signature        AlgorithmIdentifier (SEQUENCE),
 *       issuer           Name (SEQUENCE),
 *       validity         SEQUENCE,
 *       subject          Name (SEQUENCE),
 *       ...  },
 *     ... }
 */
#ifndef RDD_WIRE_CERTNAME_H
#define RDD_WIRE_CERTNAME_H

#include <stddef.h>
#include <stdint.h>

/*
 * The subject of the certificate in DER (LEN bytes; bytes after the
 * certificate, such as OpenSSL's trust settings, are ignored): *NAME
 * points at the whole Name TLV inside DER, *NAME_LEN its length.
 * Returns 0, or -1 when DER does not hold a certificate up to its subject.
 */
int rdd_cert_subject(const uint8_t *der, size_t len, const uint8_t **name,
                     size_t *name_len);

#endif
