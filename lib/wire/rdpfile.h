/*
 * rdpfile.h - saved Remote Desktop connection files (.rdp).
 *
 * The files mstsc saves and RD Web hands out: one setting a line,
 * "name:type:value", type s (string), i (32-bit integer) or b (hex
 * bytes), in UTF-16LE with a byte-order mark (what mstsc writes) or in
 * UTF-8 (with or without one). Names are compared without regard to case.
 *
 * rdd_rdpfile_parse() reads the whole file from memory (no I/O) and never
 * fails on a bad line: each unknown or malformed line is kept as a problem
 * with its line number, and the rest of the file is still read. The
 * settings the check uses are kept; secrets ("password 51", a gateway
 * access token) are noted as present, never copied.
 */
#ifndef RDD_WIRE_RDPFILE_H
#define RDD_WIRE_RDPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest file read (bytes): real files are a few kilobytes. */
#define RDD_RDPFILE_MAX_BYTES (1024 * 1024)
/* Longest line kept, in bytes of UTF-8; a longer one is a problem. */
#define RDD_RDPFILE_LINE_MAX 2048
/* Longest string value kept (bytes of UTF-8, with the NUL). */
#define RDD_RDPFILE_VALUE_MAX 512
/* Problems kept; n_problems_total counts every one. */
#define RDD_RDPFILE_MAX_PROBLEMS 32

enum rdd_rdpfile_encoding {
	RDD_RDPFILE_UTF8,         /* no byte-order mark */
	RDD_RDPFILE_UTF8_BOM,     /* EF BB BF */
	RDD_RDPFILE_UTF16LE_BOM,  /* FF FE: what mstsc writes */
	RDD_RDPFILE_UTF16LE_NOBOM /* no mark, but a 0 byte after each ASCII */
};

/* The settings rdpdoctor uses or reports, one row each of rdpfile.c. */
enum rdd_rdpfile_key {
	RDD_RDPK_FULL_ADDRESS,
	RDD_RDPK_SERVER_PORT,
	RDD_RDPK_ALTERNATE_FULL_ADDRESS,
	RDD_RDPK_USERNAME,
	RDD_RDPK_DOMAIN,
	RDD_RDPK_LOADBALANCEINFO,
	RDD_RDPK_AUTHENTICATION_LEVEL,
	RDD_RDPK_ENABLECREDSSPSUPPORT,
	RDD_RDPK_NEGOTIATE_SECURITY_LAYER,
	RDD_RDPK_PROMPT_FOR_CREDENTIALS,
	RDD_RDPK_GATEWAYHOSTNAME,
	RDD_RDPK_GATEWAYUSAGEMETHOD,
	RDD_RDPK_GATEWAYCREDENTIALSSOURCE,
	RDD_RDPK_GATEWAYPROFILEUSAGEMETHOD,
	RDD_RDPK_GATEWAYACCESSTOKEN, /* secret: presence only */
	RDD_RDPK_PASSWORD51,         /* secret: presence only */
	RDD_RDPK_COUNT
};

enum rdd_rdpfile_problem_kind {
	RDD_RDPF_MALFORMED,     /* not name:type:value */
	RDD_RDPF_BAD_TYPE,      /* a type other than s, i or b */
	RDD_RDPF_BAD_INTEGER,   /* type i with a value that is no integer */
	RDD_RDPF_BAD_HEX,       /* type b with a value that is no hex */
	RDD_RDPF_TYPE_MISMATCH, /* a known setting with another type */
	RDD_RDPF_UNKNOWN,       /* a setting name rdpdoctor does not know */
	RDD_RDPF_DUPLICATE,     /* a setting given again; the last one wins */
	RDD_RDPF_BAD_VALUE,     /* out of the setting's range (port 0) */
	RDD_RDPF_TOO_LONG,      /* line or value too long; not used */
	RDD_RDPF_BAD_ENCODING,  /* invalid UTF-16 or UTF-8, or a NUL */
	RDD_RDPF_KIND_COUNT
};

struct rdd_rdpfile_problem {
	unsigned line; /* 1-based */
	enum rdd_rdpfile_problem_kind kind;
	char name[64]; /* the setting's name as written (may be cut), or "" */
};

struct rdd_rdpfile_value {
	bool set;
	unsigned line;
	int32_t i;                     /* type i */
	char s[RDD_RDPFILE_VALUE_MAX]; /* type s (UTF-8, not sanitized) */
};

struct rdd_rdpfile {
	enum rdd_rdpfile_encoding encoding;
	unsigned lines;    /* lines read */
	unsigned settings; /* well-formed lines, known or not */
	struct rdd_rdpfile_value v[RDD_RDPK_COUNT];
	struct rdd_rdpfile_problem problems[RDD_RDPFILE_MAX_PROBLEMS];
	size_t n_problems;       /* kept */
	size_t n_problems_total; /* found */
	bool truncated;          /* input longer than RDD_RDPFILE_MAX_BYTES */
};

/* Parse LEN bytes of a .rdp file into *F. Never fails: problems are kept
 * in F. Returns the number of problems found. */
size_t rdd_rdpfile_parse(const uint8_t *data, size_t len,
                         struct rdd_rdpfile *f);

/* The setting's name as mstsc writes it ("full address"), and its type
 * letter ('s' or 'i'). */
const char *rdd_rdpfile_key_name(enum rdd_rdpfile_key k);
char rdd_rdpfile_key_type(enum rdd_rdpfile_key k);

/* A stable id of a problem kind ("malformed", "unknown-setting", ...) and
 * a short sentence for people. */
const char *rdd_rdpfile_problem_id(enum rdd_rdpfile_problem_kind k);
const char *rdd_rdpfile_problem_text(enum rdd_rdpfile_problem_kind k);

/* "utf-16le", "utf-8", ... */
const char *rdd_rdpfile_encoding_name(enum rdd_rdpfile_encoding e);

#endif
