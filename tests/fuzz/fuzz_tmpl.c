/* fuzz_tmpl.c - url_parse_refs() on arbitrary URL templates and values.
 * The input is "VALUE\nTEMPLATE"; ${FZ} is VALUE with a \x01 before it,
 * a byte no URL as written can hold (it is a control character), so
 * wherever it shows the value leaked.  Checked: the value shows in no
 * message and no display form (which is the URL as written, redacted); a
 * password written as exactly ${FZ} is the value, whole; a request target
 * holds no space, control character or '#' (values are percent-encoded). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/redact.h"
#include "conf/url.h"
#include "hooks/secrets/expand.h"
#include "hooks/wait/proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t vlen = nl ? (size_t)(nl - data) : 0, tlen = nl ? size - vlen - 1 : size;
	char *v = malloc(vlen + 2), *s = malloc(tlen + 1), *red = malloc(tlen + 8), err[600];
	const char *c;
	struct url u;
	struct url_parts p;

	if (!v || !s || !red || memchr(data, '\0', size))
		goto out;
	v[0] = '\x01';
	memcpy(v + 1, data, vlen);
	v[vlen + 1] = '\0';
	memcpy(s, data + size - tlen, tlen);
	s[tlen] = '\0';
	if (strchr(s, '\x01'))
		goto out;
	setenv("FZ", v, 1);
	redact_url(s, proto_url_scheme, REDACT_WRITTEN, red, tlen + 8);
	if (url_parse_refs(s, proto_url_scheme, expand_ref, &u, err, sizeof(err))) {
		if (strchr(err, '\x01'))
			abort();
		goto out;
	}
	if (strcmp(u.display, red))
		abort();
	url_split(s, &p);
	if (p.colon && p.at - p.colon == 6 && !memcmp(p.colon + 1, "${FZ}", 5) &&
	    (!u.password || strcmp(u.password, v)))
		abort();
	if (u.syntax->path == URL_PATH_TARGET)
		for (c = u.path; *c; c++)
			if ((unsigned char)*c <= ' ' || *c == 0x7f || *c == '#')
				abort();
	url_free(&u);
out:
	free(v);
	free(s);
	free(red);
	return 0;
}
