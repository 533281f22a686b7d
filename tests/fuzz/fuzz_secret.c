/* libFuzzer: the secret/env-dir value cleaner and the env name and path
 * containment checks (file contents and paths are untrusted). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/secrets/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *half;
	size_t n = size;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (!secret_value_clean(buf, &n)) {
		/* no NUL, a prefix of the input, no trailing LF left */
		if (n > size || memchr(buf, '\0', n) || buf[n] != '\0' || memcmp(buf, data, n) ||
		    (n && buf[n - 1] == '\n'))
			abort();
	} else if (!memchr(data, '\0', size)) {
		abort();
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	(void)env_name_valid(buf);
	half = strchr(buf, '|');
	if (half) {
		*half = '\0';
		if (path_inside(buf, half + 1) && (strstr(buf, "/../") || strstr(half + 1, "/../")))
			abort();
	}
	free(buf);
	return 0;
}
