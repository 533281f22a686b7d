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
	log_error("not implemented yet");
	return 1;
}
