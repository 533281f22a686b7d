/* supervise.c - the PID-1 loop: one blocking signalfd read at a time
 * (with a deadline only while a grace or hook timeout runs), forwarding,
 * reaping, stopping.  Once the workload runs, nothing here exits on error:
 * it logs and carries on. */
#include "init/pid1/supervise.h"
#include "init/exit.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf/clock.h"
#include "conf/log.h"
#include "conf/parse.h"
#include "init/pid1/explain.h"
#include "init/pid1/leftovers.h"
#include "init/pid1/phase.h"
#include "init/pid1/notify.h"
#include "init/pid1/ready.h"
#include "init/pid1/self.h"
#include "init/pid1/sig.h"
#include "init/pid1/spawn.h"

struct sup {
	const struct muster_conf *c;
	pid_t child;
	bool workload;   /* the workload, not a hook: its stop covers leftovers */
	bool done;
	int status;
	int stopsig;     /* first stop signal received */
	int stop_to;     /* what the child gets for it (after -r) */
	int64_t drain_at; /* end of --stop-delay (draining), 0: not draining */
	int64_t kill_at; /* the stop's one SIGKILL deadline, 0: no stop yet */
	bool killed;     /* that deadline passed: SIGKILL sent */
	int64_t term_at; /* hook timeout, 0: none */
	bool timed_out;
	pid_t ready_pid; /* the readiness probe (ready.h), 0: none */
	struct stop_info stop; /* the first stop signal and its sender */
	struct oom_watch oom;  /* the workload's memory cgroup */
};

static enum tty_mode tty = TTY_NONE;
static bool tty_ready;

bool sup_is_stop_signal(const struct muster_conf *c, int sig)
{
	return sig == SIGTERM || sig == SIGINT || sig == SIGQUIT ||
	       (c->pdeathsig && sig == c->pdeathsig);
}

/* Reap every zombie there is.  Returns false once muster has no child. */
static bool reap(struct sup *s)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);

		if (pid == 0)
			return true;
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			return false; /* ECHILD */
		}
		if (pid == s->child && !s->done) {
			s->done = true;
			s->status = st;
		} else if (pid == s->ready_pid) {
			s->ready_pid = 0;
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
				log_debug("the workload answers healthy: READY=1");
				phase_ready();
			}
		} else {
			log_debug("reaped pid %d (code %d)", (int)pid, exit_code_of_status(st));
		}
	}
}

int sup_idle_signal(const struct muster_conf *c, pid_t child, int *status)
{
	struct signalfd_siginfo si;
	char nb[16];
	int sig = sig_read(&si), st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		if (pid == child) /* orphans may reach us even now */
			*status = st;
	if (sig > 0 && sup_is_stop_signal(c, sig))
		return sig;
	if (sig > 0 && sig != SIGCHLD)
		log_debug("received SIG%s: no child to forward it to, ignored",
			  signal_name(sig, nb));
	return 0;
}

static void send_child(struct sup *s, int sig)
{
	char nb[16];

	if (s->done)
		return;
	if (s->c->kill_group && kill(-s->child, sig) == 0)
		return;
	/* no group yet (the child has not reached setsid) or not -g */
	if (kill(s->child, sig) < 0)
		log_debug("cannot send SIG%s to pid %d: %s", signal_name(sig, nb), (int)s->child,
			  strerror(errno));
}

/* The workload runs: the phase says so, and the service manager hears
 * READY=1 now or, with a [health] URL, once the probe sees it healthy. */
static void workload_running(struct sup *s, const struct priv_plan *ids)
{
	pid_t pid;

	phase_set(PHASE_RUNNING, NULL);
	if (!notify_enabled())
		return;
	if (s->c->health_urls.n && (pid = ready_probe_start(s->c, ids)) > 0) {
		s->ready_pid = pid;
		return;
	}
	phase_ready();
}

/* A stop or the workload's end: no READY=1 any more, no probe left over. */
static void end_ready_probe(struct sup *s)
{
	if (s->ready_pid <= 0)
		return;
	kill(s->ready_pid, SIGKILL);
	while (waitpid(s->ready_pid, NULL, 0) < 0 && errno == EINTR)
		;
	s->ready_pid = 0;
}

/* Everything muster may have left behind: the whole namespace as PID 1,
 * else the child's process group and every direct child. */
static void signal_everyone(struct sup *s, int sig)
{
	if (getpid() == 1) {
		kill(-1, sig);
		return;
	}
	if (s->child > 0)
		kill(-s->child, sig);
	procs_signal_children(sig, 0);
}

/* A stop begins (after any --stop-delay): the child gets the stop signal
 * (after -r) and, for the workload, the leftovers (processes re-parented to
 * muster) get TERM now rather than after the workload's grace; one grace
 * deadline covers them all.  `why` starts the one line that says so; NULL:
 * the stop signal's own arrival (who sent it). */
static void begin_stop(struct sup *s, const char *why)
{
	char nb[16], how[40] = "", rest[160];

	end_ready_probe(s);
	phase_set(PHASE_STOPPING, NULL);
	s->drain_at = 0;
	send_child(s, s->stop_to);
	if (s->workload)
		procs_signal_children(SIGTERM, s->child);
	if (!s->kill_at)
		s->kill_at = mono_ms() + s->c->grace_ms;
	if (s->stop_to != s->stopsig)
		snprintf(how, sizeof(how), " as SIG%s", signal_name(s->stop_to, nb));
	snprintf(rest, sizeof(rest),
		 ": forwarded%s to the %s pid %d, SIGKILL in %lldms if it is still running", how,
		 s->workload ? "workload" : "hook", (int)s->child, (long long)s->c->grace_ms);
	if (why)
		log_info("%s%s", why, rest);
	else
		explain_stop(&s->stop, rest);
}

/* A stop signal: the first starts the stop or, with --stop-delay, first
 * lets the workload run on (draining) until the delay is over or a second
 * stop signal comes; later ones are forwarded as any signal. */
static void on_stop_signal(struct sup *s, const struct signalfd_siginfo *si, int to)
{
	char why[64], nb[16], rest[64];

	if (s->stopsig && !s->drain_at) {
		send_child(s, to);
		return;
	}
	if (s->stopsig) {
		snprintf(why, sizeof(why), "received SIG%s: stop delay cut short",
			 signal_name((int)si->ssi_signo, nb));
		begin_stop(s, why);
		return;
	}
	s->stopsig = (int)si->ssi_signo;
	s->stop_to = to;
	stop_info_fill(&s->stop, si);
	if (s->workload && s->c->stop_delay_ms > 0) {
		s->drain_at = mono_ms() + s->c->stop_delay_ms;
		end_ready_probe(s);
		phase_set(PHASE_DRAINING, NULL);
		snprintf(rest, sizeof(rest), ": the workload keeps running for %lldms (--stop-delay)",
			 (long long)s->c->stop_delay_ms);
		explain_stop(&s->stop, rest);
		return;
	}
	begin_stop(s, NULL);
}

/* The grace deadline passed: SIGKILL the child's session and, for the
 * workload, everything it may have left behind. */
static void kill_at_deadline(struct sup *s, const char *what)
{
	log_warn("%s still running after the grace period: sending SIGKILL", what);
	s->killed = true;
	send_child(s, SIGKILL);
	if (s->child > 0)
		kill(-s->child, SIGKILL); /* its session, whatever -g says */
	if (s->workload)
		signal_everyone(s, SIGKILL);
}

static bool is_tty_stop(int sig)
{
	return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* The signal to deliver for `sig`: -r's, else with -g SIGSTOP for TSTP,
 * TTIN and TTOU (as dumb-init in its setsid mode): the workload leads its
 * own session, so its process group is orphaned and the kernel discards
 * those three there for every process that does not catch them. */
static int delivered(const struct muster_conf *c, int sig)
{
	if (c->rewrite[sig])
		return c->rewrite[sig];
	return c->kill_group && is_tty_stop(sig) ? SIGSTOP : sig;
}

static void on_signal(struct sup *s, const struct signalfd_siginfo *si)
{
	const struct muster_conf *c = s->c;
	int sig = (int)si->ssi_signo;
	int to = delivered(c, sig);
	char nb[16], nb2[16];

	if (sig == SIGCHLD) {
		reap(s);
		return;
	}
	if (to < 0) {
		log_debug("dropping SIG%s (--rewrite)", signal_name(sig, nb));
		return;
	}
	if (to != sig)
		log_debug("received SIG%s, delivering SIG%s", signal_name(sig, nb),
			  signal_name(to, nb2));
	if (sup_is_stop_signal(c, sig) && !s->done)
		on_stop_signal(s, si, to);
	else
		send_child(s, to);
	if (is_tty_stop(sig) && getpid() != 1)
		kill(getpid(), SIGSTOP); /* as dumb-init: suspend along with it */
}

/* Sleep in the signalfd until a signal or the deadline (0: none: a plain
 * blocking read, one system call per signal).  Returns true when the
 * deadline passed. */
static bool wait_event(struct sup *s, int64_t deadline)
{
	struct pollfd pfd = {.fd = sig_fd(), .events = POLLIN};
	struct signalfd_siginfo si;
	int r;

	if (deadline) {
		int64_t left = deadline - mono_ms();

		if (left <= 0)
			return true;
		r = poll(&pfd, 1, left > 0x7fffffff ? 0x7fffffff : (int)left);
		if (r == 0)
			return mono_ms() >= deadline;
		if (r < 0) {
			if (errno != EINTR)
				log_warn("poll: %s", strerror(errno));
			return false;
		}
	}
	if (sig_read(&si) > 0)
		on_signal(s, &si);
	return false;
}

static int64_t earliest(int64_t a, int64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

/* Run s->child until it exits, with grace and (for hooks) timeout. */
static void run_child(struct sup *s, const char *what)
{
	while (!s->done) {
		int64_t deadline = earliest(s->killed ? 0 : s->kill_at, s->term_at);

		if (!wait_event(s, earliest(deadline, s->drain_at)))
			continue;
		if (s->drain_at && mono_ms() >= s->drain_at) {
			begin_stop(s, "stop delay over");
		} else if (s->term_at && mono_ms() >= s->term_at) {
			log_error("%s timed out: sending SIGTERM", what);
			s->term_at = 0;
			s->timed_out = true;
			send_child(s, SIGTERM);
			if (!s->kill_at)
				s->kill_at = mono_ms() + s->c->grace_ms;
		} else if (s->kill_at && !s->killed && mono_ms() >= s->kill_at) {
			kill_at_deadline(s, what);
		}
		reap(s);
	}
}

/* After the workload: TERM what is left and reap everything, under the
 * stop's grace deadline when a stop began (one deadline for the whole
 * stop), else under a grace that starts now; then KILL. */
static void stop_leftovers(struct sup *s)
{
	if (!reap(s))
		return;
	/* after the grace's SIGKILL to everything, what is left is dying */
	if (!s->killed)
		log_info("stopping processes left behind by the workload");
	if (!s->kill_at)
		s->kill_at = mono_ms() + s->c->grace_ms;
	signal_everyone(s, s->killed ? SIGKILL : SIGTERM);
	while (reap(s)) {
		if (wait_event(s, s->killed ? 0 : s->kill_at)) {
			log_warn("processes still running after the grace period: sending SIGKILL");
			signal_everyone(s, SIGKILL);
			s->killed = true;
		}
	}
}

static int start(struct sup *s, const struct muster_conf *c, const struct child_spec *spec)
{
	pid_t pid;

	memset(s, 0, sizeof(*s));
	s->c = c;
	if (sig_fd() < 0)
		return -EBADF;
	if (!tty_ready) {
		tty = spawn_tty_setup();
		tty_ready = true;
	}
	pid = spawn_child(spec, tty);
	if (pid < 0)
		return (int)pid;
	s->child = pid;
	sig_set_fault_target(c->kill_group ? -pid : pid, c->rewrite);
	return 0;
}

int sup_run_hook(const struct muster_conf *c, const struct child_spec *spec,
		 int64_t timeout_ms, struct sup_result *r)
{
	struct sup s;
	int err = start(&s, c, spec);

	if (err)
		return err;
	if (timeout_ms > 0)
		s.term_at = mono_ms() + timeout_ms;
	run_child(&s, spec->what);
	sig_set_fault_target(0, c->rewrite);
	reap(&s);
	r->status = s.status;
	r->code = exit_code_of_status(s.status);
	r->stopsig = s.stopsig;
	return 0;
}

int sup_run_workload(const struct muster_conf *c, const struct child_spec *spec)
{
	struct sup s;
	struct oom_watch oom;
	struct exit_info e;
	int code;

	oom_watch_start(&oom); /* before the fork: an early OOM kill counts too */
	if (start(&s, c, spec))
		return EXIT_NOEXEC;
	s.workload = true;
	s.oom = oom;
	/* the workload has its directory; PID 1 needs none and must not pin
	 * the start directory's mount for the container's life (as dumb-init) */
	if (chdir("/") < 0)
		log_debug("cannot change to /: %s", strerror(errno));
	workload_running(&s, spec->probe_ids);
	pid1_release_setup_pages();
	run_child(&s, spec->what);
	end_ready_probe(&s);
	phase_set(PHASE_STOPPING, NULL);
	code = exit_code_of_status(s.status);
	e = (struct exit_info){.status = s.status,
			       .code = code,
			       .grace_kill = s.killed,
			       .stop = &s.stop,
			       .oom = &s.oom};
	explain_exit(&e);
	sig_set_fault_target(0, c->rewrite);
	stop_leftovers(&s);
	if (c->remap_exit[code]) {
		log_debug("reporting exit code %d as 0 (--remap-exit)", code);
		code = 0;
	}
	return code;
}
