/* scfilter.c - build (before fork) and load (last, in the child) the filter.
 *
 * The built-in `default` is a deny list: every call below fails with
 * EPERM, anything else is allowed.  It holds every syscall that Docker's
 * default profile (moby profiles/seccomp/default.json) refuses to a
 * container without CAP_SYS_ADMIN and with Docker's default capability set,
 * and a few more (ptrace, process_vm_*, io_uring_*, name_to_handle_at,
 * adjtimex/clock_adjtime, TIOCSTI/TIOCLINUX ioctls).  The argument rules
 * of Docker's profile are reproduced: clone with any namespace flag is
 * refused, clone3 answers ENOSYS (libc then falls back to clone, whose
 * flags a filter can see), personality only takes 0, 0x8, 0x20000,
 * 0x20008 and the query 0xffffffff, socket(AF_VSOCK) is refused.
 * Calls newer Docker releases allow (cachestat, fchmodat2, futex_wait,
 * futex_wake, futex_requeue, map_shadow_stack) stay allowed.  chroot stays
 * allowed (Docker allows it with CAP_SYS_CHROOT; without it the kernel
 * refuses it anyway). */
#include "hooks/sandbox/seccomp.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/log.h"
#include "conf/file.h"
#include "hooks/sandbox/profile.h"

/* clang-format off */
const char *const scfilter_default_deny[] = {
	/* mounts and namespaces */
	"mount", "umount", "umount2", "pivot_root", "unshare", "setns", "fsopen", "fsconfig",
	"fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
	/* tracing and other processes' memory */
	"ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "kcmp",
	"pidfd_getfd", "perf_event_open",
	/* kernel modules, kexec, reboot, swap, accounting */
	"init_module", "finit_module", "delete_module", "create_module", "get_kernel_syms",
	"query_module", "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff", "acct",
	/* bpf, keyrings */
	"bpf", "keyctl", "add_key", "request_key",
	/* clocks */
	"settimeofday", "stime", "clock_settime", "clock_settime64", "adjtimex", "clock_adjtime",
	"clock_adjtime64",
	/* host identity, tty, log, quotas, file handles */
	"sethostname", "setdomainname", "vhangup", "syslog", "quotactl", "quotactl_fd",
	"lookup_dcookie", "open_by_handle_at", "name_to_handle_at", "fanotify_init",
	/* io ports, vm86 */
	"iopl", "ioperm", "vm86", "vm86old",
	/* NUMA memory policy (CAP_SYS_NICE in Docker) */
	"mbind", "set_mempolicy", "get_mempolicy", "set_mempolicy_home_node", "migrate_pages",
	"move_pages",
	/* userfaultfd, io_uring (Docker >= 25) */
	"userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
	/* obsolete or unimplemented */
	"_sysctl", "sysfs", "uselib", "ustat", "nfsservctl", "afs_syscall", "getpmsg", "putpmsg",
	"security", "tuxcall", "vserver",
	NULL,
};
/* clang-format on */

/* clone flags that create namespaces (Docker's mask) */
#define NS_FLAGS                                                                                   \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
	 CLONE_NEWCGROUP)

#if defined(__s390x__) || defined(__s390__)
#define CLONE_FLAGS_ARG 1 /* s390 swaps clone's first two arguments */
#else
#define CLONE_FLAGS_ARG 0
#endif

static int add(scmp_filter_ctx ctx, uint32_t act, int nr, unsigned n, const struct scmp_arg_cmp *a,
	       const char *what)
{
	int r = seccomp_rule_add_array(ctx, act, nr, n, a);

	if (r && r != -EACCES) { /* -EACCES: same as the default action */
		log_error("seccomp: cannot add the rule for %s: %s", what, strerror(-r));
		return r;
	}
	return 0;
}

/* Whether the profile has its own rule for `nr` (it replaces ours). */
static bool overridden(const struct sc_profile *p, int nr)
{
	size_t i;

	for (i = 0; p && i < p->n; i++)
		if (p->rules[i].nr == nr)
			return true;
	return false;
}

static int add_default(scmp_filter_ctx ctx, const struct sc_profile *p)
{
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	struct scmp_arg_cmp c;
	unsigned b;
	int r = 0;

	for (const char *const *n = scfilter_default_deny; *n && !r; n++) {
		int nr = seccomp_syscall_resolve_name(*n);

		if (nr != __NR_SCMP_ERROR && !overridden(p, nr))
			r = add(ctx, eperm, nr, 0, NULL, *n);
	}
	if (!r && !overridden(p, SCMP_SYS(clone3)))
		r = add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, NULL, "clone3");
	/* clone: refused when any namespace flag is set (one rule per flag) */
	for (b = 0; b < 32 && !r; b++) {
		uint64_t f = 1ull << b;

		if (!(NS_FLAGS & f) || overridden(p, SCMP_SYS(clone)))
			continue;
		c = (struct scmp_arg_cmp){CLONE_FLAGS_ARG, SCMP_CMP_MASKED_EQ, f, f};
		r = add(ctx, eperm, SCMP_SYS(clone), 1, &c, "clone");
	}
	/* personality: allowed are exactly 0, 0x8, 0x20000, 0x20008 and
	 * 0xffffffff.  With bit 31 clear, any bit but 3 and 17 refuses; with
	 * bit 31 set, any clear bit refuses (only the query has all set). */
	for (b = 0; b < 31 && !r && !overridden(p, SCMP_SYS(personality)); b++) {
		uint64_t f = 1ull << b, hi = 1ull << 31;

		if (b != 3 && b != 17) {
			c = (struct scmp_arg_cmp){0, SCMP_CMP_MASKED_EQ, f | hi, f};
			r = add(ctx, eperm, SCMP_SYS(personality), 1, &c, "personality");
		}
		c = (struct scmp_arg_cmp){0, SCMP_CMP_MASKED_EQ, f | hi, hi};
		r = r ?: add(ctx, eperm, SCMP_SYS(personality), 1, &c, "personality");
	}
	c = (struct scmp_arg_cmp){0, SCMP_CMP_EQ, AF_VSOCK, 0};
	if (!r && !overridden(p, SCMP_SYS(socket)))
		r = add(ctx, eperm, SCMP_SYS(socket), 1, &c, "socket");
	if (r || overridden(p, SCMP_SYS(ioctl)))
		return r;
	/* typing into the terminal of someone else's session */
	c = (struct scmp_arg_cmp){1, SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI};
	r = add(ctx, eperm, SCMP_SYS(ioctl), 1, &c, "ioctl");
	c = (struct scmp_arg_cmp){1, SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX};
	return r ?: add(ctx, eperm, SCMP_SYS(ioctl), 1, &c, "ioctl");
}

static uint32_t action_of(enum sc_action a, int err)
{
	switch (a) {
	case SC_DENY:
		return SCMP_ACT_ERRNO((uint32_t)err);
	case SC_KILL:
		return SCMP_ACT_KILL_PROCESS;
	default:
		return SCMP_ACT_ALLOW;
	}
}

static int read_profile(const char *path, struct sc_profile *p)
{
	char *buf = NULL, err[256];
	size_t n = 0;
	ssize_t r;
	int fd, rc = -EINVAL;

	fd = open_regular(AT_FDCWD, path, NULL);
	if (fd == -EINVAL) {
		log_error("--seccomp %s: not a regular file", path);
		return -EINVAL;
	}
	if (fd < 0) {
		log_error("--seccomp %s: %s", path, strerror(-fd));
		return -EINVAL;
	}
	buf = malloc(SCPROF_MAX + 1);
	if (!buf)
		goto out;
	while (n <= SCPROF_MAX && (r = read(fd, buf + n, SCPROF_MAX + 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			log_error("--seccomp %s: %s", path, strerror(errno));
			goto out;
		}
		n += (size_t)r;
	}
	rc = scprof_parse(buf, n, p, err, sizeof(err));
	if (rc)
		log_error("--seccomp %s: %s", path, err);
out:
	free(buf);
	close(fd);
	return rc ? -EINVAL : 0;
}

static scmp_filter_ctx new_filter(uint32_t def)
{
	scmp_filter_ctx ctx = seccomp_init(def);

	if (!ctx) {
		log_error("seccomp: cannot create a filter");
		return NULL;
	}
	/* no_new_privs is muster's decision (privdrop.c), not libseccomp's */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) {
		log_error("seccomp: cannot set the filter attributes");
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

int scfilter_build(const char *spec, void **out)
{
	struct sc_profile p;
	scmp_filter_ctx ctx;
	size_t i;
	int r = 0;

	*out = NULL;
	if (!spec || !strcmp(spec, "none"))
		return 0;
	if (!strcmp(spec, "default")) {
		ctx = new_filter(SCMP_ACT_ALLOW);
		if (!ctx || add_default(ctx, NULL)) {
			if (ctx)
				seccomp_release(ctx);
			return -EINVAL;
		}
		*out = ctx;
		return 0;
	}
	if (read_profile(spec, &p))
		return -EINVAL;
	ctx = new_filter(action_of(p.def, p.def_err));
	if (!ctx)
		r = -EINVAL;
	if (!r && p.include_default)
		r = add_default(ctx, &p);
	for (i = 0; i < p.n && !r; i++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, p.rules[i].nr);
		uint32_t act = action_of(p.rules[i].act, p.rules[i].err);

		r = add(ctx, act, p.rules[i].nr, 0, NULL, name ? name : "?");
		free(name);
	}
	scprof_free(&p);
	if (r) {
		if (ctx)
			seccomp_release(ctx);
		return -EINVAL;
	}
	*out = ctx;
	return 0;
}

int scfilter_apply(void *filter)
{
	int r;

	if (!filter)
		return 0;
	r = seccomp_load(filter);
	if (r) {
		log_error("seccomp: cannot load the filter: %s", strerror(-r));
		return r;
	}
	return 0;
}

void scfilter_free(void *filter)
{
	if (filter)
		seccomp_release(filter);
}
