/*
 * targets.h - the target list of `rdpdoctor scan`: specs from arguments,
 * files or standard input, expanded, deduplicated, minus the excludes.
 *
 * Pure: no DNS, no sockets, no clock; the only I/O is reading a FILE *
 * the caller opened (rdd_targets_read, rdd_excludes_read). Host names are
 * kept as names; the engine resolves them later and should check each
 * resolved address with rdd_excludes_match_sockaddr.
 *
 * Contract
 * --------
 * A spec is one of (each optionally followed by ":PORT", PORT 1..65535;
 * IPv6 forms take a port only inside brackets: "[SPEC]:PORT"):
 *   a.b.c.d              IPv4, strict dotted decimal: four parts, each
 *                        0..255, no leading zeros ("010" is refused, not
 *                        guessed: inet_aton would read it as octal 8)
 *   a.b.c.d/LEN          IPv4 CIDR, LEN 0..32; host bits set are cleared
 *                        (10.0.0.7/24 is 10.0.0.0/24, as nmap reads it)
 *   a.b.c.d-a.b.c.e      IPv4 range, inclusive, may cross octets
 *   a.b.c.d-e            the same with only the last octet given (e >= d)
 *   IPV6, IPV6/LEN,      IPv6 literal (inet_pton's syntax, no zone
 *   IPV6-IPV6            index), CIDR (LEN 0..128) and inclusive range
 *   [IPV6], [IPV6/LEN],  the same, bracketed, to give a port
 *   [IPV6-IPV6]
 *   NAME                 a host name: labels of 1..63 letters, digits,
 *                        '-' (not first or last) and '_' (RFC 1123, plus
 *                        the underscore Windows DNS allows), at most 253
 *                        characters, an optional final dot; bytes above
 *                        0x7f must be UTF-8 (an IDN is kept as given, the
 *                        resolver converts it); the last label is not all
 *                        digits, and a name that inet_aton would read as
 *                        an address (0x7f.1, 017700000001) is refused.
 * Leading and trailing blanks are trimmed; nothing else is guessed. A
 * spec with two ':' or more and no brackets is an IPv6 address:
 * "2001:db8::1:3389" is the address ...:1:3389, not a port.
 * "empty target" is the one message without the quoted spec.
 *
 * Addresses are kept as 16 bytes, IPv4 as ::ffff:a.b.c.d, so an IPv4
 * address and its IPv4-mapped IPv6 form are the same target (kind IPV4).
 * A CIDR includes its network and broadcast addresses (as nmap and
 * masscan do): the list cannot know the real subnet, and inside a larger
 * routed range those are ordinary hosts.
 *
 * Limits: one spec expands to at most RDD_TARGETS_PER_SPEC_MAX addresses
 * (an IPv4 /16, an IPv6 /112); the list holds at most RDD_TARGETS_MAX
 * targets (duplicates do not count; excludes are applied later, so the
 * targets they remove do). A spec over the first limit is refused as a
 * bad spec; a list that would grow past the second is a fatal error
 * (RDD_TARGETS_EFULL): a scan of part of what was asked is not silently
 * run.
 *
 * Order and duplicates: targets keep the order of first appearance; a
 * target equal to one already listed (same address, or same name compared
 * without ASCII case, and the same port after the default port is
 * applied) is dropped. Identical inputs, added in the same order, give an
 * identical list on every machine; shard.h relies on it.
 *
 * Errors are one line, "'SPEC': what is wrong" (the spec quoted, bytes
 * outside printable ASCII written \xNN, cut at 60 characters), without
 * a trailing newline or a file name: the caller adds "FILE:LINE: ".
 */
#ifndef RDD_SCAN_TARGETS_H
#define RDD_SCAN_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sys/socket.h>

#define RDD_TARGETS_PER_SPEC_MAX 65536u
#define RDD_TARGETS_MAX 1048576u
/* The longest spec accepted (a name of 253 + "." + ":65535" fits). */
#define RDD_TARGET_SPEC_MAX 300u
/* Enough for any host (name, dotted quad, IPv6 text) and its NUL. */
#define RDD_TARGET_HOST_MAX 256u
/* Enough for "[IPV6]:PORT" or "NAME:PORT" and its NUL. */
#define RDD_TARGET_HOSTPORT_MAX 264u
/* Enough for any error message. */
#define RDD_TARGETS_ERR_MAX 256u

/* Return values of rdd_targets_add (besides the number added, >= 0). */
#define RDD_TARGETS_EBAD (-1)   /* a bad spec: report it, go on */
#define RDD_TARGETS_EFULL (-2)  /* past RDD_TARGETS_MAX: fatal */
#define RDD_TARGETS_ENOMEM (-3) /* fatal */

enum rdd_target_kind {
	RDD_TARGET_NAME = 0,
	RDD_TARGET_IPV4 = 4,
	RDD_TARGET_IPV6 = 6,
};

/* One target. Read the fields; build them only through the list. */
struct rdd_target {
	/* IPV4: ::ffff:a.b.c.d; IPV6: the address; NAME: zeros. */
	uint8_t addr[16];
	uint32_t given; /* private: index of the spec's text */
	uint32_t name;  /* private: index of the name (NAME only) */
	uint16_t port;  /* where to connect: the spec's or the default */
	uint8_t kind;   /* enum rdd_target_kind */
};

struct rdd_targets;

/* A list whose specs without a port get DEFAULT_PORT (1..65535). */
struct rdd_targets *rdd_targets_new(uint16_t default_port);
void rdd_targets_free(struct rdd_targets *l);
/*
 * Lower the limits (for tests and fuzzing); 0 keeps a limit. Raising them
 * past the defaults is refused (-1).
 */
int rdd_targets_set_limits(struct rdd_targets *l, uint32_t per_spec,
                           uint32_t total);

/*
 * Add one spec (an argument, or one token of a file). Returns the number
 * of new targets (0 when all were duplicates), or RDD_TARGETS_EBAD,
 * _EFULL or _ENOMEM with a message in ERR (RDD_TARGETS_ERR_MAX bytes is
 * enough). On any error the list is unchanged.
 */
long rdd_targets_add(struct rdd_targets *l, const char *spec, char *err,
                     size_t errsize);

size_t rdd_targets_count(const struct rdd_targets *l);
/* The I-th target, I < rdd_targets_count(). */
const struct rdd_target *rdd_targets_at(const struct rdd_targets *l, size_t i);
/* The spec the target came from, as given (trimmed): "10.0.0.0/24". */
const char *rdd_target_given(const struct rdd_targets *l,
                             const struct rdd_target *t);
/* The host name of a NAME target, as given; NULL for an address. */
const char *rdd_target_name(const struct rdd_targets *l,
                            const struct rdd_target *t);
/*
 * The host to resolve or connect to: the name, "10.0.0.1", "2001:db8::1"
 * (RFC 5952 text, no brackets). BUF of RDD_TARGET_HOST_MAX bytes is
 * enough; returns BUF (truncated if SIZE is smaller).
 */
char *rdd_target_host(const struct rdd_targets *l, const struct rdd_target *t,
                      char *buf, size_t size);
/* "host:port" or "[v6]:port", for messages (RDD_TARGET_HOSTPORT_MAX). */
char *rdd_target_hostport(const struct rdd_targets *l,
                          const struct rdd_target *t, char *buf, size_t size);
/*
 * An address target as a sockaddr_in (IPV4) or sockaddr_in6 (IPV6) with
 * its port; -1 for a NAME.
 */
int rdd_target_sockaddr(const struct rdd_target *t, struct sockaddr_storage *ss,
                        socklen_t *len);
/*
 * The index of the address target with SA's address and port (an
 * IPv4-mapped IPv6 address finds the IPv4 target), or -1. For an engine
 * that checks, before it connects, that an address is in the list.
 */
long rdd_targets_find_sockaddr(const struct rdd_targets *l,
                               const struct sockaddr *sa);

/*
 * Keep the targets for which KEEP(original index, target, CTX) is true,
 * in their order. Returns the number removed (it cannot fail).
 */
typedef bool rdd_targets_keep_fn(size_t index, const struct rdd_target *t,
                                 void *ctx);
long rdd_targets_retain(struct rdd_targets *l, rdd_targets_keep_fn *keep,
                        void *ctx);

/*
 * Excludes: addresses, CIDRs, ranges (never expanded, so no limit on
 * their size) and names, with the same syntax; a port restricts an
 * exclude to that port, no port excludes every port. An address exclude
 * matches address targets numerically; a name exclude matches name
 * targets without ASCII case (it cannot match addresses: no DNS here).
 * rdd_excludes_match and _match_sockaddr look at every exclude;
 * rdd_targets_exclude sorts them once for the whole list.
 */
struct rdd_excludes;

struct rdd_excludes *rdd_excludes_new(void);
void rdd_excludes_free(struct rdd_excludes *ex);
/* 0, or RDD_TARGETS_EBAD / _ENOMEM with a message in ERR. */
int rdd_excludes_add(struct rdd_excludes *ex, const char *spec, char *err,
                     size_t errsize);
size_t rdd_excludes_count(const struct rdd_excludes *ex);
bool rdd_excludes_match(const struct rdd_excludes *ex,
                        const struct rdd_targets *l,
                        const struct rdd_target *t);
/* For the engine: is a resolved address (with its port) excluded? */
bool rdd_excludes_match_sockaddr(const struct rdd_excludes *ex,
                                 const struct sockaddr *sa);
/* Remove the excluded targets. Returns the number removed, or -1. */
long rdd_targets_exclude(struct rdd_targets *l, const struct rdd_excludes *ex);

/*
 * Reading a file (or standard input) of specs: any number per line,
 * separated by blanks (spaces, tabs; a CR before the newline is a blank);
 * '#' starts a comment to the end of the line; a UTF-8 byte-order mark at
 * the start is skipped. Each bad spec is passed to ON_ERROR with NAME
 * and its line number (from 1) and skipped; a line longer than
 * RDD_TARGETS_LINE_MAX bytes is one error and is skipped whole.
 */
#define RDD_TARGETS_LINE_MAX 4096u

typedef void rdd_targets_error_fn(void *ctx, const char *name,
                                  unsigned long line, const char *message);

struct rdd_targets_read_stats {
	unsigned long lines; /* lines read */
	size_t specs;        /* specs seen, good and bad */
	size_t bad;          /* specs (or lines) refused */
	size_t added;        /* new targets (or excludes) */
};

/*
 * 0 when the whole file was read (whatever the bad specs), -1 on a fatal
 * error (read error, out of memory, RDD_TARGETS_EFULL), reported through
 * ON_ERROR too. "All bad" is the caller's call: STATS->specs == bad.
 */
int rdd_targets_read(struct rdd_targets *l, FILE *f, const char *name,
                     rdd_targets_error_fn *on_error, void *ctx,
                     struct rdd_targets_read_stats *stats);
int rdd_excludes_read(struct rdd_excludes *ex, FILE *f, const char *name,
                      rdd_targets_error_fn *on_error, void *ctx,
                      struct rdd_targets_read_stats *stats);

#endif
