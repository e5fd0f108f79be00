/*
 * credentials.h - how `check --user` takes credentials: the user name
 * split as Windows clients do, and the password from a file, the
 * environment or the terminal. Never from the command line.
 */
#ifndef RDD_SRC_CREDENTIALS_H
#define RDD_SRC_CREDENTIALS_H

#include <stddef.h>

#include "rdpdoctor/check.h"

/* The environment variable a password may come from. */
#define RDD_PASSWORD_ENV "RDPDOCTOR_PASSWORD"
/* ... and the RD Gateway's password (check --gateway-user). */
#define RDD_GATEWAY_PASSWORD_ENV "RDPDOCTOR_GATEWAY_PASSWORD"

/*
 * Fill C's user and domain from ARG: "DOMAIN\\user" is split; "user@domain"
 * and "user" are kept whole with an empty domain. Returns 0, or -1 with
 * the reason in ERR (empty, a part empty, too long, control characters).
 */
int cred_parse_user(const char *arg, struct rdd_credentials *c, char *err,
                    size_t errcap);

/* Where the password came from. */
enum cred_source { CRED_FROM_FILE, CRED_FROM_ENV, CRED_FROM_TTY };

/*
 * Read the password, in this order: FILE when not NULL (its first line;
 * "-" is standard input; a regular file readable or writable by group or
 * others is refused), else the environment variable RDPDOCTOR_PASSWORD
 * (its value is then wiped from the process's environment), else a prompt
 * PROMPT on the terminal TTY (normally "/dev/tty") with echo off.
 *
 * Returns a buffer of RDD_PASSWORD_MAX + 1 bytes, locked in memory when
 * the system allows, holding the NUL-terminated password; free it with
 * cred_free_password(), which wipes it. NULL with the reason in ERR when
 * there is no password source (no terminal), the file cannot be used, or
 * the password is longer than RDD_PASSWORD_MAX.
 */
char *cred_read_password(const char *file, const char *tty, const char *prompt,
                         enum cred_source *source, char *err, size_t errcap);

/* The same with another environment variable ENV (the gateway's:
 * RDD_GATEWAY_PASSWORD_ENV) and FILE_OPT naming the file option in the
 * error text. */
char *cred_read_password_from(const char *file, const char *env,
                              const char *file_opt, const char *tty,
                              const char *prompt, enum cred_source *source,
                              char *err, size_t errcap);
void cred_free_password(char *pw);

#endif
