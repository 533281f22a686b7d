/* exit.h - muster's exit codes (sysexits.h values), chosen only in init/.
 *
 * Every other layer returns 0 or -errno; the errno is the error's kind
 * (README, "Hacking"), which exit_code_for() turns into the exit code. */
#ifndef MUSTER_INIT_EXIT_H
#define MUSTER_INIT_EXIT_H

enum {
	EXIT_USAGE = 64,       /* a malformed option, variable or URL typed by the user */
	EXIT_UNAVAILABLE = 69, /* the waits' deadline passed */
	EXIT_CONFIG = 78,      /* the config file is wrong, or something named cannot be used */
	EXIT_NOEXEC = 126,     /* the command cannot be run */
	EXIT_NOTFOUND = 127    /* the command does not exist */
};

/* The exit code of a failed setup step that returned `err` (< 0):
 * -EINVAL (typed by the user) 64, -ETIMEDOUT 69, any other kind 78 (the
 * config file is wrong, -EBADMSG, or something named cannot be used). */
int exit_code_for(int err);

#endif
