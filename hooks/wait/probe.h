/* probe.h - one readiness/health probe of a URL (SPEC.md "URLs").
 *
 * Shared by the readiness waits (hooks/wait.c), `muster wait` and
 * `muster health`: one notion of "ready" for every scheme. */
#ifndef MUSTER_PROBE_H
#define MUSTER_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum url_scheme { URL_TCP, URL_POSTGRES, URL_REDIS, URL_HTTP, URL_UNIX, URL_FILE };

struct url {
	enum url_scheme scheme;
	char *host;	/* no brackets for IPv6 literals; NULL for unix/file */
	uint16_t port;	/* scheme default when absent */
	char *user;	/* postgres user, NULL: none */
	char *password; /* redis password (secret: never log), NULL: none */
	char *path;	/* http path+query ("/" by default), postgres db, unix/file path */
	char *display;	/* the URL with any password replaced by "***", for logs */
};

/* Parse `s` into `u`.  On error returns -EINVAL and writes a one-line reason
 * (never containing a password) to err. */
int url_parse(const char *s, struct url *u, char *err, size_t errlen);
void url_free(struct url *u);

struct probe_opts {
	int64_t timeout_ms;	    /* whole probe: DNS, connect, I/O */
	const char *expect;	    /* HTTP statuses, e.g. "200-399,401"; NULL: 2xx */
	const char *const *headers; /* extra HTTP headers "K: V" */
	size_t nheaders;
	const char *unix_socket; /* HTTP over this unix socket, NULL: TCP */
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

#endif
