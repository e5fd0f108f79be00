/*
 * tlscompat.c - client compatibility from the TLS enumeration.
 *
 * Each client generation is its default protocol versions and cipher
 * suites, written down from these sources:
 *
 *  - Windows 7 / Server 2008 R2 without the TLS 1.1/1.2 update: SChannel
 *    enables TLS 1.0 only by default (MSDocs-win32 "Protocols in TLS/SSL
 *    (Schannel SSP)"; KB3140245 adds TLS 1.1/1.2 as defaults); suites of
 *    "TLS Cipher Suites in Windows 7" usable with TLS 1.0 (the SHA-1 CBC
 *    and RC4 ones). The 2008 R2 RDP listener: TLS 1.0 with
 *    TLS_RSA_WITH_AES_128_CBC_SHA (Zeek rdp-to-ssl.pcap).
 *  - Windows 10/11 and Server 2016-2025 defaults: TLS 1.0-1.2, and 1.3 from
 *    Windows 11 / Server 2022 ("Protocols in TLS/SSL (Schannel SSP)"),
 *    suites of "TLS Cipher Suites in Windows 10 v1903+ / Windows Server
 *    2022" in their default order (AES-GCM and AES-CBC with ECDHE, DHE
 *    and RSA key exchange, 3DES last).
 *  - Windows with TLS 1.0 and 1.1 disabled (the deprecation of TLS 1.0/1.1
 *    in Windows 11 builds from September 2023, and admins' hardening): the
 *    same suites, TLS 1.2 and 1.3 only.
 *  - FreeRDP 2/3 with OpenSSL 3 at its default security level 1
 *    (SSL_CTX_set_security_level(3): "SSLv3, TLS 1.0, TLS 1.1 and DTLS
 *    1.0 are all disabled at this level"); OpenSSL's DEFAULT cipher list
 *    excludes NULL, anonymous, export, RC4, DES and 3DES (OpenSSL 1.1.0
 *    CHANGES) and PSK/SRP need credentials.
 *  - The Windows App on macOS and iOS: Apple's TLS stack with App
 *    Transport Security's requirements (Apple "Preventing Insecure Network
 *    Connections": TLS 1.2 or later, forward-secret ECDHE suites with
 *    AES-GCM, AES-CBC or ChaCha20). Whether ATS governs the RDP socket is
 *    not documented: an inference, stated as such in the report.
 */
#include <stdio.h>
#include <string.h>

#include "rdpdoctor/tlscompat.h"
#include "wire/tlshello.h"

struct client {
	const char *id;
	const char *name;
	bool versions[RDD_TLS_N_VERSIONS]; /* SSL 3.0 .. TLS 1.3 */
	const uint16_t *suites;            /* NULL: by predicate */
	size_t n_suites;
	bool (*accepts)(uint16_t id);
};

static const uint16_t win7[] = {0x002f, 0x0035, 0x0005, 0x000a, 0xc013, 0xc014,
                                0xc009, 0xc00a, 0x0032, 0x0038, 0x0013, 0x0004};
static const uint16_t win10[] = {0x1302, 0x1301, 0xc02c, 0xc02b, 0xc030, 0xc02f,
                                 0x009f, 0x009e, 0xc024, 0xc023, 0xc028, 0xc027,
                                 0xc00a, 0xc009, 0xc014, 0xc013, 0x009d, 0x009c,
                                 0x003d, 0x003c, 0x0035, 0x002f, 0x000a};
static const uint16_t apple[] = {0x1301, 0x1302, 0x1303, 0xc02c, 0xc02b, 0xc024,
                                 0xc00a, 0xc023, 0xc009, 0xc030, 0xc02f, 0xc028,
                                 0xc014, 0xc027, 0xc013, 0xcca8, 0xcca9};

static bool
openssl_default(uint16_t id)
{
	const struct rdd_tls_suite *s = rdd_tls_suite_find(id);

	return s != NULL && s->strength >= RDD_TLS_MEDIUM &&
	       strstr(s->name, "PSK") == NULL &&
	       strstr(s->name, "SRP") == NULL &&
	       strstr(s->name, "_anon_") == NULL &&
	       strstr(s->name, "KRB5") == NULL;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct client clients[RDD_TLS_N_CLIENTS] = {
    {"win7",
     "Windows 7 / Server 2008 R2 (no TLS 1.2 update)",
     {false, true, false, false, false},
     win7,
     N(win7),
     NULL},
    {"win10",
     "Windows 10/11, Server 2016-2025 (defaults)",
     {false, true, true, true, true},
     win10,
     N(win10),
     NULL},
    {"win-tls12",
     "Windows with TLS 1.0/1.1 disabled",
     {false, false, false, true, true},
     win10,
     N(win10),
     NULL},
    {"freerdp",
     "FreeRDP 2/3 (OpenSSL 3, security level 1)",
     {false, false, false, true, true},
     NULL,
     0,
     openssl_default},
    {"apple",
     "Windows App on macOS/iOS (ATS defaults, inferred)",
     {false, false, false, true, true},
     apple,
     N(apple),
     NULL},
};

static bool
client_offers(const struct client *c, uint16_t id)
{
	if (c->accepts != NULL)
		return c->accepts(id);
	for (size_t i = 0; i < c->n_suites; i++)
		if (c->suites[i] == id)
			return true;
	return false;
}

size_t
rdd_tls_compat(const struct rdd_tls_enum_info *e, struct rdd_tls_compat *out,
               size_t max)
{
	size_t n = 0;

	for (size_t k = 0; k < RDD_TLS_N_CLIENTS && n < max; k++) {
		const struct client *c = &clients[k];
		struct rdd_tls_compat *o = &out[n++];
		bool common_version = false;

		memset(o, 0, sizeof(*o));
		o->client = c->name;
		o->id = c->id;
		/* The newest version both take, with the suite the server
		 * prefers among the client's (its best-ranked one). */
		for (int vi = RDD_TLS_N_VERSIONS - 1; vi >= 0 && !o->ok; vi--) {
			if (!c->versions[vi] || !e->accepted[vi])
				continue;
			common_version = true;
			for (size_t i = 0; i < e->n_ciphers; i++) {
				const struct rdd_tls_cipher *s = &e->ciphers[i];

				if (rdd_tls_version_index(s->version) != vi ||
				    !client_offers(c, s->id))
					continue;
				o->ok = true;
				snprintf(
				    o->reason, sizeof(o->reason), "%s with %s",
				    rdd_tls_version_name(s->version), s->name);
				break;
			}
		}
		if (o->ok)
			continue;
		if (!common_version) {
			char have[96] = "", want[96] = "";

			for (int vi = 0; vi < RDD_TLS_N_VERSIONS; vi++) {
				const char *vn = rdd_tls_version_name(
				    (uint16_t)(RDD_TLS_V_SSL3 + vi));

				if (e->accepted[vi])
					snprintf(have + strlen(have),
					         sizeof(have) - strlen(have),
					         "%s%s", have[0] ? ", " : "",
					         vn);
				if (c->versions[vi])
					snprintf(want + strlen(want),
					         sizeof(want) - strlen(want),
					         "%s%s", want[0] ? ", " : "",
					         vn);
			}
			snprintf(o->reason, sizeof(o->reason),
			         "no common protocol version: the server "
			         "accepts %s, the client offers %s",
			         have[0] ? have : "none", want);
		} else {
			snprintf(o->reason, sizeof(o->reason),
			         "no common cipher suite in the versions both "
			         "support");
		}
	}
	return n;
}
