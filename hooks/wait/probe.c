/* probe.c - probe_once(): one attempt of any scheme, run to its verdict
 * in a small poll loop (see attempt.c for the state machine). */
#include "hooks/wait/probe.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/clock.h"
#include "hooks/secrets/expand.h"
#include "hooks/wait/attempt.h"

int probe_once(const struct url *u, const struct probe_opts *o, struct probe_result *r)
{
	struct attempt *a, one;
	int64_t timeout = o && o->timeout_ms > 0 ? o->timeout_ms : 3000;

	a = &one;
	attempt_start(a, u, o, timeout, NULL);
	while (a->state != AT_DONE) {
		struct pollfd pfd = {.fd = -1};
		int64_t wait = attempt_wake(a) - mono_ms();

		pfd.fd = attempt_pollfd(a, &pfd.events);
		if (wait < 0)
			wait = 0;
		if (poll(&pfd, pfd.fd >= 0 ? 1 : 0, (int)wait) < 0 && errno != EINTR) {
			attempt_cleanup(a);
			memset(r, 0, sizeof(*r));
			strcpy(r->detail, "poll failed");
			return -errno;
		}
		attempt_step(a, pfd.fd >= 0 ? pfd.revents : 0);
	}
	*r = a->res;
	return a->rc;
}

void probe_headers_free(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		expand_free(v[i]);
	free(v);
}

int probe_headers_expand(const struct strlist *h, char ***out, size_t *bad, char *why, size_t len)
{
	char **v = calloc(h->n + 1, sizeof(*v)), err[256], *val = NULL;
	size_t i, n;
	int r = 0;

	*out = NULL;
	if (!v)
		return -ENOMEM;
	for (i = 0; i < h->n; i++) {
		/* the name as written; ${NAME} only in the value after it */
		n = strcspn(h->v[i].s, ":");
		r = expand_line(h->v[i].s + n, &val, err, sizeof(err));
		if (!r && !(v[i] = malloc(n + strlen(val) + 1)))
			r = -ENOMEM;
		if (!r) {
			memcpy(v[i], h->v[i].s, n);
			strcpy(v[i] + n, val);
		}
		expand_free(val);
		val = NULL;
		if (r) {
			snprintf(why, len, "header %.*s: %s", (int)n, h->v[i].s,
				 r == -ENOMEM ? "out of memory" : err);
			*bad = i;
			probe_headers_free(v, h->n);
			return r;
		}
	}
	*out = v;
	return 0;
}
