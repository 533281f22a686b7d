/* exit.c - error kinds to exit codes (see exit.h). */
#include "init/exit.h"

#include <errno.h>

int exit_code_for(int err)
{
	switch (err) {
	case -EINVAL:
		return EXIT_USAGE;
	case -ETIMEDOUT:
		return EXIT_UNAVAILABLE;
	default:
		return EXIT_CONFIG;
	}
}
