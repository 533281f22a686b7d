/* emulated.h - what qemu-user cannot run.  `make check-arm64` runs the unit
 * tests of the aarch64 release build under qemu-user-static with
 * MUSTER_EMULATED set to the emulator's name.  qemu-user 7.2 answers
 * prctl(PR_SET_CHILD_SUBREAPER) and PR_GET_CHILD_SUBREAPER with EINVAL,
 * and has no seccomp(2) (ENOSYS) nor PR_SET_SECCOMP (EINVAL): a filter
 * would apply to the emulator's own host syscalls.  A test that needs one
 * of those skips there, saying which.  Include after <cmocka.h>. */
#ifndef MUSTER_TEST_EMULATED_H
#define MUSTER_TEST_EMULATED_H

#include <stdio.h>
#include <stdlib.h>

#define SKIP_IF_EMULATED(why)                                                                      \
	do {                                                                                       \
		if (getenv("MUSTER_EMULATED")) {                                                   \
			print_message("skipped under %s: %s\n", getenv("MUSTER_EMULATED"), why);   \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

#endif
