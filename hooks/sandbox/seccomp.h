/* scfilter.h - the seccomp filter of the workload (libseccomp).
 *
 * `none`, `default` (the built-in deny list, at least as strict as
 * Docker's default profile for a process without CAP_SYS_ADMIN), or a
 * profile file in muster's format (scprof.h).  Syscalls of a foreign
 * architecture (i386 int 0x80, x32 on x86_64) kill the process. */
#ifndef MUSTER_SCFILTER_H
#define MUSTER_SCFILTER_H

/* Build the filter for `spec` before fork: *out is NULL for "none".
 * Returns 0, or -EINVAL after logging (unreadable profile, unknown
 * syscall...). */
int scfilter_build(const char *spec, void **out);

/* In the child, last thing before exec.  Returns 0 or -errno (logged). */
int scfilter_apply(void *filter);

void scfilter_free(void *filter);

/* Names in the built-in deny list (EPERM), NULL-terminated; clone3 is
 * answered ENOSYS so that libc falls back to clone, and clone, unshare's
 * friends, personality, socket and ioctl have argument rules on top. */
extern const char *const scfilter_default_deny[];

#endif
