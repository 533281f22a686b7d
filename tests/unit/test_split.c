/* test_split.c - split_words() and ${NAME} expansion (expand.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hooks/secrets/expand.h"
#include "hooks/run/split.h"

/* Split `line` and compare with the expected words (NULL-terminated). */
static void words(const char *line, const char *const *want)
{
	char **argv, err[256] = "";
	size_t argc, i;

	assert_int_equal(split_words(line, 1, &argv, &argc, err, sizeof(err)), 0);
	for (i = 0; want[i]; i++) {
		assert_true(i < argc);
		assert_string_equal(argv[i], want[i]);
	}
	assert_int_equal(argc, i);
	assert_null(argv[argc]);
	split_free(argv);
}

static void fails(const char *line, const char *why)
{
	char **argv = (char **)1, err[256] = "";
	size_t argc = 7;

	assert_int_equal(split_words(line, 1, &argv, &argc, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, why);
	assert_null(argv);
	assert_int_equal(argc, 0);
}

#define W(...) ((const char *const[]){__VA_ARGS__, NULL})

static void t_plain(void **st)
{
	words("alembic upgrade head", W("alembic", "upgrade", "head"));
	words("  a\t b\n c  ", W("a", "b", "c"));
	words("", (const char *const[]){NULL});
	words("   ", (const char *const[]){NULL});
}

static void t_quotes(void **st)
{
	words("sh -c 'echo \"hi there\"; exit 3'", W("sh", "-c", "echo \"hi there\"; exit 3"));
	words("a'b'\"c\"d", W("abcd"));
	words("'' \"\" x", W("", "", "x"));
	words("\"a\\\"b\\\\c\\$d\\`e\\nf\"", W("a\"b\\c$d`e\\nf"));
	words("'a\\b'", W("a\\b"));
	words("a\\ b \\'c\\\" \\\\", W("a b", "'c\"", "\\"));
	words("a\\\nb", W("ab"));
	words("\"x\\\ny\"", W("xy"));
	words("$HOME $ a$", W("$HOME", "$", "a$"));
}

static void t_vars(void **st)
{
	setenv("MUSTER_T_SECRET", "p w 'd\"", 1);
	setenv("MUSTER_T_EMPTY", "", 1);
	words("psql --password=${MUSTER_T_SECRET} x", W("psql", "--password=p w 'd\"", "x"));
	words("\"${MUSTER_T_SECRET}\"", W("p w 'd\""));
	words("'${MUSTER_T_SECRET}' \\${MUSTER_T_SECRET}",
	      W("${MUSTER_T_SECRET}", "${MUSTER_T_SECRET}"));
	words("a${MUSTER_T_EMPTY}b ${MUSTER_T_EMPTY}", W("ab"));
	words("\"${MUSTER_T_EMPTY}\"", W(""));
}

static void t_errors(void **st)
{
	unsetenv("MUSTER_T_UNSET");
	fails("echo 'abc", "unterminated single quote in command line");
	fails("echo \"abc", "unterminated double quote in command line");
	fails("echo \"abc\\\"", "unterminated double quote in command line");
	fails("echo abc\\", "trailing backslash in command line");
	fails("run ${MUSTER_T_UNSET}", "${MUSTER_T_UNSET}: variable MUSTER_T_UNSET is not set");
	fails("run \"${1X}\"", "bad variable reference '${1X}': expected ${NAME}");
	fails("run ${A", "bad variable reference '${A': expected ${NAME}");
	fails("run ${}", "bad variable reference '${}': expected ${NAME}");
	fails("run ${A-b}", "bad variable reference '${A': expected ${NAME}");
}

static void t_no_expand(void **st)
{
	char **argv, err[64];
	size_t argc;

	assert_int_equal(split_words("a ${NOPE}", 0, &argv, &argc, err, sizeof(err)), 0);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[1], "${NOPE}");
	split_free(argv);
}

static void t_expand_vars(void **st)
{
	char *out, err[256];

	setenv("MUSTER_T_PW", "s3 cr@t", 1);
	assert_int_equal(expand_vars("redis://:${MUSTER_T_PW}@cache:6379", &out, err, sizeof(err)),
			 0);
	assert_string_equal(out, "redis://:s3 cr@t@cache:6379");
	free(out);
	assert_int_equal(expand_vars("$x ${MUSTER_T_PW}${MUSTER_T_PW}$", &out, err, sizeof(err)),
			 0);
	assert_string_equal(out, "$x s3 cr@ts3 cr@t$");
	free(out);
	unsetenv("MUSTER_T_NOPE");
	assert_int_equal(expand_vars("tcp://${MUSTER_T_NOPE}:1", &out, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "${MUSTER_T_NOPE}: variable MUSTER_T_NOPE is not set");
	assert_int_equal(expand_vars("tcp://${bad name}:1", &out, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad variable reference '${bad': expected ${NAME}");
}

static void t_expand_argv(void **st)
{
	char *const in[] = {"${MUSTER_T_BIN}",
			    "--db=${MUSTER_T_PW}",
			    "${MUSTER_T_PW}",
			    "$HOME '${MUSTER_T_PW}'",
			    "${MUSTER_T_EMPTY}",
			    "${MUSTER_T_REF}",
			    NULL};
	char *const none[] = {NULL};
	char *const unset[] = {"app", "--x", "${MUSTER_T_NOPE}", NULL};
	char *const bad[] = {"${1X}", NULL};
	char **out, err[256];

	setenv("MUSTER_T_BIN", "/bin/app", 1);
	setenv("MUSTER_T_PW", "s3 cr@t \"x\"", 1);
	setenv("MUSTER_T_EMPTY", "", 1);
	setenv("MUSTER_T_REF", "${MUSTER_T_PW}", 1);
	assert_int_equal(expand_argv(in, &out, err, sizeof(err)), 0);
	assert_string_equal(out[0], "/bin/app");
	assert_string_equal(out[1], "--db=s3 cr@t \"x\"");
	/* one argument each, whatever the value holds: never re-split, quotes
	 * and a '$' without '{' kept, an empty value an empty argument, a
	 * value's own ${...} not expanded again */
	assert_string_equal(out[2], "s3 cr@t \"x\"");
	assert_string_equal(out[3], "$HOME 's3 cr@t \"x\"'");
	assert_string_equal(out[4], "");
	assert_string_equal(out[5], "${MUSTER_T_PW}");
	assert_null(out[6]);
	assert_string_equal(in[1], "--db=${MUSTER_T_PW}");
	expand_argv_free(out);
	assert_int_equal(expand_argv(none, &out, err, sizeof(err)), 0);
	assert_null(out[0]);
	expand_argv_free(out);
	expand_argv_free(NULL);
	/* errors name the variable and the argument, never a value */
	unsetenv("MUSTER_T_NOPE");
	out = NULL;
	assert_int_equal(expand_argv(unset, &out, err, sizeof(err)), -EINVAL);
	assert_null(out);
	assert_string_equal(err, "${MUSTER_T_NOPE}: variable MUSTER_T_NOPE is not set "
				 "(argument 2 of the command)");
	assert_int_equal(expand_argv(bad, &out, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad variable reference '${1X}': expected ${NAME} "
				 "(argument 0 of the command)");
	/* a message cut by a small buffer stays terminated */
	assert_int_equal(expand_argv(unset, &out, err, 20), -EINVAL);
	assert_int_equal(strlen(err), 19);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_plain),	     cmocka_unit_test(t_quotes),
	    cmocka_unit_test(t_vars),	     cmocka_unit_test(t_errors),
	    cmocka_unit_test(t_no_expand),   cmocka_unit_test(t_expand_vars),
	    cmocka_unit_test(t_expand_argv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
