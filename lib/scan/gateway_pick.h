/*
 * gateway_pick.h - the RD Gateway a target of `rdpdoctor scan` goes
 * through: the --gateway option, else the target's .rdp file, else none.
 *
 * Pure: no I/O. The order (README "scan through an RD Gateway"):
 *   1. --gateway GW[:PORT]: every target, whatever its file says (the
 *      user's word for this run wins over a file handed out earlier);
 *   2. the target's .rdp file when it says gatewayusagemethod:i:1 (mstsc:
 *      always use the gateway, TSC_PROXY_MODE_DIRECT) and names a
 *      gatewayhostname (GW or GW:PORT);
 *   3. none, direct: no file, or a file whose gatewayusagemethod is 0 or
 *      4 (never), 2 (mstsc tries direct first: the scan checks that
 *      direct path, as `check FILE.rdp` does), 3 (the client's default
 *      settings, which a file does not show), absent, or without a
 *      gatewayhostname.
 */
#ifndef RDD_SCAN_GATEWAY_PICK_H
#define RDD_SCAN_GATEWAY_PICK_H

#include <stddef.h>
#include <stdint.h>

#include "wire/rdpfile.h"

enum rdd_scan_gw_source {
	RDD_SCAN_GW_NONE,   /* direct */
	RDD_SCAN_GW_OPTION, /* --gateway */
	RDD_SCAN_GW_FILE    /* the target's .rdp file */
};

/*
 * Pick the gateway of a target: OPT_GW (NULL: no --gateway) with
 * OPT_PORT (0: 443), and F the target's parsed .rdp file (NULL: none).
 * HOST (CAP bytes) and *PORT get the gateway when the result is not
 * RDD_SCAN_GW_NONE. Returns the source, or -1 with the reason in ERR when
 * the file asks for its gateway and its gatewayhostname is not GW,
 * GW:PORT, [V6] or [V6]:PORT (or does not fit in CAP).
 */
int rdd_scan_gateway_pick(const char *opt_gw, uint16_t opt_port,
                          const struct rdd_rdpfile *f, char *host, size_t cap,
                          uint16_t *port, char *err, size_t errcap);

/* "none", "option", "file". */
const char *rdd_scan_gw_source_name(enum rdd_scan_gw_source s);

#endif
