/* seccomp.h - the seccomp filter of the workload (libseccomp).
 *
 * `none`, `default` (the built-in allow list, at least as strict as
 * Docker's default profile for a container with Docker's default
 * capabilities: a call it does not allow fails with EPERM, a call newer
 * than libseccomp's table with ENOSYS), or a profile file in muster's
 * format (profile.h).  Syscalls of a foreign architecture (i386 int 0x80,
 * x32 on x86_64) kill the process. */
#ifndef MUSTER_SCFILTER_H
#define MUSTER_SCFILTER_H

/* Build the filter for `spec` before fork: *out is NULL for "none".
 * Returns 0, or -EINVAL after logging (unreadable profile, unknown
 * syscall...). */
int scfilter_build(const char *spec, void **out);

/* In the child, last thing before exec.  Returns 0 or -errno (logged). */
int scfilter_apply(void *filter);

void scfilter_free(void *filter);

/* Load the probes' own filter into this process (last step of
 * priv_sandbox(), drop.h): an allow list of what the waits and probes
 * need (sockets of AF_UNIX, AF_INET, AF_INET6 only; read-only opens; no
 * PROT_EXEC memory; threads but no fork; no exec); every other call fails
 * with EPERM.  Where seccomp(2) itself is missing (ENOSYS: a kernel
 * without it, qemu-user, valgrind) the process stays without a filter.  Returns 0 or -errno (logged). */
int scfilter_enter_prober(void);

/* The calls `default` allows whatever their arguments: names separated by
 * one space (names another architecture has are skipped).  On top:
 * clone without namespace flags, socket but AF_ALG and AF_VSOCK, ioctl
 * but TIOCSTI and TIOCLINUX, personality 0, 0x8, 0x20000, 0x20008 and
 * 0xffffffff; clone3 answers ENOSYS. */
extern const char scfilter_default_allow[];

/* The numbers 0..SCFILTER_NR_SCAN-1 are looked up in libseccomp's table:
 * a known one that is not allowed fails with EPERM, the rest with ENOSYS. */
#define SCFILTER_NR_SCAN 1024

#endif
