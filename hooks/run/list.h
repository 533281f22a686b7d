/* list.h - the ordered list of pre-start hooks (stage 4 of the start):
 *   1. [hook NAME] sections of the INI file, in file order
 *   2. --pre / MUSTER_PRE command lines, in order
 *   3. every executable regular file of --hooks-dir, in strcmp() name
 *      order (dot files, non-executables and non-regular files skipped,
 *      with a debug line)
 * Command lines are split with split_words() (${NAME} expanded from the
 * current environment, so call this after secrets are loaded). */
#ifndef MUSTER_HOOKLIST_H
#define MUSTER_HOOKLIST_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"

struct hook {
	char *name;	    /* for logs: "migrate", "pre#2", "10-seed.sh" */
	char **argv;	    /* NULL-terminated, argv[0] non-empty */
	int64_t timeout_ms; /* 0: none */
};

/* Returns 0 with *out and *n (possibly 0 hooks), or an error after logging
 * one line: conf_value_error() of the culprit's source for a command line
 * that does not split (bad quoting, empty command, unset ${NAME}), the
 * -errno of an unreadable hooks directory, or -ENOMEM. */
int hooklist_build(const struct muster_conf *c, struct hook **out, size_t *n);
void hooklist_free(struct hook *h, size_t n);

#endif
