/* main.c - muster's entry point: subcommand dispatch, the start sequence
 * of SPEC.md, and the only place that chooses an exit code. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "log.h"
#include "parse.h"
#include "privdrop.h"
#include "secrets.h"

#include <sys/wait.h>

extern char **environ;

static unsigned mode_of(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "wait"))
		return MODE_WAIT;
	if (argc > 1 && !strcmp(argv[1], "health"))
		return MODE_HEALTH;
	if (argc > 1 && !strcmp(argv[1], "config"))
		return MODE_CONFIG;
	return MODE_MAIN;
}

/* Fill `c` from CLI > env > INI.  Returns 0, or the exit code to use. */
static int load_conf(struct muster_conf *c, unsigned mode, int argc, char **argv)
{
	int r;

	conf_init(c);
	r = conf_parse_cli(c, mode, argc, argv);
	if (r == CLI_HELP) {
		conf_usage(mode);
		return -1;
	}
	if (r == CLI_VERSION) {
		printf("muster %s\n", MUSTER_VERSION);
		return -1;
	}
	if (r < 0)
		return EXIT_USAGE;
	if (conf_load_env(c, environ))
		return EXIT_USAGE;
	log_setup(c->log_level, c->log_format);
	return 0;
}

int main(int argc, char **argv)
{
	struct muster_conf c;
	unsigned mode = mode_of(argc, argv);
	int r;

	if (mode != MODE_MAIN) {
		argv++;
		argc--;
	}
	r = load_conf(&c, mode, argc, argv);
	if (r)
		return r < 0 ? 0 : r;
	/* TEMP wiring (h2-security): only secrets + privilege drop, so the
	 * security integration tests run before the lead's supervisor lands. */
	if (mode != MODE_MAIN || !c.argv || !c.argv[0]) {
		log_error("not implemented yet");
		return 1;
	}
	{
		struct priv_plan plan;
		pid_t pid;
		int st;

		if (secrets_load(&c) || priv_prepare(&c, &plan)) {
			conf_free(&c);
			return EXIT_CONFIG;
		}
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			r = priv_child_setup(&plan);
			if (r)
				_exit(r);
			execvp(c.argv[0], c.argv);
			log_error("cannot run %s: %s", c.argv[0], strerror(errno));
			_exit(errno == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
		}
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		priv_plan_free(&plan);
		conf_free(&c);
		return exit_code_of_status(st);
	}
}
