/* SPDX-License-Identifier: MIT */
/* Shared plumbing of the duty analyzers; see duty.h. */
#include "lib/analyzers/duty.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/json/json_out.h"
#include "lib/raci/contract.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/time.h"

/* Start a finding of a check. */
void
ov_duty__begin(struct ov_duty_finding *df, struct ov_analyzer_ctx *actx,
    const char *id, const struct ov_record *rec)
{
	const struct ov_check *c = ov_rules__check(id);

	memset(df, 0, sizeof(*df));
	df->actx = actx;
	df->check = c;
	ov__arena_init(&df->scratch, 4096, 0);
	df->f.rule = id;
	if (c != NULL) {
		df->f.title = c->info.title;
		df->f.severity = c->severity;
		df->f.state = c->state;
		df->f.duty = c->info.duty;
		df->f.layer = c->layer;
		df->f.remediation = c->info.remediation;
		df->f.source = c->info.analyzer;
		df->f.controls = c->info.controls;
		df->f.n_controls = c->info.n_controls;
	}
	if (rec != NULL) {
		df->f.resource_id = rec->id;
		df->f.resource_type = rec->type;
		df->f.resource_name = rec->name;
		df->f.subscription_id = rec->place->subscription_id;
		df->f.resource_group = rec->place->resource_group;
	}
}

/* A data-dependent severity, where the row allows it. */
void
ov_duty__severity(struct ov_duty_finding *df, ov_severity sev)
{
	if (df->check != NULL && !df->check->severity_varies &&
	    sev != df->check->severity)
		df->bad = "severity";
	df->f.severity = sev;
}

/* A data-dependent state, where the row allows it. */
void
ov_duty__state(struct ov_duty_finding *df, ov_state state)
{
	if (df->check != NULL && !df->check->state_varies &&
	    state != df->check->state)
		df->bad = "state";
	df->f.state = state;
}

/* The duty a finding is about, where the row leaves it open. */
void
ov_duty__duty(struct ov_duty_finding *df, const char *duty)
{
	if (df->check != NULL && !df->check->duty_varies &&
	    (duty == NULL || !ov__streq_ci(duty, df->check->info.duty)))
		df->bad = "duty";
	df->f.duty = duty;
}

/* A data-dependent layer, where the row allows it. */
void
ov_duty__layer(struct ov_duty_finding *df, ov_layer layer)
{
	if (df->check != NULL && !df->check->layer_varies &&
	    layer != df->check->layer)
		df->bad = "layer";
	df->f.layer = layer;
}

static const char *vfmt(struct ov_duty_finding *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static const char *
vfmt(struct ov_duty_finding *df, const char *fmt, va_list ap)
{
	struct ov_buf b = OV_BUF_INIT(4096);
	char *s = NULL;

	if (ov__buf_vprintf(&b, fmt, ap) == 0)
		s = ov__arena_strdup(&df->scratch, ov__buf_cstr(&b));
	ov__buf_free(&b);
	if (s == NULL)
		df->oom = true;
	return s;
}

/* Set the title. */
void
ov_duty__title(struct ov_duty_finding *df, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	df->f.title = vfmt(df, fmt, ap);
	va_end(ap);
}

/* Copy a string into the scratch arena. */
const char *
ov_duty__strdup(struct ov_duty_finding *df, const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = ov__arena_strdup(&df->scratch, s)) == NULL)
		df->oom = true;
	return d;
}

static void vev(struct ov_duty_finding *, const char *, const char *,
    const char *, va_list) __attribute__((format(printf, 4, 0)));

static void
vev(struct ov_duty_finding *df, const char *path, const char *value,
    const char *fmt, va_list ap)
{
	ov_evidence *e;

	if (df->n_ev >= OV_DUTY_MAX_EVIDENCE)
		return;
	e = &df->ev[df->n_ev++];
	e->path = ov_duty__strdup(df, path);
	e->value = ov_duty__strdup(df, value);
	e->message = vfmt(df, fmt, ap);
}

/* Add evidence with a raw JSON value. */
void
ov_duty__ev(struct ov_duty_finding *df, const char *path,
    const char *json_value, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vev(df, path, json_value, fmt, ap);
	va_end(ap);
}

/* Add evidence with a string value. */
void
ov_duty__ev_str(struct ov_duty_finding *df, const char *path,
    const char *value, const char *fmt, ...)
{
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	const char *q = NULL;
	va_list ap;

	if (value != NULL) {
		if (ov_json__buf_string(&b, value) == 0)
			q = ov__buf_cstr(&b);
		else
			df->oom = true;
	}
	va_start(ap, fmt);
	vev(df, path, q, fmt, ap);
	va_end(ap);
	ov__buf_free(&b);
}

/* Add evidence with an integer value. */
void
ov_duty__ev_int(struct ov_duty_finding *df, const char *path, int64_t value,
    const char *fmt, ...)
{
	char num[32];
	va_list ap;

	snprintf(num, sizeof(num), "%" PRId64, value);
	va_start(ap, fmt);
	vev(df, path, num, fmt, ap);
	va_end(ap);
}

/* Finish and append the finding. */
int
ov_duty__emit(struct ov_duty_finding *df, int64_t started)
{
	const struct ov_contract *c = df->actx->contract;
	int error;

	df->f.evidence = df->ev;
	df->f.n_evidence = df->n_ev;
	df->f.accountable = ov_contract__accountable(c, df->f.duty);
	df->f.owner = ov_contract__owner(c, df->f.duty);
	if (df->f.state == OV_STATE_NON_COMPLIANT && df->f.due == 0)
		df->f.due = ov_contract__due(c, df->f.duty, df->f.severity,
		    started);
	if (df->check == NULL) {
		error = ov__error(df->actx->ctx, OV_EINVALID,
		    OV_ERRCLASS_INTERNAL, "check %s is not in "
		    "data/analyzers/checks.json", df->f.rule);
	} else if (df->bad != NULL) {
		error = ov__error(df->actx->ctx, OV_EINVALID,
		    OV_ERRCLASS_INTERNAL, "check %s: the %s is fixed by "
		    "data/analyzers/checks.json", df->f.rule, df->bad);
	} else if (df->oom || df->f.title == NULL) {
		error = ov__error_oom(df->actx->ctx);
	} else {
		error = ov_findings_add(df->actx->out, &df->f);
		if (error < 0)
			error = ov__error_oom(df->actx->ctx);
	}
	ov__arena_free(&df->scratch);
	return error;
}

/* Drop a finding. */
void
ov_duty__discard(struct ov_duty_finding *df)
{
	ov__arena_free(&df->scratch);
}

/* The single coverage finding of an analyzer. */
int
ov_duty__coverage(struct ov_analyzer_ctx *actx, const char *id,
    const char *what)
{
	struct ov_duty_finding df;
	char rid[128];

	ov_duty__begin(&df, actx, id, NULL);
	snprintf(rid, sizeof(rid), "/overvisor/coverage/%s",
	    df.f.source != NULL ? df.f.source : "unknown");
	df.f.resource_id = rid;
	df.f.resource_type = "overvisor/coverage";
	ov_duty__title(&df, "Cannot assess %s: %s", df.f.duty != NULL ?
	    df.f.duty : "the duty", what);
	ov_duty__ev(&df, "manifest.sources", NULL, "%s; the duty is not "
	    "shown to be performed", what);
	return ov_duty__emit(&df, 0);
}

/* Fill a finding from its check's row; see duty.h. */
int
ov_duty__from_check(ov_ctx *ctx, ov_finding *f, const char *id,
    ov_severity sev, ov_state state)
{
	const struct ov_check *c = ov_rules__check(id);
	const char *bad = NULL;

	if (c == NULL)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_INTERNAL,
		    "check %s is not in data/analyzers/checks.json", id);
	if (!c->severity_varies && sev != c->severity)
		bad = "severity";
	else if (!c->state_varies && state != c->state)
		bad = "state";
	if (bad != NULL)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_INTERNAL,
		    "check %s: the %s is fixed by data/analyzers/checks.json",
		    id, bad);
	f->rule = c->info.id;
	f->title = c->info.title;
	f->severity = sev;
	f->state = state;
	f->duty = c->info.duty;
	f->layer = c->layer;
	f->remediation = c->info.remediation;
	f->source = c->info.analyzer;
	f->controls = c->info.controls;
	f->n_controls = c->info.n_controls;
	return 0;
}

/* Parse a timestamp value. */
bool
ov_duty__time(const ov_json *v, int64_t *out)
{
	const char *s = ov_json_string(v);

	if (s == NULL || *s == '\0')
		return false;
	return ov__time_parse(s, strlen(s), out);
}

/* Parse a timestamp at a path of a record. */
bool
ov_duty__rec_time(const struct ov_record *rec, const char *path,
    int64_t *out)
{
	return ov_duty__time(ov_model__field(rec, path), out);
}

/* ISO 8601 duration with fractional seconds truncated. */
bool
ov_duty__iso_duration(const char *s, int64_t *out)
{
	char tmp[64];
	size_t i, j = 0;

	if (s == NULL)
		return false;
	for (i = 0; s[i] != '\0' && j + 1 < sizeof(tmp); i++) {
		if (s[i] == '.' || s[i] == ',') {
			while (s[i + 1] >= '0' && s[i + 1] <= '9')
				i++;
			continue;
		}
		tmp[j++] = s[i];
	}
	if (s[i] != '\0')
		return false;
	tmp[j] = '\0';
	return ov__duration_parse(tmp, j, out);
}

/* Whole days, rounded toward negative infinity. */
int64_t
ov_duty__days(int64_t seconds)
{
	if (seconds >= 0)
		return seconds / OV_DAY_SECONDS;
	return -((-seconds + OV_DAY_SECONDS - 1) / OV_DAY_SECONDS);
}

/* true, or "true"/"True". */
bool
ov_duty__truthy(const ov_json *v)
{
	const char *s;

	if (ov_json_is_true(v))
		return true;
	s = ov_json_string(v);
	return s != NULL && ov__streq_ci(s, "true");
}

/* Walk the records of one or two types. */
int
ov_duty__each(const struct ov_snapshot *s, const char *type, const char *alt,
    int (*fn)(const struct ov_record *r, void *arg), void *arg)
{
	const struct ov_record_list *l;
	size_t i;
	int error;

	l = ov_model__by_type(s, type);
	for (i = 0; i < l->len; i++)
		if ((error = fn(l->items[i], arg)) < 0)
			return error;
	if (alt == NULL)
		return 0;
	l = ov_model__by_type(s, alt);
	for (i = 0; i < l->len; i++)
		if ((error = fn(l->items[i], arg)) < 0)
			return error;
	return 0;
}

/* Length of s before the first case-insensitive occurrence of marker. */
size_t
ov_duty__prefix_len(const char *s, const char *marker)
{
	size_t i, n, m;

	if (s == NULL || marker == NULL)
		return 0;
	n = strlen(s);
	m = strlen(marker);
	for (i = 0; m <= n && i <= n - m; i++)
		if (ov__eq_ci(s + i, m, marker, m))
			return i;
	return 0;
}

/* Case-insensitive: does s contain marker? */
bool
ov_duty__contains_ci(const char *s, const char *marker)
{
	size_t n, m, i;

	if (s == NULL || marker == NULL)
		return false;
	n = strlen(s);
	m = strlen(marker);
	for (i = 0; m <= n && i <= n - m; i++)
		if (ov__eq_ci(s + i, m, marker, m))
			return true;
	return false;
}

/* ov__map_put for a borrowed const value; OV_ENOMEM on failure. */
int
ov_duty__map_put(struct ov_map *m, const char *key, size_t klen,
    const void *value)
{
	return ov__map_put(m, key, klen, (void *)(uintptr_t)value) < 0 ?
	    OV_ENOMEM : 0;
}
