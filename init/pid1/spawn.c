/* spawn.c - fork and exec one child of PID 1. */
#include "init/pid1/spawn.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "conf/conf.h"
#include "init/exit.h"
#include "conf/log.h"
#include "init/pid1/sig.h"

enum tty_mode spawn_tty_setup(void)
{
	pid_t fg;

	if (!isatty(STDIN_FILENO))
		return TTY_NONE;
	fg = tcgetpgrp(STDIN_FILENO);
	if (fg < 0)
		return TTY_NONE; /* a terminal, but not our controlling one */
	if (getsid(0) != getpid())
		return TTY_FOREGROUND;
	/* We lead the terminal's session (PID 1 under `docker run -it`).
	 * Give the terminal up so the child's own session can take it; the
	 * kernel answers with HUP and CONT to our process group, which is
	 * only us: they are not for the workload. */
	if (ioctl(STDIN_FILENO, TIOCNOTTY) < 0) {
		log_debug("cannot release the terminal: %s", strerror(errno));
		return TTY_FOREGROUND;
	}
	sig_take_pending(SIGHUP);
	sig_take_pending(SIGCONT);
	return TTY_SESSION;
}

int spawn_exec_exit_code(int err)
{
	return (err == ENOENT || err == ENOTDIR) ? EXIT_NOTFOUND : EXIT_NOEXEC;
}

static const char *shown(const struct child_spec *spec)
{
	return spec->shown ? spec->shown : spec->argv[0];
}

static void child(const struct child_spec *spec, enum tty_mode tty)
{
	int r, err;

	if (tty == TTY_FOREGROUND) {
		/* still with TTOU blocked, so tcsetpgrp cannot stop us */
		setpgid(0, 0);
		if (tcsetpgrp(STDIN_FILENO, getpid()) < 0)
			log_debug("cannot take the terminal's foreground: %s", strerror(errno));
	} else {
		setsid();
		if (tty == TTY_SESSION && ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0)
			log_debug("cannot attach to the terminal: %s", strerror(errno));
	}
	sig_restore_child();
	if (spec->setup) {
		r = spec->setup(spec->setup_arg);
		if (r)
			_exit(EXIT_CONFIG); /* the identity or sandbox could not be set up */
	}
	execvp(spec->argv[0], spec->argv);
	err = errno;
	if (err == ENOENT && !strchr(spec->argv[0], '/'))
		log_error("%s: command not found", shown(spec));
	else
		log_error("cannot run %s: %s", shown(spec), strerror(err));
	_exit(spawn_exec_exit_code(err));
}

pid_t spawn_child(const struct child_spec *spec, enum tty_mode tty)
{
	pid_t pid = fork();

	if (pid < 0) {
		int err = errno;

		log_error("cannot start %s: fork: %s", spec->what, strerror(err));
		return -err;
	}
	if (pid == 0)
		child(spec, tty);
	log_debug("started %s %s as pid %d", spec->what, shown(spec), (int)pid);
	return pid;
}
