/* explain.h - the one line that says why the workload's life ended: who
 * sent the stop signal (pid and command name when visible), whether a
 * SIGKILL came from muster's grace or from elsewhere, and an OOM kill by
 * the kernel with the memory limit.  The JSON log format carries the same
 * facts as fields. */
#ifndef MUSTER_EXPLAIN_H
#define MUSTER_EXPLAIN_H

#include <stdbool.h>
#include <sys/signalfd.h>

#include "init/pid1/oom.h"

/* The first stop signal and who sent it, noted when it arrives (the sender
 * may be gone by the time the workload exits). */
struct stop_info {
	int sig;       /* 0: no stop signal */
	int pid;       /* the sender in muster's PID namespace; 0: outside it, or the kernel */
	char comm[17]; /* its command name, "" when not visible */
	char from[64]; /* "from pid 42 (kill)", "from outside muster's PID namespace" */
};

/* Fill `st` for the stop signal `si` describes. */
void stop_info_fill(struct stop_info *st, const struct signalfd_siginfo *si);

/* Log "received SIGTERM from pid 42 (kill)" + `rest` at info level, with
 * the sender as JSON fields. */
void explain_stop(const struct stop_info *st, const char *rest);

struct exit_info {
	int status;	 /* the workload's wait status */
	int code;	 /* the exit code it means */
	bool grace_kill; /* muster sent SIGKILL at the end of the grace */
	const struct stop_info *stop;
	const struct oom_watch *oom;
};

/* The one line for the workload's end:
 *   workload killed by SIGKILL: out of memory (limit 64 MiB)
 *   workload killed by SIGKILL: muster's grace ran out after SIGTERM from pid 42 (kill)
 *   workload killed by SIGKILL: not sent by muster
 *   workload killed by SIGQUIT after SIGTERM from outside muster's PID namespace
 *   workload exited with code 0 after SIGTERM from pid 42 (kill)
 *   workload killed by SIGSEGV (exit code 139)
 * and, at debug level only, "workload exited with code 3" for an exit that
 * no signal had a part in. */
void explain_exit(const struct exit_info *e);

#endif
