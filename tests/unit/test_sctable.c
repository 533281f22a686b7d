/* Unit tests: libseccomp's syscall table for the native architecture, the
 * one muster's filters and profiles resolve names and numbers with.  The
 * release build links libseccomp with packaging/libseccomp-one-arch.patch
 * (the table holds only the native column); the kernel's own numbers are
 * the oracle: SCMP_SYS(name) is the kernel header's __NR_name, or
 * libseccomp's negative pseudo number for a call this architecture does
 * not have.  Only calls the kernel headers of Debian 12 (Linux 6.1) know. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/sandbox/seccomp.h"

#define NR(name) {#name, SCMP_SYS(name)}

static const struct {
	const char *name;
	int nr;
} calls[] = {
    /* every Linux architecture's */
    NR(read), NR(write), NR(close), NR(openat), NR(fstat), NR(mmap), NR(munmap),
    NR(mprotect), NR(brk), NR(rt_sigaction), NR(rt_sigprocmask), NR(ioctl), NR(pread64),
    NR(readv), NR(writev), NR(sched_yield), NR(mremap), NR(madvise), NR(dup), NR(dup3),
    NR(nanosleep), NR(getpid), NR(socket), NR(connect), NR(accept), NR(accept4), NR(sendto),
    NR(recvfrom), NR(sendmsg), NR(recvmsg), NR(shutdown), NR(bind), NR(listen), NR(clone),
    NR(execve), NR(exit), NR(exit_group), NR(wait4), NR(waitid), NR(kill), NR(uname),
    NR(fcntl), NR(fsync), NR(getcwd), NR(chdir), NR(mkdirat), NR(unlinkat), NR(setuid),
    NR(setgid), NR(setgroups), NR(setresuid), NR(capget), NR(capset), NR(prctl),
    NR(personality), NR(chroot), NR(mount), NR(umount2), NR(pivot_root), NR(ptrace),
    NR(kexec_load), NR(init_module), NR(reboot), NR(setns), NR(unshare), NR(seccomp),
    NR(getrandom), NR(memfd_create), NR(bpf), NR(execveat), NR(userfaultfd), NR(statx),
    NR(io_uring_setup), NR(open_tree), NR(pidfd_open), NR(clone3), NR(close_range),
    NR(openat2), NR(pidfd_getfd), NR(faccessat2), NR(process_madvise), NR(epoll_pwait2),
    NR(mount_setattr), NR(landlock_create_ruleset), NR(process_mrelease), NR(futex_waitv),
    NR(set_mempolicy_home_node), NR(signalfd4), NR(timerfd_create), NR(pipe2),
    /* x86_64's and not aarch64's (pseudo numbers there), and the reverse */
    NR(open), NR(stat), NR(poll), NR(access), NR(pipe), NR(select), NR(dup2), NR(fork),
    NR(vfork), NR(alarm), NR(arch_prctl), NR(iopl), NR(ioperm), NR(time), NR(epoll_wait),
    NR(creat), NR(rename), NR(mkdir), NR(unlink), NR(readlink), NR(chmod), NR(chown),
    NR(getdents), NR(signalfd), NR(eventfd), NR(inotify_init), NR(modify_ldt),
    NR(renameat), NR(newfstatat),
    /* other architectures' only: pseudo numbers on both */
    NR(socketcall), NR(ipc), NR(_llseek), NR(fstat64), NR(mmap2), NR(arm_fadvise64_64),
    NR(spu_run), NR(s390_pci_mmio_read), NR(cacheflush),
    NR(riscv_flush_icache), NR(sigreturn), NR(waitpid),
};

/* Each name resolves to the kernel's number, or to the same pseudo number,
 * through every way muster and libseccomp look it up; each number (pseudo
 * numbers too) resolves back to the name. */
static void test_names_and_numbers(void **s)
{
	size_t i, native = 0;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		const char *name = calls[i].name;
		int nr = calls[i].nr;
		char *back;

		if (seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, name) != nr)
			fail_msg("%s: %d, kernel %d", name,
				 seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, name), nr);
		assert_int_equal(seccomp_syscall_resolve_name(name), nr);
		assert_int_equal(seccomp_syscall_resolve_name_arch(seccomp_arch_native(), name), nr);
		back = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (!back || strcmp(back, name))
			fail_msg("%d: %s, not %s", nr, back ? back : "(null)", name);
		free(back);
		native += nr >= 0;
	}
	assert_true(native >= 90); /* the 90 calls every architecture has, at least */
	assert_int_equal(seccomp_syscall_resolve_name("nosuchcall"), __NR_SCMP_ERROR);
	assert_int_equal(seccomp_syscall_resolve_name(""), __NR_SCMP_ERROR);
	assert_null(seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, 100000));
	assert_null(seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, -1));
}

/* Every number below SCFILTER_NR_SCAN the table names (what the default
 * filter refuses with EPERM rather than ENOSYS) round-trips, and there are
 * as many as the architecture has calls. */
static void test_every_number_round_trips(void **s)
{
	int nr, known = 0;

	for (nr = 0; nr < SCFILTER_NR_SCAN; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (!name)
			continue;
		if (seccomp_syscall_resolve_name(name) != nr)
			fail_msg("%d: %s resolves to %d", nr, name, seccomp_syscall_resolve_name(name));
		known++;
		free(name);
	}
#if defined(__x86_64__)
	assert_true(known > 360 && known < 460); /* 0..334, 424..462 */
#else
	assert_true(known > 300 && known < 460); /* 0..293, 424..462 */
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_and_numbers),
	    cmocka_unit_test(test_every_number_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
