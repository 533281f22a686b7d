/* fuzz_ini.c - libFuzzer target for the INI front end (inih + our reader,
 * section/key dispatch through the option table, conf_apply). */
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "conf/dump.h"
#include "conf/ini.h"
#include "conf/log.h"
#include "hooks/wait/proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct muster_conf c;
	FILE *devnull;

	log_setup(-1, LOGF_TEXT); /* silence: errors are expected */
	conf_init(&c);
	if (conf_load_ini_buf(&c, "fuzz.ini", (const char *)data, size) == 0) {
		/* whatever parsed must also print */
		devnull = fopen("/dev/null", "w");
		if (devnull) {
			conf_dump(&c, proto_url_scheme, devnull);
			fclose(devnull);
		}
	}
	conf_free(&c);
	return 0;
}
