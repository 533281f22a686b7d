/* probe.h - one readiness/health probe of a URL.
 *
 * Shared by the readiness waits (hooks/wait/wait.c), `muster wait` and
 * `muster health`: one notion of "ready" for every scheme, the scheme
 * table's (hooks/wait/proto/proto.h). */
#ifndef MUSTER_PROBE_H
#define MUSTER_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "conf/url.h"

struct ere;
struct tls_trust;

struct probe_opts {
	int64_t timeout_ms;	    /* whole probe: DNS, connect, I/O */
	const char *expect;	    /* HTTP statuses, e.g. "200-399,401"; NULL: 2xx */
	const char *const *headers; /* extra HTTP headers "K: V" */
	size_t nheaders;
	const char *unix_socket; /* HTTP over this unix socket, NULL: TCP */
	struct ere *body;	 /* HTTP: the first 1 MiB of the body must match this
				    (conf/ere.h; one search at a time); NULL: any body */
	const struct tls_trust *tls; /* CA bundle, client certificate: for the schemes
					over TLS (hooks/wait/trust.h) */
};

struct probe_result {
	bool ready;	  /* ready / healthy */
	int http_status;  /* HTTP only, 0 otherwise */
	char detail[256]; /* what was seen: "HTTP 200", "connection refused",
			     "57P03 the database system is starting up"; no secrets */
};

/* One attempt.  Returns 0 when the probe ran to a verdict (r->ready says
 * which), or a negative errno when it could not (r->detail says why); both
 * mean "not ready" unless r->ready. */
int probe_once(const struct url *u, const struct probe_opts *o, struct probe_result *r);

/* The extra HTTP headers of a command (--header), each "K: V" with the
 * ${NAME} references of its value (not of its name) replaced, into *out
 * (h->n strings; free with probe_headers_free()).  Returns 0; -EINVAL
 * (an unset variable, a value holding CR or LF) with why naming the header
 * and the variable, never a value, and *bad its index; -ENOMEM. */
int probe_headers_expand(const struct strlist *h, char ***out, size_t *bad, char *why, size_t len);
void probe_headers_free(char **v, size_t n);

#endif
