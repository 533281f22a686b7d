/* prober.c - the start's waits in a sandboxed child of PID 1 (prober.h). */
#include "init/pid1/prober.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/log.h"
#include "conf/parse.h"
#include "hooks/sandbox/drop.h"
#include "hooks/wait/trust.h"
#include "hooks/wait/wait.h"
#include "init/pid1/notify.h"
#include "init/pid1/phase.h"
#include "init/pid1/sig.h"
#include "init/pid1/supervise.h"

struct prober {
	const struct priv_plan *ids;
	int fd; /* the pipe's write end */
};

/* The phase: which targets are still awaited. */
static void waiting(const char *pending)
{
	char detail[160];

	snprintf(detail, sizeof(detail), "waiting for %s", pending);
	phase_set(PHASE_STARTING, detail);
}

/* The targets still awaited: the prober publishes the phase's name (it
 * holds it, phase_lend()) and tells PID 1 in one packet, for the service
 * manager. */
static void tell(void *arg, const char *pending)
{
	const struct prober *p = arg;

	waiting(pending);
	if (write(p->fd, pending, strlen(pending)) < 0)
		log_debug("cannot tell PID 1 the pending targets: %s", strerror(errno));
}

static int enter(void *arg)
{
	const struct prober *p = arg;

	return priv_sandbox(p->ids, SIGKILL);
}

/* The child: never returns.  Its exit code is the error kind (an errno,
 * 0: every target ready); its signals stay blocked (PID 1's mask). */
static void prober(const struct muster_conf *c, const struct priv_plan *ids, int fd)
{
	const struct wait_http http = {c->wait_expect, &c->wait_headers, c->wait_body};
	struct tls_settings tls = tls_settings_of(c);
	struct prober p = {ids, fd};
	const struct wait_ctl ctl = {
	    .abort_fd = -1, .on_pending = tell, .on_start = enter, .arg = &p, .http = &http};

	close(sig_fd());
	notify_close(); /* the phase's name stays: the prober publishes it */
	_exit(-wait_all_ctl(&c->wait_urls, &tls, c->wait_timeout_ms, &ctl) & 0xff);
}

/* A packet from the prober: the service manager hears what is still
 * awaited (STATUS=), from PID 1. */
static bool progress(int fd)
{
	char pending[148]; /* a longer packet's rest is dropped */
	ssize_t n = read(fd, pending, sizeof(pending) - 1);

	if (n <= 0)
		return n < 0 && errno == EINTR; /* end of file: the prober is gone */
	pending[n] = '\0';
	waiting(pending);
	return true;
}

int prober_run(const struct muster_conf *c, const struct priv_plan *ids, int *stopsig)
{
	struct pollfd pfd[2] = {{.fd = sig_fd(), .events = POLLIN}, {.events = POLLIN}};
	int fds[2] = {-1, -1}, st = -1;
	char nb[16];
	pid_t pid = -1;

	*stopsig = 0;
	/* O_DIRECT: a packet pipe, one read per write */
	if (pipe2(fds, O_CLOEXEC | O_DIRECT) < 0 || (pid = fork()) < 0) {
		log_error("cannot start the dependency prober: %s", strerror(errno));
		if (fds[0] >= 0) {
			close(fds[0]);
			close(fds[1]);
		}
		return -EIO;
	}
	if (pid == 0) {
		close(fds[0]);
		prober(c, ids, fds[1]);
	}
	close(fds[1]);
	phase_lend();
	pfd[1].fd = fds[0];
	/* until the pipe's end of file and the prober's exit, in any order */
	while (pfd[1].fd >= 0 || st == -1) {
		if (poll(pfd, 2, -1) < 0)
			continue; /* EINTR */
		if (pfd[1].revents && !progress(pfd[1].fd)) {
			close(pfd[1].fd);
			pfd[1].fd = -1;
		}
		if (pfd[0].revents && (*stopsig = sup_idle_signal(c, pid, &st)))
			break;
	}
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	if (*stopsig && st == -1) { /* not reaped yet */
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	phase_take_back(); /* the prober and its name are gone */
	if (*stopsig)
		return -ECANCELED;
	if (WIFEXITED(st))
		return -WEXITSTATUS(st);
	log_error("the dependency prober was killed by SIG%s", signal_name(WTERMSIG(st), nb));
	return -EIO;
}
