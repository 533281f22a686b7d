/* caps.h - capability names and the capability drop (libcap-ng).
 *
 * Once a user or --cap-keep is given, every capability not kept leaves
 * every set, the bounding set included; the kept ones stay effective after
 * the change to a non-root uid through the ambient set. */
#ifndef MUSTER_CAPS_H
#define MUSTER_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/conf.h"

/* "NET_BIND_SERVICE", "CAP_NET_BIND_SERVICE", any case.  Returns the
 * capability number, or -EINVAL for a name this kernel/library lacks. */
int cap_parse(const char *name);

/* All names of `l` into a bit mask.  Returns 0, or -EINVAL after logging
 * the first unknown name. */
int caps_parse_list(const struct strlist *l, uint64_t *mask);

/* Before fork: every kept capability must be in muster's own permitted
 * set, or it cannot be kept.  Returns 0, or -EINVAL after logging. */
int caps_check_available(uint64_t keep);

/* Whether muster itself has `cap` in its effective set now. */
bool caps_have_effective(int cap);

/* Before the uid change, as root: drop every capability not in `keep`
 * from the bounding set.  With `may_skip` (no_new_privs will be set), a
 * process that has no capability at all (started as a non-root user, so
 * it cannot drop any) keeps its bounding set with a warning: nothing can
 * raise a capability from it under no_new_privs.  Returns 0 or -errno
 * (logged). */
int caps_drop_bounding(uint64_t keep, bool may_skip);

/* After the uid change: effective, permitted and inheritable become
 * `keep`; with `ambient`, the ambient set becomes `keep` too (so the caps
 * survive exec as non-root).  Returns 0 or -errno (logged). */
int caps_set(uint64_t keep, bool ambient);

#endif
