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

/* Once the workload runs: drop muster's mappings of its own code and
 * read-only data (madvise MADV_DONTNEED on the non-writable PT_LOAD
 * segments).  The setup touched most of them, fault-around mapped the
 * rest; the supervision loop needs a few, which come back from the page
 * cache on first use.  Nothing writable is touched.  Never fails. */
void pid1_release_setup_pages(void);

#endif
