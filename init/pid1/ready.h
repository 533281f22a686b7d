/* ready.h - when the workload is ready, for sd_notify's READY=1: at once,
 * or with a [health] URL once it first answers healthy. */
#ifndef MUSTER_READY_H
#define MUSTER_READY_H

#include <sys/types.h>

#include "conf/conf.h"

struct priv_plan;

/* Start the readiness probe: a child of PID 1 (PID 1 itself opens no
 * network socket and parses nothing a peer sends), in the probes' sandbox
 * with the ids of `ids` (the workload's; hooks/sandbox/drop.h), that
 * probes the [health] URLs as `muster health` does, again and again, and
 * exits 0 at the first healthy answer.  Returns its pid, or -errno
 * (logged). */
pid_t ready_probe_start(const struct muster_conf *c, const struct priv_plan *ids);

#endif
