/* env.h - the environment front end of the conf layer: MUSTER_* twins. */
#ifndef MUSTER_ENV_H
#define MUSTER_ENV_H

#include "conf/conf.h"

/* Apply every MUSTER_* variable of `envp` whose name is a row's env twin
 * (conf_options[].env), through conf_apply(..., SRC_ENV, 0).  Empty values
 * count as unset; unknown MUSTER_* names are warned about.  Returns 0 or
 * -EINVAL. */
int conf_load_env(struct muster_conf *c, char **envp);

#endif
