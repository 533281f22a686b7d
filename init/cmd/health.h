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

#include "conf/conf.h"

/* Returns 0 healthy, 1 unhealthy (never anything else: Docker reserves 2). */
int health_run(const struct muster_conf *c);

/* For main() when the configuration could not even be read. */
void health_report_config_error(void);

#endif
