/* pid1.c - muster's own process attributes (see pid1.h). */
#include "pid1.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "log.h"

int pid1_setup(const struct muster_conf *c)
{
	int err = 0;

	if (c->pdeathsig && prctl(PR_SET_PDEATHSIG, c->pdeathsig) < 0) {
		err = -errno;
		log_warn("cannot set the parent-death signal: %s", strerror(errno));
	}
	if ((c->subreaper || getpid() != 1) && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		if (!err)
			err = -errno;
		log_warn("cannot become a child subreaper: %s", strerror(errno));
	}
	return err;
}
