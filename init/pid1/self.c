/* pid1.c - muster's own process attributes (see pid1.h). */
#include "init/pid1/self.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "conf/log.h"

int pid1_setup(const struct muster_conf *c)
{
	if (c->pdeathsig && prctl(PR_SET_PDEATHSIG, c->pdeathsig) < 0) {
		int e = errno;

		log_error("cannot set the parent-death signal (-p): %s", strerror(e));
		return -e;
	}
	if ((c->subreaper || getpid() != 1) && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		int e = errno;

		if (c->subreaper) {
			log_error("cannot become a child subreaper (-s): %s", strerror(e));
			return -e;
		}
		log_warn("cannot become a child subreaper: %s", strerror(e));
	}
	return 0;
}
