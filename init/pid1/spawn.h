/* spawn.h - fork and exec one child of PID 1, in its own session or
 * process group, owning the terminal when there is one. */
#ifndef MUSTER_SPAWN_H
#define MUSTER_SPAWN_H

#include <sys/types.h>

#include "init/pid1/supervise.h"

enum tty_mode {
	TTY_NONE,       /* no terminal: the child gets its own session */
	TTY_SESSION,    /* muster leads the terminal's session: hand it over
			   (dumb-init style: TIOCNOTTY here, setsid+TIOCSCTTY there) */
	TTY_FOREGROUND  /* muster is not the session leader: the child gets its
			   own process group, made the terminal's foreground */
};

/* Decide how the children meet stdin's terminal, and prepare muster's side
 * (release the controlling terminal in TTY_SESSION).  Call once. */
enum tty_mode spawn_tty_setup(void);

/* Fork `spec`; the child sets up session/terminal, restores signals, runs
 * spec->setup and execs.  Returns the pid or -errno (logged).  An exec
 * failure makes the child exit 127 (not found) or 126 (not executable)
 * after one line naming the command. */
pid_t spawn_child(const struct child_spec *spec, enum tty_mode tty);

/* Exit code for a failed execvp() errno: 127 or 126. */
int spawn_exec_exit_code(int err);

#endif
