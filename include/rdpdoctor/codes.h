/*
 * codes.h - the error codes RDP clients and servers show, and what each
 * one means.
 *
 * The tables (lib/diag/codes.def, X-macro rows) hold every code the
 * project's sources document: the Windows client's disconnect reasons
 * (discReason, as mstsc shows them), the extended disconnect reasons, the
 * server's Set Error Info codes (ERRINFO_*), the RDP_NEG_FAILURE codes of
 * security negotiation, the CredSSP errorCode values (NTSTATUS and SSPI
 * HRESULTs), the licensing error codes, FreeRDP's ERRCONNECT_* codes and
 * xfreerdp's exit codes. A code with no source is not in a table: it is
 * reported as unknown, never guessed.
 *
 * The codes that send people searching carry a story: the phases of a
 * connection in which they arise, and the causes ranked from most to least
 * likely, each with the `rdpdoctor check` finding ids (lib/diag/causes.def)
 * that confirm it and a short fix. `rdpdoctor explain` prints them.
 *
 * Everything here is constant data and pure lookups: no I/O, no allocation.
 */
#ifndef RDPDOCTOR_CODES_H
#define RDPDOCTOR_CODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdpdoctor/observation.h"

/* One bit per enum rdd_phase, for the phases a story arises in. */
#define RDD_PHASE_BIT(p) (1u << (p))

/* The tables, in the order a bare number is looked up in (mstsc's
 * discReason first: it is what a Windows user sees). */
enum rdd_code_table {
	RDD_TABLE_DISC,       /* mstsc discReason */
	RDD_TABLE_EXT,        /* ExtendedDisconnectReasonCode */
	RDD_TABLE_ERRINFO,    /* server Set Error Info PDU errorInfo */
	RDD_TABLE_NEG,        /* RDP_NEG_FAILURE failureCode */
	RDD_TABLE_CREDSSP,    /* TSRequest errorCode: NTSTATUS, SSPI HRESULT */
	RDD_TABLE_LICENSE,    /* LICENSE_ERROR_MESSAGE dwErrorCode */
	RDD_TABLE_ERRCONNECT, /* FreeRDP ERRCONNECT_* */
	RDD_TABLE_XF_EXIT,    /* xfreerdp process exit status */
	RDD_TABLE_KERBEROS,   /* KRB-ERROR error-code (RFC 4120 7.5.9) */
	RDD_TABLE_GATEWAY,    /* RD Gateway HRESULTs (E_PROXY_*), [MS-TSGU] */
	RDD_TABLE_GW_EVENT,   /* RD Gateway event IDs (its Operational log) */
	RDD_TABLE_COUNT
};

struct rdd_code_table_info {
	const char *id;    /* stable JSON id, e.g. "discReason" */
	const char *title; /* e.g. "mstsc disconnect reason (discReason)" */
	/* Name prefixes a user may leave out or use instead ("ERRINFO_");
	 * the first one is the one the table's names carry. NULL-ended. */
	const char *const *prefixes;
	const char *source; /* where the table comes from */
	bool hex;           /* values are usually written in hex */
};

/* The stories: one enumerator per RDD_STORY row of codes.def. */
enum rdd_story {
	RDD_STORY_NONE,
#define RDD_STORY(sym, id, phases, summary) RDD_STORY_##sym,
#define RDD_STORY_CAUSE(story, title, findings, fix)
#define RDD_CODE(table, value, name, message, story, source)
#include "../../lib/diag/codes.def"
#undef RDD_CODE
#undef RDD_STORY_CAUSE
#undef RDD_STORY
	RDD_STORY_COUNT
};

struct rdd_code {
	enum rdd_code_table table;
	uint32_t value;
	const char *name;     /* as the source spells it */
	const char *message;  /* what it means, one or two sentences */
	enum rdd_story story; /* RDD_STORY_NONE: the message says it all */
	const char *source;
};

struct rdd_story_info {
	const char *id;      /* stable JSON id, e.g. "denied-after-connect" */
	unsigned phases;     /* RDD_PHASE_BIT()s */
	const char *summary; /* what happened, in a few sentences */
};

struct rdd_story_cause {
	enum rdd_story story;
	const char *title;
	/* `rdpdoctor check` finding ids that confirm this cause, separated
	 * by single spaces; each one is a row of lib/diag/causes.def. */
	const char *findings;
	const char *fix; /* short; the full steps live in the findings */
};

const struct rdd_code_table_info *rdd_code_table_info(enum rdd_code_table t);

/* Number of rows of table T, and row I of it (NULL when out of range), to
 * iterate a table. */
size_t rdd_code_count(enum rdd_code_table t);
const struct rdd_code *rdd_code_at(enum rdd_code_table t, size_t i);

/* The row of table T with VALUE, or NULL. */
const struct rdd_code *rdd_code_find(enum rdd_code_table t, uint32_t value);

/* How a value lookup matched a row. */
enum rdd_code_via {
	RDD_VIA_VALUE,     /* the value is the row's own */
	RDD_VIA_FREERDP,   /* a FreeRDP last error, (class << 16) | type:
	                    class 1 = ERRINFO, class 2 = ERRCONNECT */
	RDD_VIA_EXT_RANGE, /* an extended reason in the protocol range
	                     4096..32767, which is the server's ERRINFO code */
	RDD_VIA_MIT_KRB5,  /* an MIT krb5 error code: ERROR_TABLE_BASE_krb5
	                      (-1765328384) + the Kerberos error-code */
	RDD_VIA_WIN32      /* a Win32 code 0x0000XXXX as an RD Gateway puts
	                      it on the wire: the row is its HRESULT form
	                      0x8007XXXX (HRESULT_FROM_WIN32) */
};

/* MIT krb5's error table base: its code for Kerberos error N is
 * RDD_MIT_KRB5_BASE + N (as a signed 32-bit number). */
#define RDD_MIT_KRB5_BASE (-1765328384L)

struct rdd_code_match {
	const struct rdd_code *code;
	enum rdd_code_via via;
};

/*
 * Every row whose value is VALUE, table by table in enum order, then the
 * row a FreeRDP last-error value (0x0002000E) stands for, then the RD
 * Gateway row whose HRESULT form 0x8007XXXX a value 0x0000XXXX is. Writes at most
 * CAP matches to OUT and returns how many there are in all.
 */
size_t rdd_code_find_value(uint32_t value, struct rdd_code_match *out,
                           size_t cap);

/*
 * The meaning of an extended disconnect reason: its row in the extended
 * table, or, for a value in the protocol range 4096..32767 that has no
 * row of its own, the server's ERRINFO row (via = RDD_VIA_EXT_RANGE).
 * Returns 0 and fills *OUT, or -1.
 */
int rdd_code_find_extended(uint32_t value, struct rdd_code_match *out);

/*
 * Every row named NAME, across the tables: compared case-insensitively,
 * ignoring '_', and with or without one of the table's prefixes
 * ("ERRINFO_SERVER_DENIED_CONNECTION", "server_denied_connection",
 * "exDiscReasonServerDeniedConnection", "ServerDeniedConnection"). If T is
 * not RDD_TABLE_COUNT only table T is searched. Writes at most CAP rows to
 * OUT and returns how many there are in all.
 */
size_t rdd_code_find_name(const char *name, enum rdd_code_table t,
                          const struct rdd_code **out, size_t cap);

/* Rows whose name contains FRAGMENT (compared as above, at least three
 * characters), for "did you mean". Returns the count, writes at most CAP. */
size_t rdd_code_suggest(const char *fragment, const struct rdd_code **out,
                        size_t cap);

/* The nearest rows of table T below and above VALUE (each NULL if none). */
void rdd_code_neighbours(enum rdd_code_table t, uint32_t value,
                         const struct rdd_code **below,
                         const struct rdd_code **above);

/*
 * Parse a code as the clients print it: "0x904" (hex, up to 8 digits),
 * "2308" (decimal, up to 4294967295) or "-2146893054" (a negative 32-bit
 * HRESULT or NTSTATUS as a signed decimal). Returns 0 and sets *OUT, or -1
 * for anything else, including surrounding spaces.
 */
int rdd_code_parse_number(const char *s, uint32_t *out);

/*
 * What an RD Gateway code (an mstsc 0x3000xxx disconnect reason, an
 * E_PROXY_* HRESULT, a gateway event ID) asks of the gateway's
 * administrator, and what will confirm it (lib/diag/gateway_hints.c).
 */
struct rdd_gateway_hint {
	const char *fix;    /* on the gateway host, a sentence or two */
	const char *events; /* gateway event IDs to look for, separated by
	                       single spaces ("201 305"), or "" */
	/* The `check` finding id that will confirm it (issue 23's). Listed
	 * as confirming only when rdd_cause_from_id() knows it; until then
	 * STEP says which step of a check through the gateway would. */
	const char *finding;
	const char *step; /* "gateway-tls", "gateway-http", "gateway-tunnel"
	                     or "gateway-channel" */
};

/* The hint of row C, or NULL when it has none. */
const struct rdd_gateway_hint *rdd_code_gateway_hint(const struct rdd_code *c);
/* How many hints there are (each belongs to one row of the tables). */
size_t rdd_gateway_hint_count(void);

/* The story S, NULL for RDD_STORY_NONE or out of range. */
const struct rdd_story_info *rdd_story_info(enum rdd_story s);

/* Cause RANK (0 = most likely) of story S, NULL past the last. */
const struct rdd_story_cause *rdd_story_cause(enum rdd_story s, size_t rank);

/* Every story cause, for iteration: count and row I. */
size_t rdd_story_cause_count(void);
const struct rdd_story_cause *rdd_story_cause_at(size_t i);

#endif
