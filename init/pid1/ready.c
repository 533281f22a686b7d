/* ready.c - the readiness probe behind READY=1 (see ready.h). */
#include "init/pid1/ready.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/log.h"
#include "hooks/sandbox/drop.h"
#include "init/cmd/health.h"
#include "init/pid1/phase.h"

/* The probe's child: never returns.  Its signals stay blocked (PID 1's
 * mask); PID 1 ends it with SIGKILL when the stop begins. */
static void probe_until_healthy(const struct muster_conf *c, const struct priv_plan *ids)
{
	struct timespec pause = {0, 100 * 1000 * 1000};
	char line[2048], last[2048] = "";

	phase_close();
	if (priv_sandbox(ids, SIGKILL))
		_exit(1);
	for (;;) {
		if (health_probe_all(c, line, sizeof(line)))
			_exit(0);
		if (strcmp(line, last))
			log_debug("not ready yet: %s", line);
		memcpy(last, line, sizeof(last));
		nanosleep(&pause, NULL);
		if (pause.tv_nsec < 800 * 1000 * 1000)
			pause.tv_nsec *= 2; /* 0.1 s doubling to 1.6 s */
		else
			pause = (struct timespec){1, 600 * 1000 * 1000};
	}
}

pid_t ready_probe_start(const struct muster_conf *c, const struct priv_plan *ids)
{
	pid_t pid = fork();

	if (pid < 0) {
		int err = errno;

		log_warn("cannot start the readiness probe: fork: %s", strerror(err));
		return -err;
	}
	if (pid == 0)
		probe_until_healthy(c, ids);
	return pid;
}
