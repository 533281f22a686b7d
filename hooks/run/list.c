/* hooklist.c - build the ordered list of pre-start hooks. */
#include "hooks/run/list.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/log.h"
#include "hooks/run/split.h"

struct list {
	struct hook *h;
	size_t n;
};

static int add(struct list *l, const char *name, char **argv, int64_t timeout_ms)
{
	struct hook *nh = realloc(l->h, (l->n + 1) * sizeof(*nh));

	if (!nh)
		return -ENOMEM;
	l->h = nh;
	nh[l->n].name = strdup(name);
	nh[l->n].argv = argv;
	nh[l->n].timeout_ms = timeout_ms;
	if (!nh[l->n].name)
		return -ENOMEM;
	l->n++;
	return 0;
}

/* Split one command line; `where` names it for the error message (the
 * line itself is never shown: it may hold a secret). */
static int add_line(struct list *l, const char *name, const char *line, int64_t timeout_ms,
		    const char *where, enum conf_src src)
{
	char err[300], **argv = NULL;
	size_t argc = 0;
	int r = split_words(line, 1, &argv, &argc, err, sizeof(err));

	if (r == -ENOMEM)
		return r;
	if (r) {
		log_error("%s: %s", where, err);
		return conf_value_error(src);
	}
	if (!argc || !*argv[0]) {
		split_free(argv);
		log_error("%s: empty command", where);
		return conf_value_error(src);
	}
	r = add(l, name, argv, timeout_ms);
	if (r)
		split_free(argv);
	return r;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int add_dir(struct list *l, const char *dir, int64_t timeout_ms)
{
	struct dirent **ents = NULL;
	int i, n = scandir(dir, &ents, NULL, by_name), r = 0;

	if (n < 0 && errno == ENOENT) {
		/* as the docker-library entrypoints treat /docker-entrypoint.d:
		 * a base image may name it and a derived one ship no hooks */
		log_debug("hooks dir %s does not exist: no hooks from it", dir);
		return 0;
	}
	if (n < 0) {
		int e = errno;

		log_error("--hooks-dir %s: %s", dir, strerror(e));
		return -e;
	}
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		char *path = NULL, **argv;
		struct stat st;

		if (r || name[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", dir, name) < 0) {
			r = -ENOMEM;
			continue;
		}
		if (stat(path, &st) || !S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
			log_debug("hooks dir: skipping %s (not an executable regular file)", path);
			free(path);
			continue;
		}
		argv = calloc(2, sizeof(char *));
		if (!argv) {
			free(path);
			r = -ENOMEM;
			continue;
		}
		argv[0] = path;
		r = add(l, name, argv, timeout_ms);
		if (r)
			split_free(argv);
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return r;
}

int hooklist_build(const struct muster_conf *c, struct hook **out, size_t *n)
{
	struct list l = {0};
	char where[300], name[32];
	size_t i;
	int r = 0;

	for (i = 0; !r && i < c->nhooks; i++) {
		const struct hook_def *d = &c->hooks[i];

		snprintf(where, sizeof(where), "%s:%d: [hook %s] exec", c->file ? c->file : "?",
			 d->line, d->name);
		r = add_line(&l, d->name, d->exec ? d->exec : "",
			     d->timeout_ms >= 0 ? d->timeout_ms : c->hook_timeout_ms, where,
			     SRC_FILE);
	}
	for (i = 0; !r && i < c->pre.n; i++) {
		const struct sval *v = &c->pre.v[i];

		snprintf(name, sizeof(name), "pre#%zu", i + 1);
		if (v->src == SRC_ENV)
			snprintf(where, sizeof(where), "MUSTER_PRE line %zu", i + 1);
		else
			snprintf(where, sizeof(where), "--pre #%zu", i + 1);
		r = add_line(&l, name, v->s, c->hook_timeout_ms, where, (enum conf_src)v->src);
	}
	if (!r && c->hooks_dir)
		r = add_dir(&l, c->hooks_dir, c->hook_timeout_ms);
	if (r) {
		if (r == -ENOMEM)
			log_error("out of memory");
		hooklist_free(l.h, l.n);
		return r;
	}
	*out = l.h;
	*n = l.n;
	return 0;
}

void hooklist_free(struct hook *h, size_t n)
{
	size_t i;

	for (i = 0; h && i < n; i++) {
		free(h[i].name);
		split_free(h[i].argv);
	}
	free(h);
}
