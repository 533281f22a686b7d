/* pid1.h - what muster sets on itself before anything starts: the
 * parent-death signal (-p) and the child-subreaper bit (-s, and whenever
 * muster is not PID 1, so that orphans still come to it). */
#ifndef MUSTER_PID1_H
#define MUSTER_PID1_H

#include "conf.h"

/* PR_SET_PDEATHSIG when c->pdeathsig, then PR_SET_CHILD_SUBREAPER when
 * c->subreaper or not PID 1; the second is tried even when the first
 * failed.  Each failure is one warning line.  Returns 0, or the first
 * -errno; main() carries on either way (muster still works as PID 1
 * without them, only less well). */
int pid1_setup(const struct muster_conf *c);

#endif
