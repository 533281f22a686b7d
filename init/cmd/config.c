/* validate.c - `muster config`'s checks (see validate.h). */
#include "init/cmd/config.h"

#include <errno.h>
#include <string.h>

#include "conf/log.h"
#include "hooks/wait/probe.h"

#include "hooks/run/list.h"
#include "hooks/sandbox/drop.h"
#include "hooks/secrets/secrets.h"

/* Log a bad list value the way the user wrote it. */
static int bad_value(const struct muster_conf *c, enum opt_id id, const struct sval *v,
		     const char *why, enum conf_src *src)
{
	if (v->src == SRC_FILE)
		log_error("%s:%d: %s: %s", c->file ? c->file : "?", v->line,
			  conf_opt_name(id, SRC_FILE), why);
	else
		log_error("%s: %s", conf_opt_name(id, (enum conf_src)v->src), why);
	*src = (enum conf_src)v->src;
	return -EINVAL;
}

static int check_urls(const struct muster_conf *c, enum opt_id id, const struct strlist *l,
		      enum conf_src *src)
{
	char err[256];
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct url u;

		/* a ${NAME} reference can only be judged once secrets are
		 * loaded: the main mode checks it after expansion */
		if (strstr(l->v[i].s, "${"))
			continue;
		memset(&u, 0, sizeof(u));
		if (url_parse(l->v[i].s, &u, err, sizeof(err)))
			return bad_value(c, id, &l->v[i], err, src);
		url_free(&u);
	}
	return 0;
}

int validate_wait_urls(const struct muster_conf *c, enum conf_src *src)
{
	return check_urls(c, OPT_WAIT, &c->wait_urls, src);
}

int validate_conf(const struct muster_conf *c, enum conf_src *src)
{
	if (check_urls(c, OPT_WAIT, &c->wait_urls, src) ||
	    check_urls(c, OPT_HEALTH_URL, &c->health_urls, src))
		return -EINVAL;
	{
		/* user, groups, capability names, seccomp profile and syscall
		 * names: what the main mode resolves before fork */
		struct priv_plan plan;

		memset(&plan, 0, sizeof(plan));
		if (priv_prepare(c, &plan)) {
			*src = SRC_FILE; /* something named cannot be used: 78 */
			return -EINVAL;
		}
		priv_plan_free(&plan);
	}
	/* every NAME_FILE readable; values go into this process's
	 * environment only, which dies with it, and are never printed */
	if (secrets_load(c)) {
		*src = SRC_FILE;
		return -EINVAL;
	}
	/* hooks: the hooks dir readable, every command line splits, every
	 * ${NAME} in them set (after the secrets, as in the main mode) */
	{
		struct hook *hooks = NULL;
		size_t n = 0;

		if (hooklist_build(c, &hooks, &n, src))
			return -EINVAL;
		hooklist_free(hooks, n);
	}
	/* Not checked here: URLs holding ${NAME} are parsed only once the
	 * main mode expands them (check_urls skips them). */
	return 0;
}
