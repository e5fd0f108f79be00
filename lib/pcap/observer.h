/*
 * observer.h - the passive observer of one RDP connection: fed the bytes
 * of both directions in order (from lib/pcap/tcpdir.c), with the frame and
 * time of each, it reads them with the same lib/wire parsers `check` uses
 * (X.224, TLS records and the server's first flight, CredSSP, MCS and GCC,
 * the MCS domain, licensing, the share PDUs, Set Error Info, Disconnect
 * Provider Ultimatum) and fills the observation `check` would have made of
 * this connection, attempt "A". Times are milliseconds from the
 * connection's first packet.
 *
 * It sees what the capture shows and says what it does not: TLS without
 * keys hides everything after the handshake, standard RDP security hides
 * the PDUs encrypted under the client random the client sent RSA-
 * encrypted, a hole in the capture stops the reading of that direction.
 * Such phases are marked "not visible in the capture", never "ok".
 *
 * With a key log (NSS format) the TLS records are decrypted
 * (lib/pcap/tlsdec.c) and the inner parsers run on the plaintext.
 */
#ifndef RDD_PCAP_OBSERVER_H
#define RDD_PCAP_OBSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcap/conn.h"
#include "pcap/tcpdir.h"

struct rdd_keylog;

struct rdd_observer_config {
	/* TLS secrets by client random (NULL: none). */
	const struct rdd_keylog *keylog;
	/* X509_STORE * the server's chain is verified against (NULL: trust
	 * not checked). */
	void *trust_store;
	/* The wait for an answer after which a silence counts as a timeout
	 * (seconds; check's default is 5). */
	double timeout_s;
};

struct rdd_observer;

/*
 * An observer filling CONN (which must outlive it); START is the capture
 * time of the connection's first packet. CONN's endpoints and index are
 * the caller's. NULL when out of memory.
 */
struct rdd_observer *rdd_observer_new(const struct rdd_observer_config *cfg,
                                      struct rdd_pcap_conn *conn, double start);
void rdd_observer_free(struct rdd_observer *o);

/* In-order bytes from the client (FROM_CLIENT) or the server. */
void rdd_observer_data(struct rdd_observer *o, bool from_client,
                       const uint8_t *p, size_t n,
                       const struct rdd_tcp_meta *m);
/* N bytes of that direction are missing from the capture. */
void rdd_observer_gap(struct rdd_observer *o, bool from_client, size_t n,
                      const struct rdd_tcp_meta *m);
/* That side sent a FIN (RST false) or a RST. */
void rdd_observer_closed(struct rdd_observer *o, bool from_client, bool rst,
                         const struct rdd_tcp_meta *m);
/* That side's close (FIN or RST) acknowledged the other side's FIN: it
 * came after it, whatever order the capture shows. */
void rdd_observer_close_answered(struct rdd_observer *o, bool from_client);
/* Any packet of the connection (keeps the last time seen). */
void rdd_observer_packet(struct rdd_observer *o, const struct rdd_tcp_meta *m);

/*
 * The connection is over, or the capture ended at END (capture time):
 * decide how every phase in progress ended, derive the phases
 * (rdd_plan_conclude), mark what was not visible, diagnose
 * (rdd_diagnose) and set the connection's status.
 */
void rdd_observer_finish(struct rdd_observer *o, double end);

#endif
