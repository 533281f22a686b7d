/* expand.h - ${NAME} expansion from the environment ("In URLs and
 * hook command lines, ${NAME} is replaced by the value of NAME after
 * secrets are loaded; nothing else is expanded").
 *
 * NAME is [A-Za-z_][A-Za-z0-9_]*.  A '$' not followed by '{' is literal.
 * "${" without a valid NAME and '}' is an error, and so is an unset NAME
 * (a set but empty NAME expands to nothing): a URL or hook silently
 * missing its password is worse than a clear start-up error.  Messages
 * name the variable, never a value. */
#ifndef MUSTER_EXPAND_H
#define MUSTER_EXPAND_H

#include <stddef.h>

/* s points at "${".  On success stores how many bytes the reference takes
 * and the variable's value (from getenv) and returns 0; else -EINVAL with
 * err set. */
int expand_ref(const char *s, size_t *len, const char **val, char *err, size_t errlen);

/* Expand every ${NAME} of `in` into a new string *out (free it).  Returns
 * 0, -EINVAL (err says why) or -ENOMEM. */
int expand_vars(const char *in, char **out, char *err, size_t errlen);

/* expand_vars() of a text that must stay one line (an HTTP header's
 * value): a value holding CR or LF is refused, naming its ${NAME}. */
int expand_line(const char *in, char **out, char *err, size_t errlen);

/* Free a string expand_vars() made (NULL: nothing), zeroed first: it may
 * hold a secret. */
void expand_free(char *s);

/* --expand-args: expand every ${NAME} of each argument of the
 * NULL-terminated argv into a new NULL-terminated vector *out (free it with
 * expand_argv_free()).  An argument stays one argument whatever its value
 * holds: nothing is re-split, globbed or unquoted.  Returns 0, -EINVAL (err
 * names the variable and the argument by its position, argument 0 being
 * the command, never a value) or -ENOMEM. */
int expand_argv(char *const *argv, char ***out, char *err, size_t errlen);

/* Wipe (the values may be secrets) and free what expand_argv() made. */
void expand_argv_free(char **argv);

#endif
