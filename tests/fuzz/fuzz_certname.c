/* fuzz_certname.c - certname_check() on arbitrary "certificates", for a
 * name, an IPv4 and an IPv6 host. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/wait/certname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[] = {"localhost", "a.example.com", "127.0.0.1", "::1"};
	char names[64];
	size_t i;

	for (i = 0; i < 4; i++) {
		enum cert_name r = certname_check(data, size, hosts[i], names, sizeof(names));

		if (r != CERT_NAME_OK && r != CERT_NAME_MISMATCH && r != CERT_NAME_MALFORMED)
			abort();
		if (!memchr(names, '\0', sizeof(names)))
			abort();
	}
	return 0;
}
