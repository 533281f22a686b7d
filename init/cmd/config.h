/* config.h - `muster config`: every check the main mode would make before
 * it starts anything, then the effective configuration printed as an INI
 * file (secrets redacted).  Changes nothing, starts nothing. */
#ifndef MUSTER_INIT_CMD_CONFIG_H
#define MUSTER_INIT_CMD_CONFIG_H

#include "conf/conf.h"

/* Returns the exit code: 0, or the one the main mode would exit with
 * after one error line naming the culprit (`FILE:LINE: [wait] url: ...`,
 * `--wait: ...`, `MUSTER_WAIT: ...`). */
int cmd_config(const struct muster_conf *c);

/* The main mode's first check: the wait URLs without ${NAME}, so that a
 * malformed one is named by flag or FILE:LINE before anything starts.
 * Returns 0 or conf_value_error() of the culprit's source. */
int check_wait_urls(const struct muster_conf *c);

#endif
