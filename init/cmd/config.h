/* validate.h - `muster config`'s checks: everything the main mode would
 * refuse, found without starting anything. */
#ifndef MUSTER_VALIDATE_H
#define MUSTER_VALIDATE_H

#include "conf/conf.h"

/* Check every value of `c` that conf_apply() could not (it knows no URL
 * syntax, users, capabilities...).  Logs one error naming the culprit
 * (`FILE:LINE: [wait] url: ...`, `--wait: ...`, `MUSTER_WAIT: ...`) and
 * returns -EINVAL with *src set to where the bad value came from (main
 * maps it with conf_err_exit()); 0 when all is well. */
int validate_conf(const struct muster_conf *c, enum conf_src *src);

/* Only the wait URLs without ${NAME} (the main mode's first check, so a
 * malformed one is named by flag or FILE:LINE before anything starts). */
int validate_wait_urls(const struct muster_conf *c, enum conf_src *src);

#endif
