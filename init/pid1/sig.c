/* sig.c - PID 1's signal plumbing: everything blocked and read from one
 * signalfd, except the synchronous fault signals; those get a handler that
 * forwards a kill(2)-sent one to the workload and lets a real fault crash. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <stdint.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conf/log.h"
#include "init/pid1/sig.h"
#include "init/pid1/supervise.h"

/* Kernel signal masks, set through the raw syscalls: glibc's sigfillset()
 * and sigprocmask() leave out 32 and 33 (its own thread signals), and a
 * PID 1 that left them unblocked would die of a `kill -33` from outside. */
static uint64_t orig_mask;
static int sfd = -1;
static pid_t self; /* muster's pid, for signals it caused itself */
static volatile sig_atomic_t fault_target; /* kill(2) target, 0: none */
static const int *fault_rewrite;            /* -r, read-only once set */

/* The dispositions muster sets for itself: a handler for the synchronous
 * faults (first NFAULT), and SIGCHLD's default, since an inherited SIG_IGN
 * would make the kernel reap the workload behind muster's back (no exit
 * status, nothing to wait for).  The originals go back in every child. */
static const int owned_sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT, SIGSYS,
				 SIGCHLD};
#define NFAULT 7
#define NOWNED (sizeof(owned_sigs) / sizeof(owned_sigs[0]))
static struct sigaction orig_owned[NOWNED]; /* the dispositions muster was given */

/* A fault signal someone sent with kill(2) (si_code <= 0: SI_USER,
 * SI_QUEUE, SI_TKILL) is forwarded like any other signal, after -r, or
 * dropped while no child runs; the handler stays for the next one.  A real
 * fault, or one muster raised itself (abort()), ends muster: default
 * action, and returning re-runs the faulting instruction. */
static void on_fault(int sig, siginfo_t *si, void *uc)
{
	pid_t target = (pid_t)fault_target;
	int to = fault_rewrite && fault_rewrite[sig] ? fault_rewrite[sig] : sig;

	(void)uc;
	if (si->si_code <= 0 && si->si_pid != getpid()) {
		if (target && to > 0)
			kill(target, to);
		return;
	}
	signal(sig, SIG_DFL);
	if (si->si_code <= 0)
		raise(sig);
}

/* Undo a sig_setup() that failed half-way: the caller exits, or tries
 * again, with the mask and handlers muster started with. */
static void undo_setup(bool unblock)
{
	size_t i;

	if (unblock)
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &orig_mask, NULL, sizeof(orig_mask));
	for (i = 0; i < NOWNED; i++)
		sigaction(owned_sigs[i], &orig_owned[i], NULL);
}

int sig_setup(void)
{
	uint64_t all = ~(uint64_t)0;
	struct sigaction sa, dfl;
	size_t i;
	int err;

	if (sfd >= 0)
		return sfd;
	self = getpid();
	for (i = 0; i < NFAULT; i++)
		all &= ~((uint64_t)1 << (owned_sigs[i] - 1));
	/* handlers first: musl's sigaction() unblocks its internal signals
	 * (33, 34) the first time a handler is installed */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (i = 0; i < NOWNED; i++)
		sigaction(owned_sigs[i], i < NFAULT ? &sa : &dfl, &orig_owned[i]);
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, &orig_mask, sizeof(all)) < 0) {
		err = errno;
		undo_setup(false);
		log_error("cannot block signals: %s", strerror(err));
		return -err;
	}
	sfd = (int)syscall(SYS_signalfd4, -1, &all, sizeof(all), SFD_CLOEXEC);
	if (sfd < 0) {
		err = errno;
		sfd = -1;
		undo_setup(true);
		log_error("cannot open signalfd: %s", strerror(err));
		return -err;
	}
	return sfd;
}

int sig_fd(void)
{
	return sfd;
}

void sig_set_fault_target(pid_t target, const int *rewrite)
{
	fault_rewrite = rewrite;
	fault_target = target;
}

/* A signal muster raised or caused itself: above all SIGPIPE and SIGXFSZ
 * from one of its own writes (a log line to a pipe nobody reads any more, a
 * file over RLIMIT_FSIZE).  The kernel sends those as if muster had called
 * kill() on itself: si_code SI_USER, si_pid muster's own pid.  Nobody else
 * has that pid, and a sender outside muster's PID namespace shows as 0. */
static bool self_caused(const struct signalfd_siginfo *si)
{
	return (int32_t)si->ssi_code <= 0 && si->ssi_pid == (uint32_t)self;
}

int sig_read(struct signalfd_siginfo *si)
{
	ssize_t n;

	/* syscall(), not read(): the idle PID 1 then runs only its own code
	 * and this one libc function, which also does pid1_release_setup_pages'
	 * madvise: fewer pages mapped back while it waits (self.h) */
	do
		n = syscall(SYS_read, sfd, si, sizeof(*si));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(*si))
		return n < 0 ? -errno : -EIO;
	/* never forwarded, and never logged: a log line about a SIGPIPE
	 * would only raise the next one */
	if (self_caused(si))
		return 0;
	return (int)si->ssi_signo;
}

int sig_take_pending(int sig)
{
	sigset_t one;
	struct timespec zero = {0, 0};

	sigemptyset(&one);
	sigaddset(&one, sig);
	return sigtimedwait(&one, NULL, &zero) == sig;
}

/* The kernel's struct sigaction for rt_sigaction(2): resetting to SIG_DFL
 * needs no restorer, and the raw call also reaches 32 and 33, which glibc's
 * sigaction() refuses. */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

/* The workload gets the mask and the dispositions muster was given: only
 * the owned ones were changed; everything else muster never touched (an
 * inherited SIG_IGN, nohup-style, is kept; exec resets handlers).  But 32
 * and 33 are the C library's own (thread cancellation, set*id broadcast):
 * no program can ignore them through libc, so an ignored one was set by a
 * runtime underneath (GNU make, qemu-user) and would break the workload's
 * libc: they start at the default. */
void sig_restore_child(void)
{
	struct ksigaction dfl;
	size_t i;
	int s;

	memset(&dfl, 0, sizeof(dfl));
	dfl.handler = SIG_DFL;
	for (s = 32; s <= 33; s++)
		syscall(SYS_rt_sigaction, s, &dfl, NULL, sizeof(dfl.mask));
	for (i = 0; i < NOWNED; i++)
		sigaction(owned_sigs[i], &orig_owned[i], NULL);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &orig_mask, NULL, sizeof(orig_mask));
}
