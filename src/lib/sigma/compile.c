/* SPDX-License-Identifier: MIT */
/*
 * Compiling detections: each selection (a map, a list of maps, or a list
 * of keywords) becomes field conditions over mapped fields, with the value
 * modifiers applied once (wildcards and escapes resolved, base64 and
 * windash variants expanded, regular expressions compiled, CIDR networks
 * parsed).  Then the index: for each rule, the exact values one field must
 * have for the rule to match, so an event only meets the rules its value
 * names.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sigma/sigma_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define MAX_MODS	8
#define MAX_VARIANTS	16

/* Modifier flags. */
enum {
	M_CONTAINS = 1 << 0, M_STARTS = 1 << 1, M_ENDS = 1 << 2,
	M_ALL = 1 << 3, M_RE = 1 << 4, M_CIDR = 1 << 5, M_B64 = 1 << 6,
	M_B64OFF = 1 << 7, M_WINDASH = 1 << 8, M_EXISTS = 1 << 9,
	M_GT = 1 << 10, M_GTE = 1 << 11, M_LT = 1 << 12, M_LTE = 1 << 13,
	M_CASED = 1 << 14, M_FIELDREF = 1 << 15, M_WIDE = 1 << 16,
	M_UTF16BE = 1 << 17, M_UTF16 = 1 << 18, M_RE_I = 1 << 19,
	M_RE_M = 1 << 20, M_RE_S = 1 << 21
};

static const struct { const char *name; unsigned flag; } mod_names[] = {
	{ "contains", M_CONTAINS }, { "startswith", M_STARTS },
	{ "endswith", M_ENDS }, { "all", M_ALL }, { "re", M_RE },
	{ "cidr", M_CIDR }, { "base64", M_B64 }, { "base64offset", M_B64OFF },
	{ "windash", M_WINDASH }, { "exists", M_EXISTS }, { "gt", M_GT },
	{ "gte", M_GTE }, { "lt", M_LT }, { "lte", M_LTE },
	{ "cased", M_CASED }, { "fieldref", M_FIELDREF },
	{ "wide", M_WIDE }, { "utf16le", M_WIDE }, { "utf16be", M_UTF16BE },
	{ "utf16", M_UTF16 }, { "i", M_RE_I }, { "ignorecase", M_RE_I },
	{ "m", M_RE_M }, { "multiline", M_RE_M }, { "s", M_RE_S },
	{ "dotall", M_RE_S }
};

/* Working state of one field condition's compilation. */
struct fc {
	struct ov_arena	*a;
	const struct sig_logsource *ls;
	unsigned	 mods;
	char		*why;
	size_t		 why_len;
};

/* Fold ASCII letters to lower case in place. */
static void
fold(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] + 32);
}

/* Standard base64 of n bytes into b. */
static int
base64(struct ov_buf *b, const unsigned char *s, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	ov__buf_clear(b);
	for (i = 0; i + 2 < n; i += 3) {
		char q[4] = { tab[s[i] >> 2], tab[((s[i] & 3) << 4) |
		    (s[i + 1] >> 4)], tab[((s[i + 1] & 15) << 2) |
		    (s[i + 2] >> 6)], tab[s[i + 2] & 63] };

		if (ov__buf_add(b, q, 4) < 0)
			return OV_ENOMEM;
	}
	if (n - i == 1) {
		char q[4] = { tab[s[i] >> 2], tab[(s[i] & 3) << 4], '=', '=' };

		return ov__buf_add(b, q, 4);
	}
	if (n - i == 2) {
		char q[4] = { tab[s[i] >> 2], tab[((s[i] & 3) << 4) |
		    (s[i + 1] >> 4)], tab[(s[i + 1] & 15) << 2], '=' };

		return ov__buf_add(b, q, 4);
	}
	return ov__buf_add(b, "", 0);
}

/* UTF-16 (LE or BE, with a BOM for utf16) of the UTF-8 text s. */
static int
utf16(struct ov_buf *out, const char *s, size_t n, bool be, bool bom)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	ov__buf_clear(out);
	if (bom && ov__buf_add(out, "\xff\xfe", 2) < 0)
		return OV_ENOMEM;
	while (i < n) {
		uint32_t cp = p[i];
		size_t l = cp < 0x80 ? 1 : cp < 0xe0 ? 2 : cp < 0xf0 ? 3 : 4;
		unsigned char u[4];
		size_t k;

		if (l > 1) {
			cp &= 0x3f >> (l - 1);
			for (k = 1; k < l && i + k < n; k++)
				cp = cp << 6 | (p[i + k] & 0x3f);
		}
		i += l;
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000, hi = 0xd800 | (v >> 10),
			    lo = 0xdc00 | (v & 0x3ff);

			u[0] = (unsigned char)(be ? hi >> 8 : hi);
			u[1] = (unsigned char)(be ? hi : hi >> 8);
			u[2] = (unsigned char)(be ? lo >> 8 : lo);
			u[3] = (unsigned char)(be ? lo : lo >> 8);
			if (ov__buf_add(out, u, 4) < 0)
				return OV_ENOMEM;
		} else {
			u[0] = (unsigned char)(be ? cp >> 8 : cp);
			u[1] = (unsigned char)(be ? cp : cp >> 8);
			if (ov__buf_add(out, u, 2) < 0)
				return OV_ENOMEM;
		}
	}
	return 0;
}

/*
 * Resolve Sigma escapes in s: "\*", "\?" and "\\" are literal; a lone
 * backslash is itself.  Writes the glob form into g: wildcards stay '*'
 * and '?', literal '*', '?' and '\' are escaped with '\'.  *has_wild is
 * set when a real wildcard remains.
 */
static int
to_glob(struct ov_buf *g, const char *s, size_t n, bool *has_wild)
{
	size_t i;

	*has_wild = false;
	ov__buf_clear(g);
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < n && (s[i + 1] == '*' ||
		    s[i + 1] == '?' || s[i + 1] == '\\')) {
			if (ov__buf_putc(g, '\\') < 0 ||
			    ov__buf_putc(g, s[++i]) < 0)
				return OV_ENOMEM;
			continue;
		}
		if (c == '*' || c == '?')
			*has_wild = true;
		else if (c == '\\' && ov__buf_putc(g, '\\') < 0)
			return OV_ENOMEM;
		if (ov__buf_putc(g, c) < 0)
			return OV_ENOMEM;
	}
	return ov__buf_add(g, "", 0);
}

/* Strip glob escapes: the literal text of a glob without wildcards. */
static size_t
unglob(char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		s[o++] = s[i];
	}
	s[o] = '\0';
	return o;
}

/* True when the glob g (length n) has an unescaped wildcard in [from, to). */
static bool
wild_between(const char *g, size_t n, size_t from, size_t to)
{
	size_t i;

	for (i = 0; i < n && i < to; i++) {
		if (g[i] == '\\') {
			i++;
			continue;
		}
		if (i >= from && (g[i] == '*' || g[i] == '?'))
			return true;
	}
	return false;
}

/* Build a string pattern from glob text (already escaped for globbing). */
static int
string_pat(struct fc *F, const char *glob, size_t n, bool cased,
    struct sig_pat *p)
{
	bool lead, trail;
	char *s;
	size_t len;

	memset(p, 0, sizeof(*p));
	p->cased = cased;
	if ((s = ov__arena_strndup(F->a, glob, n)) == NULL)
		return OV_ENOMEM;
	if (!cased)
		fold(s, n);
	/* "*x*", "x*", "*x" with no other wildcard: substring tests. */
	lead = n > 0 && s[0] == '*';
	trail = n > 1 && s[n - 1] == '*' && (n < 2 || s[n - 2] != '\\');
	if (!wild_between(s, n, lead ? 1 : 0, trail ? n - 1 : n)) {
		size_t from = lead ? 1 : 0, to = trail ? n - 1 : n;

		if (lead && trail && n == 1)
			to = 1;
		memmove(s, s + from, to - from);
		len = unglob(s, to - from);
		p->s = s;
		p->len = len;
		p->op = lead && trail ? SIG_OP_CONTAINS : lead ?
		    SIG_OP_SUFFIX : trail ? SIG_OP_PREFIX : SIG_OP_EQ;
		if (n == 1 && lead)
			p->op = SIG_OP_CONTAINS;	/* "*": anything */
		return 0;
	}
	p->op = SIG_OP_GLOB;
	p->s = s;
	p->len = n;
	return 0;
}

/* Parse an IPv4 or IPv6 CIDR network. */
static bool
parse_cidr(const char *s, struct sig_pat *p)
{
	const char *slash = strchr(s, '/');
	size_t n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	long bits;
	char *end;

	memset(p->net, 0, sizeof(p->net));
	if (!ov_sigma__parse_ip(s, n, p->net, &p->v6))
		return false;
	bits = p->v6 ? 128 : 32;
	if (slash != NULL) {
		bits = strtol(slash + 1, &end, 10);
		if (*end != '\0' || slash[1] == '\0' || bits < 0 ||
		    bits > (p->v6 ? 128 : 32))
			return false;
	}
	p->bits = (uint8_t)bits;
	p->op = SIG_OP_CIDR;
	return true;
}

/* Windash variants of s: flags written with -, /, en, em, bar dashes. */
static int
windash(struct fc *F, const char *s, size_t n, char **out, size_t *lens,
    size_t *n_out)
{
	static const char *const dash[] = {
		"-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95"
	};
	struct ov_buf b = OV_BUF_INIT(1 << 20);
	size_t d, i;

	*n_out = 0;
	for (d = 0; d < 5; d++) {
		ov__buf_clear(&b);
		for (i = 0; i < n; i++) {
			bool flag = (s[i] == '-' || s[i] == '/') &&
			    (i == 0 || s[i - 1] == ' ');

			if (flag ? ov__buf_puts(&b, dash[d]) :
			    ov__buf_putc(&b, s[i]))
				goto oom;
		}
		if (ov__buf_add(&b, "", 0) < 0 ||
		    (out[*n_out] = ov__arena_strndup(F->a, ov__buf_cstr(&b),
		    b.len)) == NULL)
			goto oom;
		lens[(*n_out)++] = b.len;
	}
	ov__buf_free(&b);
	return 0;
oom:
	ov__buf_free(&b);
	return OV_ENOMEM;
}

/* Base64 forms of raw (after any UTF-16 step). */
static int
base64_variants(struct fc *F, const char *raw, size_t n, char **out,
    size_t *lens, size_t *n_out)
{
	struct ov_buf b = OV_BUF_INIT(1 << 22), in = OV_BUF_INIT(1 << 22);
	static const size_t start[3] = { 0, 2, 3 };
	size_t i, tries = (F->mods & M_B64OFF) ? 3 : 1, from, to, cut;
	int error = 0;

	*n_out = 0;
	for (i = 0; i < tries; i++) {
		ov__buf_clear(&in);
		if (ov__buf_add(&in, "  ", i) < 0 || ov__buf_add(&in, raw,
		    n) < 0 || base64(&b, (const unsigned char *)in.ptr,
		    in.len) < 0) {
			error = OV_ENOMEM;
			break;
		}
		from = 0;
		to = b.len;
		if (F->mods & M_B64OFF) {
			static const size_t end_cut[3] = { 0, 3, 2 };

			from = start[i];
			cut = end_cut[(n + i) % 3];
			to = b.len >= cut ? b.len - cut : 0;
			if (to < from)
				to = from;
		}
		if ((out[*n_out] = ov__arena_strndup(F->a, b.ptr + from,
		    to - from)) == NULL) {
			error = OV_ENOMEM;
			break;
		}
		lens[(*n_out)++] = to - from;
	}
	ov__buf_free(&b);
	ov__buf_free(&in);
	return error;
}

/* Compile one rule value into v (its alternatives). */
static int
compile_value(struct fc *F, const ov_json *jv, struct sig_value *v)
{
	char *var[MAX_VARIANTS];
	size_t lens[MAX_VARIANTS], n_var = 0, i, len;
	struct ov_buf raw = OV_BUF_INIT(1 << 22), g = OV_BUF_INIT(1 << 22);
	unsigned m = F->mods;
	const char *text;
	struct sig_pat *p;
	bool wild, cased;
	int error = 0;

	v->n_alts = 0;
	if ((v->alts = ov__arena_calloc(F->a, MAX_VARIANTS,
	    sizeof(*v->alts))) == NULL)
		return OV_ENOMEM;
	p = &v->alts[0];
	if (m & M_EXISTS) {
		if (ov_json_type_of(jv) != OV_JSON_TRUE &&
		    ov_json_type_of(jv) != OV_JSON_FALSE) {
			snprintf(F->why, F->why_len, "exists takes true or "
			    "false");
			return OV_EPARSE;
		}
		p->op = SIG_OP_EXISTS;
		p->num = ov_json_is_true(jv) ? 1 : 0;
		v->n_alts = 1;
		return 0;
	}
	if (ov_json_type_of(jv) == OV_JSON_NULL) {
		p->op = SIG_OP_NULL;
		v->n_alts = 1;
		return 0;
	}
	if ((text = ov_sigma__scalar(jv, &len)) == NULL) {
		snprintf(F->why, F->why_len, "a value is a %s, not a scalar",
		    ov_json_type_of(jv) == OV_JSON_OBJECT ? "map" : "list");
		return OV_EPARSE;
	}
	if (m & (M_GT | M_GTE | M_LT | M_LTE)) {
		if (ov_json_type_of(jv) != OV_JSON_NUMBER) {
			snprintf(F->why, F->why_len, "gt, gte, lt and lte take "
			    "numbers");
			return OV_EPARSE;
		}
		p->op = (m & M_GT) ? SIG_OP_GT : (m & M_GTE) ? SIG_OP_GTE :
		    (m & M_LT) ? SIG_OP_LT : SIG_OP_LTE;
		p->num = ov_json_number(jv);
		v->n_alts = 1;
		return 0;
	}
	if (m & M_RE) {
		uint32_t opts = 0;
		PCRE2_SIZE eoff;
		int ecode;

		opts |= (m & M_RE_I) ? PCRE2_CASELESS : 0;
		opts |= (m & M_RE_M) ? PCRE2_MULTILINE : 0;
		opts |= (m & M_RE_S) ? PCRE2_DOTALL : 0;
		p->op = SIG_OP_RE;
		p->re = pcre2_compile((PCRE2_SPTR)text, len, opts, &ecode,
		    &eoff, NULL);
		if (p->re == NULL) {
			PCRE2_UCHAR msg[120];

			pcre2_get_error_message(ecode, msg, sizeof(msg));
			snprintf(F->why, F->why_len, "regular expression at "
			    "offset %zu: %s", (size_t)eoff, (char *)msg);
			return OV_EPARSE;
		}
		(void)pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE);
		v->n_alts = 1;
		return 0;
	}
	if (m & M_CIDR) {
		if (!parse_cidr(text, p)) {
			snprintf(F->why, F->why_len, "'%.64s' is not a CIDR "
			    "network", text);
			return OV_EPARSE;
		}
		v->n_alts = 1;
		return 0;
	}
	if (m & M_FIELDREF) {
		p->op = SIG_OP_FIELDREF;
		p->sub = (m & M_CONTAINS) ? SIG_OP_CONTAINS : (m & M_STARTS) ?
		    SIG_OP_PREFIX : (m & M_ENDS) ? SIG_OP_SUFFIX : SIG_OP_EQ;
		p->cased = (m & M_CASED) != 0;
		if ((p->ref = ov_sigma__field(F->ls, text)) < 0) {
			snprintf(F->why, F->why_len, "fieldref names '%.64s', "
			    "which has no mapping for %s/%s", text,
			    F->ls->product, F->ls->service);
			return OV_EUNSUPPORTED;
		}
		v->n_alts = 1;
		return 0;
	}
	/* Text transformations, then wildcards. */
	cased = (m & M_CASED) != 0;
	if (m & (M_WIDE | M_UTF16BE | M_UTF16)) {
		if ((error = utf16(&raw, text, len, (m & M_UTF16BE) != 0,
		    (m & M_UTF16) != 0)) < 0)
			goto done;
	} else if (ov__buf_add(&raw, text, len) < 0) {
		error = OV_ENOMEM;
		goto done;
	}
	if (m & (M_B64 | M_B64OFF)) {
		if ((error = base64_variants(F, raw.ptr != NULL ? raw.ptr : "",
		    raw.len, var, lens, &n_var)) < 0)
			goto done;
		cased = true;		/* base64 is case-sensitive */
		for (i = 0; i < n_var; i++) {
			/* Base64 has no wildcards; keep it literal. */
			if ((error = to_glob(&g, var[i], lens[i], &wild)) < 0)
				goto done;
			var[i] = ov__arena_strndup(F->a, g.ptr, g.len);
			lens[i] = g.len;
		}
	} else if (m & M_WINDASH) {
		if ((error = windash(F, raw.ptr != NULL ? raw.ptr : "",
		    raw.len, var, lens, &n_var)) < 0)
			goto done;
	} else {
		var[0] = raw.ptr != NULL ? raw.ptr : (char *)"";
		lens[0] = raw.len;
		n_var = 1;
	}
	for (i = 0; i < n_var; i++) {
		struct ov_buf full = OV_BUF_INIT(1 << 22);

		if (!(m & (M_B64 | M_B64OFF))) {
			if ((error = to_glob(&g, var[i], lens[i], &wild)) < 0)
				goto done;
		} else {
			ov__buf_clear(&g);
			ov__buf_add(&g, var[i], lens[i]);
		}
		if (((m & (M_CONTAINS | M_ENDS)) && ov__buf_putc(&full,
		    '*') < 0) || ov__buf_add(&full, g.ptr != NULL ? g.ptr :
		    "", g.len) < 0 || ((m & (M_CONTAINS | M_STARTS)) &&
		    ov__buf_putc(&full, '*') < 0)) {
			ov__buf_free(&full);
			error = OV_ENOMEM;
			goto done;
		}
		error = string_pat(F, full.ptr != NULL ? full.ptr : "",
		    full.len, cased, &v->alts[v->n_alts]);
		ov__buf_free(&full);
		if (error < 0)
			goto done;
		v->n_alts++;
	}
done:
	ov__buf_free(&raw);
	ov__buf_free(&g);
	return error;
}

/* Compile "field|mods: values" into c. */
static int
compile_fcond(struct fc *F, const char *key, const ov_json *vals,
    struct sig_fcond *c)
{
	char name[256];
	const char *p = strchr(key, '|'), *q;
	size_t i, n, nlen = p != NULL ? (size_t)(p - key) : strlen(key);
	int error;

	F->mods = 0;
	if (nlen >= sizeof(name)) {
		snprintf(F->why, F->why_len, "field name too long");
		return OV_EPARSE;
	}
	memcpy(name, key, nlen);
	name[nlen] = '\0';
	while (p != NULL) {
		char mod[32];
		size_t k, ml;
		bool known = false;

		p++;
		q = strchr(p, '|');
		ml = q != NULL ? (size_t)(q - p) : strlen(p);
		if (ml >= sizeof(mod))
			ml = sizeof(mod) - 1;
		memcpy(mod, p, ml);
		mod[ml] = '\0';
		if (ov__streq_ci(mod, "expand")) {
			snprintf(F->why, F->why_len, "the expand modifier needs "
			    "placeholder values (%%name%%) that are site "
			    "configuration");
			return OV_EUNSUPPORTED;
		}
		for (k = 0; k < sizeof(mod_names) / sizeof(mod_names[0]); k++)
			if (ov__streq_ci(mod, mod_names[k].name)) {
				F->mods |= mod_names[k].flag;
				known = true;
			}
		if (!known) {
			snprintf(F->why, F->why_len, "unknown modifier '%s'",
			    mod);
			return OV_EUNSUPPORTED;
		}
		p = q;
	}
	if ((F->mods & (M_RE_I | M_RE_M | M_RE_S)) && !(F->mods & M_RE)) {
		snprintf(F->why, F->why_len, "i, m and s modify re only");
		return OV_EPARSE;
	}
	if (nlen == 0) {
		c->field = -1;
		if (!(F->mods & (M_STARTS | M_ENDS | M_RE | M_CIDR)))
			F->mods |= M_CONTAINS;
	} else if ((c->field = ov_sigma__field(F->ls, name)) < 0) {
		snprintf(F->why, F->why_len, "field '%s' has no mapping for "
		    "%s/%s", name, F->ls->product, F->ls->service);
		return OV_EUNSUPPORTED;
	}
	c->all = (F->mods & M_ALL) != 0;
	n = ov_json_type_of(vals) == OV_JSON_ARRAY ? ov_json_len(vals) : 1;
	if (n == 0) {
		snprintf(F->why, F->why_len, "'%s' has an empty list", key);
		return OV_EPARSE;
	}
	if ((c->vals = ov__arena_calloc(F->a, n, sizeof(*c->vals))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n; i++) {
		const ov_json *jv = ov_json_type_of(vals) == OV_JSON_ARRAY ?
		    ov_json_at(vals, i) : vals;

		c->n_vals = i + 1;	/* counted, so a failure frees it */
		if ((error = compile_value(F, jv, &c->vals[i])) < 0)
			return error;
	}
	return 0;
}

/* Compile a map selection. */
static int
compile_map(struct fc *F, const ov_json *obj, struct sig_map *m,
    const ov_json **bad)
{
	size_t i, n = ov_json_len(obj);
	int error;

	if (n == 0) {
		snprintf(F->why, F->why_len, "empty map");
		*bad = obj;
		return OV_EPARSE;
	}
	if ((m->conds = ov__arena_calloc(F->a, n, sizeof(*m->conds))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n; i++) {
		const ov_json_member *mem = ov_json_member_at(obj, i);

		m->n_conds = i + 1;
		if ((error = compile_fcond(F, mem->key, &mem->value,
		    &m->conds[i])) < 0) {
			*bad = &mem->value;
			return error;
		}
	}
	return 0;
}

/* Compile a selection: a map, a list of maps, or keywords. */
int
ov_sigma__compile_sel(struct ov_sigma_rules *rs,
    const struct sig_logsource *ls, const ov_json *v, struct sig_sel *out,
    const ov_json **bad, char *why, size_t why_len)
{
	struct ov_arena *a = &rs->arena;
	struct fc F = { a, ls, 0, why, why_len };
	size_t i, n, n_obj = 0;

	memset(out, 0, sizeof(*out));
	*bad = v;
	if (ov_json_type_of(v) == OV_JSON_OBJECT) {
		if ((out->maps = ov__arena_calloc(a, 1,
		    sizeof(*out->maps))) == NULL)
			return OV_ENOMEM;
		out->n_maps = 1;
		return compile_map(&F, v, &out->maps[0], bad);
	}
	n = ov_json_type_of(v) == OV_JSON_ARRAY ? ov_json_len(v) : 1;
	if (ov_json_type_of(v) == OV_JSON_NULL || n == 0) {
		snprintf(why, why_len, "empty selection");
		return OV_EPARSE;
	}
	for (i = 0; i < n && ov_json_type_of(v) == OV_JSON_ARRAY; i++)
		n_obj += ov_json_type_of(ov_json_at(v, i)) == OV_JSON_OBJECT;
	if (n_obj == n) {
		/* A list of maps: any of them. */
		if ((out->maps = ov__arena_calloc(a, n,
		    sizeof(*out->maps))) == NULL)
			return OV_ENOMEM;
		for (i = 0; i < n; i++) {
			int error;

			out->n_maps = i + 1;
			if ((error = compile_map(&F, ov_json_at(v, i),
			    &out->maps[i], bad)) < 0)
				return error;
		}
		return 0;
	}
	if (n_obj != 0) {
		snprintf(why, why_len, "a list mixes maps and keywords");
		return OV_EPARSE;
	}
	/* Keywords: any string of the event contains one of them. */
	if ((out->maps = ov__arena_calloc(a, 1, sizeof(*out->maps))) == NULL ||
	    (out->maps[0].conds = ov__arena_calloc(a, 1,
	    sizeof(struct sig_fcond))) == NULL)
		return OV_ENOMEM;
	out->n_maps = 1;
	out->maps[0].n_conds = 1;
	return compile_fcond(&F, "", v, &out->maps[0].conds[0]);
}

/* ------------------------------------------------------------------ */
/* The index. */

/* What a condition needs: one field with one of some exact values. */
struct need {
	int		 field;
	const struct sig_pat **vals;	/* EQ patterns */
	size_t		 n;
};

/* Rank of field f in the logsource's preferred index list. */
static size_t
pref_rank(const struct sig_logsource *ls, int f)
{
	size_t i;

	for (i = 0; i < ls->n_index_pref; i++)
		if (ls->index_pref[i] == f)
			return i;
	return ls->n_index_pref;
}

/* True when c holds only exact values usable as index keys. */
static bool
exact_cond(const struct sig_fcond *c)
{
	size_t i;

	if (c->field < 0 || (c->all && c->n_vals > 1))
		return false;
	for (i = 0; i < c->n_vals; i++)
		if (c->vals[i].n_alts != 1 ||
		    c->vals[i].alts[0].op != SIG_OP_EQ)
			return false;
	return true;
}

/* Append the values of c to nd. */
static int
need_add(struct ov_arena *a, struct need *nd, const struct sig_fcond *c)
{
	const struct sig_pat **n;
	size_t i;

	if ((n = ov__arena_alloc(a, (nd->n + c->n_vals) *
	    sizeof(*n))) == NULL)
		return OV_ENOMEM;
	if (nd->n != 0)
		memcpy(n, nd->vals, nd->n * sizeof(*n));
	for (i = 0; i < c->n_vals; i++)
		n[nd->n + i] = &c->vals[i].alts[0];
	nd->vals = n;
	nd->n += c->n_vals;
	return 0;
}

/* The need of a selection on a given field, or false. */
static bool
sel_need_field(struct ov_arena *a, const struct sig_sel *s, int f,
    struct need *nd)
{
	size_t i, k;

	nd->field = f;
	nd->n = 0;
	nd->vals = NULL;
	for (i = 0; i < s->n_maps; i++) {
		const struct sig_fcond *best = NULL;

		for (k = 0; k < s->maps[i].n_conds; k++) {
			const struct sig_fcond *c = &s->maps[i].conds[k];

			if (c->field == f && exact_cond(c) && (best == NULL ||
			    c->n_vals < best->n_vals))
				best = c;
		}
		if (best == NULL || need_add(a, nd, best) < 0)
			return false;
	}
	return nd->n != 0;
}

/* The best need of a selection. */
static bool
sel_need(struct ov_arena *a, const struct sig_logsource *ls,
    const struct sig_sel *s, struct need *out)
{
	struct need nd;
	bool found = false;
	size_t k;

	if (s->n_maps == 0)
		return false;
	for (k = 0; k < s->maps[0].n_conds; k++) {
		int f = s->maps[0].conds[k].field;

		if (!exact_cond(&s->maps[0].conds[k]) ||
		    !sel_need_field(a, s, f, &nd))
			continue;
		if (!found || nd.n < out->n || (nd.n == out->n &&
		    pref_rank(ls, f) < pref_rank(ls, out->field))) {
			*out = nd;
			found = true;
		}
	}
	return found;
}

/* The need of a condition node. */
static bool
node_need(struct ov_arena *a, const struct sig_rule *r,
    const struct sig_node *n, struct need *out)
{
	struct need nd;
	bool found = false;
	size_t i;

	switch (n->op) {
	case SIG_N_SEL:
		return sel_need(a, r->ls, &r->sels[n->sel], out);
	case SIG_N_AND:
		for (i = 0; i < n->n_kids; i++) {
			if (!node_need(a, r, n->kids[i], &nd))
				continue;
			if (!found || nd.n < out->n || (nd.n == out->n &&
			    pref_rank(r->ls, nd.field) <
			    pref_rank(r->ls, out->field))) {
				*out = nd;
				found = true;
			}
		}
		return found;
	case SIG_N_OR:
		for (i = 0; i < n->n_kids; i++) {
			const struct sig_pat **m;

			if (!node_need(a, r, n->kids[i], &nd))
				return false;
			if (i == 0) {
				*out = nd;
				continue;
			}
			if (nd.field != out->field)
				return false;
			if ((m = ov__arena_alloc(a, (out->n + nd.n) *
			    sizeof(*m))) == NULL)
				return false;
			memcpy(m, out->vals, out->n * sizeof(*m));
			memcpy(m + out->n, nd.vals, nd.n * sizeof(*m));
			out->vals = m;
			out->n += nd.n;
		}
		return n->n_kids != 0;
	default:
		return false;
	}
}

/* Append rule index ri to an int array in the arena. */
static int
push_int(struct ov_arena *a, int **arr, size_t *n, int v)
{
	int *x;

	/* Grow by doubling at powers of two. */
	if ((*n & (*n - 1)) == 0 || *n == 0) {
		size_t cap = *n == 0 ? 8 : *n * 2;

		if (*n != 0 && cap < 8)
			cap = 8;
		if ((x = ov__arena_alloc(a, cap * sizeof(*x))) == NULL)
			return OV_ENOMEM;
		if (*n != 0)
			memcpy(x, *arr, *n * sizeof(*x));
		*arr = x;
	}
	(*arr)[(*n)++] = v;
	return 0;
}

/* Build the per-logsource index of the detection rules. */
int
ov_sigma__build_index(struct ov_sigma_rules *rs)
{
	struct need nd;
	size_t l, i, k;

	if ((rs->lsr = ov__arena_calloc(&rs->arena, rs->n_ls + 1,
	    sizeof(*rs->lsr))) == NULL)
		return ov__error_oom(rs->ctx);
	for (l = 0; l < rs->n_ls; l++) {
		struct sig_lsrules *L = &rs->lsr[l];

		L->ls = &rs->ls[l];
		if ((L->idx = ov__arena_calloc(&rs->arena, L->ls->n_fields + 1,
		    sizeof(*L->idx))) == NULL)
			return ov__error_oom(rs->ctx);
		for (i = 0; i < rs->n_rules; i++) {
			const struct sig_rule *r = &rs->rules[i];
			struct sig_index *ix = NULL;

			if (r->is_correlation || r->dropped || r->ls != L->ls)
				continue;
			if (!node_need(&rs->arena, r, r->cond, &nd)) {
				if (push_int(&rs->arena, &L->always,
				    &L->n_always, (int)i) < 0)
					return ov__error_oom(rs->ctx);
				continue;
			}
			for (k = 0; k < L->n_idx; k++)
				if (L->idx[k].field == nd.field)
					ix = &L->idx[k];
			if (ix == NULL) {
				ix = &L->idx[L->n_idx++];
				ix->field = nd.field;
			}
			for (k = 0; k < nd.n; k++) {
				struct sig_rule_list *rl;
				bool added;
				void **slot;

				/* one entry per value, listing its rules */
				if ((slot = ov__map_slot(&ix->values,
				    nd.vals[k]->s, nd.vals[k]->len,
				    &added)) == NULL)
					return ov__error_oom(rs->ctx);
				if (added && (*slot = ov__arena_calloc(
				    &rs->arena, 1, sizeof(*rl))) == NULL)
					return ov__error_oom(rs->ctx);
				rl = *slot;
				if ((rl->n == 0 || rl->rules[rl->n - 1] !=
				    (int)i) && push_int(&rs->arena, &rl->rules,
				    &rl->n, (int)i) < 0)
					return ov__error_oom(rs->ctx);
			}
		}
	}
	return 0;
}
