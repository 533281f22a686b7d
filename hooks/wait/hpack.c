/* hpack.c - HPACK decoder and literal encoder (see hpack.h). */
#include "hooks/wait/hpack.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* RFC 7541 Appendix A: name and value of entries 1..61, NUL-separated. */
static const char static_table[] =
	":authority\0" "\0" ":method\0" "GET\0" ":method\0" "POST\0" ":path\0" "/\0"
	":path\0" "/index.html\0" ":scheme\0" "http\0" ":scheme\0" "https\0" ":status\0" "200\0"
	":status\0" "204\0" ":status\0" "206\0" ":status\0" "304\0" ":status\0" "400\0"
	":status\0" "404\0" ":status\0" "500\0" "accept-charset\0" "\0"
	"accept-encoding\0" "gzip, deflate\0" "accept-language\0" "\0" "accept-ranges\0" "\0"
	"accept\0" "\0" "access-control-allow-origin\0" "\0" "age\0" "\0" "allow\0" "\0"
	"authorization\0" "\0" "cache-control\0" "\0" "content-disposition\0" "\0"
	"content-encoding\0" "\0" "content-language\0" "\0" "content-length\0" "\0"
	"content-location\0" "\0" "content-range\0" "\0" "content-type\0" "\0" "cookie\0" "\0"
	"date\0" "\0" "etag\0" "\0" "expect\0" "\0" "expires\0" "\0" "from\0" "\0" "host\0" "\0"
	"if-match\0" "\0" "if-modified-since\0" "\0" "if-none-match\0" "\0" "if-range\0" "\0"
	"if-unmodified-since\0" "\0" "last-modified\0" "\0" "link\0" "\0" "location\0" "\0"
	"max-forwards\0" "\0" "proxy-authenticate\0" "\0" "proxy-authorization\0" "\0" "range\0" "\0"
	"referer\0" "\0" "refresh\0" "\0" "retry-after\0" "\0" "server\0" "\0" "set-cookie\0" "\0"
	"strict-transport-security\0" "\0" "transfer-encoding\0" "\0" "user-agent\0" "\0"
	"vary\0" "\0" "via\0" "\0" "www-authenticate\0" "\0";

/* Appendix B, as a canonical Huffman code (which it is): how many codes
 * of each length, and the symbols in code order (EOS, 256, is last). */
/* code lengths 1..30: how many symbols of each (EOS is the one of 30 past the 256) */
static const uint8_t huff_count[31] = {0, 0, 0, 0, 0, 10, 26, 32, 6, 0, 5, 3, 2, 6, 2, 3, 0, 0, 0, 3, 8, 13, 26, 29, 12, 4, 15, 19, 29, 0, 4};
static const uint8_t huff_sym[256] = {
	48, 49, 50, 97, 99, 101, 105, 111, 115, 116, 32, 37, 45, 46, 47, 51, 52, 53, 54, 55, 56,
	57, 61, 65, 95, 98, 100, 102, 103, 104, 108, 109, 110, 112, 114, 117, 58, 66, 67, 68, 69,
	70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 89, 106, 107, 113,
	118, 119, 120, 121, 122, 38, 42, 44, 59, 88, 90, 33, 34, 40, 41, 63, 39, 43, 124, 35, 62,
	0, 36, 64, 91, 93, 126, 94, 125, 60, 96, 123, 92, 195, 208, 128, 130, 131, 162, 184, 194,
	224, 226, 153, 161, 167, 172, 176, 177, 179, 209, 216, 217, 227, 229, 230, 129, 132, 133,
	134, 136, 146, 154, 156, 160, 163, 164, 169, 170, 173, 178, 181, 185, 186, 187, 189, 190,
	196, 198, 228, 232, 233, 1, 135, 137, 138, 139, 140, 141, 143, 147, 149, 150, 151, 152,
	155, 157, 158, 165, 166, 168, 174, 175, 180, 182, 183, 188, 191, 197, 231, 239, 9, 142,
	144, 145, 148, 159, 171, 206, 215, 225, 236, 237, 199, 207, 234, 235, 192, 193, 200, 201,
	202, 205, 210, 213, 218, 219, 238, 240, 242, 243, 255, 203, 204, 211, 212, 214, 221, 222,
	223, 241, 244, 245, 246, 247, 248, 250, 251, 252, 253, 254, 2, 3, 4, 5, 6, 7, 8, 11, 12,
	14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127, 220, 249, 10, 13,
	22
};

#define HUFF_EOS 256

int hpack_huffman_decode(const uint8_t *in, size_t n, char *out, size_t cap, size_t *outlen)
{
	unsigned code = 0, first = 0, index = 0, len = 0, count;
	bool ones = true;
	size_t i, o = 0;
	int b;

	for (i = 0; i < n; i++) {
		for (b = 7; b >= 0; b--) {
			unsigned bit = (in[i] >> b) & 1;

			code |= bit;
			ones = ones && bit;
			count = huff_count[++len];
			if (code - first < count) {
				if (index + (code - first) == HUFF_EOS)
					return -EPROTO;
				if (o < cap)
					out[o] = (char)huff_sym[index + (code - first)];
				o++;
				code = first = index = len = 0;
				ones = true;
				continue;
			}
			index += count;
			first = (first + count) << 1;
			code <<= 1;
		}
	}
	*outlen = o;
	/* what is left must be a prefix of EOS (all ones), shorter than a byte */
	return len > 7 || !ones ? -EPROTO : 0;
}

/* An integer with a `bits`-bit prefix at p[*i]; over 2^28 is refused. */
static int get_int(const uint8_t *p, size_t n, size_t *i, unsigned bits, uint32_t *v)
{
	uint32_t max = (1u << bits) - 1, b;
	unsigned m = 0;

	if (*i >= n)
		return -1;
	*v = p[(*i)++] & max;
	if (*v < max)
		return 0;
	do {
		if (*i >= n || m > 21)
			return -1;
		b = p[(*i)++];
		*v += (b & 0x7f) << m;
		m += 7;
	} while (b & 0x80);
	return 0;
}

/* A string literal into out (cap bytes kept, *len of them).  Returns 0 or
 * an error text. */
static const char *get_str(const uint8_t *p, size_t n, size_t *i, char *out, size_t cap,
			   size_t *len)
{
	bool huff = *i < n && (p[*i] & 0x80);
	uint32_t l;

	if (get_int(p, n, i, 7, &l))
		return "truncated string length";
	if (l > n - *i)
		return "string longer than the header block";
	if (huff) {
		if (hpack_huffman_decode(p + *i, l, out, cap, len))
			return "bad Huffman code";
	} else {
		*len = l;
		memcpy(out, p + *i, l < cap ? l : cap);
	}
	if (*len > cap)
		*len = cap;
	*i += l;
	return NULL;
}

/* Static entry `idx` (1..61): its name, and its value when `value`. */
static const char *entry(uint32_t idx, const char **value)
{
	const char *s = static_table;

	while (--idx)
		s += strlen(s) + 1, s += strlen(s) + 1;
	*value = s + strlen(s) + 1;
	return s;
}

struct field {
	char name[HPACK_NAME_MAX], value[HPACK_VALUE_MAX];
	size_t nl, vl;
};

/* One field at p[*i] (not a size update) into f. */
static const char *field(const uint8_t *p, size_t n, size_t *i, struct field *f)
{
	unsigned bits = (p[*i] & 0x80) ? 7 : (p[*i] & 0x40) ? 6 : 4;
	const char *name, *value, *why;
	uint32_t idx;

	if (get_int(p, n, i, bits, &idx))
		return "truncated field";
	if (idx > 61)
		return "index into a dynamic table, which muster turned off";
	if (bits == 7 && !idx)
		return "field index 0";
	if (idx) {
		name = entry(idx, &value);
		f->nl = strlen(name) < sizeof(f->name) ? strlen(name) : sizeof(f->name);
		memcpy(f->name, name, f->nl);
		if (bits == 7) {
			f->vl = strlen(value);
			memcpy(f->value, value, f->vl);
			return NULL;
		}
	} else if ((why = get_str(p, n, i, f->name, sizeof(f->name), &f->nl))) {
		return why;
	}
	return get_str(p, n, i, f->value, sizeof(f->value), &f->vl);
}

int hpack_decode(const uint8_t *p, size_t n, hpack_field_fn fn, void *arg, const char **err)
{
	struct field f;
	bool fields = false;
	size_t i = 0;
	uint32_t v;
	int r;

	while (i < n) {
		const char *why = NULL;
		bool update = (p[i] & 0xe0) == 0x20; /* dynamic table size update */

		if (update) {
			if (fields)
				why = "table size update after a field";
			else if (get_int(p, n, &i, 5, &v) || v)
				why = "table size update over the announced size (0)";
		} else {
			why = field(p, n, &i, &f);
		}
		if (why) {
			*err = why;
			return -EPROTO;
		}
		if (update)
			continue;
		fields = true;
		if ((r = fn(arg, f.name, f.nl, f.value, f.vl)))
			return r;
	}
	return 0;
}

static int put_int(uint8_t *buf, size_t cap, size_t *pos, uint8_t first, unsigned bits,
		   size_t v)
{
	size_t max = (1u << bits) - 1;

	if (*pos >= cap)
		return -ENOSPC;
	if (v < max) {
		buf[(*pos)++] = (uint8_t)(first | v);
		return 0;
	}
	buf[(*pos)++] = (uint8_t)(first | max);
	for (v -= max; v >= 128; v >>= 7) {
		if (*pos >= cap)
			return -ENOSPC;
		buf[(*pos)++] = (uint8_t)(0x80 | (v & 0x7f));
	}
	if (*pos >= cap)
		return -ENOSPC;
	buf[(*pos)++] = (uint8_t)v;
	return 0;
}

static int put_str(uint8_t *buf, size_t cap, size_t *pos, const char *s)
{
	size_t l = strlen(s);

	if (put_int(buf, cap, pos, 0, 7, l) || l > cap - *pos)
		return -ENOSPC;
	memcpy(buf + *pos, s, l);
	*pos += l;
	return 0;
}

int hpack_put_field(uint8_t *buf, size_t cap, size_t *pos, unsigned sindex, const char *name,
		    const char *value)
{
	if (put_int(buf, cap, pos, 0x10, 4, sindex) || (!sindex && put_str(buf, cap, pos, name)) ||
	    put_str(buf, cap, pos, value))
		return -ENOSPC;
	return 0;
}
