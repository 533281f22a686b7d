/* main.c - muster's entry point and table of contents: which command runs,
 * and the main mode's stages in order.  init/ is the only layer that
 * chooses an exit code (init/exit.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "conf/cli.h"
#include "conf/clock.h"
#include "conf/conf.h"
#include "conf/env.h"
#include "conf/ini.h"
#include "conf/log.h"
#include "conf/parse.h"
#include "hooks/run/list.h"
#include "hooks/sandbox/drop.h"
#include "hooks/secrets/expand.h"
#include "hooks/secrets/secrets.h"
#include "init/cmd/config.h"
#include "init/cmd/health.h"
#include "init/cmd/wait.h"
#include "init/exit.h"
#include "init/pid1/notify.h"
#include "init/pid1/phase.h"
#include "init/pid1/prober.h"
#include "init/pid1/self.h"
#include "init/pid1/sig.h"
#include "init/pid1/supervise.h"
#include "init/version.h"

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

/* Stage 1: fill `c` from CLI > env > INI.  Returns 0 or the error's kind;
 * *answered is set when --help or --version already said everything. */
static int load_conf(struct muster_conf *c, unsigned mode, int argc, char **argv,
		     bool *answered)
{
	int r;

	conf_init(c);
	*answered = false;
	r = conf_parse_cli(c, mode, argc, argv);
	if (r == CLI_HELP || r == CLI_VERSION) {
		if (r == CLI_HELP)
			conf_usage(mode);
		else
			version_print();
		*answered = true;
		return 0;
	}
	if (r < 0 || (r = conf_load_env(c, environ)))
		return r;
	log_setup(c->log_level, c->log_format);
	/* the file's path comes from CLI/env, so the file is read last; its
	 * values only fill what CLI and env left unset (conf_apply's rule) */
	if (mode != MODE_WAIT) {
		bool explicit_path = c->config_path != NULL;

		r = conf_load_ini(c, explicit_path ? c->config_path : CONF_DEFAULT_PATH,
				  explicit_path);
		if (r)
			return r;
		log_setup(c->log_level, c->log_format);
	}
	return 0;
}

/* Stage 3: wait for every dependency under one deadline, in the prober
 * (init/pid1/prober.h).  A stop signal ends the start (128+N).  Returns 0
 * or the exit code. */
static int stage_wait(const struct muster_conf *c, const struct priv_plan *plan)
{
	char nb[16];
	int sig, r = prober_run(c, plan, &sig);

	if (r != -ECANCELED)
		return r ? exit_code_for(r) : 0;
	phase_set(PHASE_STOPPING, NULL);
	log_warn("received SIG%s while waiting: not starting the workload",
		 signal_name(sig, nb));
	return 128 + sig;
}

/* Stage 4: the pre-start hooks, one after another.  Returns 0 or the exit
 * code (the failed hook's, or 128+N after a stop signal). */
static int stage_hooks(const struct muster_conf *c, struct priv_plan *plan)
{
	struct hook *hooks = NULL;
	size_t n = 0, i;
	int code = 0, r = hooklist_build(c, &hooks, &n);

	if (r)
		return exit_code_for(r);
	for (i = 0; i < n && !code; i++) {
		char what[128], detail[144];
		struct child_spec spec = {.argv = hooks[i].argv,
					  .setup = priv_hook_setup,
					  .setup_arg = plan,
					  .what = what};
		struct sup_result res;
		int64_t t0 = mono_ms();

		snprintf(what, sizeof(what), "hook %s", hooks[i].name);
		snprintf(detail, sizeof(detail), "running %s", what);
		phase_set(PHASE_STARTING, detail);
		log_info("%s", detail);
		if (sup_run_hook(c, &spec, hooks[i].timeout_ms, &res) < 0) {
			code = EXIT_NOEXEC;
		} else if (res.stopsig) {
			log_warn("%s stopped by a signal: not starting the workload", what);
			code = res.code ? res.code : 128 + res.stopsig;
		} else if (res.code) {
			log_error("%s failed with exit code %d: not starting the workload", what,
				  res.code);
			code = res.code;
		} else {
			log_info("%s done in %lldms", what, (long long)(mono_ms() - t0));
		}
	}
	hooklist_free(hooks, n);
	return code;
}

/* Stage 2, with --expand-args: ${NAME} in the command and its arguments,
 * now that secrets are loaded.  The workload runs the expanded words; log
 * lines name it as written.  Returns 0 or the exit code. */
static int expand_command(const struct muster_conf *c, struct child_spec *work, char ***expanded)
{
	char err[512];
	int r = expand_argv(c->argv, expanded, err, sizeof(err));

	if (r) {
		log_error("%s", r == -ENOMEM ? "out of memory" : err);
		return exit_code_for(r);
	}
	work->argv = *expanded;
	work->shown = c->argv[0];
	return 0;
}

/* The main mode: the start sequence, then stay PID 1.  Until the workload
 * runs, any failure ends muster with one line and the contract's code;
 * from sup_run_workload() on, PID 1 never exits on an error of its own. */
static int run_main(struct muster_conf *c)
{
	struct priv_plan plan;
	struct child_spec work = {.argv = c->argv, .what = "workload"};
	char **expanded = NULL;
	int r;

	/* 1: the configuration is loaded; its URLs are checked first */
	if ((r = check_wait_urls(c)))
		return exit_code_for(r);
	if (pid1_setup(c) < 0 || sig_setup() < 0)
		return EXIT_NOEXEC;
	notify_setup();
	/* 2: secrets; then everything named is resolved before any wait */
	phase_set(PHASE_STARTING, "loading secrets");
	if (secrets_load(c))
		return EXIT_CONFIG;
	if (c->expand_args && (r = expand_command(c, &work, &expanded)))
		return r;
	if (priv_prepare(c, &plan)) {
		expand_argv_free(expanded);
		return EXIT_CONFIG;
	}
	/* 3: waits; 4: hooks */
	r = c->wait_urls.n ? stage_wait(c, &plan) : 0;
	if (!r)
		r = stage_hooks(c, &plan);
	/* 5: the workload, privileges dropped in its child; 6: stay PID 1 */
	if (!r) {
		work.setup = priv_child_setup;
		work.setup_arg = &plan;
		work.probe_ids = &plan;
		r = sup_run_workload(c, &work);
	}
	priv_plan_free(&plan);
	expand_argv_free(expanded);
	return r;
}

int main(int argc, char **argv)
{
	struct muster_conf c;
	unsigned mode = mode_of(argc, argv);
	bool answered;
	int r;

	if (mode != MODE_MAIN) {
		argv++;
		argc--;
	}
	r = load_conf(&c, mode, argc, argv, &answered);
	if (mode == MODE_HEALTH) {
		/* health answers 0 or 1, whatever went wrong (Docker reserves 2) */
		if (r)
			health_report_config_error();
		r = r ? 1 : answered ? 0 : health_run(&c);
	} else if (r || answered) {
		r = r ? exit_code_for(r) : 0;
	} else if (mode == MODE_CONFIG) {
		r = cmd_config(&c);
	} else if (mode == MODE_WAIT) {
		r = cmd_wait(&c);
	} else {
		r = run_main(&c);
	}
	conf_free(&c);
	return r;
}
