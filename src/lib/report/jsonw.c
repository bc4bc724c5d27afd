/* SPDX-License-Identifier: MIT */
/*
 * Streaming JSON writer for the reporters.  Keys are written in the order
 * the caller gives them, so every format has a fixed, documented key order.
 * Pretty output indents by two spaces and writes empty containers as {} and
 * []; compact output has no whitespace at all.  Strings go through the
 * library's one escaper (ov_json_write_string): always valid UTF-8,
 * invalid bytes become U+FFFD.
 */
#include <string.h>

#include "overvisor/json.h"
#include "lib/report/report_int.h"

/* Start a writer. */
void
ov_report__jw_init(struct ov_jw *j, struct ov_rw *w, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->w = w;
	j->pretty = pretty;
}

static void
newline_indent(struct ov_jw *j)
{
	unsigned i;

	if (!j->pretty)
		return;
	ov_report__putc(j->w, '\n');
	for (i = 0; i < j->depth; i++)
		ov_report__write(j->w, "  ", 2);
}

/* Separator and indentation before a value or a key. */
static void
before_item(struct ov_jw *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0)
		return;
	if (!j->empty[j->depth - 1])
		ov_report__putc(j->w, ',');
	j->empty[j->depth - 1] = false;
	newline_indent(j);
}

static void
open_container(struct ov_jw *j, char c)
{
	before_item(j);
	ov_report__putc(j->w, c);
	if (j->depth < OV_REPORT_JSON_DEPTH)
		j->empty[j->depth] = true;
	j->depth++;
}

static void
close_container(struct ov_jw *j, char c)
{
	bool was_empty = true;

	if (j->depth == 0)
		return;
	if (j->depth <= OV_REPORT_JSON_DEPTH)
		was_empty = j->empty[j->depth - 1];
	j->depth--;
	if (!was_empty)
		newline_indent(j);
	ov_report__putc(j->w, c);
}

/* Open an object. */
void
ov_report__jw_begin_object(struct ov_jw *j)
{
	open_container(j, '{');
}

/* Close an object. */
void
ov_report__jw_end_object(struct ov_jw *j)
{
	close_container(j, '}');
}

/* Open an array. */
void
ov_report__jw_begin_array(struct ov_jw *j)
{
	open_container(j, '[');
}

/* Close an array. */
void
ov_report__jw_end_array(struct ov_jw *j)
{
	close_container(j, ']');
}

/* The JSON writer's sink: the report's stream. */
static int
rw_sink(const char *data, size_t len, void *payload)
{
	struct ov_rw *w = payload;

	ov_report__write(w, data, len);
	return w->error;
}

/* Write s as a JSON string literal. */
void
ov_report__json_escape(struct ov_rw *w, const char *s)
{
	(void)ov_json_write_string(s, strlen(s), 0, rw_sink, w);
}

/* Write a key; the next call writes its value. */
void
ov_report__jw_key(struct ov_jw *j, const char *key)
{
	before_item(j);
	ov_report__json_escape(j->w, key);
	ov_report__write(j->w, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
	j->after_key = true;
}

/* A string or null. */
void
ov_report__jw_string(struct ov_jw *j, const char *s)
{
	before_item(j);
	if (s == NULL)
		ov_report__write(j->w, "null", 4);
	else
		ov_report__json_escape(j->w, s);
}

/* An unsigned integer. */
void
ov_report__jw_uint(struct ov_jw *j, unsigned long long v)
{
	before_item(j);
	ov_report__printf(j->w, "%llu", v);
}

/* A signed integer. */
void
ov_report__jw_int(struct ov_jw *j, long long v)
{
	before_item(j);
	ov_report__printf(j->w, "%lld", v);
}

/* true or false. */
void
ov_report__jw_bool(struct ov_jw *j, bool v)
{
	before_item(j);
	ov_report__puts(j->w, v ? "true" : "false");
}

/* null. */
void
ov_report__jw_null(struct ov_jw *j)
{
	before_item(j);
	ov_report__write(j->w, "null", 4);
}

/* Verbatim text in value position. */
void
ov_report__jw_raw(struct ov_jw *j, const char *text)
{
	before_item(j);
	ov_report__puts(j->w, text);
}

/* Key and string value. */
void
ov_report__jw_kstr(struct ov_jw *j, const char *key, const char *s)
{
	ov_report__jw_key(j, key);
	ov_report__jw_string(j, s);
}

/* Key and unsigned value. */
void
ov_report__jw_kuint(struct ov_jw *j, const char *key, unsigned long long v)
{
	ov_report__jw_key(j, key);
	ov_report__jw_uint(j, v);
}

/* Nesting depth of a parsed value (1 for a scalar). */
static unsigned
tree_depth(const ov_json *v, unsigned limit)
{
	unsigned d, best = 0;
	size_t i, n;

	if (limit == 0)
		return 1;
	switch (ov_json_type_of(v)) {
	case OV_JSON_ARRAY:
		n = ov_json_len(v);
		for (i = 0; i < n; i++)
			if ((d = tree_depth(ov_json_at(v, i), limit - 1)) >
			    best)
				best = d;
		return best + 1;
	case OV_JSON_OBJECT:
		n = ov_json_len(v);
		for (i = 0; i < n; i++)
			if ((d = tree_depth(&ov_json_member_at(v, i)->value,
			    limit - 1)) > best)
				best = d;
		return best + 1;
	default:
		return 1;
	}
}

/* Re-emit a parsed value through the writer, keeping source order. */
static void
emit_tree(struct ov_jw *j, const ov_json *v)
{
	size_t i, n;

	switch (ov_json_type_of(v)) {
	case OV_JSON_NULL:
		ov_report__jw_null(j);
		break;
	case OV_JSON_TRUE:
	case OV_JSON_FALSE:
		ov_report__jw_bool(j, ov_json_is_true(v));
		break;
	case OV_JSON_NUMBER:
		before_item(j);
		ov_report__write(j->w, v->u.str, v->len);
		break;
	case OV_JSON_STRING:
		before_item(j);
		(void)ov_json_write_string(v->u.str, v->len, 0, rw_sink,
		    j->w);
		break;
	case OV_JSON_ARRAY:
		ov_report__jw_begin_array(j);
		n = ov_json_len(v);
		for (i = 0; i < n; i++)
			emit_tree(j, ov_json_at(v, i));
		ov_report__jw_end_array(j);
		break;
	case OV_JSON_OBJECT:
		ov_report__jw_begin_object(j);
		n = ov_json_len(v);
		for (i = 0; i < n; i++) {
			const ov_json_member *m = ov_json_member_at(v, i);

			before_item(j);
			(void)ov_json_write_string(m->key, m->klen, 0,
			    rw_sink, j->w);
			ov_report__write(j->w, j->pretty ? ": " : ":",
			    j->pretty ? 2 : 1);
			j->after_key = true;
			emit_tree(j, &m->value);
		}
		ov_report__jw_end_object(j);
		break;
	}
}

/* Evidence value: JSON text embedded as JSON, anything else a string. */
void
ov_report__jw_json_text(struct ov_jw *j, const char *text)
{
	ov_json_doc *doc = NULL;
	const ov_json *root;
	unsigned room;

	if (text == NULL) {
		ov_report__jw_null(j);
		return;
	}
	room = j->depth < OV_REPORT_JSON_DEPTH ?
	    OV_REPORT_JSON_DEPTH - j->depth : 0;
	if (ov_json_parse(&doc, NULL, text, strlen(text), OV_JSON_STRICT,
	    NULL) == 0 && (root = ov_json_doc_root(doc)) != NULL &&
	    tree_depth(root, room + 1) <= room)
		emit_tree(j, root);
	else
		ov_report__jw_string(j, text);
	ov_json_doc_free(doc);
}

/* key: an array of n strings. */
void
ov_report__jw_kstrv(struct ov_jw *j, const char *key, const char *const *v,
    size_t n)
{
	size_t i;

	ov_report__jw_key(j, key);
	ov_report__jw_begin_array(j);
	for (i = 0; i < n; i++)
		ov_report__jw_string(j, v[i]);
	ov_report__jw_end_array(j);
}

/* "evidence": the finding's evidence as an array of objects. */
void
ov_report__jw_evidence(struct ov_jw *j, const ov_finding *f)
{
	size_t i;

	ov_report__jw_key(j, "evidence");
	ov_report__jw_begin_array(j);
	for (i = 0; i < f->n_evidence; i++) {
		ov_report__jw_begin_object(j);
		ov_report__jw_kstr(j, "path", f->evidence[i].path);
		ov_report__jw_key(j, "value");
		ov_report__jw_json_text(j, f->evidence[i].value);
		ov_report__jw_kstr(j, "message", f->evidence[i].message);
		ov_report__jw_end_object(j);
	}
	ov_report__jw_end_array(j);
}

/* One finding in the documented key order. */
void
ov_report__json_finding(struct ov_jw *j, const ov_finding *f)
{
	char due[16];
	size_t i;

	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "rule", f->rule);
	ov_report__jw_kstr(j, "title", f->title);
	ov_report__jw_kstr(j, "severity", ov_severity_name(f->severity));
	ov_report__jw_kstr(j, "state", ov_state_name(f->state));
	ov_report__jw_key(j, "resource");
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "id", f->resource_id);
	ov_report__jw_kstr(j, "type", f->resource_type);
	ov_report__jw_kstr(j, "name", f->resource_name);
	ov_report__jw_kstr(j, "subscriptionId", f->subscription_id);
	ov_report__jw_kstr(j, "resourceGroup", f->resource_group);
	ov_report__jw_end_object(j);
	ov_report__jw_kstr(j, "layer", ov_layer_name(f->layer));
	ov_report__jw_kstr(j, "owner", ov_owner_name(f->owner));
	ov_report__jw_kstr(j, "duty", f->duty);
	ov_report__jw_kstr(j, "responsible", f->responsible);
	ov_report__jw_kstr(j, "accountable", f->accountable);
	ov_report__jw_kstrv(j, "consulted", f->consulted, f->n_consulted);
	ov_report__jw_kstrv(j, "informed", f->informed, f->n_informed);
	ov_report__jw_kstr(j, "due", ov_report__due(f->due, due, sizeof(due)));
	ov_report__jw_key(j, "controls");
	ov_report__jw_begin_array(j);
	for (i = 0; i < f->n_controls; i++)
		ov_report__jw_string(j, f->controls[i]);
	ov_report__jw_end_array(j);
	ov_report__jw_evidence(j, f);
	ov_report__jw_kstr(j, "remediation", f->remediation);
	ov_report__jw_kstr(j, "fingerprint", f->fingerprint);
	ov_report__jw_kstr(j, "source", f->source);
	if (f->file != NULL) {
		ov_report__jw_key(j, "location");
		ov_report__jw_begin_object(j);
		ov_report__jw_kstr(j, "file", f->file);
		ov_report__jw_key(j, "line");
		if (f->line > 0)
			ov_report__jw_uint(j, f->line);
		else
			ov_report__jw_null(j);
		ov_report__jw_key(j, "column");
		if (f->column > 0)
			ov_report__jw_uint(j, f->column);
		else
			ov_report__jw_null(j);
		ov_report__jw_end_object(j);
	}
	ov_report__jw_end_object(j);
}

/* Status names of a control, in the order summaries list them. */
static const char *const control_statuses[] = {
	"passed", "failed", "indeterminate", "manual", "microsoft",
	"not-covered"
};

/* The compliance object. */
void
ov_report__json_compliance(struct ov_jw *j, const ov_compliance *c)
{
	size_t i, k, counts[6] = { 0 }, other = 0;

	for (i = 0; i < c->n_controls; i++) {
		const char *st = c->controls[i].status;

		for (k = 0; k < 6; k++)
			if (st != NULL && strcmp(st, control_statuses[k]) == 0)
				break;
		if (k < 6)
			counts[k]++;
		else
			other++;
	}
	ov_report__jw_begin_object(j);
	ov_report__jw_kstr(j, "framework", c->id);
	ov_report__jw_kstr(j, "title", c->title);
	ov_report__jw_key(j, "summary");
	ov_report__jw_begin_object(j);
	ov_report__jw_kuint(j, "controls", c->n_controls);
	for (k = 0; k < 6; k++)
		ov_report__jw_kuint(j, control_statuses[k], counts[k]);
	if (other > 0)
		ov_report__jw_kuint(j, "other", other);
	ov_report__jw_end_object(j);
	ov_report__jw_key(j, "controls");
	ov_report__jw_begin_array(j);
	for (i = 0; i < c->n_controls; i++) {
		const ov_control_result *r = &c->controls[i];

		ov_report__jw_begin_object(j);
		ov_report__jw_kstr(j, "id", r->id);
		ov_report__jw_kstr(j, "title", r->title);
		ov_report__jw_kstr(j, "status", r->status);
		ov_report__jw_kuint(j, "passed", r->passed);
		ov_report__jw_kuint(j, "failed", r->failed);
		ov_report__jw_kuint(j, "indeterminate", r->indeterminate);
		ov_report__jw_key(j, "rules");
		ov_report__jw_begin_array(j);
		for (k = 0; k < r->n_rules; k++)
			ov_report__jw_string(j, r->rules[k]);
		ov_report__jw_end_array(j);
		ov_report__jw_end_object(j);
	}
	ov_report__jw_end_array(j);
	ov_report__jw_end_object(j);
}
