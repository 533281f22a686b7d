/* parse.h - pure parsers for option values (no I/O, no logging). */
#ifndef MUSTER_PARSE_H
#define MUSTER_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* "250ms", "10s", "2m", "1h", "1.5s"; a bare number is seconds.
 * Returns 0 and stores milliseconds, or -EINVAL / -ERANGE. */
int parse_duration(const char *s, int64_t *ms);

/* "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3".  Returns the signal
 * number (1..64) or -EINVAL. */
int parse_signal(const char *s);

/* Name of a signal without the SIG prefix ("TERM"), or "RTMIN+N"; the
 * buffer is only used for real-time signals and unknown numbers. */
const char *signal_name(int sig, char buf[16]);

/* "FROM:TO" signal rewrite; TO may be 0 (drop the signal, as dumb-init).
 * Returns 0 or -EINVAL. */
int parse_rewrite(const char *s, int *from, int *to);

/* Exit code 0..255.  Returns the code or -EINVAL. */
int parse_exit_code(const char *s);

/* true/false, yes/no, on/off, 1/0.  Returns 0/1 or -EINVAL. */
int parse_bool(const char *s);

/* Non-negative decimal integer up to max.  Returns 0 or -EINVAL/-ERANGE. */
int parse_uint(const char *s, unsigned long max, unsigned long *out);

/* Exit code of muster for a workload wait(2) status: the code, or 128+N
 * when killed by signal N. */
int exit_code_of_status(int status);

/* Whether an HTTP status matches a list of expected ones: "200-399,401",
 * "2xx,304"; NULL or "": 200-299.  Returns 1 when status matches, 0 when
 * not, -EINVAL when the list is malformed (so `list, 200` checks a list). */
int http_expect_match(const char *expect, int status);

#endif
