/* hpack.h - HPACK (RFC 7541) for the one HTTP/2 request muster makes
 * (grpc://, grpcs://): a decoder for the server's header blocks (static
 * table, Huffman-coded strings) and the one encoder piece the request
 * needs (a literal field, never indexed, never Huffman-coded).
 *
 * muster announces SETTINGS_HEADER_TABLE_SIZE 0, so the server keeps no
 * dynamic table for it: a field "with incremental indexing" is only
 * decoded, a size update may only say 0, and an index past the static
 * table is an error.  Pure: it reads what the network sent, so every
 * length and index is checked. */
#ifndef MUSTER_HPACK_H
#define MUSTER_HPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a field's name and value keep; longer ones are cut (no name muster
 * looks at is that long, and values are only shown). */
#define HPACK_NAME_MAX	64
#define HPACK_VALUE_MAX 160

/* One decoded field; a nonzero return stops the decoding and is returned. */
typedef int (*hpack_field_fn)(void *arg, const char *name, size_t nlen, const char *value,
			      size_t vlen);

/* Decode one complete header block (a HEADERS frame's fragment and its
 * CONTINUATIONs, joined).  Returns 0, -EPROTO (a compression error: *err
 * says why) or what fn returned. */
int hpack_decode(const uint8_t *p, size_t n, hpack_field_fn fn, void *arg, const char **err);

/* Decode n Huffman-coded bytes into out (at most cap are kept; *outlen is
 * the whole length).  Returns 0 or -EPROTO (EOS inside, bad padding). */
int hpack_huffman_decode(const uint8_t *in, size_t n, char *out, size_t cap, size_t *outlen);

/* Append "literal field, never indexed" to buf at *pos: the name by its
 * static table index when `sindex` is not 0, else `name` as a string.
 * Returns 0 or -ENOSPC. */
int hpack_put_field(uint8_t *buf, size_t cap, size_t *pos, unsigned sindex, const char *name,
		    const char *value);

#endif
