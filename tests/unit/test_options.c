/* Unit tests of the conf layer: conf_apply precedence, lists, CLI and env
 * front ends, on good and malformed input. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/cli.h"
#include "conf/conf.h"
#include "conf/env.h"
#include "conf/log.h"

#include "rows.h"

static int setup(void **state)
{
	static struct muster_conf c;

	log_setup(-1, LOGF_TEXT); /* keep expected errors off the test output */
	conf_init(&c);
	*state = &c;
	return 0;
}

static int teardown(void **state)
{
	conf_free(*state);
	return 0;
}

static void defaults(void **state)
{
	struct muster_conf *c = *state;

	assert_int_equal(c->grace_ms, 10000);
	assert_int_equal(c->wait_timeout_ms, 60000);
	assert_int_equal(c->health_timeout_ms, 3000);
	assert_int_equal(c->no_new_privs, -1);
	assert_int_equal(c->secrets_dirs.n, 1);
	assert_string_equal(c->secrets_dirs.v[0].s, "/run/secrets");
	assert_int_equal(c->src[OPT_GRACE], SRC_DEFAULT);
	assert_int_equal(c->hook_timeout_ms, 0);
	assert_string_equal(c->seccomp, "none");
	assert_string_equal(c->health_expect, "200-299");
	assert_int_equal(c->log_level, LOG_INFO);
	assert_int_equal(c->log_format, LOGF_TEXT);
	assert_false(c->kill_group);
	assert_null(c->user);
}

/* Every default of the table parses, from SRC_DEFAULT, without an error
 * (conf_init() does not check), and the source stays "default". */
static void defaults_parse(void **state)
{
	struct muster_conf c;
	int i;

	for (i = 0; i < OPT_COUNT; i++) {
		if (!conf_options[i].def)
			continue;
		memset(&c, 0, sizeof(c));
		if (conf_apply(&c, (enum opt_id)i, conf_options[i].def, SRC_DEFAULT, 0))
			fail_msg("%s: bad default '%s'", conf_opt_name(i, SRC_CLI),
				 conf_options[i].def);
		assert_int_equal(c.src[conf_owner(i)], SRC_DEFAULT);
		conf_free(&c);
	}
	/* "auto" is the tri-state default, never a value a user can give */
	memset(&c, 0, sizeof(c));
	assert_int_equal(conf_apply(&c, OPT_NO_NEW_PRIVS, "auto", SRC_CLI, 0), -EINVAL);
	assert_int_equal(conf_apply(&c, OPT_NO_NEW_PRIVS, "auto", SRC_ENV, 0), -EINVAL);
	assert_int_equal(conf_apply(&c, OPT_NO_NEW_PRIVS, "auto", SRC_FILE, 1), -EBADMSG);
	conf_free(&c);
}

/* The "(default X" or "X (default)" of a help text (so of --help, the man
 * page and the README) is the row's default: both parse to the same
 * value.  "(default none)" is a row without a default; a default with a
 * condition ("X when ...") is not the table's to check. */
static void help_names_the_default(void **state)
{
	struct muster_conf a, b;
	char said[64], *da, *db;
	const char *p;
	int i, checked = 0;

	for (i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &conf_options[i];
		size_t n;

		if ((p = strstr(d->help, "(default "))) {
			p += 9;
			n = strcspn(p, ";) ");
			if (p[n] == ' ')
				continue;
		} else if ((p = strstr(d->help, " (default)"))) {
			for (n = 0; p > d->help && p[-1] != ' '; n++)
				p--;
		} else {
			continue;
		}
		snprintf(said, sizeof(said), "%.*s", (int)n, p);
		checked++;
		if (!strcmp(said, "none") && !d->def)
			continue;
		if (!d->def)
			fail_msg("%s: help says default %s, the table none", d->lopt, said);
		conf_init(&a);
		conf_init(&b);
		assert_int_equal(conf_apply(&a, (enum opt_id)i, said, SRC_CLI, 0), 0);
		assert_int_equal(conf_apply(&b, (enum opt_id)i, d->def, SRC_CLI, 0), 0);
		da = row_dump(&a);
		db = row_dump(&b);
		if (strcmp(da, db))
			fail_msg("%s: help says default %s, the table %s", d->lopt, said, d->def);
		free(da);
		free(db);
		conf_free(&a);
		conf_free(&b);
	}
	assert_true(checked >= 8);
}

static void precedence_scalar(void **state)
{
	struct muster_conf *c = *state;

	/* applied in any order, the highest source wins */
	assert_int_equal(conf_apply(c, OPT_GRACE, "5s", SRC_CLI, 0), 0);
	assert_int_equal(conf_apply(c, OPT_GRACE, "7s", SRC_ENV, 0), 0);
	assert_int_equal(conf_apply(c, OPT_GRACE, "9s", SRC_FILE, 3), 0);
	assert_int_equal(c->grace_ms, 5000);
	assert_int_equal(c->src[OPT_GRACE], SRC_CLI);
	assert_int_equal(conf_apply(c, OPT_WAIT_TIMEOUT, "9s", SRC_FILE, 3), 0);
	assert_int_equal(conf_apply(c, OPT_WAIT_TIMEOUT, "1s", SRC_ENV, 0), 0);
	assert_int_equal(c->wait_timeout_ms, 1000);
	assert_int_equal(c->src[OPT_WAIT_TIMEOUT], SRC_ENV);
}

static void precedence_list(void **state)
{
	struct muster_conf *c = *state;

	assert_int_equal(conf_apply(c, OPT_WAIT, "tcp://a:1", SRC_FILE, 4), 0);
	assert_int_equal(conf_apply(c, OPT_WAIT, "tcp://b:2", SRC_FILE, 5), 0);
	assert_int_equal(c->wait_urls.n, 2);
	assert_int_equal(c->wait_urls.v[1].line, 5);
	/* the env twin replaces the file's list, split on spaces */
	assert_int_equal(conf_apply(c, OPT_WAIT, " tcp://c:3  tcp://d:4 ", SRC_ENV, 0), 0);
	assert_int_equal(c->wait_urls.n, 2);
	assert_string_equal(c->wait_urls.v[0].s, "tcp://c:3");
	assert_string_equal(c->wait_urls.v[1].s, "tcp://d:4");
	/* a lower source arriving later changes nothing */
	assert_int_equal(conf_apply(c, OPT_WAIT, "tcp://e:5", SRC_FILE, 9), 0);
	assert_int_equal(c->wait_urls.n, 2);
	/* the default secrets dir is replaced by any given one */
	assert_int_equal(conf_apply(c, OPT_SECRETS_DIR, "/a", SRC_FILE, 1), 0);
	assert_int_equal(conf_apply(c, OPT_SECRETS_DIR, "/b", SRC_FILE, 2), 0);
	assert_int_equal(c->secrets_dirs.n, 2);
	assert_string_equal(c->secrets_dirs.v[0].s, "/a");
	/* comma lists split everywhere */
	assert_int_equal(conf_apply(c, OPT_CAP_KEEP, "NET_BIND_SERVICE,CHOWN", SRC_CLI, 0), 0);
	assert_int_equal(c->cap_keep.n, 2);
	assert_string_equal(c->cap_keep.v[1].s, "CHOWN");
	/* MUSTER_PRE: one hook per line */
	assert_int_equal(conf_apply(c, OPT_PRE, "a 'b c'\nd", SRC_ENV, 0), 0);
	assert_int_equal(c->pre.n, 2);
	assert_string_equal(c->pre.v[0].s, "a 'b c'");
}

static void rewrite_and_remap(void **state)
{
	struct muster_conf *c = *state;

	assert_int_equal(conf_apply(c, OPT_REWRITE, "TERM:QUIT", SRC_CLI, 0), 0);
	assert_int_equal(conf_apply(c, OPT_REWRITE, "USR1:HUP", SRC_CLI, 0), 0);
	assert_int_equal(c->rewrite[SIGTERM], SIGQUIT);
	assert_int_equal(c->rewrite[SIGUSR1], SIGHUP);
	assert_int_equal(conf_apply(c, OPT_REWRITE, "INT:QUIT", SRC_ENV, 0), 0);
	assert_int_equal(c->rewrite[SIGINT], 0); /* CLI already set the list */
	assert_int_equal(conf_apply(c, OPT_REMAP_EXIT, "143,130", SRC_FILE, 2), 0);
	assert_true(c->remap_exit[143]);
	assert_true(c->remap_exit[130]);
	assert_false(c->remap_exit[0]);
	assert_int_equal(conf_apply(c, OPT_REMAP_EXIT, "1", SRC_ENV, 0), 0);
	assert_false(c->remap_exit[143]); /* env replaced the file's */
	assert_true(c->remap_exit[1]);
}

static void bad_values(void **state)
{
	struct muster_conf *c = *state;

	assert_int_equal(conf_apply(c, OPT_GRACE, "soon", SRC_CLI, 0), -EINVAL);
	assert_int_equal(c->grace_ms, 10000);
	assert_int_equal(conf_apply(c, OPT_KILL_GROUP, "maybe", SRC_ENV, 0), -EINVAL);
	assert_int_equal(conf_apply(c, OPT_REWRITE, "TERM", SRC_CLI, 0), -EINVAL);
	assert_int_equal(conf_apply(c, OPT_REWRITE, "", SRC_CLI, 0), -EINVAL);
	assert_int_equal(conf_apply(c, OPT_REMAP_EXIT, "300", SRC_CLI, 0), -EINVAL);
	assert_int_equal(conf_apply(c, OPT_PDEATHSIG, "NOPE", SRC_CLI, 0), -EINVAL);
	assert_int_equal(conf_apply(c, OPT_LOG_LEVEL, "loud", SRC_ENV, 0), -EINVAL);
	assert_int_equal(conf_apply(c, OPT_LOG_FORMAT, "xml", SRC_ENV, 0), -EINVAL);
	assert_int_equal(conf_apply(c, OPT_USER, "", SRC_CLI, 0), -EINVAL);
	assert_int_equal(conf_apply(c, OPT_WAIT, "", SRC_CLI, 0), -EINVAL);
	assert_int_equal(conf_value_error(SRC_CLI), -EINVAL);
	assert_int_equal(conf_value_error(SRC_ENV), -EINVAL);
	assert_int_equal(conf_value_error(SRC_FILE), -EBADMSG);
}

static void bools_and_flags(void **state)
{
	struct muster_conf *c = *state;

	assert_int_equal(conf_apply(c, OPT_KILL_GROUP, NULL, SRC_CLI, 0), 0);
	assert_true(c->kill_group);
	assert_int_equal(conf_apply(c, OPT_SUBREAPER, "false", SRC_FILE, 1), 0);
	assert_false(c->subreaper);
	assert_int_equal(conf_apply(c, OPT_ALLOW_NEW_PRIVS, NULL, SRC_CLI, 0), 0);
	assert_int_equal(c->no_new_privs, 0);
	assert_int_equal(conf_apply(c, OPT_NO_NEW_PRIVS, "true", SRC_ENV, 0), 0);
	assert_int_equal(c->no_new_privs, 0); /* the CLI said allow */
}

static void cli_main(void **state)
{
	struct muster_conf *c = *state;
	char *argv[] = {"muster", "-g", "-t", "3s", "-r", "TERM:QUIT", "-w", "tcp://x:1",
			"-vv", "--", "app", "-t", "x", NULL};

	assert_int_equal(conf_parse_cli(c, MODE_MAIN, 13, argv), CLI_OK);
	assert_true(c->kill_group);
	assert_int_equal(c->grace_ms, 3000);
	assert_int_equal(c->rewrite[SIGTERM], SIGQUIT);
	assert_int_equal(c->wait_urls.n, 1);
	assert_int_equal(c->log_level, LOG_DEBUG);
	assert_int_equal(c->argc, 3);
	assert_string_equal(c->argv[0], "app");
	assert_string_equal(c->argv[1], "-t"); /* the workload's own flags */
}

static void cli_stops_at_command(void **state)
{
	struct muster_conf *c = *state;
	char *argv[] = {"muster", "-q", "sh", "-c", "exit 3", NULL};

	assert_int_equal(conf_parse_cli(c, MODE_MAIN, 5, argv), CLI_OK);
	assert_int_equal(c->log_level, LOG_WARN);
	assert_int_equal(c->argc, 3);
	assert_string_equal(c->argv[0], "sh");
}

static void cli_errors(void **state)
{
	struct muster_conf *c = *state;
	char *a1[] = {"muster", "--bogus", "x", NULL};
	char *a2[] = {"muster", "-t", NULL};
	char *a3[] = {"muster", "-g", NULL};
	char *a4[] = {"muster", "--timeout", "1s", "app", NULL};
	char *a5[] = {"muster", "--help", NULL};
	char *a6[] = {"muster", "--version", NULL};

	assert_int_equal(conf_parse_cli(c, MODE_MAIN, 3, a1), -EINVAL);
	assert_int_equal(conf_parse_cli(c, MODE_MAIN, 2, a2), -EINVAL);
	assert_int_equal(conf_parse_cli(c, MODE_MAIN, 2, a3), -EINVAL); /* no command */
	assert_int_equal(conf_parse_cli(c, MODE_MAIN, 4, a4), -EINVAL); /* health-only */
	assert_int_equal(conf_parse_cli(c, MODE_MAIN, 2, a5), CLI_HELP);
	assert_int_equal(conf_parse_cli(c, MODE_MAIN, 2, a6), CLI_VERSION);
}

static void cli_wait_and_health(void **state)
{
	struct muster_conf *c = *state;
	char *w[] = {"wait", "--timeout", "5s", "tcp://a:1", "redis://b", NULL};
	char *h[] = {"health", "--timeout", "1s", "--expect", "200,401", "--header",
		     "Host: x", "http://a/", NULL};

	assert_int_equal(conf_parse_cli(c, MODE_WAIT, 5, w), CLI_OK);
	assert_int_equal(c->wait_timeout_ms, 5000);
	assert_int_equal(c->wait_urls.n, 2);
	assert_int_equal(conf_parse_cli(c, MODE_HEALTH, 8, h), CLI_OK);
	assert_int_equal(c->health_timeout_ms, 1000);
	assert_string_equal(c->health_expect, "200,401");
	assert_int_equal(c->health_headers.n, 1);
	assert_string_equal(c->health_urls.v[0].s, "http://a/");
}

static void env_twins(void **state)
{
	struct muster_conf *c = *state;
	char *env[] = {"PATH=/bin", "MUSTER_GRACE=2m", "MUSTER_WAIT=tcp://a:1 tcp://b:2",
		       "MUSTER_KILL_GROUP=yes", "MUSTER_USER=", "MUSTER_NOPE=1",
		       "MUSTER_SECRETS=A,B", NULL};
	char *bad[] = {"MUSTER_GRACE=x", NULL};

	assert_int_equal(conf_load_env(c, env), 0);
	assert_int_equal(c->grace_ms, 120000);
	assert_int_equal(c->wait_urls.n, 2);
	assert_true(c->kill_group);
	assert_null(c->user); /* empty counts as unset */
	assert_int_equal(c->secret_names.n, 2);
	assert_int_equal(c->src[OPT_GRACE], SRC_ENV);
	assert_int_equal(conf_load_env(c, bad), -EINVAL);
}

/* Every env twin reaches its row: MUSTER_X=VALUE gives the same
 * configuration as VALUE applied to the row from the environment. */
static void every_env_twin_reaches_its_row(void **state)
{
	struct muster_conf want, got;
	char var[128], *envp[] = {var, NULL};
	int i;

	for (i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &conf_options[i];

		if (!d->env)
			continue;
		snprintf(var, sizeof(var), "%s=%s", d->env, row_sample(d->kind));
		conf_init(&want);
		conf_init(&got);
		assert_int_equal(conf_apply(&want, (enum opt_id)i, row_sample(d->kind), SRC_ENV, 0),
				 0);
		assert_int_equal(conf_load_env(&got, envp), 0);
		assert_int_equal(got.src[i], SRC_ENV);
		row_same(&want, &got);
	}
}

/* Every flag, long and short, in every mode its row names, reaches its
 * row: the same configuration as the value applied from the CLI. */
static void cli_one(int id, unsigned mode, const char *flag)
{
	const struct opt_def *d = &conf_options[id];
	const char *val = d->arg ? row_sample(d->kind) : NULL;
	char *argv[5] = {"muster", (char *)flag};
	int argc = 2;
	struct muster_conf want, got;

	if (val)
		argv[argc++] = (char *)val;
	if (mode == MODE_MAIN)
		argv[argc++] = "cmd";
	conf_init(&want);
	conf_init(&got);
	assert_int_equal(conf_apply(&want, (enum opt_id)id, val, SRC_CLI, 0), 0);
	if (conf_parse_cli(&got, mode, argc, argv) != CLI_OK)
		fail_msg("%s refused in mode %u", flag, mode);
	got.argc = 0; /* the workload is not the row's */
	row_same(&want, &got);
}

static void every_flag_reaches_its_row(void **state)
{
	char flag[64];
	unsigned mode;
	int i;

	for (i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &conf_options[i];

		for (mode = MODE_MAIN; mode <= MODE_CONFIG; mode <<= 1) {
			if (!d->lopt || !(d->modes & mode))
				continue;
			snprintf(flag, sizeof(flag), "--%s", d->lopt);
			cli_one(i, mode, flag);
			snprintf(flag, sizeof(flag), "-%c", d->sopt);
			if (d->sopt)
				cli_one(i, mode, flag);
		}
	}
}

static void names(void **state)
{
	assert_string_equal(conf_opt_name(OPT_GRACE, SRC_CLI), "--grace");
	assert_string_equal(conf_opt_name(OPT_GRACE, SRC_ENV), "MUSTER_GRACE");
	assert_string_equal(conf_opt_name(OPT_GRACE, SRC_FILE), "[init] grace");
}

static void table_is_consistent(void **state)
{
	int i, j;

	for (i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &conf_options[i];
		int o = conf_owner(i);

		assert_int_equal(d->id, i);
		assert_true(d->field < sizeof(struct muster_conf));
		if (d->kind == OT_NEGATE)
			assert_int_equal(conf_options[o].kind, OT_TRISTATE);
		if (d->kind == OT_LOUDER || d->kind == OT_QUIETER)
			assert_int_equal(conf_options[o].kind, OT_LOGLEVEL);
		if (o != i) {
			/* a modifier: no default, no env or INI of its own; its
			 * owner has an INI key, so `muster config` shows it */
			assert_null(d->def);
			assert_null(d->env);
			assert_null(d->key);
			assert_non_null(conf_options[o].key);
			assert_int_equal(conf_options[o].field, d->field);
		}
		for (j = 0; j < i; j++)
			if (conf_options[j].field == d->field)
				assert_true((int)conf_owner(i) != i || (int)conf_owner(j) != j);
		for (j = 0; j < i; j++) {
			if (conf_options[i].env && conf_options[j].env)
				assert_string_not_equal(conf_options[i].env, conf_options[j].env);
			if (conf_options[i].key && conf_options[j].key &&
			    !strcmp(conf_options[i].section, conf_options[j].section))
				assert_string_not_equal(conf_options[i].key, conf_options[j].key);
		}
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(defaults),	   T(precedence_scalar), T(precedence_list),
		T(rewrite_and_remap), T(bad_values),	    T(bools_and_flags),
		T(cli_main),	   T(cli_stops_at_command), T(cli_errors),
		T(cli_wait_and_health), T(env_twins),	    T(names),
		T(table_is_consistent), T(defaults_parse),	    T(help_names_the_default),
		T(every_env_twin_reaches_its_row), T(every_flag_reaches_its_row),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
