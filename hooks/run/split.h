/* split.h - split a hook command line into words like a shell does, but
 * without a shell: no globbing, no pipes, no other expansion.
 *
 *   'single'   literal up to the next '
 *   "double"   backslash escapes only \" \\ \$ \` (and \newline: dropped);
 *              ${NAME} is expanded
 *   \c         outside quotes: c literally (\newline: dropped)
 *   ${NAME}    outside quotes or in double quotes: the variable's value,
 *              which stays inside its word (a secret with spaces is one
 *              word; no re-splitting; unquoted and empty, it makes no
 *              word, as in a shell).  Single quotes and a backslash
 *              before '$' keep it literal.
 *   spaces, tabs and newlines separate words; '' and "" make empty words.
 * An unterminated quote, a trailing backslash or a bad/unset ${NAME} is an
 * error. */
#ifndef MUSTER_SPLIT_H
#define MUSTER_SPLIT_H

#include <stddef.h>

/* On success returns 0 and a NULL-terminated argv (free with
 * split_free()); *argc may be 0 for a blank line.  -EINVAL with err set
 * (never containing a variable's value), or -ENOMEM. */
int split_words(const char *line, int expand, char ***argv, size_t *argc, char *err, size_t errlen);
void split_free(char **argv);

#endif
