/* sig.h - signal plumbing of PID 1 (see sig_setup() in supervise.h). */
#ifndef MUSTER_SIG_H
#define MUSTER_SIG_H

#include <sys/signalfd.h>
#include <sys/types.h>

/* Where a fault signal sent with kill(2) goes: pid, -pgid, or 0: nowhere. */
void sig_set_fault_target(pid_t target);

/* Read one signal from the signalfd (blocking).  Returns its number or
 * -errno. */
int sig_read(struct signalfd_siginfo *si);

/* Consume a pending `sig` if there is one.  Returns 1 if it was pending. */
int sig_take_pending(int sig);

/* In a new child, before exec: default handlers, muster's original mask. */
void sig_restore_child(void);

#endif
