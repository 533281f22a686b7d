/* pid1.h - what muster sets on itself before anything starts: the
 * parent-death signal (-p) and the child-subreaper bit (-s, and whenever
 * muster is not PID 1, so that orphans still come to it). */
#ifndef MUSTER_PID1_H
#define MUSTER_PID1_H

#include "conf/conf.h"

/* PR_SET_PDEATHSIG when c->pdeathsig, then PR_SET_CHILD_SUBREAPER when
 * c->subreaper or not PID 1.  What the user asked for (-p, -s) is setup:
 * a failure is one error line and -errno (main() exits 126, as for any
 * other reason the command cannot be run).  The implicit subreaper bit
 * is a convenience: its failure is one warning line and 0. */
int pid1_setup(const struct muster_conf *c);

#endif
