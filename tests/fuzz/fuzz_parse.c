/* libFuzzer target: option-value parsers (durations, signals, rewrites,
 * exit codes, booleans, capability names) and conf_apply on every option. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hooks/sandbox/caps.h"
#include "conf/conf.h"
#include "conf/log.h"
#include "conf/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct muster_conf c;
	char *s = malloc(size + 1);
	int64_t ms;
	int a, b, i;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	log_setup(-1, LOGF_TEXT);
	parse_duration(s, &ms);
	parse_signal(s);
	parse_rewrite(s, &a, &b);
	parse_exit_code(s);
	parse_bool(s);
	cap_parse(s);
	conf_init(&c);
	for (i = 0; i < OPT_COUNT; i++)
		conf_apply(&c, (enum opt_id)i, s, (enum conf_src)(1 + size % 3), 1);
	conf_free(&c);
	free(s);
	return 0;
}
