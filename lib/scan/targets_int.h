/*
 * targets_int.h - what the files of lib/scan share besides targets.h:
 * adding a spec given as bytes and a length (a token of a file line may
 * hold a NUL, which a C string would hide).
 */
#ifndef RDD_SCAN_TARGETS_INT_H
#define RDD_SCAN_TARGETS_INT_H

#include <stddef.h>

#include "scan/targets.h"

/* rdd_targets_add on S[0..LEN). */
long rdd_targets_add_n(struct rdd_targets *l, const char *s, size_t len,
                       char *err, size_t errsize);
/* rdd_excludes_add on S[0..LEN). */
int rdd_excludes_add_n(struct rdd_excludes *ex, const char *s, size_t len,
                       char *err, size_t errsize);
/* S[0..*LEN) without leading and trailing blanks (space, tab, CR, LF). */
const char *rdd_targets_trim(const char *s, size_t *len);

#endif
