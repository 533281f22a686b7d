/* sig.h - signal plumbing of PID 1: every signal blocked and read from one
 * signalfd, except the synchronous faults. */
#ifndef MUSTER_SIG_H
#define MUSTER_SIG_H

#include <sys/signalfd.h>
#include <sys/types.h>

/* Block every signal but the synchronous faults and open the signalfd.
 * Returns the fd (the same one on every later call), or -errno after one
 * line, with the signal mask and handlers left as they were. */
int sig_setup(void);

/* The signalfd of sig_setup(), -1 before it. */
int sig_fd(void);

/* Where a fault signal sent with kill(2) goes: pid, -pgid, or 0: nowhere
 * (dropped).  rewrite: the -r table (rewrite[from] = to, 0 unchanged, -1
 * dropped), applied there as to every other forwarded signal; NULL: none. */
void sig_set_fault_target(pid_t target, const int *rewrite);

/* Read one signal from the signalfd (blocking).  Returns its number, 0
 * for a signal muster raised or caused itself (SIGPIPE, SIGXFSZ from its
 * own writes: consumed, to be neither forwarded nor logged), or -errno. */
int sig_read(struct signalfd_siginfo *si);

/* Consume a pending `sig` if there is one.  Returns 1 if it was pending. */
int sig_take_pending(int sig);

/* In a new child, before exec: the signal mask and the fault signals'
 * dispositions muster was given (every other disposition is untouched: an
 * inherited SIG_IGN stays, as documented). */
void sig_restore_child(void);

#endif
