/* cli.h - the command line front end of the conf layer and --help. */
#ifndef MUSTER_CLI_H
#define MUSTER_CLI_H

#include "conf/conf.h"

enum { CLI_OK = 0, CLI_HELP = 1, CLI_VERSION = 2 };

/* Parse argv (argv[0] is the program or the subcommand name) for `mode`.
 * Leftover arguments become the workload (MODE_MAIN), wait URLs
 * (MODE_WAIT) or health URLs (MODE_HEALTH).  Returns CLI_OK, CLI_HELP,
 * CLI_VERSION, or -EINVAL after logging what was wrong. */
int conf_parse_cli(struct muster_conf *c, unsigned mode, int argc, char **argv);

/* Print the usage text for `mode` to stdout. */
void conf_usage(unsigned mode);

#endif
