/* libFuzzer: muster's seccomp profile parser (an untrusted file).  A parsed
 * profile has valid actions and errnos, each call once, and every number
 * a name libseccomp knows or an nr:N within 0..SCPROF_NR_MAX. */
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/sandbox/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_profile p;
	char err[128];
	size_t i, j;

	if (scprof_parse((const char *)data, size, &p, err, sizeof(err))) {
		if (!memchr(err, '\0', sizeof(err)) || strncmp(err, "line ", 5))
			abort();
		return 0;
	}
	for (i = 0; i < p.n; i++) {
		if (p.rules[i].nr == __NR_SCMP_ERROR || p.rules[i].nr > SCPROF_NR_MAX ||
		    p.rules[i].act > SC_KILL ||
		    (p.rules[i].act == SC_DENY && (p.rules[i].err < 1 || p.rules[i].err > 4095)))
			abort();
		for (j = 0; j < i; j++)
			if (p.rules[j].nr == p.rules[i].nr)
				abort();
	}
	scprof_free(&p);
	return 0;
}
