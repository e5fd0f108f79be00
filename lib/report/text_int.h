/*
 * text_int.h - what the text report's files share (internal to
 * lib/report): the layout constants, the writing context and the line
 * helpers of text.c, and the sections that live in files of their own.
 */
#ifndef RDD_REPORT_TEXT_INT_H
#define RDD_REPORT_TEXT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rdpdoctor/observation.h"

/* Lines end before this column, so a terminal of 80 never wraps them. */
#define WIDTH 80

/* Longest string written at once: evidence and summaries hold at most
 * RDD_EVIDENCE bytes; the causes table's texts are cut here. */
#define TEXT_MAX 2048

/* Escaping can turn every byte into four ("\xNN"). */
#define ESC_CAP(n) (4 * (n) + 1)

#define SGR_RESET "\033[0m"
#define SGR_BOLD "\033[1m"
#define SGR_DIM "\033[2m"
#define SGR_RED "\033[31m"
#define SGR_GREEN "\033[32m"
#define SGR_YELLOW "\033[33m"
#define SGR_CYAN "\033[36m"

struct ctx {
	FILE *out;
	bool color;
	bool verbose;
	/* A copy of a field that may lack its NUL, for rdd__t_esc(). */
	char tmp[TEXT_MAX + 1];
	/* The escaped form of a long text (table texts, evidence). */
	char big[4 * TEXT_MAX + 1];
};
const char *rdd__t_sgr(const struct ctx *c, const char *code);
const char *rdd__t_sgr_reset(const struct ctx *c);
/* Escape at most MAX bytes of S into DST (CAP bytes) for a terminal. */
const char *rdd__t_esc(struct ctx *c, char *dst, size_t cap, const char *s,
                       size_t max);
#define ESC(c, buf, field)                                                     \
	rdd__t_esc((c), (buf), sizeof(buf), (field), sizeof(field))
void rdd__t_pad(struct ctx *c, size_t n);
/* Write S from column COL, wrapped before WIDTH, continuation lines at
 * INDENT; ends the line. */
void rdd__t_wrap(struct ctx *c, const char *s, size_t col, size_t indent);
void rdd__t_heading(struct ctx *c, const char *title);
const char *rdd__t_status_color(enum rdd_status s);
/* NAME padded to WIDTH columns, in CODE's colour when colour is on. */
void rdd__t_colored_field(struct ctx *c, const char *code, const char *name,
                          int width);
/* "   12.3 ms" (10 columns), or "      -" when not timed. */
void rdd__t_duration(struct ctx *c, bool timed, double ms);
/* The end of a line that began with a duration: NOTE and DETAIL, wrapped
 * at INDENT. */
void rdd__t_rest(struct ctx *c, bool timed, const char *note,
                 const char *detail, size_t indent);
/* "  label        value", the value wrapped. */
void rdd__t_cert_line(struct ctx *c, const char *label, const char *value);

/* "Logon": the credentials tried over NLA (text_logon.c). */
void rdd__text_logon(struct ctx *c, const struct rdd_observation *obs);

/* "Connection sequence": the walk after MCS Connect (text_session.c). */
void rdd__text_session(struct ctx *c, const struct rdd_observation *obs);

#endif
