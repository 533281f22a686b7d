/* explain.c - why the workload's life ended, in one line (see explain.h). */
#include "init/pid1/explain.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/log.h"
#include "conf/parse.h"

/* The command name of `pid` from /proc, "" when it is not visible. */
static void comm_of(int pid, char out[17])
{
	char path[32];
	ssize_t n;
	int fd;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, out, 16);
	close(fd);
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

void stop_info_fill(struct stop_info *st, const struct signalfd_siginfo *si)
{
	st->sig = (int)si->ssi_signo;
	st->pid = (int)si->ssi_pid;
	st->comm[0] = '\0';
	if ((int32_t)si->ssi_code == SI_KERNEL)
		snprintf(st->from, sizeof(st->from), "from the kernel");
	else if (!st->pid)
		/* the sender's pid does not exist in our PID namespace: an
		 * ancestor's process (docker stop, the kubelet through runc) */
		snprintf(st->from, sizeof(st->from), "from outside muster's PID namespace");
	else {
		comm_of(st->pid, st->comm);
		snprintf(st->from, sizeof(st->from),
			 st->comm[0] ? "from pid %d (%s)" : "from pid %d", st->pid, st->comm);
	}
}

void explain_stop(const struct stop_info *st, const char *rest)
{
	char nb[16];
	const char *name = signal_name(st->sig, nb);
	const struct log_field f[] = {
	    {"signal", name, 0}, {"sender_pid", NULL, st->pid}, {"sender", st->comm, 0}};

	log_fields(LOG_INFO, f, 3, "received SIG%s %s%s", name, st->from, rest);
}

/* Why a workload died of SIGKILL, into `why`; the cause's name returned. */
static const char *why_killed(const struct exit_info *e, char *why, size_t len, long long *limit)
{
	char nb[16], lim[32];

	if (e->grace_kill) {
		snprintf(why, len, ": muster's grace ran out after SIG%s %s",
			 e->stop->sig ? signal_name(e->stop->sig, nb) : "?", e->stop->from);
		return "grace";
	}
	if (e->oom && oom_killed(e->oom, limit)) {
		if (*limit > 0)
			oom_fmt_bytes(*limit, lim, sizeof(lim));
		snprintf(why, len, ": out of memory (%s%s)", *limit > 0 ? "limit " : "no limit",
			 *limit > 0 ? lim : "");
		return "oom";
	}
	snprintf(why, len, ": not sent by muster");
	return "outside";
}

void explain_exit(const struct exit_info *e)
{
	char why[160] = "", nb[16], nb2[16];
	const char *cause = "exit";
	long long limit = -1;
	int sig = WIFSIGNALED(e->status) ? WTERMSIG(e->status) : 0;
	const char *name = sig ? signal_name(sig, nb) : "";
	const char *stop = e->stop->sig ? signal_name(e->stop->sig, nb2) : "";
	struct log_field f[] = {{"exit_code", NULL, e->code},
				{"signal", name, 0},
				{"cause", NULL, 0},
				{"stop_signal", stop, 0},
				{"sender_pid", NULL, e->stop->pid},
				{"sender", e->stop->comm, 0},
				{"memory_limit", NULL, 0}};

	if (sig == SIGKILL)
		cause = why_killed(e, why, sizeof(why), &limit);
	else if (e->stop->sig) {
		snprintf(why, sizeof(why), " after SIG%s %s", stop, e->stop->from);
		cause = "stop";
	} else if (sig) {
		snprintf(why, sizeof(why), " (exit code %d)", e->code);
		cause = "signal";
	}
	f[2].str = cause;
	f[6].num = limit;
	if (!sig && !e->stop->sig)
		log_fields(LOG_DEBUG, f, 7, "workload exited with code %d", e->code);
	else if (sig)
		log_fields(LOG_INFO, f, 7, "workload killed by SIG%s%s", name, why);
	else
		log_fields(LOG_INFO, f, 7, "workload exited with code %d%s", e->code, why);
}
