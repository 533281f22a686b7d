/* ini.h - the INI front end of the conf layer (inih underneath; its
 * header is <ini.h>, this one "conf/ini.h").
 *
 * Sections and keys come from the option table (conf_options[].section
 * and .key); `[hook NAME]` sections take `exec` (required) and `timeout`.
 * Every value goes through conf_apply(..., SRC_FILE, line), so the command
 * line and the environment, loaded before, keep precedence.  A value that
 * a higher source overrides is still validated: a wrong file is wrong.
 *
 * Beyond inih: indented lines are rejected (inih would glue them to the
 * previous value), as are lines longer than inih's buffer (it would cut
 * them), NUL bytes, keys outside a section, a key that is not
 * `key = value`, a non-list key given twice, and files over 1 MiB.  A
 * UTF-8 BOM and CRLF line ends are accepted; ` ;` starts an inline
 * comment, as in the README's example.
 */
#ifndef MUSTER_CONF_INI_H
#define MUSTER_CONF_INI_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"

#define CONF_DEFAULT_PATH "/etc/muster.ini"

/* Read `path` into `c` (c->file is set to `path`, which must outlive c).
 * A missing file is fine unless `explicit_path` (given by -c or
 * MUSTER_CONFIG).  Logs one error, `FILE:LINE: what is wrong`, and returns
 * -EBADMSG on any problem (the file is wrong: main exits 78); 0 otherwise. */
int conf_load_ini(struct muster_conf *c, const char *path, bool explicit_path);

/* The same from a buffer of `len` bytes (which may hold NUL bytes, an
 * error); `name` is used as FILE in messages.  For tests and fuzzing. */
int conf_load_ini_buf(struct muster_conf *c, const char *name, const char *buf, size_t len);

/* The longest line accepted, without its line end (inih's fixed buffer). */
int conf_ini_max_line(void);

#endif
