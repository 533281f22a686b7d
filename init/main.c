/* main.c - muster's entry point: subcommand dispatch, the start sequence
 * of SPEC.md, and the only place that chooses an exit code. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "log.h"
#include "wait.h"

extern char **environ;

static unsigned mode_of(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "wait"))
		return MODE_WAIT;
	if (argc > 1 && !strcmp(argv[1], "health"))
		return MODE_HEALTH;
	if (argc > 1 && !strcmp(argv[1], "config"))
		return MODE_CONFIG;
	return MODE_MAIN;
}

/* Fill `c` from CLI > env > INI.  Returns 0, or the exit code to use. */
static int load_conf(struct muster_conf *c, unsigned mode, int argc, char **argv)
{
	int r;

	conf_init(c);
	r = conf_parse_cli(c, mode, argc, argv);
	if (r == CLI_HELP) {
		conf_usage(mode);
		return -1;
	}
	if (r == CLI_VERSION) {
		printf("muster %s\n", MUSTER_VERSION);
		return -1;
	}
	if (r < 0)
		return EXIT_USAGE;
	if (conf_load_env(c, environ))
		return EXIT_USAGE;
	log_setup(c->log_level, c->log_format);
	return 0;
}

static void no_op(int sig)
{
	(void)sig;
}

/* `muster wait [--timeout DUR] URL...`: 0 all ready, 69 deadline, 64 bad
 * or missing URL, 128+N when stopped by INT/TERM while waiting. */
static int cmd_wait(struct muster_conf *c)
{
	struct signalfd_siginfo si;
	sigset_t set;
	int fd, r;

	if (!c->wait_urls.n) {
		log_error("no URL given: muster wait [--timeout DUR] URL...");
		return EXIT_USAGE;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* As PID 1, a signal with the default action is dropped by the kernel
	 * when sent from inside the container: give it a (never run) handler
	 * so that it stays pending for the signalfd. */
	sigaction(SIGINT, &(struct sigaction){.sa_handler = no_op}, NULL);
	sigaction(SIGTERM, &(struct sigaction){.sa_handler = no_op}, NULL);
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	r = wait_all(&c->wait_urls, c->wait_timeout_ms, fd);
	if (r == 0)
		return 0;
	if (r == -ETIMEDOUT)
		return EXIT_UNAVAILABLE;
	if (r == -ECANCELED) {
		int sig = SIGTERM;

		if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			sig = (int)si.ssi_signo;
		log_warn("stopped by SIG%s while waiting", sig == SIGINT ? "INT" : "TERM");
		return 128 + sig;
	}
	return r == -EINVAL ? EXIT_USAGE : 1;
}

int main(int argc, char **argv)
{
	struct muster_conf c;
	unsigned mode = mode_of(argc, argv);
	int r;

	if (mode != MODE_MAIN) {
		argv++;
		argc--;
	}
	r = load_conf(&c, mode, argc, argv);
	if (r)
		return r < 0 ? 0 : r;
	if (mode == MODE_WAIT) {
		r = cmd_wait(&c);
		conf_free(&c);
		return r;
	}
	log_error("not implemented yet");
	return 1;
}
