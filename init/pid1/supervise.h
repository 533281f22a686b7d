/* supervise.h - PID 1's children: spawn, forward signals, reap, stop.
 *
 * Everything runs from one blocking signalfd loop; all signals are blocked
 * (except the synchronous fault signals) from sig_setup() (sig.h) on. */
#ifndef MUSTER_SUPERVISE_H
#define MUSTER_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf/conf.h"

struct priv_plan;

struct child_spec {
	char **argv;
	/* Run in the child after the signal mask and handlers are restored,
	 * just before exec (privilege drop, seccomp).  Returns 0 or -errno
	 * (logged); on an error the child exits 78 without exec. */
	int (*setup)(void *arg);
	void *setup_arg;
	const char *what; /* "hook migrate", "workload": for log lines */
	const char *shown; /* argv[0] as log lines name it, before any ${NAME}
			      expansion; NULL: argv[0] */
	const struct priv_plan *probe_ids; /* the workload: the READY=1 probe's ids */
};

/* Outcome of a supervised run. */
struct sup_result {
	int status;    /* wait(2) status of the child */
	int code;      /* exit code muster should report for it */
	int stopsig;   /* a stop signal (TERM/INT/QUIT/pdeathsig) that arrived, 0: none */
};

/* TERM, INT, QUIT or the --pdeathsig signal: the ones that stop muster. */
bool sup_is_stop_signal(const struct muster_conf *c, int sig);

/* While no supervised child runs (the waits): read one signal from the
 * signalfd and reap every zombie; the wait status of `child` (the waits'
 * prober) into *status when it is among them.  Returns the signal when it
 * is a stop signal, else 0: other signals have nowhere to go (logged at
 * debug level). */
int sup_idle_signal(const struct muster_conf *c, pid_t child, int *status);

/* Run a pre-start hook to completion under PID-1 supervision: signals are
 * forwarded to it, zombies reaped; after timeout_ms (0 = none) it gets
 * TERM, then KILL after the grace.  Returns 0 and fills r, or -errno when
 * it could not be started (logged). */
int sup_run_hook(const struct muster_conf *c, const struct child_spec *spec,
		 int64_t timeout_ms, struct sup_result *r);

/* Run the workload and stay PID 1 until it exits and every leftover is
 * stopped and reaped.  Returns muster's exit code. */
int sup_run_workload(const struct muster_conf *c, const struct child_spec *spec);

#endif
