/*
 * scan.h - many checks on one event loop (rdpdoctor scan).
 *
 * Each target is checked exactly as `check` checks one server (the same
 * probes, plan and conclusion: rdd_check_start), at most CONCURRENCY at
 * once and no faster than RATE new checks a second. Each result is handed
 * to the caller as soon as its check ends; nothing is kept for the end.
 */
#ifndef RDPDOCTOR_SCAN_H
#define RDPDOCTOR_SCAN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/check.h"

/* One host to check: a name or a literal address, and a port (0: the
 * template's); through the RD Gateway GATEWAY (port GATEWAY_PORT, 0:
 * 443) rather than the template's check.gateway, or NULL: the template's
 * (NULL there too: direct). */
struct rdd_scan_target {
	const char *host;
	uint16_t port;
	const char *gateway;
	uint16_t gateway_port;
};

/*
 * Through an RD Gateway. Each distinct gateway (name without ASCII case,
 * and port) is first tried by one check alone; the others through it
 * wait for its end. When the gateway's own phases (gateway-tls, -http,
 * -tunnel) fail in a check -- down, its certificate, a refused sign-in,
 * the connection policy -- no further check goes through it: each
 * target still waiting gets a result at once, without a connection,
 * whose observation has gateway.not_reached set (and the failing
 * target's name, step and outcome), so that a wrong password is tried
 * once, not once a target (an account lockout policy counts them).
 * Otherwise at most GATEWAY_CONCURRENCY checks go through one gateway at
 * once (default RDD_SCAN_GATEWAY_CONCURRENCY); checks in flight when it
 * fails end as they end.
 */
#define RDD_SCAN_GATEWAY_CONCURRENCY 8

/* OBS went through an RD Gateway whose own phases failed (the channel,
 * the target's answer through it and what follows are not the
 * gateway's). */
bool rdd_scan_gateway_failed(const struct rdd_observation *obs);

/* What scan_run reports while it runs and at the end. */
struct rdd_scan_stats {
	size_t total; /* targets */
	size_t started;
	size_t done;
	size_t in_flight;
	size_t peak_in_flight;
	size_t not_reached; /* of done: not checked, their gateway failed */
	double elapsed_s;
	bool interrupted; /* stopped early (SIGINT/SIGTERM) */
};

/* A check ended: OBS is the target INDEX's observation (valid during the
 * call only), RC as rdd_check_run's. */
typedef void (*rdd_scan_result_cb)(void *ctx, size_t index,
                                   const struct rdd_observation *obs, int rc);
/* About once a second while the scan runs. */
typedef void (*rdd_scan_progress_cb)(void *ctx,
                                     const struct rdd_scan_stats *stats);

struct rdd_scan_options {
	/* The check every target gets; host and port are set per target. */
	struct rdd_check_options check;
	size_t concurrency; /* checks in flight at most (>= 1) */
	double rate;        /* new checks per second; 0: no limit */
	/* Checks in flight through one RD Gateway at most (0: the
	 * default, RDD_SCAN_GATEWAY_CONCURRENCY). */
	size_t gateway_concurrency;
	rdd_scan_result_cb result;
	rdd_scan_progress_cb progress; /* may be NULL */
	void *ctx;
};

/*
 * The file-descriptor budget of this process for a scan: the number of
 * checks that may be in flight at once given RLIMIT_NOFILE (raised to its
 * hard limit first), at most MAX. A check uses up to RDD_SCAN_FDS_PER_CHECK
 * descriptors at once.
 */
#define RDD_SCAN_FDS_PER_CHECK 8
size_t rdd_scan_default_concurrency(size_t max);

/*
 * Check the N targets of T. The first SIGINT or SIGTERM stops starting
 * new checks and lets those in flight end (each bounded by its phase
 * timeouts); a second one ends the scan at once, abandoning them. STATS
 * (may be NULL) gets the final figures. Returns 0, or -1 on an internal
 * error (event loop, memory).
 */
int rdd_scan_run(const struct rdd_scan_options *opt,
                 const struct rdd_scan_target *t, size_t n,
                 struct rdd_scan_stats *stats);

#endif
