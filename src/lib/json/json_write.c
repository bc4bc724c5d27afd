/* SPDX-License-Identifier: MIT */
/*
 * The JSON writer: compact or pretty, optionally with sorted keys and
 * ASCII-only output.  Output is buffered and handed to the sink in chunks.
 * Strings are always written as valid UTF-8: a byte that does not start a
 * well-formed sequence becomes U+FFFD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json/json_int.h"
#include "lib/json/json_out.h"
#include "util/alloc.h"
#include "util/buf.h"

#define WBUF_SIZE	8192	/* bytes buffered before calling the sink */

struct writer {
	ov_json_sink	 sink;		/* where output goes */
	void		*payload;	/* passed to sink */
	ov_json_mask_fn	 mask;		/* members whose value is masked, or
					   NULL */
	unsigned	 flags;		/* OV_JSON_W_* */
	int		 error;		/* first error from the sink */
	size_t		 n;		/* bytes in buf */
	char		 buf[WBUF_SIZE]; /* pending output */
};

/* Hand the buffer to the sink. */
static int
flush(struct writer *w)
{
	int r;

	if (w->n != 0 && w->error == 0) {
		if ((r = w->sink(w->buf, w->n, w->payload)) != 0)
			w->error = r < 0 ? r : OV_EUSER;
	}
	w->n = 0;
	return w->error;
}

/* Queue n bytes of output. */
static void
put(struct writer *w, const char *s, size_t n)
{
	int r;

	if (w->error != 0)
		return;
	if (n > sizeof(w->buf) - w->n) {
		if (flush(w) != 0)
			return;
		if (n > sizeof(w->buf)) {
			if ((r = w->sink(s, n, w->payload)) != 0)
				w->error = r < 0 ? r : OV_EUSER;
			return;
		}
	}
	memcpy(w->buf + w->n, s, n);
	w->n += n;
}

/* Queue one byte. */
static inline void
putc1(struct writer *w, char c)
{
	if (w->n == sizeof(w->buf) && flush(w) != 0)
		return;
	w->buf[w->n++] = c;
}

static const char hexdig[] = "0123456789abcdef";

/* Queue a \uXXXX escape. */
static void
put_u(struct writer *w, unsigned cp)
{
	char e[6] = { '\\', 'u', hexdig[(cp >> 12) & 15],
	    hexdig[(cp >> 8) & 15], hexdig[(cp >> 4) & 15], hexdig[cp & 15] };

	put(w, e, sizeof(e));
}

/* The code point of a valid UTF-8 sequence of n bytes at p. */
static unsigned
utf8_decode(const unsigned char *p, size_t n)
{
	switch (n) {
	case 2:
		return ((unsigned)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
	case 3:
		return ((unsigned)(p[0] & 0x0f) << 12) |
		    ((unsigned)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
	default:
		return ((unsigned)(p[0] & 0x07) << 18) |
		    ((unsigned)(p[1] & 0x3f) << 12) |
		    ((unsigned)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
	}
}

/* Queue a string literal with its quotes. */
static void
write_str(struct writer *w, const char *s, size_t len)
{
	const char *p = s, *e = s + len, *run;

	putc1(w, '"');
	while (p < e) {
		unsigned char c;
		size_t n;

		/* A run of bytes that need no escaping. */
		run = p;
		while (e - p >= 8) {
			uint64_t x = ov_json__load64(p);
			uint64_t q = x ^ OV_JSON_REP('"');
			uint64_t b = x ^ OV_JSON_REP('\\');

			if (((((q - OV_JSON_REP(1)) & ~q) |
			    ((b - OV_JSON_REP(1)) & ~b) |
			    ((x - OV_JSON_REP(0x20)) & ~x) | x) &
			    OV_JSON_HI) != 0)
				break;
			p += 8;
		}
		while (p < e && (c = (unsigned char)*p) >= 0x20 && c < 0x80 &&
		    c != '"' && c != '\\')
			p++;
		if (p != run)
			put(w, run, (size_t)(p - run));
		if (p >= e)
			break;
		c = (unsigned char)*p;
		if (c >= 0x80) {
			n = ov_json__utf8_len((const unsigned char *)p,
			    (size_t)(e - p));
			if (n == 0) {
				if (w->flags & OV_JSON_W_ASCII)
					put_u(w, 0xfffd);
				else
					put(w, "\xef\xbf\xbd", 3);
				p++;
			} else if (w->flags & OV_JSON_W_ASCII) {
				unsigned cp = utf8_decode(
				    (const unsigned char *)p, n);

				if (cp >= 0x10000) {
					cp -= 0x10000;
					put_u(w, 0xd800 + (cp >> 10));
					put_u(w, 0xdc00 + (cp & 0x3ff));
				} else {
					put_u(w, cp);
				}
				p += n;
			} else {
				put(w, p, n);
				p += n;
			}
			continue;
		}
		switch (c) {
		case '"':
			put(w, "\\\"", 2);
			break;
		case '\\':
			put(w, "\\\\", 2);
			break;
		case '\b':
			put(w, "\\b", 2);
			break;
		case '\f':
			put(w, "\\f", 2);
			break;
		case '\n':
			put(w, "\\n", 2);
			break;
		case '\r':
			put(w, "\\r", 2);
			break;
		case '\t':
			put(w, "\\t", 2);
			break;
		default:
			put_u(w, c);
			break;
		}
		p++;
	}
	putc1(w, '"');
}

/* A new line and indentation for depth, in pretty mode. */
static void
newline(struct writer *w, unsigned depth)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)depth * 2;

	putc1(w, '\n');
	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		put(w, spaces, k);
		n -= k;
	}
}

/* Order members bytewise by key; equal keys keep source order. */
static int
member_cmp(const void *a, const void *b)
{
	const ov_json_member *x = *(const ov_json_member *const *)a;
	const ov_json_member *y = *(const ov_json_member *const *)b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * Queue the value v.  parent is the key of the member v belongs to (array
 * items inherit their array's), for the mask.
 */
static void
write_value(struct writer *w, const ov_json *v, unsigned depth,
    const char *parent, size_t plen)
{
	bool pretty = (w->flags & OV_JSON_W_PRETTY) != 0;
	size_t i;

	if (w->error != 0)
		return;
	if (v == NULL) {
		put(w, "null", 4);
		return;
	}
	switch (v->type) {
	case OV_JSON_NULL:
		put(w, "null", 4);
		break;
	case OV_JSON_FALSE:
		put(w, "false", 5);
		break;
	case OV_JSON_TRUE:
		put(w, "true", 4);
		break;
	case OV_JSON_NUMBER:
		put(w, v->u.str, v->len);
		break;
	case OV_JSON_STRING:
		write_str(w, v->u.str, v->len);
		break;
	case OV_JSON_ARRAY:
		putc1(w, '[');
		for (i = 0; i < v->len; i++) {
			if (i != 0)
				putc1(w, ',');
			if (pretty)
				newline(w, depth + 1);
			write_value(w, &v->u.items[i], depth + 1, parent, plen);
		}
		if (pretty && v->len != 0)
			newline(w, depth);
		putc1(w, ']');
		break;
	case OV_JSON_OBJECT: {
		const ov_json_member **order = NULL;

		if ((w->flags & OV_JSON_W_SORTED) && v->len > 1) {
			if ((order = ov__reallocarray(NULL, v->len,
			    sizeof(*order))) == NULL) {
				w->error = OV_ENOMEM;
				return;
			}
			for (i = 0; i < v->len; i++)
				order[i] = &v->u.members[i];
			qsort(order, v->len, sizeof(*order), member_cmp);
		}
		putc1(w, '{');
		for (i = 0; i < v->len; i++) {
			const ov_json_member *m = order != NULL ? order[i] :
			    &v->u.members[i];

			if (i != 0)
				putc1(w, ',');
			if (pretty)
				newline(w, depth + 1);
			write_str(w, m->key, m->klen);
			if (pretty)
				put(w, ": ", 2);
			else
				putc1(w, ':');
			if (w->mask != NULL && w->mask(v, parent, plen, m->key,
			    m->klen))
				put(w, "\"" OV_JSON_MASK "\"",
				    sizeof(OV_JSON_MASK) + 1);
			else
				write_value(w, &m->value, depth + 1, m->key,
				    m->klen);
		}
		if (pretty && v->len != 0)
			newline(w, depth);
		putc1(w, '}');
		ov__free(order);
		break;
	}
	default:
		put(w, "null", 4);
		break;
	}
}

/* Write v as JSON to sink. */
int
ov_json_write(const ov_json *v, unsigned wflags, ov_json_sink sink,
    void *payload)
{
	return ov_json_write_masked(v, wflags, NULL, NULL, sink, payload);
}

/* Write v as JSON to sink, masking the members mask names. */
int
ov_json_write_masked(const ov_json *v, unsigned wflags, ov_json_mask_fn mask,
    const char *parent, ov_json_sink sink, void *payload)
{
	struct writer *w;
	int error;

	if (sink == NULL)
		return OV_EINVALID;
	if ((w = ov__malloc(sizeof(*w))) == NULL)
		return OV_ENOMEM;
	w->sink = sink;
	w->payload = payload;
	w->mask = mask;
	w->flags = wflags;
	w->error = 0;
	w->n = 0;
	write_value(w, v, 0, parent, parent != NULL ? strlen(parent) : 0);
	error = flush(w);
	ov__free(w);
	return error;
}

/* Write one string literal to sink; the writer lives on the stack. */
int
ov_json_write_string(const char *s, size_t len, unsigned wflags,
    ov_json_sink sink, void *payload)
{
	struct writer w;

	if (sink == NULL || (s == NULL && len != 0))
		return OV_EINVALID;
	w.sink = sink;
	w.payload = payload;
	w.mask = NULL;
	w.flags = wflags;
	w.error = 0;
	w.n = 0;
	write_str(&w, s != NULL ? s : "", len);
	return flush(&w);
}

static int
file_sink(const char *data, size_t len, void *payload)
{
	return fwrite(data, 1, len, payload) == len ? 0 : OV_EIO;
}

/* A string literal to a stream, or null. */
int
ov_json_fput_string(const char *s, FILE *f)
{
	if (s == NULL)
		return fputs("null", f) < 0 ? OV_EIO : 0;
	return ov_json_write_string(s, strlen(s), 0, file_sink, f);
}

/* Sink that appends to an ov_buf. */
static int
buf_sink(const char *data, size_t len, void *payload)
{
	return ov__buf_add(payload, data, len);
}

/* A string literal into a buffer, or null; see json_out.h. */
int
ov_json__buf_string(struct ov_buf *b, const char *s)
{
	if (s == NULL)
		return ov__buf_puts(b, "null") < 0 ? OV_ENOMEM : 0;
	return ov_json_write_string(s, strlen(s), 0, buf_sink, b) < 0 ?
	    OV_ENOMEM : 0;
}

/* Serialize v into a new string. */
char *
ov_json_to_string(const ov_json *v, unsigned wflags)
{
	struct ov_buf b = OV_BUF_INIT(OV_BUF_MAX_DEFAULT);
	char *s;

	if (ov_json_write(v, wflags, buf_sink, &b) != 0) {
		ov__buf_free(&b);
		return NULL;
	}
	s = ov__buf_detach(&b);
	return s;
}
