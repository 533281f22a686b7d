/* config.c - `muster config` (see config.h). */
#include "init/cmd/config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf/dump.h"
#include "conf/log.h"
#include "conf/url.h"
#include "hooks/run/list.h"
#include "hooks/sandbox/drop.h"
#include "hooks/secrets/secrets.h"
#include "hooks/wait/proto/proto.h"
#include "init/exit.h"

/* Log a bad list value the way the user wrote it; returns its kind. */
static int bad_value(const struct muster_conf *c, enum opt_id id, const struct sval *v,
		     const char *why)
{
	if (v->src == SRC_FILE)
		log_error("%s:%d: %s: %s", c->file ? c->file : "?", v->line,
			  conf_opt_name(id, SRC_FILE), why);
	else
		log_error("%s: %s", conf_opt_name(id, (enum conf_src)v->src), why);
	return conf_value_error((enum conf_src)v->src);
}

static int check_urls(const struct muster_conf *c, enum opt_id id, const struct strlist *l)
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
		if (url_parse(l->v[i].s, proto_url_scheme, &u, err, sizeof(err)))
			return bad_value(c, id, &l->v[i], err);
		url_free(&u);
	}
	return 0;
}

int check_wait_urls(const struct muster_conf *c)
{
	return check_urls(c, OPT_WAIT, &c->wait_urls);
}

/* What the main mode resolves before fork: user, groups, capability
 * names, the seccomp profile and its syscall names. */
static int check_sandbox(const struct muster_conf *c)
{
	struct priv_plan plan;

	memset(&plan, 0, sizeof(plan));
	if (priv_prepare(c, &plan))
		return -1;
	priv_plan_free(&plan);
	return 0;
}

/* The hooks dir readable, every command line splits, every ${NAME} in
 * them set (after the secrets, as in the main mode). */
static int check_hooks(const struct muster_conf *c)
{
	struct hook *hooks = NULL;
	size_t n = 0;
	int r = hooklist_build(c, &hooks, &n);

	if (!r)
		hooklist_free(hooks, n);
	return r;
}

int cmd_config(const struct muster_conf *c)
{
	int r;

	if ((r = check_urls(c, OPT_WAIT, &c->wait_urls)) ||
	    (r = check_urls(c, OPT_HEALTH_URL, &c->health_urls)))
		return exit_code_for(r);
	if (check_sandbox(c))
		return EXIT_CONFIG;
	/* every NAME_FILE readable; values go into this process's
	 * environment only, which dies with it, and are never printed */
	if (secrets_load(c))
		return EXIT_CONFIG;
	if ((r = check_hooks(c)))
		return exit_code_for(r);
	/* Not checked here: URLs holding ${NAME} are parsed only once the
	 * main mode expands them (check_urls skips them). */
	conf_dump(c, proto_url_scheme, stdout);
	if (fflush(stdout) || ferror(stdout)) {
		log_error("cannot write the configuration: %s", strerror(errno));
		return 1;
	}
	return 0;
}
