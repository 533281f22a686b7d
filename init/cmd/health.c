/* health.c - `muster health`: load what Docker's environment needs (secrets,
 * ${NAME}), probe each URL once, print one line, exit 0 or 1. */
#include "init/cmd/health.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/clock.h"
#include "conf/dump.h"
#include "conf/ere.h"
#include "conf/redact.h"
#include "hooks/sandbox/drop.h"
#include "hooks/secrets/expand.h"
#include "hooks/secrets/secrets.h"
#include "conf/log.h"
#include "hooks/wait/probe.h"
#include "hooks/wait/proto/proto.h"
#include "hooks/wait/trust.h"
#include "init/pid1/phase.h"

#define LINE_MAX_OUT 2048

/* Print the one line of output and map to the exit code. */
static int verdict(bool healthy, const char *what)
{
	out_printf(stdout, "%s: %s\n", healthy ? "healthy" : "unhealthy", what);
	fflush(stdout);
	return healthy ? 0 : 1;
}

void health_report_config_error(void)
{
	verdict(false, "bad configuration (see the error above)");
}

/* Docker runs the probe in the container's configured environment, not in
 * the one PID 1 built: NAME_FILE secrets and env dirs are loaded here too,
 * the same way.  Returns 0 or the error, after writing a reason (no
 * secret) to why.  (${NAME} in the headers: hooks/wait/probe.h's
 * probe_headers_expand; --body: conf/ere.h.) */
static int load_environment(const struct muster_conf *c, char *why, size_t len)
{
	int r = secrets_load(c);

	if (r)
		snprintf(why, len, "cannot load secrets (see the error above)");
	return r;
}

/* Probe one URL (as written: ${NAME} not yet expanded) before `deadline`:
 * is it healthy?  `what` says what was seen.  A URL over TLS loads the
 * trust store `tls` names (once per run). */
static bool probe_one(const char *raw, const struct probe_opts *base,
		      const struct tls_settings *tls, int64_t deadline, char *what, size_t len)
{
	struct probe_opts o = *base;
	int kind;
	struct probe_result res;
	struct url u;
	char shown[300], err[600];
	int64_t t0 = mono_ms(), left = deadline - t0;
	bool ok;

	redact_url(raw, proto_url_scheme, REDACT_WRITTEN, shown, sizeof(shown));
	if (left <= 0) {
		snprintf(what, len, "%s timed out", shown);
		return false;
	}
	if (url_parse_refs(raw, proto_url_scheme, expand_ref, &u, err, sizeof(err))) {
		snprintf(what, len, "%s %s", shown, err);
		return false;
	}
	if (proto_of(&u)->tls && !(o.tls = tls_trust_once(tls, &kind, err, sizeof(err)))) {
		snprintf(what, len, "%s %s", shown, err);
		url_free(&u);
		return false;
	}
	memset(&res, 0, sizeof(res));
	o.timeout_ms = left;
	probe_once(&u, &o, &res);
	ok = res.ready;
	if (ok)
		snprintf(what, len, "%s %s in %lldms", shown, res.detail,
			 (long long)(mono_ms() - t0));
	else
		snprintf(what, len, "%s %s", shown, res.detail[0] ? res.detail : "not ready");
	url_free(&u);
	return ok;
}

int health_probe_all(const struct muster_conf *c, char *line, size_t len)
{
	const struct strlist *urls = &c->health_urls;
	struct probe_opts o;
	struct tls_settings tls = tls_settings_of(c);
	char what[1024], why[512] = "", **hdrs = NULL;
	struct ere *body = NULL;
	int64_t deadline;
	size_t i, pos = 0, bad;
	bool healthy = true;

	if (probe_headers_expand(&c->health_headers, &hdrs, &bad, why, sizeof(why)) ||
	    (c->health_body && ere_compile(c->health_body, &body, why, sizeof(why)))) {
		probe_headers_free(hdrs, c->health_headers.n);
		snprintf(line, len, "%s", why[0] ? why : "out of memory");
		return 0;
	}
	memset(&o, 0, sizeof(o));
	o.expect = c->health_expect;
	o.headers = (const char *const *)hdrs;
	o.nheaders = c->health_headers.n;
	o.unix_socket = c->health_unix_socket;
	o.body = body;
	deadline = mono_ms() + (c->health_timeout_ms > 0 ? c->health_timeout_ms : INT32_MAX);

	/* all must be healthy: stop at the first that is not, and say so */
	line[0] = '\0';
	for (i = 0; i < urls->n && healthy; i++) {
		healthy = probe_one(urls->v[i].s, &o, &tls, deadline, what, sizeof(what));
		if (!healthy)
			snprintf(line, len, "%s", what);
		else if (pos < len)
			pos += (size_t)snprintf(line + pos, len - pos, "%s%s", pos ? ", " : "", what);
	}
	probe_headers_free(hdrs, c->health_headers.n);
	ere_free(body);
	return healthy;
}

int health_run(const struct muster_conf *c)
{
	char line[LINE_MAX_OUT], why[512] = "";

	/* inside a container whose PID 1 is muster: not healthy before the
	 * workload runs, nor once it drains or stops, whatever a probe says */
	if (phase_lookup(line, sizeof(line)) && strcmp(line, "running"))
		return verdict(0, line);
	if (!c->health_urls.n)
		return verdict(0, "no URL to probe: give one, or [health] url in the config file");
	if (load_environment(c, why, sizeof(why)))
		return verdict(0, why);
	/* the caller's ids, no capability, no_new_privs, seccomp: then probe */
	if (priv_sandbox(NULL, 0))
		return verdict(0, "cannot enter the probe sandbox (see the error above)");
	return verdict(health_probe_all(c, line, sizeof(line)), line);
}
