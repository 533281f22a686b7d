/* phase.h - PID 1's lifecycle phase, for `muster health` run inside the
 * container (HEALTHCHECK, `docker exec`, Kubernetes exec probes) and for
 * the service manager (sd_notify STATUS=).
 *
 * The phase is the name of an abstract unix socket PID 1 holds (only a
 * muster that is PID 1 publishes one; while the prober waits, the prober
 * holds it: phase_lend()), "muster-phase/<PID namespace inode>/<text>":
 * no file is written
 * (the root filesystem may be read-only), it needs no permission to find,
 * and it is gone the moment muster is.  /proc/net/unix lists it to every
 * process of the network namespace; the PID namespace in the name tells
 * containers that share a network namespace (--network host) apart. */
#ifndef MUSTER_PHASE_H
#define MUSTER_PHASE_H

#include <stddef.h>

enum phase {
	PHASE_STARTING, /* secrets, waits, hooks: detail says which */
	PHASE_RUNNING,
	PHASE_DRAINING, /* --stop-delay */
	PHASE_STOPPING
};

/* Publish the phase ("starting (waiting for redis://cache:6379)") and send
 * STATUS= with it; the first draining or stopping phase also sends
 * STOPPING=1.  detail: NULL or a few words.  Never fails: a phase that
 * cannot be published is a debug line. */
void phase_set(enum phase p, const char *detail);

/* READY=1 to the service manager (once, and never once stopping). */
void phase_ready(void);

/* In a child of muster that does not exec: let go of the phase name (its
 * copy would keep an outdated one alive) and never notify the service
 * manager (notify_close()). */
void phase_close(void);

/* In PID 1, once a child that inherited the name (the prober) runs: the
 * child holds the name and publishes the phase from then on; PID 1 holds
 * no socket, and its phase_set() only tells the service manager.
 * phase_take_back(), once the child is gone, publishes the phase again. */
void phase_lend(void);
void phase_take_back(void);

/* For `muster health`: the phase of muster as PID 1 of this process's PID
 * namespace, found in /proc/net/unix.  Returns 1 and fills `out`, or 0
 * when there is none (PID 1 is not muster, no /proc). */
int phase_lookup(char *out, size_t len);

#endif
