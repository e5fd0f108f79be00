/*
 * test_product_text.c - no user-facing text speaks of "the seeds" or of
 * an article's numbered solutions ("Solution 4", "solution #2", "fix 3").
 *
 * rdpdoctor began from two troubleshooting articles that users have never
 * read; the product names each step itself ("connect by IP address",
 * "rebuild the MachineKeys folder") and cites documents users can find.
 * Checked here: every text field of every cause (lib/diag/causes.def),
 * every row of the code tables, stories and story causes
 * (lib/diag/codes.def), the files users read (README.md, docs/rdpdoctor.1,
 * docs/json.md and the generated docs/DIAGNOSES.md, read from the source
 * tree: RDD_SOURCE_DIR), and what the built tool prints for --help, for
 * `check --help`, `explain --help` and `explain -v 0x904 0x7` (RDD_TOOL).
 *
 * Random seeds (the lab's faultproxy --seed, fuzzing corpora) are not
 * product text and are not read here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rdpdoctor/codes.h"
#include "rdpdoctor/diag.h"

#ifndef RDD_SOURCE_DIR
#error "RDD_SOURCE_DIR: the source tree, from tests/unit/diag/meson.build"
#endif
#ifndef RDD_TOOL
#error "RDD_TOOL: the built rdpdoctor, from tests/unit/diag/meson.build"
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define TOOL_OUT_MAX (256 * 1024)

static bool
word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* At P in BASE, case-insensitively, WORD begins at a word start (P ==
 * BASE or the character before is not a word character). */
static bool
word_at(const char *base, const char *p, const char *word)
{
	size_t n = strlen(word);

	if (p > base && word_char(p[-1]))
		return false;
	return strncasecmp(p, word, n) == 0;
}

/*
 * After a word "solution", "solutions", "fix" or "fixes": spaces, an
 * optional '#' or "no.", spaces, then a number of one or two digits that
 * ends there ("Solution 4:", "solution #2", "fix 3)"), so that "fix
 * 0x904" or "fix 3389" are not numbering.
 */
static bool
numbered_after(const char *q)
{
	size_t d = 0;

	if (*q != ' ' && *q != '#')
		return false;
	while (*q == ' ')
		q++;
	if (*q == '#')
		q++;
	else if (strncasecmp(q, "no.", 3) == 0)
		q += 3;
	while (*q == ' ')
		q++;
	while (isdigit((unsigned char)q[d]))
		d++;
	if (d == 0 || d > 2)
		return false;
	q += d;
	if (word_char(*q))
		return false;
	return !(*q == '.' && isdigit((unsigned char)q[1]));
}

/* Where in S, from FROM on, the first forbidden wording starts, or NULL. */
static const char *
forbidden_from(const char *s, const char *from)
{
	static const char *const numbered[] = {"solutions", "solution", "fixes",
	                                       "fix"};
	const char *p;
	size_t i;

	if (s == NULL)
		return NULL;
	for (p = from; *p != '\0'; p++) {
		if (word_at(s, p, "seed"))
			return p;
		for (i = 0; i < NELEM(numbered); i++)
			if (word_at(s, p, numbered[i]) &&
			    numbered_after(p + strlen(numbered[i])))
				return p;
	}
	return NULL;
}

static const char *
forbidden(const char *s)
{
	return forbidden_from(s, s);
}

/*
 * Report every forbidden wording in TEXT as "WHERE: ...text..." (WHERE
 * names the cause and field, or the file and line; NULL: count only);
 * returns how many.
 */
static int
scan(const char *where, const char *text)
{
	const char *p = text, *hit, *from, *to;
	int n = 0;

	if (text == NULL)
		return 0;
	while ((hit = forbidden_from(text, p)) != NULL) {
		from = hit;
		to = hit;
		while (from > text && hit - from < 40 && from[-1] != '\n')
			from--;
		while (*to != '\0' && to - hit < 60 && *to != '\n')
			to++;
		if (where != NULL)
			print_error("%s: \"%.*s\"\n", where, (int)(to - from),
			            from);
		n++;
		p = hit + 1;
	}
	return n;
}

/* scan() a file line by line, so each hit names FILE:LINE. */
static int
scan_lines(const char *file, const char *text)
{
	char where[256], *line;
	const char *p = text, *nl;
	size_t len;
	int lineno = 1, n = 0;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		line = malloc(len + 1);
		assert_non_null(line);
		memcpy(line, p, len);
		line[len] = '\0';
		snprintf(where, sizeof(where), "%s:%d", file, lineno);
		n += scan(where, line);
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
		lineno++;
	}
	return n;
}

static void
test_matcher(void **state)
{
	static const char *const bad[] = {
	    "(seeds' Solution 4: connect by IP)",
	    "the seeds name Bitdefender",
	    "Seed articles",
	    "see solution #2",
	    "Solution 1), turn it off",
	    "as fix 3 says",
	    "Solutions 4 and 5",
	    "solution no. 5",
	    "Fix #12.",
	};
	static const char *const good[] = {
	    "TLS_RSA_WITH_SEED_CBC_SHA",
	    "fix 0x904 by renewing the certificate",
	    "fix 3389 in the firewall",
	    "a screen resolution 1920 wide",
	    "prefix 1",
	    "Fix the path: use a closer VPN gateway",
	    "the solution is to rebuild the MachineKeys folder",
	    "TLS 1.2 fixes 2.0",
	    "succeeds, proceeds",
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++)
		if (forbidden(bad[i]) == NULL)
			fail_msg("not caught: \"%s\"", bad[i]);
	for (i = 0; i < NELEM(good); i++)
		if (forbidden(good[i]) != NULL)
			fail_msg("caught by mistake: \"%s\"", good[i]);
	/* scan() counts each hit once, and finds all of them. */
	assert_int_equal(scan(NULL, "seeds' Solution 4; seeds' Solution 5"), 4);
}

static void
test_causes(void **state)
{
	char where[128];
	int i, n = 0;

	(void)state;
	for (i = 0; i < RDD_CAUSE_COUNT; i++) {
		const struct rdd_cause_info *ci =
		    rdd_cause_info((enum rdd_cause)i);
		const struct {
			const char *name;
			const char *text;
		} field[] = {
		    {"id", ci->id},
		    {"title", ci->title},
		    {"explanation", ci->explanation},
		    {"fix_host", ci->fix_host},
		    {"fix_client", ci->fix_client},
		    {"lowers_security", ci->lowers_security},
		    {"refs", ci->refs},
		    {"not_detectable", ci->not_detectable},
		};
		size_t f;

		assert_non_null(ci);
		for (f = 0; f < NELEM(field); f++) {
			snprintf(where, sizeof(where), "cause %s, %s", ci->id,
			         field[f].name);
			n += scan(where, field[f].text);
		}
	}
	if (n > 0)
		fail_msg("%d forbidden wording(s) in lib/diag/causes.def", n);
}

static void
test_codes(void **state)
{
	char where[256];
	const char *const *pre;
	size_t i, t;
	int n = 0, s;

	(void)state;
	for (t = 0; t < RDD_TABLE_COUNT; t++) {
		const struct rdd_code_table_info *ti =
		    rdd_code_table_info((enum rdd_code_table)t);

		assert_non_null(ti);
		snprintf(where, sizeof(where), "table %s", ti->id);
		n += scan(where, ti->id);
		n += scan(where, ti->title);
		n += scan(where, ti->source);
		for (pre = ti->prefixes; *pre != NULL; pre++)
			n += scan(where, *pre);
		assert_true(rdd_code_count((enum rdd_code_table)t) > 0);
		for (i = 0; i < rdd_code_count((enum rdd_code_table)t); i++) {
			const struct rdd_code *c =
			    rdd_code_at((enum rdd_code_table)t, i);

			assert_non_null(c);
			snprintf(where, sizeof(where), "table %s, code %s",
			         ti->id, c->name);
			n += scan(where, c->name);
			n += scan(where, c->message);
			n += scan(where, c->source);
		}
	}
	for (s = RDD_STORY_NONE + 1; s < RDD_STORY_COUNT; s++) {
		const struct rdd_story_info *si =
		    rdd_story_info((enum rdd_story)s);

		assert_non_null(si);
		snprintf(where, sizeof(where), "story %s", si->id);
		n += scan(where, si->id);
		n += scan(where, si->summary);
	}
	assert_true(rdd_story_cause_count() > 0);
	for (i = 0; i < rdd_story_cause_count(); i++) {
		const struct rdd_story_cause *sc = rdd_story_cause_at(i);

		assert_non_null(sc);
		snprintf(where, sizeof(where), "story %s, cause \"%s\"",
		         rdd_story_info(sc->story)->id, sc->title);
		n += scan(where, sc->title);
		n += scan(where, sc->findings);
		n += scan(where, sc->fix);
	}
	if (n > 0)
		fail_msg("%d forbidden wording(s) in lib/diag/codes.def", n);
}

/* All of PATH, NUL-terminated; fails the test if it cannot be read. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static void
test_docs(void **state)
{
	static const char *const files[] = {
	    "README.md",
	    "docs/rdpdoctor.1",
	    "docs/json.md",
	    "docs/DIAGNOSES.md",
	};
	char path[1024];
	char *text;
	size_t i;
	int n = 0;

	(void)state;
	for (i = 0; i < NELEM(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", RDD_SOURCE_DIR, files[i]);
		text = slurp(path);
		n += scan_lines(files[i], text);
		free(text);
	}
	if (n > 0)
		fail_msg("%d forbidden wording(s) in the documentation", n);
}

/*
 * Run the built tool with ARGV (NULL-terminated, argv[0] included), its
 * stdout and stderr into OUT (NUL-terminated); returns the exit status.
 */
static int
run_tool(char *const argv[], char *out, size_t cap)
{
	int fd[2], status;
	size_t len = 0;
	ssize_t r;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		dup2(fd[1], STDERR_FILENO);
		close(fd[0]);
		close(fd[1]);
		execv(RDD_TOOL, argv);
		_exit(127);
	}
	close(fd[1]);
	while ((r = read(fd[0], out + len, cap - 1 - len)) > 0)
		len += (size_t)r;
	close(fd[0]);
	out[len] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
test_tool_output(void **state)
{
	static const struct {
		const char *what;
		char *argv[8];
		const char *expect; /* proves it is the text we meant */
	} runs[] = {
	    {"rdpdoctor --help",
	     {"rdpdoctor", "--help", NULL},
	     "usage: rdpdoctor check"},
	    {"rdpdoctor check --help",
	     {"rdpdoctor", "check", "--help", NULL},
	     "--client-error"},
	    {"rdpdoctor explain --help",
	     {"rdpdoctor", "explain", "--help", NULL},
	     "EXTENDED"},
	    {"rdpdoctor explain --no-color -v 0x904 0x7",
	     {"rdpdoctor", "explain", "--no-color", "-v", "0x904", "0x7", NULL},
	     "MachineKeys"},
	};
	char *out = malloc(TOOL_OUT_MAX);
	size_t i;
	int n = 0;

	(void)state;
	assert_non_null(out);
	for (i = 0; i < NELEM(runs); i++) {
		if (run_tool(runs[i].argv, out, TOOL_OUT_MAX) != 0)
			fail_msg("%s failed:\n%s", runs[i].what, out);
		if (strstr(out, runs[i].expect) == NULL)
			fail_msg("%s does not say \"%s\"", runs[i].what,
			         runs[i].expect);
		n += scan_lines(runs[i].what, out);
	}
	free(out);
	if (n > 0)
		fail_msg("%d forbidden wording(s) in the tool's output", n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_matcher),     cmocka_unit_test(test_causes),
	    cmocka_unit_test(test_codes),       cmocka_unit_test(test_docs),
	    cmocka_unit_test(test_tool_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
