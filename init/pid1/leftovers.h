/* procs.h - muster's own children, for stopping leftovers when muster is a
 * subreaper rather than PID 1 (kill(-1) would reach the whole host). */
#ifndef MUSTER_PROCS_H
#define MUSTER_PROCS_H

#include <sys/types.h>

/* Parse the parent pid out of a /proc/PID/stat line.  Returns it or -1.
 * Pure: the comm field may hold spaces and parentheses. */
pid_t procs_stat_ppid(const char *stat, size_t len);

/* Send sig to every direct child of this process but `except` (0: none).
 * Returns how many. */
int procs_signal_children(int sig, pid_t except);

#endif
