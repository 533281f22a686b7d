/* syslog.c - libcap-ng reports capng_apply() failures with syslog(3).  A
 * container's PID 1 has no /dev/log, and libc's syslog drags strftime and
 * the time-zone code into the static binary: this definition, linked before
 * libc, sends those lines to muster's own log instead. */
#include <stdarg.h>
#include <stdio.h>

#include "conf/log.h"

/* <syslog.h> is not included: its LOG_INFO/LOG_DEBUG clash with log.h's. */
#define SYSLOG_ERR 3
void syslog(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void syslog(int priority, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg((priority & 7) <= SYSLOG_ERR ? LOG_ERROR : LOG_WARN, "%s", msg);
}
