/* seccomp.c - build (before fork) and load (last, in the child) the filter.
 *
 * `default` is an allow list, at least as strict as Docker's default
 * profile for a container with Docker's default capabilities:
 *
 * - the calls named in scfilter_default_allow are allowed;
 * - clone, socket, personality and ioctl are allowed or refused by their
 *   arguments (below); clone3 answers ENOSYS, so that libc falls back to
 *   clone, whose flags a filter can see (as Docker does);
 * - every other call that libseccomp's table knows for this architecture
 *   fails with EPERM, as under Docker;
 * - any other number -- a call newer than the table, or a hole in it --
 *   fails with ENOSYS, so that libc falls back as on an older kernel, as
 *   under runc (which puts a stub for numbers above the highest one its
 *   profile names in front of the filter).
 *
 * libseccomp cannot compare the syscall number itself (no "nr > N" rule),
 * so "unknown: ENOSYS, known: EPERM" is built the other way round: the
 * filter's default action is ENOSYS, and every known call that is not
 * allowed gets its own EPERM rule.  Known means that
 * seccomp_syscall_resolve_num_arch() names the number, for the numbers
 * below SCFILTER_NR_SCAN (every table but MIPS's, whose numbers start at
 * 4000: there a refused call gets ENOSYS, still refused).  With
 * libseccomp's binary-tree layout a call is found in about 9 comparisons.
 *
 * Argument rules compare the width the kernel reads: socket's domain,
 * ioctl's cmd and personality's persona are 32-bit in the kernel, while
 * the filter sees the 64-bit register, so a rule on the whole register
 * would let socket(0x100000028, ...) -- AF_VSOCK to the kernel -- past a
 * rule refusing 40.  libseccomp has a masked "equal" but no masked "not
 * equal", so split32() gives the listed values one action (masked to 32
 * bits) and covers every other 32-bit value with masked prefix rules for
 * the other action (at most 32 rules per listed value).  personality
 * keeps Docker's whole-register compare on top (garbage in the high bits
 * is refused), which is stricter than the kernel.
 *
 * A profile file (profile.h) builds its own filter; `include default`
 * starts from this one, each rule of the profile replacing the built-in
 * rules of its call. */
#include "hooks/sandbox/seccomp.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conf/log.h"
#include "conf/file.h"
#include "hooks/sandbox/profile.h"

/* Docker's (moby profiles/seccomp) default allow list, including its
 * per-architecture entries and chroot (CAP_SYS_CHROOT is a Docker default
 * capability), minus adjtimex, clock_adjtime, clock_adjtime64,
 * name_to_handle_at and socketcall (refused), ptrace, process_vm_readv
 * and process_vm_writev (Docker allows them on kernels >= 4.8; refused),
 * the calls with argument rules and the names libseccomp does not know
 * (README, "Seccomp").  Names another architecture has are skipped. */
/* clang-format off */
const char scfilter_default_allow[] =
	"accept accept4 access alarm arch_prctl bind brk cachestat capget capset chdir chmod "
	"chown chroot clock_getres clock_gettime clock_nanosleep close close_range connect "
	"copy_file_range creat dup dup2 dup3 epoll_create epoll_create1 epoll_ctl "
	"epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 "
	"execve execveat exit exit_group faccessat faccessat2 fadvise64 fallocate "
	"fanotify_mark fchdir fchmod fchmodat fchmodat2 fchown fchownat fcntl fdatasync "
	"fgetxattr flistxattr flock fork fremovexattr fsetxattr fstat fstatfs fsync "
	"ftruncate futex futex_requeue futex_wait futex_waitv futex_wake futimesat "
	"get_robust_list get_thread_area getcpu getcwd getdents getdents64 getegid geteuid "
	"getgid getgroups getitimer getpeername getpgid getpgrp getpid getppid getpriority "
	"getrandom getresgid getresuid getrlimit getrusage getsid getsockname getsockopt "
	"gettid gettimeofday getuid getxattr inotify_add_watch inotify_init inotify_init1 "
	"inotify_rm_watch io_cancel io_destroy io_getevents io_pgetevents io_setup io_submit "
	"ioprio_get ioprio_set kill landlock_add_rule landlock_create_ruleset "
	"landlock_restrict_self lchown lgetxattr link linkat listen listxattr llistxattr "
	"lremovexattr lseek lsetxattr lstat madvise map_shadow_stack membarrier memfd_create "
	"memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap "
	"modify_ldt mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedsend "
	"mq_unlink mremap msgctl msgget msgrcv msgsnd msync munlock munlockall munmap "
	"nanosleep newfstatat open openat openat2 pause pidfd_open pidfd_send_signal pipe "
	"pipe2 pkey_alloc pkey_free pkey_mprotect poll ppoll prctl pread64 preadv preadv2 "
	"prlimit64 process_mrelease pselect6 pwrite64 pwritev pwritev2 read readahead "
	"readlink readlinkat readv recvfrom recvmmsg recvmsg remap_file_pages removexattr "
	"rename renameat renameat2 restart_syscall rmdir rseq rt_sigaction rt_sigpending "
	"rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait "
	"rt_tgsigqueueinfo sched_get_priority_max sched_get_priority_min sched_getaffinity "
	"sched_getattr sched_getparam sched_getscheduler sched_rr_get_interval "
	"sched_setaffinity sched_setattr sched_setparam sched_setscheduler sched_yield "
	"seccomp select semctl semget semop semtimedop sendfile sendmmsg sendmsg sendto "
	"set_robust_list set_thread_area set_tid_address setfsgid setfsuid setgid setgroups "
	"setitimer setpgid setpriority setregid setresgid setresuid setreuid setrlimit "
	"setsid setsockopt setuid setxattr shmat shmctl shmdt shmget shutdown sigaltstack "
	"signalfd signalfd4 socketpair splice stat statfs statx symlink symlinkat sync "
	"sync_file_range syncfs sysinfo tee tgkill time timer_create timer_delete "
	"timer_getoverrun timer_gettime timer_settime timerfd_create timerfd_gettime "
	"timerfd_settime times tkill truncate umask uname unlink unlinkat utime utimensat "
	"utimes vfork vmsplice wait4 waitid write writev"
#if !defined(__x86_64__) && !defined(__aarch64__)
	/* the names only 32-bit architectures have */
	" _llseek _newselect arm_fadvise64_64 arm_sync_file_range breakpoint cacheflush "
	"chown32 clock_getres_time64 clock_gettime64 clock_nanosleep_time64 fadvise64_64 "
	"fchown32 fcntl64 fstat64 fstatat64 fstatfs64 ftruncate64 futex_time64 getegid32 "
	"geteuid32 getgid32 getgroups32 getresgid32 getresuid32 getuid32 "
	"io_pgetevents_time64 ipc lchown32 lstat64 mmap2 mq_timedreceive_time64 "
	"mq_timedsend_time64 ppoll_time64 pselect6_time64 recv recvmmsg_time64 "
	"riscv_flush_icache rt_sigtimedwait_time64 s390_pci_mmio_read s390_pci_mmio_write "
	"s390_runtime_instr sched_rr_get_interval_time64 semtimedop_time64 send sendfile64 "
	"set_tls setfsgid32 setfsuid32 setgid32 setgroups32 setregid32 setresgid32 "
	"setresuid32 setreuid32 setuid32 sigprocmask sigreturn stat64 statfs64 swapcontext "
	"sync_file_range2 timer_gettime64 timer_settime64 timerfd_gettime64 "
	"timerfd_settime64 truncate64 ugetrlimit utimensat_time64 waitpid"
#endif
	;
/* clang-format on */

/* clone flags that create namespaces (Docker's mask, 0x7e020000) */
#define NS_FLAGS                                                                                   \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
	 CLONE_NEWCGROUP)

#if defined(__s390x__) || defined(__s390__)
#define CLONE_FLAGS_ARG 1 /* s390 swaps clone's first two arguments */
#else
#define CLONE_FLAGS_ARG 0
#endif

#define EPERM_ACT SCMP_ACT_ERRNO(EPERM)

/* A call whose 32-bit argument `arg` decides: the values in vals (sorted)
 * get act_in, every other value act_out. */
struct split {
	const char *name;
	int nr;
	unsigned arg;
	const uint32_t *vals;
	size_t n;
	uint32_t act_in, act_out;
	bool whole; /* vals only with the high 32 bits clear, else act_out */
};

static const uint32_t af_refused[] = {AF_ALG, AF_VSOCK};
static const uint32_t tty_refused[] = {TIOCSTI, TIOCLINUX}; /* typing into someone's tty */
/* PER_LINUX, PER_LINUX32, UNAME26, PER_LINUX32|UNAME26, the query */
static const uint32_t personas[] = {0, 0x8, 0x20000, 0x20008, 0xffffffff};

static const struct split splits[] = {
    {"socket", SCMP_SYS(socket), 0, af_refused, 2, EPERM_ACT, SCMP_ACT_ALLOW, false},
    {"ioctl", SCMP_SYS(ioctl), 1, tty_refused, 2, EPERM_ACT, SCMP_ACT_ALLOW, false},
    {"personality", SCMP_SYS(personality), 0, personas, 5, SCMP_ACT_ALLOW, EPERM_ACT, true},
};

/* The built-in filter being built: its context, the profile whose rules
 * replace the built-in ones (or NULL), the numbers already given a rule. */
struct builder {
	scmp_filter_ctx ctx;
	const struct sc_profile *p;
	unsigned char done[SCFILTER_NR_SCAN / 8];
};

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

/* A built-in rule, unless the profile has its own for the call. */
static int rule(struct builder *b, uint32_t act, int nr, unsigned n, const struct scmp_arg_cmp *a,
		const char *what)
{
	if (nr >= 0 && nr < SCFILTER_NR_SCAN)
		b->done[nr / 8] |= (unsigned char)(1u << (nr % 8));
	if (overridden(b->p, nr))
		return 0;
	return add(b->ctx, act, nr, n, a, what);
}

static bool done(const struct builder *b, int nr)
{
	return b->done[nr / 8] & (1u << (nr % 8));
}

/* act_out for every 32-bit value that starts with the top `depth` bits
 * of `prefix` and is not in v[0..n) (sorted, all starting so): one rule
 * for each subtree of the binary trie of v that holds no value. */
static int cover(struct builder *b, const struct split *s, uint32_t prefix, unsigned depth,
		 const uint32_t *v, size_t n)
{
	uint32_t bit;
	size_t k;
	int r;

	if (n == 0) { /* depth >= 1: the caller passes at least one value */
		struct scmp_arg_cmp c = {s->arg, SCMP_CMP_MASKED_EQ, ~0u << (32 - depth), prefix};

		return rule(b, s->act_out, s->nr, 1, &c, s->name);
	}
	if (depth == 32)
		return 0;
	bit = 1u << (31 - depth);
	for (k = 0; k < n && !(v[k] & bit); k++)
		;
	r = cover(b, s, prefix, depth + 1, v, k);
	return r ?: cover(b, s, prefix | bit, depth + 1, v + k, n - k);
}

static int split32(struct builder *b, const struct split *s)
{
	struct scmp_arg_cmp c;
	size_t i;
	int r = 0;

	for (i = 0; i < s->n && !r; i++) {
		if (s->whole)
			c = (struct scmp_arg_cmp){s->arg, SCMP_CMP_EQ, s->vals[i], 0};
		else
			c = (struct scmp_arg_cmp){s->arg, SCMP_CMP_MASKED_EQ, 0xffffffffu,
						  s->vals[i]};
		r = rule(b, s->act_in, s->nr, 1, &c, s->name);
	}
	c = (struct scmp_arg_cmp){s->arg, SCMP_CMP_GT, 0xffffffffu, 0};
	if (!r && s->whole)
		r = rule(b, s->act_out, s->nr, 1, &c, s->name);
	return r ?: cover(b, s, 0, 0, s->vals, s->n);
}

/* clone: allowed without namespace flags, refused with any (one rule per
 * flag); all of them are in the low 32 bits, the ones the kernel reads.
 * clone3: ENOSYS (its flags are in memory, out of a filter's sight). */
static int clone_rules(struct builder *b)
{
	struct scmp_arg_cmp c = {CLONE_FLAGS_ARG, SCMP_CMP_MASKED_EQ, NS_FLAGS, 0};
	unsigned i;
	int r;

	r = rule(b, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, &c, "clone");
	for (i = 0; i < 32 && !r; i++) {
		uint64_t f = 1ull << i;

		c = (struct scmp_arg_cmp){CLONE_FLAGS_ARG, SCMP_CMP_MASKED_EQ, f, f};
		if (NS_FLAGS & f)
			r = rule(b, EPERM_ACT, SCMP_SYS(clone), 1, &c, "clone");
	}
	return r ?: rule(b, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, NULL, "clone3");
}

/* The allow list, then the argument rules, then EPERM for every other
 * call the table knows; the default action (ENOSYS) takes the rest. */
static int add_default(scmp_filter_ctx ctx, const struct sc_profile *p)
{
	struct builder b = {.ctx = ctx, .p = p};
	const char *s = scfilter_default_allow;
	char name[40];
	size_t i;
	int nr, r = 0;

	while (*s && !r) {
		size_t len = strcspn(s, " ");

		if (len && len < sizeof(name)) {
			memcpy(name, s, len);
			name[len] = '\0';
			nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, name);
			if (nr >= 0) /* < 0: another architecture's call */
				r = rule(&b, SCMP_ACT_ALLOW, nr, 0, NULL, name);
		}
		s += len + (s[len] == ' ');
	}
	for (i = 0; i < sizeof(splits) / sizeof(splits[0]) && !r; i++)
		r = split32(&b, &splits[i]);
	r = r ?: clone_rules(&b);
	for (nr = 0; nr < SCFILTER_NR_SCAN && !r; nr++) {
		char *known =
		    done(&b, nr) ? NULL : seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (known)
			r = rule(&b, EPERM_ACT, nr, 0, NULL, known);
		free(known);
	}
	return r;
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
	int fd = open_regular(AT_FDCWD, path, NULL), rc;

	if (fd == -EINVAL) {
		log_error("--seccomp %s: not a regular file", path);
		return -EINVAL;
	}
	if (fd >= 0)
		fd = fd_read_all(fd, SCPROF_MAX, &buf, &n);
	if (fd == -EFBIG) {
		log_error("--seccomp %s: line 0: profile larger than %u bytes", path, SCPROF_MAX);
		return -EINVAL;
	}
	if (fd < 0) {
		log_error("--seccomp %s: %s", path, strerror(-fd));
		return -EINVAL;
	}
	rc = scprof_parse(buf, n, p, err, sizeof(err));
	if (rc)
		log_error("--seccomp %s: %s", path, err);
	free(buf);
	return rc ? -EINVAL : 0;
}

static scmp_filter_ctx new_filter(uint32_t def)
{
	scmp_filter_ctx ctx = seccomp_init(def);

	if (!ctx) {
		log_error("seccomp: cannot create a filter");
		return NULL;
	}
	/* no_new_privs is muster's decision (drop.c), not libseccomp's; the
	 * calls in a binary tree, not one long chain */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) {
		log_error("seccomp: cannot set the filter attributes");
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

/* A profile's filter: its default action (or, with `include default`, the
 * built-in filter, whose default is ENOSYS), then its own rules. */
static scmp_filter_ctx build_profile(const struct sc_profile *p)
{
	scmp_filter_ctx ctx;
	size_t i;
	int r = 0;

	ctx =
	    new_filter(p->include_default ? SCMP_ACT_ERRNO(ENOSYS) : action_of(p->def, p->def_err));
	if (!ctx)
		return NULL;
	if (p->include_default)
		r = add_default(ctx, p);
	for (i = 0; i < p->n && !r; i++) {
		const struct sc_rule *ru = &p->rules[i];
		char what[16], *name;

		if (ru->nr < 0) /* a call of another architecture */
			continue;
		name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, ru->nr);
		snprintf(what, sizeof(what), "nr:%d", ru->nr);
		r = add(ctx, action_of(ru->act, ru->err), ru->nr, 0, NULL, name ? name : what);
		free(name);
	}
	if (r) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

int scfilter_build(const char *spec, void **out)
{
	struct sc_profile p;
	scmp_filter_ctx ctx;

	*out = NULL;
	if (!spec || !strcmp(spec, "none"))
		return 0;
	if (!strcmp(spec, "default")) {
		ctx = new_filter(SCMP_ACT_ERRNO(ENOSYS));
		if (ctx && add_default(ctx, NULL)) {
			seccomp_release(ctx);
			ctx = NULL;
		}
	} else {
		if (read_profile(spec, &p))
			return -EINVAL;
		ctx = build_profile(&p);
		scprof_free(&p);
	}
	if (!ctx)
		return -EINVAL;
	*out = ctx;
	return 0;
}

/* The prober's allow list (scfilter_enter_prober()): the waits' sockets,
 * poll, the log, memory, clocks, getrandom (BearSSL), the read-only files
 * of musl's resolver and of file:// probes, the resolver's thread (futex,
 * clone with CLONE_THREAD).  A negative number: a call this architecture
 * lacks. */
/* clang-format off */
static const short prober_calls[] = {
    SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(close),
    SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(sendto),
    SCMP_SYS(recvfrom), SCMP_SYS(sendmsg), SCMP_SYS(recvmsg), SCMP_SYS(getsockopt),
    SCMP_SYS(setsockopt), SCMP_SYS(getsockname), SCMP_SYS(getpeername), SCMP_SYS(shutdown),
    SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(clock_gettime),
    SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep), SCMP_SYS(getrandom), SCMP_SYS(fstat),
    SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(access),
    SCMP_SYS(faccessat), SCMP_SYS(lseek), SCMP_SYS(fcntl), SCMP_SYS(futex),
    SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(restart_syscall), SCMP_SYS(getpid),
    SCMP_SYS(gettid), SCMP_SYS(exit), SCMP_SYS(exit_group),
#ifdef __GLIBC__ /* the unit tests, the sanitizer and valgrind builds */
    SCMP_SYS(rseq), SCMP_SYS(set_robust_list), /* a new thread's registrations */
    SCMP_SYS(sendmmsg), /* the resolver's A and AAAA queries */
#endif
#ifdef __SANITIZE_ADDRESS__
    SCMP_SYS(sigaltstack), SCMP_SYS(sched_getaffinity), /* ASan's _exit(), its threads */
#endif
};

/* The calls allowed by one argument: (arg & mask) == val. */
static const struct {
	short nr;
	unsigned char arg;
	uint32_t mask, val;
} prober_args[] = {
    {SCMP_SYS(socket), 0, ~0u, AF_UNIX},
    {SCMP_SYS(socket), 0, ~0u, AF_INET},
    {SCMP_SYS(socket), 0, ~0u, AF_INET6},
    {SCMP_SYS(open), 1, O_ACCMODE | O_CREAT | O_TRUNC, 0}, /* read-only */
    {SCMP_SYS(openat), 2, O_ACCMODE | O_CREAT | O_TRUNC, 0},
    {SCMP_SYS(mmap), 2, PROT_EXEC, 0},
    {SCMP_SYS(mprotect), 2, PROT_EXEC, 0},
    {SCMP_SYS(clone), CLONE_FLAGS_ARG, CLONE_THREAD, CLONE_THREAD}, /* threads, no fork */
};
/* clang-format on */

int scfilter_enter_prober(void)
{
	uint32_t act = SECCOMP_RET_KILL_PROCESS;
	scmp_filter_ctx ctx;
	size_t i;
	int r;

	/* a kernel without seccomp (or qemu-user, valgrind, which lack the
	 * call): the prober goes on with the rest of its sandbox */
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &act) && errno == ENOSYS) {
		log_debug("no seccomp(2) here: the probes run without their filter");
		return 0;
	}
	ctx = new_filter(EPERM_ACT);
	r = ctx ? 0 : -ENOMEM;
	for (i = 0; i < sizeof(prober_calls) / sizeof(prober_calls[0]) && !r; i++)
		if (prober_calls[i] >= 0)
			r = add(ctx, SCMP_ACT_ALLOW, prober_calls[i], 0, NULL, "the prober");
	for (i = 0; i < sizeof(prober_args) / sizeof(prober_args[0]) && !r; i++) {
		struct scmp_arg_cmp c = {prober_args[i].arg, SCMP_CMP_MASKED_EQ,
					 prober_args[i].mask, prober_args[i].val};

		if (prober_args[i].nr >= 0)
			r = add(ctx, SCMP_ACT_ALLOW, prober_args[i].nr, 1, &c, "the prober");
	}
	/* glibc tries clone3 first, and falls back to clone on ENOSYS only */
	if (!r)
		r = add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, NULL, "clone3");
	if (!r)
		r = scfilter_apply(ctx);
	if (ctx)
		seccomp_release(ctx);
	return r;
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
