/* Unit tests: the built filters, run.  Each filter is exported as BPF and
 * run by a small classic-BPF interpreter on chosen seccomp_data, so the
 * tests see exactly what the kernel would answer: `default` refuses every
 * call Docker's default profile refuses (EPERM), answers ENOSYS for calls
 * newer than libseccomp's table, compares 32-bit arguments on 32 bits, and
 * profile files (include default, nr:N) change what they name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "emulated.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/log.h"
#include "hooks/sandbox/seccomp.h"

#define ALLOW	SCMP_ACT_ALLOW
#define EPERM_	SCMP_ACT_ERRNO(EPERM)
#define ENOSYS_ SCMP_ACT_ERRNO(ENOSYS)
#define KILL	SCMP_ACT_KILL_PROCESS
#define HI	(1ull << 32)

/* Docker's default allow list (moby profiles/seccomp/default.json v0.2.3,
 * the entry without conditions), the reference muster must not exceed. */
static const char docker_allow[] =
    "_llseek _newselect accept accept4 access adjtimex alarm bind brk cachestat capget "
    "capset chdir chmod chown chown32 clock_adjtime clock_adjtime64 clock_getres "
    "clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep "
    "clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 dup3 "
    "epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 "
    "epoll_wait epoll_wait_old eventfd eventfd2 execve execveat exit exit_group faccessat "
    "faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat "
    "fchmodat2 fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock "
    "fork fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate "
    "ftruncate64 futex futex_requeue futex_time64 futex_wait futex_waitv futex_wake "
    "futimesat get_robust_list get_thread_area getcpu getcwd getdents getdents64 getegid "
    "getegid32 geteuid geteuid32 getgid getgid32 getgroups getgroups32 getitimer "
    "getpeername getpgid getpgrp getpid getppid getpriority getrandom getresgid "
    "getresgid32 getresuid getresuid32 getrlimit getrusage getsid getsockname getsockopt "
    "gettid gettimeofday getuid getuid32 getxattr getxattrat inotify_add_watch "
    "inotify_init inotify_init1 inotify_rm_watch io_cancel io_destroy io_getevents "
    "io_pgetevents io_pgetevents_time64 io_setup io_submit ioctl ioprio_get ioprio_set ipc "
    "kill landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32 "
    "lgetxattr link linkat listen listmount listxattr listxattrat llistxattr lremovexattr "
    "lseek lsetxattr lstat lstat64 madvise map_shadow_stack membarrier memfd_create "
    "memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap mmap2 "
    "mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 "
    "mq_timedsend mq_timedsend_time64 mq_unlink mremap mseal msgctl msgget msgrcv msgsnd "
    "msync munlock munlockall munmap name_to_handle_at nanosleep newfstatat open openat "
    "openat2 pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free "
    "pkey_mprotect poll ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64 "
    "process_mrelease pselect6 pselect6_time64 pwrite64 pwritev pwritev2 read readahead "
    "readlink readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg "
    "remap_file_pages removexattr removexattrat rename renameat renameat2 restart_syscall "
    "riscv_hwprobe rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo "
    "rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo "
    "sched_get_priority_max sched_get_priority_min sched_getaffinity sched_getattr "
    "sched_getparam sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64 "
    "sched_setaffinity sched_setattr sched_setparam sched_setscheduler sched_yield seccomp "
    "select semctl semget semop semtimedop semtimedop_time64 send sendfile sendfile64 "
    "sendmmsg sendmsg sendto set_robust_list set_thread_area set_tid_address setfsgid "
    "setfsgid32 setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 setitimer "
    "setpgid setpriority setregid setregid32 setresgid setresgid32 setresuid setresuid32 "
    "setreuid setreuid32 setrlimit setsid setsockopt setuid setuid32 setxattr setxattrat "
    "shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 sigprocmask "
    "sigreturn socketcall socketpair splice stat stat64 statfs statfs64 statmount statx "
    "symlink symlinkat sync sync_file_range syncfs sysinfo tee tgkill time timer_create "
    "timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime "
    "timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime "
    "timerfd_settime64 times tkill truncate truncate64 ugetrlimit umask uname unlink "
    "unlinkat uretprobe utime utimensat utimensat_time64 utimes vfork vmsplice wait4 "
    "waitid waitpid write writev ";

/* Docker's conditional entries for a container with its default
 * capabilities on x86_64/arm64/...: allowed whatever the arguments. */
static const char docker_cond[] = "ptrace process_vm_readv process_vm_writev arch_prctl modify_ldt "
				  "chroot sync_file_range2 swapcontext arm_fadvise64_64 "
				  "arm_sync_file_range breakpoint cacheflush set_tls "
				  "s390_pci_mmio_read s390_pci_mmio_write s390_runtime_instr "
				  "riscv_flush_icache";

struct prog {
	struct sock_filter *insn;
	size_t n;
};

static struct prog export(void *filter)
{
	struct prog p;
	int fd = memfd_create("bpf", 0);
	off_t len;

	assert_true(fd >= 0);
	assert_int_equal(seccomp_export_bpf(filter, fd), 0);
	len = lseek(fd, 0, SEEK_END);
	assert_true(len > 0 && len % (off_t)sizeof(struct sock_filter) == 0);
	p.n = (size_t)len / sizeof(struct sock_filter);
	assert_true(p.n <= BPF_MAXINSNS);
	p.insn = malloc((size_t)len);
	assert_int_equal(pread(fd, p.insn, (size_t)len, 0), len);
	close(fd);
	return p;
}

/* Classic BPF as the kernel runs a seccomp filter; fails the test on an
 * instruction it does not know. */
static uint32_t run(const struct prog *p, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};
	size_t pc = 0;

	while (pc < p->n) {
		const struct sock_filter *i = &p->insn[pc++];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(i->k % 4 == 0 && i->k + 4 <= sizeof(*d));
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_LD | BPF_MEM:
			a = mem[i->k % BPF_MEMWORDS];
			break;
		case BPF_ST:
			mem[i->k % BPF_MEMWORDS] = a;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & i->k) ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			fail_msg("BPF instruction 0x%x at %zu", i->code, pc - 1);
		}
	}
	fail_msg("BPF program ran off its end");
	return 0;
}

static uint32_t call(const struct prog *p, int nr, uint64_t a0, uint64_t a1)
{
	struct seccomp_data d = {.nr = nr, .arch = seccomp_arch_native(), .args = {a0, a1}};

	return run(p, &d);
}

static struct prog build(const char *spec)
{
	void *f = NULL;
	struct prog p;

	/* qemu-user has no seccomp(2): libseccomp cannot learn the kernel's
	 * API level there and refuses the filter's attributes */
	SKIP_IF_EMULATED("seccomp(2): libseccomp refuses the filter's attributes");
	assert_int_equal(scfilter_build(spec, &f), 0);
	assert_non_null(f);
	p = export(f);
	scfilter_free(f);
	return p;
}

/* How often `name` is a word of the space-separated `list`. */
static int count(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *s;
	int c = 0;

	for (s = strstr(list, name); s; s = strstr(s + 1, name))
		if ((s == list || s[-1] == ' ') && (s[n] == ' ' || s[n] == '\0'))
			c++;
	return c;
}

/* What Docker's default profile answers (ALLOW or not) for `name`. */
static bool docker_allows(const char *name, uint64_t a0, uint64_t a1)
{
	if (count(docker_allow, name) || count(docker_cond, name))
		return true;
	if (!strcmp(name, "socket")) /* 64-bit compares, as Docker has them */
		return a0 < 38 || a0 == 39 || a0 > 40;
	if (!strcmp(name, "personality"))
		return a0 == 0 || a0 == 8 || a0 == 0x20000 || a0 == 0x20008 || a0 == 0xffffffff;
	if (!strcmp(name, "clone"))
#if defined(__s390x__) || defined(__s390__)
		return (a1 & 0x7e020000) == 0;
#else
		return (a0 & 0x7e020000) == 0;
#endif
	return false;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The list is words of Docker's lists, each known to libseccomp, each
 * once, and none of the calls muster refuses or rules by argument. */
static void test_allow_list_names(void **s)
{
	static const char *const refused[] = {
	    "mount",	   "umount2",	    "unshare",
	    "setns",	   "ptrace",	    "keyctl",
	    "add_key",	   "bpf",	    "io_uring_setup",
	    "userfaultfd", "kexec_load",    "perf_event_open",
	    "open_tree",   "fsopen",	    "name_to_handle_at",
	    "adjtimex",	   "clock_adjtime", "socketcall",
	    "clone",	   "clone3",	    "socket",
	    "ioctl",	   "personality",   "process_vm_readv",
	};
	const char *w = scfilter_default_allow;
	char name[40];
	size_t i, n = 0;

	while (*w) {
		size_t len = strcspn(w, " ");

		assert_true(len > 0 && len < sizeof(name));
		memcpy(name, w, len);
		name[len] = '\0';
		if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR)
			fail_msg("%s: unknown to libseccomp", name);
		assert_int_equal(count(scfilter_default_allow, name), 1);
		if (!count(docker_allow, name) && !count(docker_cond, name))
			fail_msg("%s: not in Docker's allow list", name);
		w += len + (w[len] == ' ');
		n++;
	}
	assert_int_not_equal(w[-1], ' ');
	assert_true(n > 280);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_int_equal(count(scfilter_default_allow, refused[i]), 0);
}

/* Every number the table knows: ALLOW only where Docker allows, else
 * EPERM (clone3: ENOSYS); every number it does not know: ENOSYS. */
static void test_every_call(void **s)
{
	struct prog p = build("default");
	int nr, allowed = 0, refused = 0;

	for (nr = 0; nr < SCFILTER_NR_SCAN; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		uint32_t r = call(&p, nr, 0, 0);

		if (!name) {
			if (r != ENOSYS_)
				fail_msg("nr %d (unknown): 0x%x, not ENOSYS", nr, r);
			continue;
		}
		if (r == ALLOW && !docker_allows(name, 0, 0))
			fail_msg("%s allowed, Docker refuses it", name);
		if (!strcmp(name, "clone3"))
			assert_int_equal(r, ENOSYS_);
		else if (r != ALLOW && r != EPERM_)
			fail_msg("%s: 0x%x, neither ALLOW nor EPERM", name, r);
		allowed += r == ALLOW;
		refused += r == EPERM_;
		free(name);
	}
	assert_true(allowed > 250 && refused > 40);
	/* beyond the scanned numbers, and the x32 / i386 ABIs */
	assert_int_equal(call(&p, 1000, 0, 0), ENOSYS_);
	assert_int_equal(call(&p, SCFILTER_NR_SCAN, 0, 0), ENOSYS_);
	assert_int_equal(call(&p, 999999, 0, 0), ENOSYS_);
	assert_int_equal(call(&p, 0x3fffffff, 0, 0), ENOSYS_);
#if defined(__x86_64__)
	assert_int_equal(call(&p, 0x40000000 | SCMP_SYS(getpid), 0, 0), KILL);
	{
		struct seccomp_data d = {.nr = 20, .arch = SCMP_ARCH_X86};

		assert_int_equal(run(&p, &d), KILL);
	}
#endif
	free(p.insn);
}

static uint32_t by_name(const struct prog *p, const char *name, uint64_t a0, uint64_t a1)
{
	int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, name);

	assert_true(nr >= 0);
	return call(p, nr, a0, a1);
}

static void test_samples(void **s)
{
	static const char *const eperm[] = {
	    "mount",
	    "umount2",
	    "unshare",
	    "setns",
	    "pivot_root",
	    "keyctl",
	    "add_key",
	    "request_key",
	    "bpf",
	    "ptrace",
	    "process_vm_readv",
	    "process_vm_writev",
	    "perf_event_open",
	    "kexec_load",
	    "init_module",
	    "finit_module",
	    "reboot",
	    "swapon",
	    "acct",
	    "io_uring_setup",
	    "io_uring_enter",
	    "userfaultfd",
	    "open_by_handle_at",
	    "name_to_handle_at",
	    "fsopen",
	    "fsmount",
	    "open_tree",
	    "move_mount",
	    "mount_setattr",
	    "syslog",
	    "adjtimex",
	    "clock_adjtime",
	    "clock_settime",
	    "settimeofday",
	    "mbind",
	    "set_mempolicy",
	    "quotactl",
	    "fanotify_init",
	    "vhangup",
	    "kcmp",
	    "pidfd_getfd",
	    "process_madvise",
	    "lookup_dcookie",
	    "sethostname",
	    "setdomainname",
	};
	static const char *const ok[] = {
	    "read",
	    "write",
	    "openat",
	    "close",
	    "mmap",
	    "mprotect",
	    "futex",
	    "execve",
	    "exit_group",
	    "rt_sigaction",
	    "sched_getaffinity",
	    "epoll_pwait",
	    "epoll_ctl",
	    "accept4",
	    "sendmsg",
	    "wait4",
	    "chroot",
	    "seccomp",
	    "prctl",
	    "memfd_create",
	    "pidfd_open",
	    "rseq",
	    "statx",
	    "landlock_create_ruleset",
	    "io_setup",
	    "getrandom",
	    "close_range",
	};
	struct prog p = build("default");
	size_t i;

	for (i = 0; i < sizeof(eperm) / sizeof(eperm[0]); i++)
		if (by_name(&p, eperm[i], 0, 0) != EPERM_)
			fail_msg("%s not EPERM", eperm[i]);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (by_name(&p, ok[i], 0, 0) != ALLOW)
			fail_msg("%s not allowed", ok[i]);
	/* newer calls the table knows and Docker allows (Linux 6.5, 6.6, 6.7) */
	if (seccomp_syscall_resolve_name("futex_wake") >= 0) {
		assert_int_equal(by_name(&p, "cachestat", 0, 0), ALLOW);
		assert_int_equal(by_name(&p, "fchmodat2", 0, 0), ALLOW);
		assert_int_equal(by_name(&p, "futex_wake", 0, 0), ALLOW);
		assert_int_equal(by_name(&p, "futex_requeue", 0, 0), ALLOW);
	}
	assert_int_equal(by_name(&p, "clone3", 0, 0), ENOSYS_);
	free(p.insn);
}

/* The argument rules, value by value: 32-bit arguments are compared on
 * the 32 bits the kernel reads. */
static void test_argument_width(void **s)
{
	static const uint64_t ns[] = {CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,	  CLONE_NEWUSER,
				      CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP};
	const uint64_t thread = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
				CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
				CLONE_CHILD_CLEARTID;
	struct prog p = build("default");
	int sock = SCMP_SYS(socket), io = SCMP_SYS(ioctl), per = SCMP_SYS(personality);
	size_t i;

	assert_int_equal(call(&p, sock, AF_INET, 0), ALLOW);
	assert_int_equal(call(&p, sock, AF_UNIX, 0), ALLOW);
	assert_int_equal(call(&p, sock, AF_NETLINK, 0), ALLOW);
	assert_int_equal(call(&p, sock, 39, 0), ALLOW);
	assert_int_equal(call(&p, sock, 41, 0), ALLOW);
	assert_int_equal(call(&p, sock, AF_VSOCK, 0), EPERM_);
	assert_int_equal(call(&p, sock, AF_ALG, 0), EPERM_);
	assert_int_equal(call(&p, sock, HI | AF_VSOCK, 0), EPERM_); /* 0x100000028 */
	assert_int_equal(call(&p, sock, 0xffffffff00000000ull | AF_VSOCK, 0), EPERM_);
	assert_int_equal(call(&p, sock, HI | AF_ALG, 0), EPERM_);
	assert_int_equal(call(&p, sock, HI | AF_INET, 0), ALLOW); /* AF_INET to the kernel */

	assert_int_equal(call(&p, io, 0, TIOCSTI), EPERM_);
	assert_int_equal(call(&p, io, 0, TIOCLINUX), EPERM_);
	assert_int_equal(call(&p, io, 0, HI | TIOCSTI), EPERM_);
	assert_int_equal(call(&p, io, 0, HI | TIOCLINUX), EPERM_);
	assert_int_equal(call(&p, io, 0, TCGETS), ALLOW);
	assert_int_equal(call(&p, io, 0, FIONREAD), ALLOW);
	assert_int_equal(call(&p, io, 0, TIOCSTI + 1), ALLOW);
	assert_int_equal(call(&p, io, 0, HI | FIONREAD), ALLOW);

	for (i = 0; i < 5; i++) {
		static const uint64_t v[] = {0, 8, 0x20000, 0x20008, 0xffffffff};

		assert_int_equal(call(&p, per, v[i], 0), ALLOW);
		assert_int_equal(call(&p, per, HI | v[i], 0), EPERM_); /* as Docker */
	}
	assert_int_equal(call(&p, per, 0x0040000 /* ADDR_NO_RANDOMIZE */, 0), EPERM_);
	assert_int_equal(call(&p, per, 0x80000000, 0), EPERM_);
	assert_int_equal(call(&p, per, 0xfffffffe, 0), EPERM_);
	assert_int_equal(call(&p, per, 0x20009, 0), EPERM_);
	assert_int_equal(call(&p, per, ~0ull, 0), EPERM_);

	assert_int_equal(call(&p, SCMP_SYS(clone), SIGCHLD, 0), ALLOW);
	assert_int_equal(call(&p, SCMP_SYS(clone), thread, 0), ALLOW);
	assert_int_equal(call(&p, SCMP_SYS(clone), HI | SIGCHLD, 0), ALLOW);
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		assert_int_equal(call(&p, SCMP_SYS(clone), ns[i] | SIGCHLD, 0), EPERM_);
		assert_int_equal(call(&p, SCMP_SYS(clone), HI | ns[i] | thread, 0), EPERM_);
	}
	free(p.insn);
}

/* Every 16-bit socket domain and ioctl command, then random 64-bit values
 * for the four calls with argument rules: never allowed where Docker
 * refuses, never anything but ALLOW or EPERM, and the high 32 bits of a
 * 32-bit argument never turn a refusal into an allow. */
static void test_argument_space(void **s)
{
	struct prog p = build("default");
	static const char *const calls[] = {"socket", "ioctl", "personality", "clone"};
	uint64_t seed = 0x9e3779b97f4a7c15ull, v;
	uint32_t r;
	size_t i, k;

	for (v = 0; v <= 0xffff; v++) {
		r = call(&p, SCMP_SYS(socket), v, 0);
		assert_int_equal(r, v == AF_ALG || v == AF_VSOCK ? EPERM_ : ALLOW);
		r = call(&p, SCMP_SYS(ioctl), 3, v);
		assert_int_equal(r, v == TIOCSTI || v == TIOCLINUX ? EPERM_ : ALLOW);
	}
	for (k = 0; k < 20000; k++) {
		uint64_t x = rnd(&seed), small = x & 0x3f, lo = x & 0xffffffff;
		const uint64_t vals[] = {x, small, lo, (x & ~0xffffffffull) | small};

		for (i = 0; i < 4; i++) {
			int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, calls[i]);
			unsigned arg = i == 1 ? 1 : 0;

			for (size_t j = 0; j < 4; j++) {
				uint64_t a0 = arg ? 3 : vals[j], a1 = arg ? vals[j] : 0;

				r = call(&p, nr, a0, a1);
				assert_true(r == ALLOW || r == EPERM_);
				if (r == ALLOW && i != 1 && !docker_allows(calls[i], a0, a1))
					fail_msg("%s(0x%llx) allowed", calls[i],
						 (unsigned long long)a0);
				if (r == ALLOW && i < 2) /* the low 32 bits alone allowed too */
					assert_int_equal(call(&p, nr, arg ? 3 : (uint32_t)a0,
							      arg ? (uint32_t)a1 : 0),
							 ALLOW);
			}
		}
	}
	free(p.insn);
}

static const char *profile_file(const char *text)
{
	static char path[64];
	FILE *f;

	strcpy(path, "/tmp/muster-scf-XXXXXX");
	f = fdopen(mkstemp(path), "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static struct prog build_profile(const char *text)
{
	const char *path = profile_file(text);
	struct prog p = build(path);

	unlink(path);
	return p;
}

/* A profile rule replaces every built-in rule of its call, argument rules
 * included; nr:N reaches a call newer than the table. */
static void test_profiles(void **s)
{
	struct prog p;

	p = build_profile("include default\nallow ptrace\ndeny chroot\nallow nr:467\n"
			  "deny mount ENOSYS\nallow socket\nkill nr:468\n");
	assert_int_equal(by_name(&p, "ptrace", 0, 0), ALLOW);
	assert_int_equal(by_name(&p, "chroot", 0, 0), EPERM_);
	assert_int_equal(by_name(&p, "mount", 0, 0), ENOSYS_);
	assert_int_equal(by_name(&p, "keyctl", 0, 0), EPERM_);
	assert_int_equal(by_name(&p, "read", 0, 0), ALLOW);
	assert_int_equal(by_name(&p, "socket", HI | AF_VSOCK, 0), ALLOW);
	assert_int_equal(by_name(&p, "personality", 0x40000, 0), EPERM_);
	assert_int_equal(call(&p, 467, 0, 0), ALLOW);
	assert_int_equal(call(&p, 468, 0, 0), KILL);
	assert_int_equal(call(&p, 469, 0, 0), ENOSYS_);
	free(p.insn);

	/* the `default allow` older profiles needed beside `include default` */
	p = build_profile("default allow\ninclude default\n");
	assert_int_equal(by_name(&p, "mount", 0, 0), EPERM_);
	assert_int_equal(call(&p, 1000, 0, 0), ENOSYS_);
	assert_int_equal(by_name(&p, "read", 0, 0), ALLOW);
	free(p.insn);

	/* without include: the profile's own default for everything else */
	p = build_profile("default deny EACCES\nallow execve\nallow nr:467\n");
	assert_int_equal(call(&p, 467, 0, 0), ALLOW);
	assert_int_equal(by_name(&p, "execve", 0, 0), ALLOW);
	assert_int_equal(by_name(&p, "read", 0, 0), SCMP_ACT_ERRNO(EACCES));
	assert_int_equal(call(&p, 1000, 0, 0), SCMP_ACT_ERRNO(EACCES));
	free(p.insn);

	/* another architecture's call is skipped; kill by number */
	p = build_profile("deny socketcall\nkill nr:1000\n");
	assert_int_equal(call(&p, 1000, 0, 0), KILL);
	assert_int_equal(by_name(&p, "read", 0, 0), ALLOW);
	free(p.insn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_allow_list_names), cmocka_unit_test(test_every_call),
	    cmocka_unit_test(test_samples),	     cmocka_unit_test(test_argument_width),
	    cmocka_unit_test(test_argument_space),   cmocka_unit_test(test_profiles),
	};

	log_setup(-1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
