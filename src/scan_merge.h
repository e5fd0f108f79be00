/*
 * scan_merge.h - `rdpdoctor scan --merge FILE...`: the NDJSON of several
 * scans (the shards of one scan, run as an array job) as one: each host
 * once, the summary, and --policy, --drift and --db over the whole.
 */
#ifndef RDD_SRC_SCAN_MERGE_H
#define RDD_SRC_SCAN_MERGE_H

#include <stddef.h>

#include "scan_output.h"

/*
 * Read the N files of PATHS ("-": standard input), write each host once
 * (the first line for a host and port wins) through scan_out_doc.
 * *HOSTS gets how many. Returns 0, or -1 after saying why (a file that
 * cannot be read; a line that is not a check document is reported with
 * its file and line, and skipped).
 */
int scan_merge(char **paths, size_t n, struct scan_out *o, size_t *hosts);

#endif
