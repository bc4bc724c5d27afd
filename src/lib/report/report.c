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
cmp_duty(const void *pa, const void *pb)
{
	const struct ov_report_duty *a = pa, *b = pb;

	return strcmp(a->name, b->name);
}

/* Distinct duties with counts, sorted by name. */
int
ov_report__duties(const ov_report_input *in, struct ov_report_duty **out,
    size_t *n_out)
{
	struct ov_report_duty *d;
	size_t i, j, n = ov_report__count(in), nd = 0;

	*out = NULL;
	*n_out = 0;
	if (n == 0)
		return 0;
	if ((d = ov__calloc(n, sizeof(*d))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n; i++) {
		const ov_finding *f = ov_findings_get(in->findings, i);
		const char *name = f->duty != NULL && *f->duty != '\0' ?
		    f->duty : OV_REPORT_NO_DUTY;

		d[nd].name = name;
		d[nd++].count = 1;
	}
	qsort(d, nd, sizeof(*d), cmp_duty);
	for (i = 0, j = 0; i < nd; i++) {
		if (j > 0 && strcmp(d[j - 1].name, d[i].name) == 0)
			d[j - 1].count++;
		else
			d[j++] = d[i];
	}
	*out = d;
	*n_out = j;
	return 0;
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
