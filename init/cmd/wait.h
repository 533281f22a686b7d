/* wait.h - `muster wait [OPTIONS] URL...`: only the waits of the
 * main mode, for an initContainer or a compose `depends_on` stand-in. */
#ifndef MUSTER_INIT_CMD_WAIT_H
#define MUSTER_INIT_CMD_WAIT_H

#include "conf/conf.h"

/* Loads secrets as the main mode does (NAME_FILE, --secret, --env-dir),
 * then waits.  Returns the exit code: 0 all ready, 69 at the deadline, 64
 * for a bad or missing URL, 78 for a secret that cannot be loaded, 128+N
 * when stopped by INT or TERM while waiting. */
int cmd_wait(const struct muster_conf *c);

#endif
