/* wait.c - `muster wait` (see wait.h). */
#include "init/cmd/wait.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "conf/log.h"
#include "hooks/sandbox/drop.h"
#include "hooks/secrets/secrets.h"
#include "hooks/wait/trust.h"
#include "hooks/wait/wait.h"
#include "init/exit.h"

static void no_op(int sig)
{
	(void)sig;
}

/* INT and TERM end the wait: blocked, and read from a signalfd that the
 * wait loop polls.  As PID 1, a signal with the default action is dropped
 * by the kernel when sent from inside the container: give each a (never
 * run) handler so that it stays pending for the signalfd. */
static int stop_signals_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigaction(SIGINT, &(struct sigaction){.sa_handler = no_op}, NULL);
	sigaction(SIGTERM, &(struct sigaction){.sa_handler = no_op}, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

/* Everything loaded: the caller's ids, no capability, no_new_privs,
 * seccomp, before the first attempt. */
static int sandbox(void *arg)
{
	(void)arg;
	return priv_sandbox(NULL, 0);
}

int cmd_wait(const struct muster_conf *c)
{
	const struct wait_http http = {c->wait_expect, &c->wait_headers, c->wait_body};
	struct signalfd_siginfo si;
	struct tls_settings tls;
	struct wait_ctl ctl = {.on_start = sandbox, .http = &http};
	int fd, r, sig = SIGTERM;

	if (!c->wait_urls.n) {
		log_error("no URL given: muster wait [OPTIONS] URL...");
		return EXIT_USAGE;
	}
	/* secrets first, as in the main mode: ${NAME} in a URL may name one */
	if (secrets_load(c))
		return EXIT_CONFIG;
	fd = stop_signals_fd();
	tls = tls_settings_of(c);
	ctl.abort_fd = fd;
	r = wait_all_ctl(&c->wait_urls, &tls, c->wait_timeout_ms, &ctl);
	if (r == 0 || r == -ETIMEDOUT || r == -EINVAL || r == -EBADMSG)
		return r ? exit_code_for(r) : 0;
	if (r == -ENOMEM)
		return 1; /* logged */
	if (r != -ECANCELED)
		return exit_code_for(r); /* the trust store (CA bundle ...): logged */
	if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		sig = (int)si.ssi_signo;
	log_warn("stopped by SIG%s while waiting", sig == SIGINT ? "INT" : "TERM");
	return 128 + sig;
}
