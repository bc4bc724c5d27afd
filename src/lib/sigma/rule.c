/* SPDX-License-Identifier: MIT */
/*
 * Rule parsing: Sigma YAML files (one rule, or several documents as
 * correlation files have) into compiled rules, with the metadata, the
 * logsource resolved to a field map, the selections compiled and the
 * condition parsed.  A rule overvisor cannot run becomes a diagnostic with
 * its position and reason, never a silent skip.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sigma/sigma_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define WHY_LEN	192

/* s, or dflt when s is NULL. */
static const char *
str_or(const char *s, const char *dflt)
{
	return s != NULL ? s : dflt;
}

/* Record a diagnostic. */
void
ov_sigma__diag(struct ov_sigma_rules *rs, ov_sigma_diag_level lvl,
    const char *file, const char *text, size_t len, uint64_t off,
    const char *id, const char *title, const char *fmt, ...)
{
	struct sig_diag *d;
	char msg[512];
	va_list ap;
	void *n;

	if (rs->n_diags == rs->cap_diags) {
		size_t cap = rs->cap_diags != 0 ? rs->cap_diags * 2 : 32;

		if ((n = ov__reallocarray(rs->diags, cap,
		    sizeof(*rs->diags))) == NULL)
			return;
		rs->diags = n;
		rs->cap_diags = cap;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d = &rs->diags[rs->n_diags];
	memset(d, 0, sizeof(*d));
	d->pub.level = lvl;
	d->pub.file = ov__arena_strdup(&rs->arena, str_or(file, "-"));
	if (text != NULL)
		ov_json_position(text, len, off, &d->pub.line, &d->pub.column);
	d->pub.rule_id = id != NULL ? ov__arena_strdup(&rs->arena, id) : NULL;
	d->pub.title = title != NULL ? ov__arena_strdup(&rs->arena, title) :
	    NULL;
	d->pub.message = ov__arena_strdup(&rs->arena, msg);
	if (d->pub.file != NULL && d->pub.message != NULL)
		rs->n_diags++;
}

/* Severity from a Sigma level. */
static bool
level_severity(const char *level, ov_severity *out)
{
	static const struct { const char *name; ov_severity sev; } lv[] = {
		{ "informational", OV_SEV_INFO }, { "low", OV_SEV_LOW },
		{ "medium", OV_SEV_MEDIUM }, { "high", OV_SEV_HIGH },
		{ "critical", OV_SEV_CRITICAL }
	};
	size_t i;

	for (i = 0; i < sizeof(lv) / sizeof(lv[0]); i++)
		if (ov__streq_ci(level, lv[i].name)) {
			*out = lv[i].sev;
			return true;
		}
	return false;
}

/* ATT&CK technique ids from tags ("attack.t1078.004"). */
static int
load_tags(struct ov_sigma_rules *rs, struct sig_rule *r, const ov_json *tags)
{
	size_t i, n = ov_json_len(tags), k;

	r->techniques = ov__arena_calloc(&rs->arena, n + 1, sizeof(char *));
	if (r->techniques == NULL)
		return OV_ENOMEM;
	for (i = 0; i < n; i++) {
		const char *t = ov_json_string(ov_json_at(tags, i));
		char id[32];

		if (t == NULL || !ov__startswith_ci(t, "attack.t") ||
		    !isdigit((unsigned char)t[8]))
			continue;
		for (k = 0; t[7 + k] != '\0' && k < sizeof(id) - 1; k++)
			id[k] = (char)toupper((unsigned char)t[7 + k]);
		id[k] = '\0';
		r->techniques[r->n_techniques] = ov__arena_printf(&rs->arena,
		    "ATT&CK %s", id);
		if (r->techniques[r->n_techniques] == NULL)
			return OV_ENOMEM;
		r->n_techniques++;
	}
	return 0;
}

/* Join the false-positive notes into one line. */
static const char *
join_list(struct ov_arena *a, const ov_json *v)
{
	struct ov_buf b = OV_BUF_INIT(4096);
	const char *r;
	size_t i;

	if (ov_json_is_string(v))
		return ov__arena_strdup(a, ov_json_string(v));
	for (i = 0; i < ov_json_len(v); i++) {
		const char *s = ov_json_string(ov_json_at(v, i));

		if (s == NULL)
			continue;
		if (b.len != 0)
			ov__buf_puts(&b, "; ");
		ov__buf_puts(&b, s);
	}
	r = b.len != 0 ? ov__arena_strdup(a, ov__buf_cstr(&b)) : NULL;
	ov__buf_free(&b);
	return r;
}

/* Append a rule slot; NULL when out of memory. */
static struct sig_rule *
new_rule(struct ov_sigma_rules *rs)
{
	struct sig_rule *r;
	void *n;

	if (rs->n_rules == rs->cap_rules) {
		size_t cap = rs->cap_rules != 0 ? rs->cap_rules * 2 : 64;

		if ((n = ov__reallocarray(rs->rules, cap,
		    sizeof(*rs->rules))) == NULL)
			return NULL;
		/* Zeroed, so a slot never filled releases nothing. */
		memset((struct sig_rule *)n + rs->cap_rules, 0,
		    (cap - rs->cap_rules) * sizeof(*rs->rules));
		rs->rules = n;
		rs->cap_rules = cap;
	}
	r = &rs->rules[rs->n_rules];
	memset(r, 0, sizeof(*r));
	return r;
}

/* Parse a Sigma timespan ("5m", "1h", "30s", "2d", "1w"); -1 if bad. */
static int64_t
parse_timespan(const char *s)
{
	char *end;
	long long n;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	n = strtoll(s, &end, 10);
	if (n <= 0 || n > 1000000 || end[0] == '\0' || end[1] != '\0')
		return -1;
	switch (*end) {
	case 's': return n;
	case 'm': return n * 60;
	case 'h': return n * 3600;
	case 'd': return n * 86400;
	case 'w': return n * 7 * 86400;
	case 'M': return n * 30 * 86400;
	case 'y': return n * 365 * 86400;
	default: return -1;
	}
}

/* Context for the diagnostics of one document. */
struct doc {
	struct ov_sigma_rules *rs;
	const char	*file;
	const char	*text;
	size_t		 len;
	const char	*id;
	const char	*title;
};

#define DIAG(D, lvl, node, ...) \
	ov_sigma__diag((D)->rs, (lvl), (D)->file, (D)->text, (D)->len, \
	    (node) != NULL ? (node)->offset : 0, (D)->id, (D)->title, \
	    __VA_ARGS__)

/* The common metadata of a rule or correlation rule. */
static int
load_meta(struct doc *D, const ov_json *root, struct sig_rule *r)
{
	struct ov_sigma_rules *rs = D->rs;
	const ov_json *v;
	unsigned line;

	r->title = ov__arena_strdup(&rs->arena, D->title);
	r->id = ov__arena_strdup(&rs->arena, str_or(D->id, D->title));
	r->name = ov_json_string(ov_json_get(root, "name")) != NULL ?
	    ov__arena_strdup(&rs->arena,
	    ov_json_string(ov_json_get(root, "name"))) : NULL;
	r->status = ov__arena_strdup(&rs->arena,
	    str_or(ov_json_string(ov_json_get(root, "status")), ""));
	r->description = ov__arena_strdup(&rs->arena,
	    str_or(ov_json_string(ov_json_get(root, "description")), ""));
	r->falsepositives = join_list(&rs->arena,
	    ov_json_get(root, "falsepositives"));
	r->file = ov__arena_strdup(&rs->arena, D->file);
	ov_json_position(D->text, D->len, root->offset, &line, NULL);
	r->line = line;
	if (r->title == NULL || r->id == NULL || r->file == NULL ||
	    r->status == NULL || r->description == NULL)
		return OV_ENOMEM;
	r->severity = OV_SEV_MEDIUM;
	v = ov_json_get(root, "level");
	if (v != NULL && !level_severity(ov_json_string(v), &r->severity)) {
		DIAG(D, OV_SIGMA_DIAG_ERROR, v, "unknown level '%s'",
		    str_or(ov_json_string(v), "?"));
		return OV_EPARSE;
	}
	if (v == NULL)
		DIAG(D, OV_SIGMA_DIAG_WARNING, root,
		    "no level; reported as medium");
	return load_tags(rs, r, ov_json_get(root, "tags"));
}

/* A detection rule. */
static int
load_detection(struct doc *D, const ov_json *root)
{
	struct ov_sigma_rules *rs = D->rs;
	const ov_json *ls, *det, *cond, *bad, *v;
	const char *product, *service, *cs;
	struct sig_rule *r;
	char why[WHY_LEN];
	size_t i, n;
	int error;

	ls = ov_json_get(root, "logsource");
	det = ov_json_get(root, "detection");
	if (ov_json_type_of(ls) != OV_JSON_OBJECT) {
		DIAG(D, OV_SIGMA_DIAG_ERROR, root, "no logsource");
		return 0;
	}
	if (ov_json_type_of(det) != OV_JSON_OBJECT) {
		DIAG(D, OV_SIGMA_DIAG_ERROR, det != NULL ? det : root,
		    "detection is not a map");
		return 0;
	}
	product = ov_json_string(ov_json_get(ls, "product"));
	service = ov_json_string(ov_json_get(ls, "service"));
	if ((r = new_rule(rs)) == NULL)
		return OV_ENOMEM;
	if ((error = load_meta(D, root, r)) < 0)
		return error == OV_EPARSE ? 0 : error;
	r->ls = ov_sigma__logsource(rs, str_or(product, ""),
	    str_or(service, ""));
	if (r->ls == NULL) {
		DIAG(D, OV_SIGMA_DIAG_UNSUPPORTED, ls,
		    "no log reader for logsource %s/%s%s%s",
		    str_or(product, "-"), str_or(service, "-"),
		    ov_json_get(ls, "category") != NULL ? " category " : "",
		    str_or(ov_json_string(ov_json_get(ls, "category")), ""));
		return 0;
	}
	cond = ov_json_get(det, "condition");
	if (cond == NULL) {
		DIAG(D, OV_SIGMA_DIAG_ERROR, det, "detection has no condition");
		return 0;
	}
	n = ov_json_len(det);
	if ((r->sels = ov__arena_calloc(&rs->arena, n, sizeof(*r->sels))) ==
	    NULL)
		return OV_ENOMEM;
	for (i = 0; i < n; i++) {
		const ov_json_member *m = ov_json_member_at(det, i);

		if (ov__streq_ci(m->key, "condition"))
			continue;
		if (ov__streq_ci(m->key, "timeframe")) {
			DIAG(D, OV_SIGMA_DIAG_UNSUPPORTED, &m->value,
			    "timeframe belongs to the deprecated aggregation "
			    "syntax; write a correlation rule");
			return 0;
		}
		why[0] = '\0';
		bad = &m->value;
		r->sels[r->n_sels].name = m->key;
		r->n_sels++;		/* counted, so a failure frees it */
		error = ov_sigma__compile_sel(rs, r->ls, &m->value,
		    &r->sels[r->n_sels - 1], &bad, why, sizeof(why));
		if (error == OV_ENOMEM)
			return error;
		if (error < 0) {
			DIAG(D, error == OV_EUNSUPPORTED ?
			    OV_SIGMA_DIAG_UNSUPPORTED : OV_SIGMA_DIAG_ERROR,
			    bad, "selection '%s': %s", m->key, why);
			return 0;
		}
		r->sels[r->n_sels - 1].name = m->key;
	}
	/* A list of conditions is their disjunction. */
	if (ov_json_type_of(cond) == OV_JSON_ARRAY) {
		struct ov_buf b = OV_BUF_INIT(1 << 16);

		for (i = 0; i < ov_json_len(cond); i++) {
			v = ov_json_at(cond, i);
			if (!ov_json_is_string(v))
				break;
			ov__buf_printf(&b, "%s(%s)", i != 0 ? " or " : "",
			    ov_json_string(v));
		}
		cs = i == ov_json_len(cond) && i != 0 ?
		    ov__arena_strdup(&rs->arena, ov__buf_cstr(&b)) : NULL;
		ov__buf_free(&b);
	} else {
		cs = ov_json_string(cond);
	}
	if (cs == NULL) {
		DIAG(D, OV_SIGMA_DIAG_ERROR, cond,
		    "condition is not a string or a list of strings");
		return 0;
	}
	if (strchr(cs, '|') != NULL) {
		DIAG(D, OV_SIGMA_DIAG_UNSUPPORTED, cond,
		    "aggregation in the condition (deprecated syntax); write "
		    "a correlation rule");
		return 0;
	}
	why[0] = '\0';
	error = ov_sigma__cond_parse(&rs->arena, cs, r->sels, r->n_sels,
	    &r->cond, why, sizeof(why));
	if (error == OV_ENOMEM)
		return error;
	if (error < 0) {
		DIAG(D, OV_SIGMA_DIAG_ERROR, cond, "condition: %s", why);
		return 0;
	}
	rs->n_rules++;
	return 0;
}

/* Copy a string or list of strings into an arena array. */
static int
string_list(struct ov_arena *a, const ov_json *v, const char ***out,
    size_t *n)
{
	size_t i, len = ov_json_is_string(v) ? 1 : ov_json_len(v);

	*n = 0;
	if ((*out = ov__arena_calloc(a, len + 1, sizeof(char *))) == NULL)
		return OV_ENOMEM;
	if (ov_json_is_string(v)) {
		(*out)[(*n)++] = ov_json_string(v);
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (!ov_json_is_string(ov_json_at(v, i)))
			return OV_EINVALID;
		(*out)[(*n)++] = ov_json_string(ov_json_at(v, i));
	}
	return 0;
}

/* A correlation rule; its references are resolved at compile time. */
static int
load_correlation(struct doc *D, const ov_json *root, const ov_json *c)
{
	struct ov_sigma_rules *rs = D->rs;
	static const struct { const char *k; uint8_t op; } cmps[] = {
		{ "gt", SIG_OP_GT }, { "gte", SIG_OP_GTE }, { "lt", SIG_OP_LT },
		{ "lte", SIG_OP_LTE }, { "eq", SIG_OP_EQ }
	};
	const ov_json *t, *v, *cond;
	const char *type;
	struct sig_rule *r;
	size_t i, k;
	int error;

	if ((r = new_rule(rs)) == NULL)
		return OV_ENOMEM;
	if ((error = load_meta(D, root, r)) < 0)
		return error == OV_EPARSE ? 0 : error;
	r->is_correlation = true;
	t = ov_json_get(c, "type");
	type = ov_json_string(t);
	if (ov__streq_ci(type, "event_count"))
		r->ctype = SIG_CORR_EVENT_COUNT;
	else if (ov__streq_ci(type, "value_count"))
		r->ctype = SIG_CORR_VALUE_COUNT;
	else if (ov__streq_ci(type, "temporal"))
		r->ctype = SIG_CORR_TEMPORAL;
	else if (ov__streq_ci(type, "temporal_ordered"))
		r->ctype = SIG_CORR_TEMPORAL_ORDERED;
	else {
		DIAG(D, t != NULL ? OV_SIGMA_DIAG_UNSUPPORTED :
		    OV_SIGMA_DIAG_ERROR, t != NULL ? t : c,
		    "correlation type '%s' is not event_count, value_count, "
		    "temporal or temporal_ordered", str_or(type, ""));
		return 0;
	}
	if (ov_json_get(c, "aliases") != NULL) {
		DIAG(D, OV_SIGMA_DIAG_UNSUPPORTED, ov_json_get(c, "aliases"),
		    "correlation field aliases");
		return 0;
	}
	v = ov_json_get(c, "rules");
	if (string_list(&rs->arena, v, &r->refs, &r->n_refs) < 0 ||
	    r->n_refs == 0) {
		DIAG(D, OV_SIGMA_DIAG_ERROR, v != NULL ? v : c,
		    "correlation 'rules' must name one or more rules");
		return 0;
	}
	v = ov_json_get(c, "group-by");
	if (v != NULL && (string_list(&rs->arena, v, &r->group_by,
	    &r->n_group_by) < 0)) {
		DIAG(D, OV_SIGMA_DIAG_ERROR, v,
		    "group-by must be a list of field names");
		return 0;
	}
	v = ov_json_get(c, "timespan");
	if ((r->timespan = parse_timespan(ov_json_string(v))) < 0) {
		DIAG(D, OV_SIGMA_DIAG_ERROR, v != NULL ? v : c,
		    "timespan must be a number and a unit (s, m, h, d, w)");
		return 0;
	}
	r->generate = ov_json_is_true(ov_json_get(c, "generate"));
	cond = ov_json_get(c, "condition");
	if (r->ctype == SIG_CORR_TEMPORAL ||
	    r->ctype == SIG_CORR_TEMPORAL_ORDERED) {
		r->cmp = SIG_OP_GTE;
		r->threshold = (double)r->n_refs;
		if (cond != NULL)
			DIAG(D, OV_SIGMA_DIAG_WARNING, cond, "a temporal "
			    "correlation needs every rule; condition ignored");
	} else {
		if (ov_json_type_of(cond) != OV_JSON_OBJECT) {
			DIAG(D, OV_SIGMA_DIAG_ERROR, cond != NULL ? cond : c,
			    "condition must be a map such as {gte: 10}");
			return 0;
		}
		for (i = 0, k = 0; i < sizeof(cmps) / sizeof(cmps[0]); i++) {
			v = ov_json_get(cond, cmps[i].k);
			if (v == NULL)
				continue;
			if (ov_json_type_of(v) != OV_JSON_NUMBER) {
				DIAG(D, OV_SIGMA_DIAG_ERROR, v,
				    "threshold must be a number");
				return 0;
			}
			r->cmp = cmps[i].op;
			r->threshold = ov_json_number(v);
			k++;
		}
		if (k != 1) {
			DIAG(D, k == 0 ? OV_SIGMA_DIAG_ERROR :
			    OV_SIGMA_DIAG_UNSUPPORTED, cond, k == 0 ?
			    "condition has no gt, gte, lt, lte or eq" :
			    "a condition with more than one comparison");
			return 0;
		}
		v = ov_json_get(cond, "field");
		if (v == NULL)
			v = ov_json_get(c, "field");
		r->value_field = ov_json_string(v);
		if (r->ctype == SIG_CORR_VALUE_COUNT &&
		    r->value_field == NULL) {
			DIAG(D, OV_SIGMA_DIAG_ERROR, cond,
			    "value_count needs a field");
			return 0;
		}
	}
	rs->n_rules++;
	return 0;
}

/* One document of a rule file. */
static int
load_doc(struct doc *D, const ov_json *root)
{
	const ov_json *c;
	size_t n;
	int error;

	if (ov_json_type_of(root) == OV_JSON_NULL)
		return 0;
	if (ov_json_type_of(root) != OV_JSON_OBJECT) {
		DIAG(D, OV_SIGMA_DIAG_ERROR, root, "not a Sigma rule (a map)");
		return 0;
	}
	D->id = ov_json_string(ov_json_get(root, "id"));
	D->title = ov_json_string(ov_json_get(root, "title"));
	if (ov_json_get(root, "action") != NULL) {
		DIAG(D, OV_SIGMA_DIAG_UNSUPPORTED, ov_json_get(root, "action"),
		    "rule collections (action: global, reset, repeat)");
		return 0;
	}
	if (D->title == NULL) {
		DIAG(D, OV_SIGMA_DIAG_ERROR, root, "rule has no title");
		return 0;
	}
	if ((c = ov_json_get(root, "correlation")) != NULL) {
		if (ov_json_type_of(c) != OV_JSON_OBJECT) {
			DIAG(D, OV_SIGMA_DIAG_ERROR, c,
			    "correlation is not a map");
			return 0;
		}
		return load_correlation(D, root, c);
	}
	if (ov_json_get(root, "detection") == NULL) {
		DIAG(D, OV_SIGMA_DIAG_ERROR, root,
		    "neither detection nor correlation");
		return 0;
	}
	n = D->rs->n_rules;
	error = load_detection(D, root);
	/* A rule that was not kept may hold compiled patterns. */
	if (D->rs->n_rules == n && n < D->rs->cap_rules)
		ov_sigma__rule_release(&D->rs->rules[n]);
	return error;
}

/* Parse a rule file's text into rules and diagnostics. */
int
ov_sigma__load_text(struct ov_sigma_rules *rs, const char *name,
    const char *data, size_t len)
{
	struct doc D;
	ov_json_doc *doc = NULL;
	ov_json_error jerr;
	const ov_json *root;
	char *copy;
	size_t i;
	int error;

	memset(&D, 0, sizeof(D));
	D.rs = rs;
	D.file = name;
	rs->n_files++;
	/* Rules keep pointers into the tree: copy the text into the arena. */
	if ((copy = ov__arena_strndup(&rs->arena, data, len)) == NULL)
		return ov__error_oom(rs->ctx);
	D.text = copy;
	D.len = len;
	error = ov_json_parse_yaml(&doc, NULL, copy, len, OV_YAML_STREAM,
	    &jerr);
	if (error == OV_ENOMEM)
		return ov__error_oom(rs->ctx);
	if (error < 0) {
		ov_sigma__diag(rs, OV_SIGMA_DIAG_ERROR, name, copy, len,
		    jerr.offset, NULL, NULL, "%s", jerr.message);
		return 0;
	}
	root = ov_json_doc_root(doc);
	for (i = 0; i < ov_json_len(root); i++)
		if ((error = load_doc(&D, ov_json_at(root, i))) < 0)
			break;
	/* The tree lives with the rule set: hand its arena over. */
	if (error == 0 && ov_sigma__keep_doc(rs, doc) < 0)
		error = OV_ENOMEM;
	else if (error < 0)
		ov_json_doc_free(doc);
	return error == OV_ENOMEM ? ov__error_oom(rs->ctx) : error;
}
