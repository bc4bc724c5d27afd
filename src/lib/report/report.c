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
#include "util/str.h"
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

/* See report.h. */
int
ov_report_html_text(FILE *f, const char *s)
{
	if (f == NULL)
		return OV_EINVALID;
	return ov__xml_fputs(f, s, false) < 0 ? OV_EIO : 0;
}

/* XML/HTML-escape s; attributes also escape TAB, LF and CR. */
void
ov_report__xml(struct ov_rw *w, const char *s, bool attr)
{
	if (w->error == 0 && ov__xml_fputs(w->f, s, attr) < 0)
		w->error = OV_EIO;
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

/* Needs action: non-compliant, error or indeterminate. */
bool
ov_report__actionable(const ov_finding *f)
{
	return f->state == OV_STATE_NON_COMPLIANT ||
	    f->state == OV_STATE_ERROR || f->state == OV_STATE_INDETERMINATE;
}

/* Past due at the report time (only findings that are non-compliant). */
bool
ov_report__overdue(const ov_report_input *in, const ov_finding *f)
{
	return (f->state == OV_STATE_NON_COMPLIANT ||
	    f->state == OV_STATE_ERROR) && f->due != 0 &&
	    in->generated_at != 0 && f->due < in->generated_at;
}

/* Days past due, rounded up. */
int64_t
ov_report__days_late(const ov_report_input *in, const ov_finding *f)
{
	if (!ov_report__overdue(in, f))
		return 0;
	return (in->generated_at - f->due + OV_DAY_SECONDS - 1) /
	    OV_DAY_SECONDS;
}

/* Grouping names. */
const char *
ov_report__party(const ov_finding *f)
{
	return f->responsible != NULL && *f->responsible != '\0' ?
	    f->responsible : OV_REPORT_NO_PARTY;
}

const char *
ov_report__duty(const ov_finding *f)
{
	return f->duty != NULL && *f->duty != '\0' ? f->duty :
	    OV_REPORT_NO_DUTY;
}

/* The id segment ending just before end (which points at a '/'). */
static size_t
segment_before(const char *id, const char *end, const char **start)
{
	const char *p = end;

	while (p > id && p[-1] != '/')
		p--;
	*start = p;
	return (size_t)(end - p);
}

/*
 * What a person calls the resource: the name of the resource an extension
 * resource is about (the machine, not the GUID of its assessment), a
 * generic child name with its parent's ("stdata01/default"), else the
 * resource name or the last segment of the id.
 */
const char *
ov_report__short_name(const ov_finding *f, char *buf, size_t size)
{
	const char *id = f->resource_id, *p, *first = NULL, *last = NULL, *s;
	const char *name = f->resource_name, *slash;
	size_t n;

	for (p = id; *p != '\0'; p++)
		if (*p == '/' && strncmp(p, "/providers/", 11) == 0) {
			if (first == NULL)
				first = p;
			last = p;
		}
	if (last != first && (n = segment_before(id, last, &s)) > 0 &&
	    n < size) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		return buf;
	}
	if (name == NULL || *name == '\0') {
		slash = strrchr(id, '/');
		name = slash != NULL && slash[1] != '\0' ? slash + 1 : id;
	}
	if ((strcmp(name, "default") == 0 || strcmp(name, "current") == 0) &&
	    (slash = strrchr(id, '/')) != NULL && slash > id) {
		/* ".../parentType/parent/childType/default" */
		for (p = slash - 1; p > id && *p != '/'; p--)
			;
		if (p > id && (n = segment_before(id, p, &s)) > 0 &&
		    n + strlen(name) + 2 <= size && last != NULL && s > last) {
			snprintf(buf, size, "%.*s/%s", (int)n, s, name);
			return buf;
		}
	}
	return name;
}

/* One finding with its sort keys. */
struct plan_key {
	const ov_finding	*f;		/* the finding */
	bool			 exempt;	/* sorts after the rest */
	bool			 nobody;	/* no responsible party: last */
	int64_t			 late;		/* days late, 0 if not overdue */
	size_t			 pos;		/* report order, the last key */
};

static int
cmp_plan(const void *pa, const void *pb)
{
	const struct plan_key *a = pa, *b = pb;
	int c;

	if (a->exempt != b->exempt)
		return a->exempt ? 1 : -1;
	if (a->nobody != b->nobody)
		return a->nobody ? 1 : -1;
	if ((c = strcmp(ov_report__party(a->f), ov_report__party(b->f))) != 0)
		return c;
	if ((c = strcmp(ov_report__duty(a->f), ov_report__duty(b->f))) != 0)
		return c;
	if (a->f->severity != b->f->severity)
		return a->f->severity > b->f->severity ? -1 : 1;
	if (a->late != b->late)
		return a->late > b->late ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* The reading order and the counts behind the summary. */
int
ov_report__plan(const ov_report_input *in, struct ov_report_plan *plan)
{
	struct plan_key *keys = NULL;
	size_t i, n = ov_report__count(in);

	memset(plan, 0, sizeof(*plan));
	if (n == 0)
		return 0;
	keys = ov__calloc(n, sizeof(*keys));
	plan->items = ov__calloc(n, sizeof(*plan->items));
	plan->listed = ov__calloc(n, sizeof(*plan->listed));
	if (keys == NULL || plan->items == NULL || plan->listed == NULL) {
		ov__free(keys);
		ov_report__plan_free(plan);
		return OV_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		const ov_finding *f = ov_findings_get(in->findings, i);

		keys[i].f = f;
		keys[i].exempt = f->state == OV_STATE_EXEMPT;
		keys[i].nobody = f->responsible == NULL ||
		    *f->responsible == '\0';
		keys[i].late = ov_report__days_late(in, f);
		keys[i].pos = i;
	}
	qsort(keys, n, sizeof(*keys), cmp_plan);
	for (i = 0; i < n; i++) {
		const ov_finding *f = keys[i].f;
		bool act = ov_report__actionable(f);

		plan->items[plan->n] = f;
		plan->listed[plan->n] = (act || keys[i].exempt) &&
		    f->severity >= in->min_severity;
		plan->n++;
		if (keys[i].exempt)
			plan->n_exempt++;
		if (!act)
			continue;
		plan->n_actionable++;
		plan->by_severity[f->severity]++;
		plan->n_overdue += keys[i].late > 0;
		plan->n_indeterminate += f->state == OV_STATE_INDETERMINATE;
		plan->n_hidden += f->severity < in->min_severity;
	}
	ov__free(keys);
	return 0;
}

/* Release a plan. */
void
ov_report__plan_free(struct ov_report_plan *plan)
{
	ov__free(plan->items);
	ov__free(plan->listed);
	memset(plan, 0, sizeof(*plan));
}

static int
cmp_tally(const void *pa, const void *pb)
{
	const struct ov_report_tally *a = pa, *b = pb;
	bool an = strcmp(a->party, OV_REPORT_NO_PARTY) == 0;
	bool bn = strcmp(b->party, OV_REPORT_NO_PARTY) == 0;
	int c;

	if (an != bn)
		return an ? 1 : -1;
	if ((c = strcmp(a->party, b->party)) != 0)
		return c;
	return a->duty == NULL || b->duty == NULL ?
	    (a->duty != NULL) - (b->duty != NULL) : strcmp(a->duty, b->duty);
}

/*
 * Tally the plan per (party, duty) when by_duty, else per party; a new
 * array sorted by party then duty.
 */
int
ov_report__tally(const ov_report_input *in, const struct ov_report_plan *pl,
    bool by_duty, struct ov_report_tally **out, size_t *n_out)
{
	struct ov_report_tally *r;
	size_t i, j, n = 0;

	*out = NULL;
	*n_out = 0;
	if (pl->n == 0)
		return 0;
	if ((r = ov__calloc(pl->n, sizeof(*r))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < pl->n; i++) {
		const ov_finding *f = pl->items[i];
		bool ex = f->state == OV_STATE_EXEMPT;

		if (!ex && !ov_report__actionable(f))
			continue;
		r[n].party = ov_report__party(f);
		r[n].duty = by_duty ? ov_report__duty(f) : NULL;
		r[n].first = f;
		r[n].open = !ex;
		r[n].urgent = !ex && f->severity >= OV_SEV_HIGH;
		r[n].overdue = ov_report__overdue(in, f);
		r[n].exempt = ex;
		n++;
	}
	qsort(r, n, sizeof(*r), cmp_tally);
	for (i = 0, j = 0; i < n; i++) {
		if (j > 0 && cmp_tally(&r[j - 1], &r[i]) == 0) {
			r[j - 1].open += r[i].open;
			r[j - 1].urgent += r[i].urgent;
			r[j - 1].overdue += r[i].overdue;
			r[j - 1].exempt += r[i].exempt;
			if (r[j - 1].first->state == OV_STATE_EXEMPT &&
			    r[i].first->state != OV_STATE_EXEMPT)
				r[j - 1].first = r[i].first;
		} else
			r[j++] = r[i];
	}
	*out = r;
	*n_out = j;
	return 0;
}
