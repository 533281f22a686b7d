/* test_doc_table.c - the README's option table matches the option table:
 * every row of conf_options[] is a line of README.md
 * (flag, env twin, INI key, help text), and the table has no other rows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"

#define README "README.md"

static void row_of(const struct opt_def *d, char *out, size_t len)
{
	char opt[128] = "", arg[64] = "", env[64] = "", ini[64] = "";

	if (d->arg)
		snprintf(arg, sizeof(arg), " %s", d->arg);
	if (d->lopt && d->sopt)
		snprintf(opt, sizeof(opt), "`-%c, --%s%s`", d->sopt, d->lopt, arg);
	else if (d->lopt)
		snprintf(opt, sizeof(opt), "`--%s%s`", d->lopt, arg);
	else if (d->id == OPT_HEALTH_URL)
		snprintf(opt, sizeof(opt), "`URL` (health argument)");
	if (d->env)
		snprintf(env, sizeof(env), "`%s`", d->env);
	if (d->section)
		snprintf(ini, sizeof(ini), "`[%s] %s`", d->section, d->key);
	snprintf(out, len, "| %s | %s | %s | %s |\n", opt, env, ini, d->help);
}

static void test_table_matches(void **state)
{
	FILE *f = fopen(README, "r");
	char line[1024], want[1024];
	int i, rows = 0, found[OPT_COUNT] = {0}, in_table = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		/* only the "### Every option" section; other tables differ */
		if (!strncmp(line, "### Every option", 16))
			in_table = 1;
		else if (!strncmp(line, "## ", 3))
			in_table = 0;
		if (!in_table)
			continue;
		if (strncmp(line, "| `", 3) && strncmp(line, "| | | `[hook", 12))
			continue;
		rows++;
		for (i = 0; i < OPT_COUNT; i++) {
			row_of(&conf_options[i], want, sizeof(want));
			if (!strcmp(line, want))
				found[i] = 1;
		}
	}
	fclose(f);
	for (i = 0; i < OPT_COUNT; i++) {
		row_of(&conf_options[i], want, sizeof(want));
		if (!found[i])
			fail_msg(README " lacks the row: %s", want);
	}
	assert_int_equal(rows, OPT_COUNT + 2); /* + [hook NAME] exec, timeout */
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_table_matches)};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
