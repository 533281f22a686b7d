/* prober.h - the waits of the start (-w, [wait]) in a child of PID 1, so
 * that PID 1 never opens a network socket nor parses a byte a peer sends.
 *
 * The child (the prober) loads everything the waits need while it is
 * still root (URLs, --body, headers, the TLS trust store), enters the
 * probes' sandbox (hooks/sandbox/drop.h: the workload's ids, no
 * capability, no_new_privs, seccomp) and waits as wait_all_ctl() does,
 * writing its log lines to the same stderr.  It tells PID 1 through a
 * packet pipe which targets are still awaited (the phase), and its result
 * through its exit code.  PID 1 meanwhile blocks on its signalfd and the
 * pipe, nothing else. */
#ifndef MUSTER_PROBER_H
#define MUSTER_PROBER_H

#include "conf/conf.h"

struct priv_plan;

/* Run the waits in the prober and wait for it.  A stop signal kills it
 * (SIGKILL) and reaps it: -ECANCELED with the signal in *stopsig.  Returns
 * 0 when every target is ready, else wait_all_ctl()'s error kind (-EIO
 * when the prober could not be started or died of a signal, logged). */
int prober_run(const struct muster_conf *c, const struct priv_plan *ids, int *stopsig);

#endif
