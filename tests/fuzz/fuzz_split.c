/* fuzz_split.c - split_words() with and without ${NAME} expansion. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/secrets/expand.h"
#include "hooks/run/split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), **argv, err[300], *out;
	size_t argc, i;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	setenv("FUZZ_VAR", "a b 'c\"", 1);
	if (split_words(s, (int)(size & 1), &argv, &argc, err, sizeof(err)) == 0) {
		for (i = 0; i < argc; i++)
			if (!argv[i])
				abort();
		if (argv[argc])
			abort();
		split_free(argv);
	}
	if (expand_vars(s, &out, err, sizeof(err)) == 0)
		free(out);
	free(s);
	return 0;
}
