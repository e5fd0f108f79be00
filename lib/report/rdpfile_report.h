/*
 * rdpfile_report.h - `rdpdoctor check FILE.rdp` (internal to the tool and
 * lib/report): what a saved connection file makes mstsc do, judged
 * against what the check observed, as text and as the document's
 * "rdp_file" object (docs/json.md).
 *
 * The check walks the file's target as a direct connection. The notes
 * say where mstsc would behave differently with this file (a gateway, no
 * CredSSP, no security-layer negotiation, a load-balancing token, a
 * certificate policy, a user name) and what the check verified about
 * that, never more: a gateway the file always uses is walked (as with
 * --gateway) and a note says so; for the other gateway modes the notes
 * say which path the check took (direct, or --gateway's).
 */
#ifndef RDD_REPORT_RDPFILE_REPORT_H
#define RDD_REPORT_RDPFILE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rdpdoctor/diag.h"
#include "rdpdoctor/observation.h"
#include "wire/rdpfile.h"

/* Where the check's target came from. */
struct rdd_rdpfile_use {
	const char *path; /* the file as given */
	char host[256];
	uint16_t port;
	/* "full address", "server port", "--port" or "default". */
	const char *port_from;
};

/*
 * Take the target from F: the host of "full address" (HOST, HOST:PORT,
 * [V6]:PORT), its port, else "server port", else 3389; CLI_PORT (> 0:
 * --port) wins over both. Returns 0, or -1 with a reason in ERR when the
 * file has no usable full address.
 */
int rdd_rdpfile_target(const struct rdd_rdpfile *f, int cli_port,
                       struct rdd_rdpfile_use *use, char *err, size_t errcap);

enum rdd_rdpfile_note_level {
	RDD_NOTE_INFO,
	RDD_NOTE_WARNING, /* the check did not verify mstsc's path */
	RDD_NOTE_CRITICAL /* mstsc with this file cannot connect */
};

#define RDD_RDPFILE_NOTE_TEXT 768
#define RDD_RDPFILE_MAX_NOTES 12

struct rdd_rdpfile_note {
	const char *id; /* stable, e.g. "gateway-not-walked" */
	enum rdd_rdpfile_note_level level;
	unsigned line; /* the file's line it comes from; 0: none */
	char text[RDD_RDPFILE_NOTE_TEXT];
};

/*
 * What mstsc would do with F and what the check (OBS, the observation of
 * USE's target) says about it. Writes at most CAP notes, returns how many.
 * Pure: a function of its arguments.
 */
size_t rdd_rdpfile_notes(const struct rdd_rdpfile *f,
                         const struct rdd_rdpfile_use *use,
                         const struct rdd_observation *obs,
                         struct rdd_rdpfile_note *out, size_t cap);

/* "info", "warning", "critical". */
const char *rdd_rdpfile_note_level_name(enum rdd_rdpfile_note_level l);

/* The exit status the notes ask for: 0, 1 (a warning) or 2. */
int rdd_rdpfile_notes_exit(const struct rdd_rdpfile_note *notes, size_t n);

/* The file's block of the text report, printed before the check's. */
void rdd_report_rdpfile_text(FILE *out, const struct rdd_rdpfile_use *use,
                             const struct rdd_rdpfile *f,
                             const struct rdd_rdpfile_note *notes, size_t n);

/* The "rdp_file" object (a json_t *, new reference), NULL when out of
 * memory. */
void *rdd_report_rdpfile_json(const struct rdd_rdpfile_use *use,
                              const struct rdd_rdpfile *f,
                              const struct rdd_rdpfile_note *notes, size_t n);

/* The check's JSON document (rdd_report_json) with RDP_FILE (from
 * rdd_report_rdpfile_json; this takes the reference) after "host".
 * Returns 0, or -1. */
int rdd_report_json_rdpfile(FILE *out, const struct rdd_observation *obs,
                            const struct rdd_diagnosis *diag, void *rdp_file);

#endif
