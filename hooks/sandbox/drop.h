/* privdrop.h - the workload's (and the hooks') identity and sandbox.
 *
 * priv_prepare() resolves everything before fork: user and groups from the
 * image's /etc/passwd and /etc/group, capability names, the seccomp filter.
 * priv_apply() runs in the forked child just before exec, in this order:
 *   1. drop the capabilities not kept from the bounding set (as root)
 *   2. setgroups, setresgid, setresuid (capabilities kept across it)
 *   3. effective/permitted/inheritable = kept; ambient = kept (non-root)
 *   4. HOME and USER from passwd
 *   5. PR_SET_NO_NEW_PRIVS
 *   6. the seccomp filter, last
 *
 * Hooks run with the workload's identity, capabilities and no_new_privs
 * (migrations usually run as the app user) but without the seccomp filter
 * (a profile is written for the workload's binary); with hooks_as_root
 * they run as muster itself, unchanged. */
#ifndef MUSTER_PRIVDROP_H
#define MUSTER_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf/conf.h"

struct priv_plan {
	bool change_id; /* --user given */
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups, primary first */
	size_t ngroups;
	char *home;	    /* HOME for the child */
	char *user;	    /* USER for the child; NULL: unset it */
	bool drop_caps;	    /* --user or --cap-keep given */
	uint64_t keep;	    /* capabilities kept, bit N = capability N */
	bool nnp;	    /* set PR_SET_NO_NEW_PRIVS */
	void *seccomp;	    /* filter (scfilter.h), NULL: none */
	bool hooks_as_root; /* hooks: leave muster's identity alone */
};

/* Where --user names come from (the image's files). */
#define PRIV_PASSWD "/etc/passwd"
#define PRIV_GROUP  "/etc/group"

/* Resolve `c` into `p` before fork.  Returns 0, or -EINVAL after logging
 * one error (unknown user, group, capability or syscall, unreadable
 * profile); main() then exits 78. */
int priv_prepare(const struct muster_conf *c, struct priv_plan *p);

/* In the child, just before exec.  Returns 0 or -errno (logged). */
int priv_apply(const struct priv_plan *p, bool with_seccomp);

/* The sandbox of the probes (the waits' child of PID 1, the READY=1
 * probe, `muster health`, `muster wait`), entered before they connect to
 * anything: the bounding set emptied (when CAP_SETPCAP allows it), the
 * ids of `ids` (NULL or no --user: the caller's own), every other
 * capability set emptied, no_new_privs, `pdeathsig` (0: none) when the
 * parent dies, then the probes' seccomp filter (seccomp.h).  Returns 0 or
 * -errno (logged). */
int priv_sandbox(const struct priv_plan *ids, int pdeathsig);

/* child_spec.setup callbacks (init/supervise.h): arg is the plan.
 * Return 0, or -errno when the drop failed (logged). */
int priv_child_setup(void *plan); /* workload: everything, seccomp last */
int priv_hook_setup(void *plan);  /* hooks: no seccomp; nothing with hooks_as_root */

void priv_plan_free(struct priv_plan *p);

#endif
