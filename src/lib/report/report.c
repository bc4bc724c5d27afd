/* SPDX-License-Identifier: MIT */
/*
 * Reporter dispatch, format names, the checked FILE writer, UTF-8 checking
 * and the aggregates shared by several formats.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/report/report_int.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/time.h"

struct reporter {
	const char	*name;	/* format name, as on the command line */
	ov_report_fn	 fn;	/* writer */
};

static const struct reporter reporters[OV_REPORT__COUNT] = {
#define OV_REPORT(n, fmt) [fmt] = { #n, ov_report__write_##n },
#include "lib/report/report_list.h"
#undef OV_REPORT
};

/* Parse a format name. */
int
ov_report_format_parse(const char *name, ov_report_format *out)
{
	size_t i;

	OV_ASSERT_ARG(out != NULL);
	if (name == NULL)
		return OV_EINVALID;
	for (i = 0; i < OV_REPORT__COUNT; i++)
		if (reporters[i].name != NULL &&
		    strcmp(reporters[i].name, name) == 0) {
			*out = (ov_report_format)i;
			return 0;
		}
	return OV_EINVALID;
}

/* Name of a format, or "unknown". */
const char *
ov_report_format_name(ov_report_format fmt)
{
	if ((unsigned)fmt >= OV_REPORT__COUNT || reporters[fmt].name == NULL)
		return "unknown";
	return reporters[fmt].name;
}

/* Write in to f in format fmt. */
int
ov_report_write(FILE *f, ov_report_format fmt, const ov_report_input *in,
    unsigned flags)
{
	OV_ASSERT_ARG(f != NULL && in != NULL);
	if ((unsigned)fmt >= OV_REPORT__COUNT || reporters[fmt].fn == NULL)
		return OV_EUNSUPPORTED;
	return reporters[fmt].fn(f, in, flags);
}

/* Start writing to f. */
void
ov_report__rw_init(struct ov_rw *w, FILE *f)
{
	w->f = f;
	w->error = 0;
}

/* Write n bytes unless an earlier write failed. */
void
ov_report__write(struct ov_rw *w, const char *s, size_t n)
{
	if (w->error != 0 || n == 0)
		return;
	if (fwrite(s, 1, n, w->f) != n)
		w->error = OV_EIO;
}

/* Write a C string. */
void
ov_report__puts(struct ov_rw *w, const char *s)
{
	ov_report__write(w, s, strlen(s));
}

/* Write one byte. */
void
ov_report__putc(struct ov_rw *w, char c)
{
	if (w->error != 0)
		return;
	if (putc(c, w->f) == EOF)
		w->error = OV_EIO;
}

/* printf to the output. */
void
ov_report__printf(struct ov_rw *w, const char *fmt, ...)
{
	va_list ap;

	if (w->error != 0)
		return;
	va_start(ap, fmt);
	if (vfprintf(w->f, fmt, ap) < 0)
		w->error = OV_EIO;
	va_end(ap);
}

/* Flush and report the first failure. */
int
ov_report__rw_finish(struct ov_rw *w)
{
	if (fflush(w->f) != 0 || ferror(w->f))
		w->error = OV_EIO;
	return w->error;
}

/* Validate one UTF-8 sequence. */
size_t
ov_report__utf8(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c, min;
	size_t len, i;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Findings in the input. */
size_t
ov_report__count(const ov_report_input *in)
{
	return ov_findings_count(in->findings);
}

/* Counts by severity, layer, owner and state. */
void
ov_report__summarize(const ov_report_input *in, struct ov_report_summary *s)
{
	size_t i, n = ov_report__count(in);

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n; i++) {
		const ov_finding *f = ov_findings_get(in->findings, i);

		s->total++;
		if ((unsigned)f->severity <= OV_SEV_CRITICAL)
			s->by_severity[f->severity]++;
		if ((unsigned)f->layer < OV_LAYER__COUNT)
			s->by_layer[f->layer]++;
		if ((unsigned)f->owner <= OV_OWNER_SHARED)
			s->by_owner[f->owner]++;
		if ((unsigned)f->state <= OV_STATE_ERROR)
			s->by_state[f->state]++;
	}
}

/* Order finding indexes by rule id, then position. */
struct rule_key {
	const char	*rule;	/* rule id */
	size_t		 pos;	/* index in the list */
};

static int
cmp_rule_key(const void *pa, const void *pb)
{
	const struct rule_key *a = pa, *b = pb;
	int c;

	if ((c = strcmp(a->rule, b->rule)) != 0)
		return c;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Distinct rules sorted by id. */
int
ov_report__rules(const ov_report_input *in, struct ov_report_rule **out,
    size_t *n_out, size_t **index_out)
{
	struct rule_key *keys = NULL;
	struct ov_report_rule *rules = NULL;
	size_t *index = NULL;
	size_t i, n = ov_report__count(in), nr = 0;
	int error = OV_ENOMEM;

	*out = NULL;
	*n_out = 0;
	if (index_out != NULL)
		*index_out = NULL;
	if (n == 0) {
		error = 0;
		goto done;
	}
	keys = ov__calloc(n, sizeof(*keys));
	rules = ov__calloc(n, sizeof(*rules));
	if (keys == NULL || rules == NULL)
		goto done;
	if (index_out != NULL && (index = ov__calloc(n, sizeof(*index))) ==
	    NULL)
		goto done;
	for (i = 0; i < n; i++) {
		keys[i].rule = ov_findings_get(in->findings, i)->rule;
		keys[i].pos = i;
	}
	qsort(keys, n, sizeof(*keys), cmp_rule_key);
	for (i = 0; i < n; i++) {
		const ov_finding *f = ov_findings_get(in->findings,
		    keys[i].pos);
		struct ov_report_rule *r;

		if (nr == 0 || strcmp(rules[nr - 1].id, keys[i].rule) != 0) {
			r = &rules[nr++];
			r->id = keys[i].rule;
			r->first = f;
			r->severity = f->severity;
		}
		r = &rules[nr - 1];
		r->count++;
		if ((unsigned)f->state <= OV_STATE_ERROR)
			r->by_state[f->state]++;
		if (f->severity > r->severity)
			r->severity = f->severity;
		if (index != NULL)
			index[keys[i].pos] = nr - 1;
	}
	*out = rules;
	*n_out = nr;
	rules = NULL;
	if (index_out != NULL) {
		*index_out = index;
		index = NULL;
	}
	error = 0;
done:
	ov__free(keys);
	ov__free(rules);
	ov__free(index);
	return error;
}

static int
cmp_group(const void *pa, const void *pb)
{
	const struct ov_report_group *a = pa, *b = pb;

	return strcmp(a->name, b->name);
}

/* Findings grouped by a string key, sorted by name. */
int
ov_report__group(const ov_report_input *in,
    const char *(*key)(const ov_finding *), const char *none,
    struct ov_report_group **out, size_t *n_out)
{
	struct ov_report_group *g;
	size_t i, j, n = ov_report__count(in);

	*out = NULL;
	*n_out = 0;
	if (n == 0)
		return 0;
	if ((g = ov__calloc(n, sizeof(*g))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n; i++) {
		const ov_finding *f = ov_findings_get(in->findings, i);
		const char *name = key(f);
		bool open = f->state == OV_STATE_NON_COMPLIANT;

		g[i].name = name != NULL && *name != '\0' ? name : none;
		g[i].count = 1;
		g[i].urgent = open && f->severity >= OV_SEV_HIGH;
		g[i].overdue = open && f->due != 0 && in->generated_at != 0 &&
		    f->due < in->generated_at;
	}
	qsort(g, n, sizeof(*g), cmp_group);
	for (i = 0, j = 0; i < n; i++) {
		if (j > 0 && strcmp(g[j - 1].name, g[i].name) == 0) {
			g[j - 1].count++;
			g[j - 1].urgent += g[i].urgent;
			g[j - 1].overdue += g[i].overdue;
		} else
			g[j++] = g[i];
	}
	*out = g;
	*n_out = j;
	return 0;
}

/* Group key: the finding's duty. */
const char *
ov_report__key_duty(const ov_finding *f)
{
	return f->duty;
}

/* Group key: the finding's accountable party. */
const char *
ov_report__key_accountable(const ov_finding *f)
{
	return f->accountable;
}

/* XML/HTML-escape s; attributes also escape TAB, LF and CR. */
void
ov_report__xml(struct ov_rw *w, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t i, n = strlen((const char *)p), len;
	unsigned cp;

	for (i = 0; i < n; i += len) {
		unsigned char c = p[i];

		len = 1;
		if (c >= 0x80) {
			if ((len = ov_report__utf8(p + i, n - i, &cp)) == 0) {
				ov_report__write(w, "\xef\xbf\xbd", 3);
				len = 1;
			} else if (cp != 0xfffe && cp != 0xffff)
				ov_report__write(w, (const char *)p + i, len);
			continue;
		}
		switch (c) {
		case '&':
			ov_report__puts(w, "&amp;");
			break;
		case '<':
			ov_report__puts(w, "&lt;");
			break;
		case '>':
			ov_report__puts(w, "&gt;");
			break;
		case '"':
			ov_report__puts(w, "&quot;");
			break;
		case '\'':
			ov_report__puts(w, "&apos;");
			break;
		case '\t':
		case '\n':
		case '\r':
			if (attr)
				ov_report__printf(w, "&#%u;", (unsigned)c);
			else
				ov_report__putc(w, (char)c);
			break;
		default:
			if (c >= 0x20 && c != 0x7f)
				ov_report__putc(w, (char)c);
			break;
		}
	}
}

/* Due date as an ISO date. */
const char *
ov_report__due(int64_t due, char *buf, size_t size)
{
	if (due == 0)
		return NULL;
	ov__date_format(due, buf, size);
	return buf;
}

/* Fill a report input from a pipeline result. */
void
ov_scan_report_input(const ov_scan_result *r, const char *label,
    ov_report_input *out)
{
	const ov_snapshot *s = ov_scan_snapshot(r);
	ov_manifest_info m;

	memset(out, 0, sizeof(*out));
	ov_snapshot_manifest(s, &m);
	out->tool_version = OV_VERSION;
	out->snapshot = label;
	out->tenant = m.tenant;
	out->collected_at = m.collected_at;
	out->generated_at = ov_scan_now(r);
	out->n_records = ov_snapshot_count(s);
	out->n_files = ov_snapshot_n_files(s);
	out->n_input_errors = ov_snapshot_n_errors(s);
	out->n_rules = ov_scan_n_rules(r);
	out->findings = ov_scan_findings(r);
	out->compliance = ov_scan_compliance(r);
	out->sources = ov_scan_sources(r, &out->n_sources);
}
