/* main.c - muster's entry point: subcommand dispatch, the start sequence
 * of SPEC.md, and the only place that chooses an exit code. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "log.h"
#include "supervise.h"

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

/* The main mode: SPEC.md's start sequence, then stay PID 1. */
static int run_main(struct muster_conf *c)
{
	struct child_spec work = {.argv = c->argv, .what = "workload"};

	if (c->pdeathsig && prctl(PR_SET_PDEATHSIG, c->pdeathsig) < 0)
		log_warn("cannot set the parent-death signal: %s", strerror(errno));
	if ((c->subreaper || getpid() != 1) && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_warn("cannot become a child subreaper: %s", strerror(errno));
	if (sig_setup() < 0)
		return EXIT_NOEXEC;
	return sup_run_workload(c, &work);
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
	if (r) {
		conf_free(&c);
		return r < 0 ? 0 : r;
	}
	switch (mode) {
	case MODE_MAIN:
		r = run_main(&c);
		break;
	default:
		log_error("%s: not available yet", argv[0]);
		r = EXIT_USAGE;
	}
	conf_free(&c);
	return r;
}
