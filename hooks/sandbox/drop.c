/* privdrop.c - resolve before fork, apply in the child (see privdrop.h). */
#include "hooks/sandbox/drop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "hooks/sandbox/caps.h"
#include "conf/log.h"
#include "hooks/sandbox/seccomp.h"
#include "hooks/sandbox/user.h"

int priv_prepare(const struct muster_conf *c, struct priv_plan *p)
{
	struct ident id;

	memset(p, 0, sizeof(*p));
	p->hooks_as_root = c->hooks_as_root;
	if (c->user) {
		if (user_resolve(c->user, PRIV_PASSWD, PRIV_GROUP, &id))
			return -EINVAL;
		p->change_id = true;
		p->uid = id.uid;
		p->gid = id.gid;
		p->groups = id.groups;
		p->ngroups = id.ngroups;
		p->home = id.home;
		p->user = id.name;
		log_debug("--user %s: uid %u gid %u, %zu groups, HOME=%s", c->user,
			  (unsigned)p->uid, (unsigned)p->gid, p->ngroups, p->home);
		/* signalling a process of another uid takes CAP_KILL: without
		 * it no stop signal, not even the grace's SIGKILL, would reach
		 * the workload (Kubernetes' `drop: [ALL]` removes it) */
		if (p->uid != geteuid() && !caps_have_effective(CAP_KILL))
			log_warn("--user %s: muster lacks CAP_KILL, so it cannot signal the "
				 "workload (add KILL to the container's capabilities)",
				 c->user);
	}
	p->drop_caps = c->user || c->cap_keep.n;
	if (caps_parse_list(&c->cap_keep, &p->keep) || caps_check_available(p->keep))
		goto fail;
	if (scfilter_build(c->seccomp, &p->seccomp))
		goto fail;
	p->nnp = c->no_new_privs < 0 ? (p->drop_caps || p->seccomp) : c->no_new_privs;
	/* without no_new_privs the kernel loads a filter only for a process
	 * that has CAP_SYS_ADMIN at that point */
	if (p->seccomp && !p->nnp &&
	    ((p->change_id && p->uid) || (p->drop_caps && !(p->keep & (1ull << CAP_SYS_ADMIN))))) {
		log_error("--seccomp with --allow-new-privs needs the workload to keep "
			  "CAP_SYS_ADMIN (the kernel refuses the filter otherwise)");
		goto fail;
	}
	return 0;
fail:
	priv_plan_free(p);
	return -EINVAL;
}

/* Whether the process already is who the plan wants (muster itself was
 * started as that user, without the right to change ids). */
static bool already(const struct priv_plan *p)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	return !getresuid(&r, &e, &s) && !getresgid(&rg, &eg, &sg) && r == p->uid && e == p->uid &&
	       s == p->uid && rg == p->gid && eg == p->gid && sg == p->gid;
}

static int set_ids(const struct priv_plan *p)
{
	bool keepcaps = p->drop_caps && p->keep && p->uid != 0;
	int err;

	if (setgroups(p->ngroups, p->groups)) {
		err = errno;
		if (err == EPERM && already(p)) {
			log_debug("--user: already uid %u gid %u, groups left as they are",
				  (unsigned)p->uid, (unsigned)p->gid);
			return 0;
		}
		log_error("--user: setgroups: %s", strerror(err));
		return -err;
	}
	if (keepcaps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)) {
		err = errno;
		log_error("--user: PR_SET_KEEPCAPS: %s", strerror(err));
		return -err;
	}
	if (setresgid(p->gid, p->gid, p->gid)) {
		err = errno;
		log_error("--user: setresgid(%u): %s", (unsigned)p->gid, strerror(err));
		return -err;
	}
	if (setresuid(p->uid, p->uid, p->uid)) {
		err = errno;
		log_error("--user: setresuid(%u): %s", (unsigned)p->uid, strerror(err));
		return -err;
	}
	if (keepcaps)
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return 0;
}

static int set_env(const struct priv_plan *p)
{
	if (setenv("HOME", p->home ? p->home : "/", 1) ||
	    (p->user ? setenv("USER", p->user, 1) : unsetenv("USER"))) {
		log_error("--user: cannot set HOME/USER: %s", strerror(errno));
		return -ENOMEM;
	}
	return 0;
}

int priv_apply(const struct priv_plan *p, bool with_seccomp)
{
	int r;

	if (p->drop_caps && (r = caps_drop_bounding(p->keep, p->nnp)))
		return r;
	if (p->change_id && ((r = set_ids(p)) || (r = set_env(p))))
		return r;
	if (p->drop_caps && (r = caps_set(p->keep, p->change_id && p->uid != 0)))
		return r;
	if (p->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		r = -errno;
		log_error("PR_SET_NO_NEW_PRIVS: %s", strerror(-r));
		return r;
	}
	if (with_seccomp && scfilter_apply(p->seccomp))
		return -EPERM;
	return 0;
}

int priv_sandbox(const struct priv_plan *ids, int pdeathsig)
{
	int r = 0;

#ifdef __SANITIZE_ADDRESS__
	/* LeakSanitizer's exit-time check needs ptrace (of a process still
	 * dumpable) and a clone the filter refuses: `muster health` and `muster
	 * wait` (no parent-death signal; the children _exit()) run it now, the
	 * valgrind tests check what follows */
	if (!pdeathsig)
		__lsan_do_leak_check();
#endif

	/* dropping from the bounding set takes CAP_SETPCAP: a caller without
	 * it (not root) keeps its set, from which nothing can be raised under
	 * no_new_privs */
	if (caps_have_effective(CAP_SETPCAP) && (r = caps_drop_bounding(0, false)))
		return r;
	if (ids && ids->change_id && (r = set_ids(ids)))
		return r;
	if ((r = caps_set(0, false)))
		return r;
	/* after the ids: a change of credentials clears the parent-death signal */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    (pdeathsig && prctl(PR_SET_PDEATHSIG, pdeathsig, 0, 0, 0))) {
		r = -errno;
		log_error("cannot enter the probe sandbox: %s", strerror(-r));
		return r;
	}
	return scfilter_enter_prober();
}

int priv_child_setup(void *plan)
{
	return priv_apply(plan, true);
}

int priv_hook_setup(void *plan)
{
	const struct priv_plan *p = plan;

	if (p->hooks_as_root)
		return 0;
	return priv_apply(p, false);
}

void priv_plan_free(struct priv_plan *p)
{
	free(p->groups);
	free(p->home);
	free(p->user);
	scfilter_free(p->seccomp);
	memset(p, 0, sizeof(*p));
}
