/* health.h - `muster health [OPTIONS] [URL...]`: one probe, for HEALTHCHECK.
 *
 * Probes every URL given (default: the [health] section's), one after the
 * other under one --timeout, with the same notion of ready as the waits
 * (hooks/wait/probe.h).  Prints ONE line on stdout saying what it saw, e.g.
 *   healthy: http://127.0.0.1:8000/healthz HTTP 200 in 3ms
 *   unhealthy: tcp://db:5432 connection refused
 * Passwords in URLs are shown as *** (conf/redact.h), `${NAME}`
 * references as written. */
#ifndef MUSTER_HEALTH_H
#define MUSTER_HEALTH_H

#include <stddef.h>

#include "conf/conf.h"

/* Inside a container whose PID 1 is muster (init/pid1/phase.h): unhealthy
 * with PID 1's phase ("starting (waiting for redis://cache:6379)",
 * "draining", "stopping") unless the workload runs; then, as everywhere
 * else, the probe.  Returns 0 healthy, 1 unhealthy (never anything else:
 * Docker reserves 2). */
int health_run(const struct muster_conf *c);

/* Probe every URL of c->health_urls (the environment already holds the
 * secrets) under one --timeout, with its --expect, headers and unix
 * socket; writes the line to print (no "healthy: " prefix) to `line`.
 * Returns 1 healthy, 0 not.  Prints nothing. */
int health_probe_all(const struct muster_conf *c, char *line, size_t len);

/* For main() when the configuration could not even be read. */
void health_report_config_error(void);

#endif
