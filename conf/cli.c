/* cli.c - the command line front end of the conf layer and --help. */
#include "conf/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/log.h"

#define LONG_BASE 256

/* `muster wait --timeout` is the wait deadline, `muster health --timeout`
 * the probe's: same flag, different option per mode. */
static enum opt_id mode_alias(enum opt_id id, unsigned mode)
{
	if (id == OPT_HEALTH_TIMEOUT && mode == MODE_WAIT)
		return OPT_WAIT_TIMEOUT;
	return id;
}

static int accepts(const struct opt_def *d, unsigned mode)
{
	if (mode == MODE_WAIT && d->id == OPT_HEALTH_TIMEOUT)
		return 1;
	return d->lopt && (d->modes & mode);
}

int conf_parse_cli(struct muster_conf *c, unsigned mode, int argc, char **argv)
{
	struct option longs[OPT_COUNT + 3];
	char shorts[3 * OPT_COUNT + 4];
	size_t nl = 0, ns = 0;
	int i, ch;

	shorts[ns++] = '+'; /* stop at the first non-option: the workload */
	shorts[ns++] = ':'; /* report a missing argument as ':' */
	for (i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &conf_options[i];

		if (!accepts(d, mode))
			continue;
		longs[nl].name = d->lopt;
		longs[nl].has_arg = d->arg ? required_argument : no_argument;
		longs[nl].flag = NULL;
		longs[nl].val = LONG_BASE + i;
		nl++;
		if (d->sopt) {
			shorts[ns++] = d->sopt;
			if (d->arg)
				shorts[ns++] = ':';
		}
	}
	longs[nl++] = (struct option){"help", no_argument, NULL, 'h'};
	longs[nl++] = (struct option){"version", no_argument, NULL, 'V'};
	longs[nl] = (struct option){NULL, 0, NULL, 0};
	shorts[ns++] = 'h';
	shorts[ns] = '\0';

	optind = 0; /* full re-initialisation (glibc), for repeated calls */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		int id = -1;

		if (ch == 'h')
			return CLI_HELP;
		if (ch == 'V')
			return CLI_VERSION;
		if (ch == '?' || ch == ':') {
			const char *what = argv[optind - 1];

			if (optopt && optopt < LONG_BASE)
				log_error("%s -%c%s; see --help", ch == ':' ? "missing value for"
									     : "unknown option",
					  optopt, "");
			else
				log_error("%s %s; see --help",
					  ch == ':' ? "missing value for" : "unknown option", what);
			return -EINVAL;
		}
		if (ch >= LONG_BASE) {
			id = ch - LONG_BASE;
		} else {
			for (i = 0; i < OPT_COUNT; i++)
				if (conf_options[i].sopt == ch && accepts(&conf_options[i], mode))
					id = i;
		}
		if (id < 0)
			return -EINVAL;
		if (conf_apply(c, mode_alias((enum opt_id)id, mode), optarg, SRC_CLI, 0))
			return -EINVAL;
	}

	if (mode == MODE_MAIN) {
		if (optind >= argc) {
			log_error("no command given: muster [OPTIONS] [--] COMMAND [ARG...]");
			return -EINVAL;
		}
		c->argv = argv + optind;
		c->argc = argc - optind;
	} else if (mode == MODE_WAIT || mode == MODE_HEALTH) {
		enum opt_id lid = mode == MODE_WAIT ? OPT_WAIT : OPT_HEALTH_URL;

		for (i = optind; i < argc; i++)
			if (conf_apply(c, lid, argv[i], SRC_CLI, 0))
				return -EINVAL;
	} else if (optind < argc) {
		log_error("unexpected argument '%s'; see --help", argv[optind]);
		return -EINVAL;
	}
	return CLI_OK;
}

void conf_usage(unsigned mode)
{
	int i;

	if (mode == MODE_WAIT)
		printf("usage: muster wait [OPTIONS] URL...\n"
		       "Wait until every URL is ready; exit 0, or 69 at the deadline.\n\n");
	else if (mode == MODE_HEALTH)
		printf("usage: muster health [OPTIONS] [URL...]\n"
		       "One health probe (default: the [health] section); exit 0 or 1.\n\n");
	else if (mode == MODE_CONFIG)
		printf("usage: muster config [OPTIONS]\n"
		       "Validate everything and print the effective configuration.\n\n");
	else
		printf("usage: muster [OPTIONS] [--] COMMAND [ARG...]\n"
		       "       muster wait [OPTIONS] URL...\n"
		       "       muster health [OPTIONS] [URL...]\n"
		       "       muster config [OPTIONS]\n"
		       "       muster --help | --version\n\n"
		       "Be PID 1 for COMMAND: load secrets, wait for dependencies, run hooks,\n"
		       "drop privileges, exec, forward signals, reap zombies.\n\nOptions:\n");
	for (i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &conf_options[i];
		char flag[64];

		if (!accepts(d, mode))
			continue;
		if (d->sopt)
			snprintf(flag, sizeof(flag), "-%c, --%s%s%s", d->sopt, d->lopt,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		else
			snprintf(flag, sizeof(flag), "    --%s%s%s", d->lopt, d->arg ? " " : "",
				 d->arg ? d->arg : "");
		/* wait's --timeout is the wait deadline: its help, not health's */
		printf("  %-28s %s\n", flag, conf_options[mode_alias(d->id, mode)].help);
	}
	printf("  %-28s %s\n  %-28s %s\n", "-h, --help", "show this help", "    --version",
	       "show the version");
	if (mode == MODE_MAIN)
		printf("\nEvery option has a MUSTER_* environment twin and an INI key;\n"
		       "see muster(1) or the README.\n");
}
