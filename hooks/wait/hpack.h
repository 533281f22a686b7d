/* hpack.h - HPACK (RFC 7541) for the one HTTP/2 request muster makes
 * (grpc://, grpcs://): a decoder for the server's header blocks (static and
 * dynamic table, Huffman-coded strings) and the one encoder piece the
 * request needs (a literal field, never indexed, never Huffman-coded).
 * Pure: bytes in, fields out; it reads what the network sent, so every
 * length and index is checked. */
#ifndef MUSTER_HPACK_H
#define MUSTER_HPACK_H

#include <stddef.h>
#include <stdint.h>

/* The dynamic table's size: SETTINGS_HEADER_TABLE_SIZE, left at its
 * default (muster never announces another). */
#define HPACK_TABLE_SIZE 4096
/* A string longer than this is cut for the callback (it could not be in a
 * table of HPACK_TABLE_SIZE bytes anyway: an entry costs its name, its
 * value and 32). */
#define HPACK_STR_MAX 4064

struct hpack_dec {
	uint32_t limit; /* the table size the encoder set (<= HPACK_TABLE_SIZE) */
	uint32_t size;	/* RFC size of the entries: sum of name + value + 32 */
	unsigned n;	/* entries, oldest first in e[] */
	struct {
		uint16_t off, nlen, vlen;
	} e[HPACK_TABLE_SIZE / 32];
	uint32_t used; /* bytes of data[] */
	char data[HPACK_TABLE_SIZE];
	char name[HPACK_STR_MAX], value[HPACK_STR_MAX]; /* scratch */
};

/* One decoded field; a nonzero return stops the decoding and is returned. */
typedef int (*hpack_field_fn)(void *arg, const char *name, size_t nlen, const char *value,
			      size_t vlen);

void hpack_init(struct hpack_dec *h);

/* Decode one complete header block (a HEADERS frame's fragment and its
 * CONTINUATIONs, joined).  Returns 0, -EPROTO (a compression error: *err
 * says why) or what fn returned. */
int hpack_decode(struct hpack_dec *h, const uint8_t *p, size_t n, hpack_field_fn fn, void *arg,
		 const char **err);

/* Decode n Huffman-coded bytes into out (at most cap are kept; *outlen is
 * the whole length).  Returns 0 or -EPROTO (EOS inside, bad padding). */
int hpack_huffman_decode(const uint8_t *in, size_t n, char *out, size_t cap, size_t *outlen);

/* Append "literal field, never indexed" to buf at *pos: the name by its
 * static table index when `sindex` is not 0, else `name` as a string.
 * Returns 0 or -ENOSPC. */
int hpack_put_field(uint8_t *buf, size_t cap, size_t *pos, unsigned sindex, const char *name,
		    const char *value);

#endif
