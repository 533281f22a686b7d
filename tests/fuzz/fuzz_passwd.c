/* libFuzzer: the /etc/passwd and /etc/group line parsers (untrusted image
 * files).  Input: one line each for both parsers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/sandbox/user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	struct pw_entry pw;
	struct gr_entry gr;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	if (!passwd_parse_line(line, &pw)) {
		if (!*pw.name || strchr(pw.name, ':') || pw.uid == UINT32_MAX)
			abort();
		(void)strlen(pw.home);
	}
	memcpy(line, data, size);
	line[size] = '\0';
	if (!group_parse_line(line, &gr)) {
		if (!*gr.name || strchr(gr.members, ':'))
			abort();
		(void)group_has_member(gr.members, "app");
		(void)group_has_member(gr.members, gr.name);
	}
	free(line);
	return 0;
}
