/* env.c - the environment front end: MUSTER_* variables (see env.h). */
#include "conf/env.h"

#include <errno.h>
#include <string.h>

#include "conf/log.h"

int conf_load_env(struct muster_conf *c, char **envp)
{
	char **e;
	int i;

	for (e = envp; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		size_t nlen;
		int found = 0;

		if (strncmp(*e, "MUSTER_", 7) || !eq)
			continue;
		nlen = (size_t)(eq - *e);
		for (i = 0; i < OPT_COUNT; i++) {
			const char *env = conf_options[i].env;

			if (!env || strlen(env) != nlen || strncmp(env, *e, nlen))
				continue;
			found = 1;
			if (eq[1] && conf_apply(c, (enum opt_id)i, eq + 1, SRC_ENV, 0))
				return -EINVAL;
		}
		if (!found)
			log_warn("ignoring unknown variable %.*s", (int)nlen, *e);
	}
	return 0;
}
