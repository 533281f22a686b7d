/* main.c - muster's entry point: subcommand dispatch, the start sequence
 * of SPEC.md, and the only place that chooses an exit code. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf/clock.h"
#include "conf/cli.h"
#include "conf/conf.h"
#include "conf/dump.h"
#include "init/cmd/health.h"
#include "hooks/run/list.h"
#include "conf/ini.h"
#include "conf/log.h"
#include "conf/parse.h"
#include "init/pid1/self.h"
#include "hooks/sandbox/drop.h"
#include "hooks/secrets/secrets.h"
#include "init/pid1/sig.h"
#include "init/pid1/supervise.h"
#include "init/cmd/config.h"
#include "hooks/wait/wait.h"

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
	/* the file's path comes from CLI/env, so the file is read last; its
	 * values only fill what CLI and env left unset (conf_apply's rule) */
	if (mode != MODE_WAIT) {
		bool explicit_path = c->config_path != NULL;

		if (conf_load_ini(c, explicit_path ? c->config_path : CONF_DEFAULT_PATH,
				  explicit_path))
			return EXIT_CONFIG;
		log_setup(c->log_level, c->log_format);
	}
	return 0;
}

/* `muster config`: validate everything the main mode would, start nothing,
 * print the effective configuration (secrets redacted).  Returns the exit
 * code: 0, or the one the main mode would exit with. */
static int cmd_config(const struct muster_conf *c)
{
	enum conf_src src = SRC_FILE;

	if (validate_conf(c, &src))
		return conf_err_exit(src);
	conf_dump(c, stdout);
	if (fflush(stdout) || ferror(stdout)) {
		log_error("cannot write the configuration: %s", strerror(errno));
		return 1;
	}
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

/* Step 3: wait for every dependency under one deadline.  A stop signal
 * ends the start (128+N); other signals have no workload to go to yet.
 * Returns 0 or the exit code. */
static int stage_wait(const struct muster_conf *c)
{
	int64_t deadline = c->wait_timeout_ms ? mono_ms() + c->wait_timeout_ms : 0;
	struct signalfd_siginfo si;
	char nb[16];

	for (;;) {
		int64_t left = 0;
		int r, sig;

		if (deadline) {
			left = deadline - mono_ms();
			if (left < 1)
				left = 1;
		}
		r = wait_all(&c->wait_urls, left, sig_fd());
		if (r == 0)
			return 0;
		if (r == -ETIMEDOUT)
			return EXIT_UNAVAILABLE;
		if (r != -ECANCELED)
			return conf_err_exit(c->wait_urls.v[0].src);
		sig = sig_read(&si);
		if (sig > 0 && sup_is_stop_signal(c, sig)) {
			log_warn("received SIG%s while waiting: not starting the workload",
				 signal_name(sig, nb));
			return 128 + sig;
		}
		if (sig > 0 && sig != SIGCHLD)
			log_debug("received SIG%s while waiting: no workload yet, ignored",
				  signal_name(sig, nb));
		while (waitpid(-1, NULL, WNOHANG) > 0)
			; /* orphans may reach us even now */
	}
}

/* Step 4: the pre-start hooks, one after another.  Returns 0 or the exit
 * code (the failed hook's, or 128+N after a stop signal). */
static int stage_hooks(const struct muster_conf *c, struct priv_plan *plan)
{
	struct hook *hooks = NULL;
	enum conf_src src = SRC_CLI;
	size_t n = 0, i;
	int code = 0;

	if (hooklist_build(c, &hooks, &n, &src))
		return conf_err_exit(src);
	for (i = 0; i < n && !code; i++) {
		char what[128];
		struct child_spec spec = {.argv = hooks[i].argv,
					  .setup = priv_hook_setup,
					  .setup_arg = plan,
					  .what = what};
		struct sup_result r;
		int64_t t0 = mono_ms();

		snprintf(what, sizeof(what), "hook %s", hooks[i].name);
		log_info("running %s", what);
		if (sup_run_hook(c, &spec, hooks[i].timeout_ms, &r) < 0) {
			code = EXIT_NOEXEC;
		} else if (r.stopsig) {
			log_warn("%s stopped by a signal: not starting the workload", what);
			code = r.code ? r.code : 128 + r.stopsig;
		} else if (r.code) {
			log_error("%s failed with exit code %d: not starting the workload", what,
				  r.code);
			code = r.code;
		} else {
			log_info("%s done in %lldms", what, (long long)(mono_ms() - t0));
		}
	}
	hooklist_free(hooks, n);
	return code;
}

/* The main mode: SPEC.md's start sequence, then stay PID 1. */
static int run_main(struct muster_conf *c)
{
	struct priv_plan plan;
	struct child_spec work = {.argv = c->argv, .what = "workload"};
	enum conf_src src = SRC_CLI;
	int r;

	if (validate_wait_urls(c, &src))
		return conf_err_exit(src);
	if (pid1_setup(c) < 0)
		return EXIT_NOEXEC;
	if (sig_setup() < 0)
		return EXIT_NOEXEC;
	/* 2: secrets; then everything named is checked before any wait */
	if (secrets_load(c))
		return EXIT_CONFIG;
	if (priv_prepare(c, &plan))
		return EXIT_CONFIG;
	/* 3: waits; 4: hooks; 5, 6: the workload, privileges dropped */
	r = c->wait_urls.n ? stage_wait(c) : 0;
	if (!r)
		r = stage_hooks(c, &plan);
	if (!r) {
		work.setup = priv_child_setup;
		work.setup_arg = &plan;
		r = sup_run_workload(c, &work);
	}
	priv_plan_free(&plan);
	return r;
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
	if (mode == MODE_HEALTH) {
		/* health answers 0 or 1, whatever went wrong (Docker reserves 2) */
		if (r > 0)
			health_report_config_error();
		r = r ? (r < 0 ? 0 : 1) : health_run(&c);
		conf_free(&c);
		return r;
	}
	if (r) {
		conf_free(&c);
		return r < 0 ? 0 : r;
	}
	if (mode == MODE_CONFIG || mode == MODE_WAIT) {
		r = mode == MODE_CONFIG ? cmd_config(&c) : cmd_wait(&c);
		conf_free(&c);
		return r;
	}
	r = run_main(&c);
	conf_free(&c);
	return r;
}
