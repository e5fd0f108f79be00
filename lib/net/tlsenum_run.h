/*
 * tlsenum_run.h - the TLS enumeration's driver (tlsenum_run.c) as the
 * check's driver (check_run.c) starts it: on a thread of its own, as soon
 * as the check's connections are connected and one has the server's X.224
 * answer, so that it runs beside the rest of the check instead of after
 * it.
 */
#ifndef RDPDOCTOR_NET_TLSENUM_RUN_H
#define RDPDOCTOR_NET_TLSENUM_RUN_H

#include <stdatomic.h>
#include <stdint.h>

#include "rdpdoctor/check.h"
#include "rdpdoctor/observation.h"

/* What the enumeration needs from the check, copied out of the
 * observation so that the check may go on writing it. */
struct rdd__tlsenum_target {
	char address[RDD_ADDR_STR];
	char server_name[RDD_STR]; /* "" when the host is an address */
	uint64_t rtt_us;           /* smallest TCP connect time; UINT64_MAX */
	uint64_t proc_us;          /* X.224 answer time beyond it; 0 */
	/* The check's connections still without an X.224 answer: the
	 * server may not have accepted them yet, so they take their share
	 * of the enumeration's early connections (tlsenum_run.c). The
	 * check's thread counts them down. */
	atomic_int check_early;
};

/* Copy the target out of OBS: its address, the host's name, and the
 * times the check's connections to that address saw. */
void rdd__tlsenum_target_from(const struct rdd_observation *obs,
                              struct rdd__tlsenum_target *t);

/* Run the enumeration against T, filling OUT (and only OUT). Safe on a
 * thread of its own: OPT is only read (opt->trace is called from it).
 * Returns 0, or -1 on an internal error. */
int rdd__tlsenum_run_target(const struct rdd_check_options *opt,
                            const struct rdd__tlsenum_target *t,
                            struct rdd_tls_enum_info *out);

#endif
