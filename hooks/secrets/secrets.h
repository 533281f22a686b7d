/* secrets.h - NAME_FILE secrets and env dirs, loaded into the process
 * environment before anything else runs (stage 2 of the start), so ${NAME} in
 * URLs and hooks, the hooks and the workload all see them.
 *
 * Values read here are secrets: they never reach a log line. */
#ifndef MUSTER_SECRETS_H
#define MUSTER_SECRETS_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"

/* The kernel's limit for one "NAME=value\0" string of the environment:
 * MAX_ARG_STRLEN, 32 pages (x86_64 and arm64 with 4 KiB pages). */
#define ENV_STRLEN_MAX (32u * 4096u)

/* Load --env-dir first, then expand every NAME_FILE that points inside a
 * secrets dir or whose NAME was given with --secret.  Modifies the process
 * environment (setenv/unsetenv).  A file in a secrets dir or the env dir
 * that leads outside it is refused.  Returns 0, or -EPERM (something named
 * cannot be used: exit 78) after logging one error that names the variable
 * and the file, never the content. */
int secrets_load(const struct muster_conf *c);

/* A portable variable name: [A-Za-z_][A-Za-z0-9_]*. */
bool env_name_valid(const char *s);

/* Clean a value read from a file in place: strip trailing "\n" and
 * "\r\n" (as many as there are; inner ones and a lone trailing '\r' stay).
 * Returns 0, or -EINVAL when the content holds a NUL byte. */
int secret_value_clean(char *buf, size_t *len);

/* Whether "NAME=value\0" fits in ENV_STRLEN_MAX. */
bool env_entry_fits(size_t namelen, size_t vallen);

/* Whether the absolute `path` lies strictly inside the directory `dir`, as
 * written (a "/.." component never counts as inside): for a secrets dir
 * that does not exist, where nothing can be opened to compare. */
bool path_inside(const char *path, const char *dir);

#endif
