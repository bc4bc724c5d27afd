/* SPDX-License-Identifier: MIT */
/*
 * The analyzers' check table: data/analyzers/checks.json, compiled in
 * (CMake writes its bytes into checks_data.c), parsed once on first use
 * and checked field by field.  See checks.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "overvisor/json.h"
#include "lib/rules/checks.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/hash.h"

extern const unsigned char ov_rules__checks_json[];
extern const size_t ov_rules__checks_json_len;

static struct {
	ov_json_doc	*doc;		/* the parsed table, kept */
	struct ov_arena	 arena;		/* the rows */
	struct ov_check	*rows;		/* sorted by id */
	size_t		 n;		/* rows */
	struct ov_map	 by_id;		/* id -> row */
	char		 error[256];	/* why loading failed, or "" */
} table;

static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static const char *
str(const ov_json *row, const char *key)
{
	const char *s = ov_json_string(ov_json_get(row, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

/* A string array member as a borrowed, arena-held vector. */
static int
str_array(const ov_json *row, const char *key, const char * const **out,
    size_t *n)
{
	const ov_json *a = ov_json_get(row, key);
	const char **v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (a == NULL)
		return 0;
	if (ov_json_type_of(a) != OV_JSON_ARRAY)
		return -1;
	if ((v = ov__arena_calloc(&table.arena, ov_json_len(a) + 1,
	    sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < ov_json_len(a); i++)
		if ((v[i] = ov_json_string(ov_json_at(a, i))) == NULL)
			return -1;
	*out = v;
	*n = ov_json_len(a);
	return 0;
}

/* Fill row r from its JSON; a message on failure. */
static const char *
read_row(const ov_json *j, struct ov_check *r)
{
	ov_check_info *i = &r->info;

	memset(r, 0, sizeof(*r));
	i->id = str(j, "id");
	i->analyzer = str(j, "analyzer");
	i->title = str(j, "title");
	i->severity = str(j, "severity");
	i->severity_note = str(j, "severityNote");
	i->state = str(j, "state");
	i->state_note = str(j, "stateNote");
	i->duty = str(j, "duty");
	i->duty_note = str(j, "dutyNote");
	i->layer = str(j, "layer");
	i->layer_note = str(j, "layerNote");
	i->description = str(j, "description");
	i->started = str(j, "started");
	i->remediation = str(j, "remediation");
	i->docs = str(j, "docs");
	if (i->id == NULL || i->analyzer == NULL || i->title == NULL ||
	    i->description == NULL || i->remediation == NULL ||
	    i->docs == NULL)
		return "id, analyzer, title, description, remediation and "
		    "docs are required";
	if (i->severity == NULL || ov_severity_parse(i->severity,
	    &r->severity) < 0)
		return "severity is not critical, high, medium, low or info";
	if (i->state == NULL || ov_state_parse(i->state, &r->state) < 0)
		return "state is not a finding state";
	if ((i->duty == NULL) == (i->duty_note == NULL))
		return "give a duty, or a dutyNote saying which duty it is";
	r->layer = OV_LAYER_UNKNOWN;
	if (i->layer != NULL && ov_layer_parse(i->layer, &r->layer) < 0)
		return "layer is not a responsibility layer";
	if (i->layer == NULL && i->layer_note == NULL)
		return "give a layer, or a layerNote saying which layer it is";
	r->severity_varies = i->severity_note != NULL;
	r->state_varies = i->state_note != NULL;
	r->duty_varies = i->duty == NULL;
	r->layer_varies = i->layer_note != NULL;
	r->coverage = ov_json_is_true(ov_json_get(j, "coverage"));
	if (str_array(j, "controls", &i->controls, &i->n_controls) < 0 ||
	    str_array(j, "peers", &i->peers, &i->n_peers) < 0)
		return "controls and peers are arrays of strings";
	return NULL;
}

static void
load(void)
{
	const ov_json *rows;
	const char *why;
	ov_json_error jerr;
	size_t i;

	ov__arena_init(&table.arena, 0, 0);
	if (ov_json_parse(&table.doc, NULL,
	    (const char *)ov_rules__checks_json, ov_rules__checks_json_len,
	    OV_JSON_STRICT, &jerr) < 0) {
		snprintf(table.error, sizeof(table.error),
		    "data/analyzers/checks.json:%u:%u: %s", jerr.line,
		    jerr.column, jerr.message);
		return;
	}
	rows = ov_json_get(ov_json_doc_root(table.doc), "checks");
	if (ov_json_type_of(rows) != OV_JSON_ARRAY ||
	    (table.rows = ov__arena_calloc(&table.arena, ov_json_len(rows) +
	    1, sizeof(*table.rows))) == NULL) {
		snprintf(table.error, sizeof(table.error),
		    "data/analyzers/checks.json: no checks array");
		return;
	}
	for (i = 0; i < ov_json_len(rows); i++) {
		if ((why = read_row(ov_json_at(rows, i),
		    &table.rows[i])) != NULL) {
			snprintf(table.error, sizeof(table.error),
			    "data/analyzers/checks.json: checks[%zu] (%s): %s",
			    i, table.rows[i].info.id != NULL ?
			    table.rows[i].info.id : "?", why);
			return;
		}
		/* Sorted and unique, so the file reads like the listing. */
		if (i > 0 && ov__strcmp_ci(table.rows[i - 1].info.id,
		    table.rows[i].info.id) >= 0) {
			snprintf(table.error, sizeof(table.error),
			    "data/analyzers/checks.json: %s is out of id order "
			    "or given twice", table.rows[i].info.id);
			return;
		}
		if (ov__map_put(&table.by_id, table.rows[i].info.id,
		    strlen(table.rows[i].info.id), &table.rows[i]) < 0) {
			snprintf(table.error, sizeof(table.error),
			    "out of memory");
			return;
		}
	}
	table.n = ov_json_len(rows);
}

static const struct ov_check *
rows(size_t *n)
{
	(void)pthread_once(&table_once, load);
	*n = table.error[0] == '\0' ? table.n : 0;
	return table.rows;
}

/* The row of check id. */
const struct ov_check *
ov_rules__check(const char *id)
{
	size_t n;

	(void)rows(&n);
	if (n == 0 || id == NULL)
		return NULL;
	return ov__map_get(&table.by_id, id, strlen(id));
}

/* Why the table could not be read, or NULL. */
const char *
ov_rules__checks_error(void)
{
	size_t n;

	(void)rows(&n);
	return table.error[0] != '\0' ? table.error : NULL;
}

/* Number of analyzer checks. */
size_t
ov_checks_count(void)
{
	size_t n;

	(void)rows(&n);
	return n;
}

/* Check i in id order. */
const ov_check_info *
ov_checks_get(size_t i)
{
	size_t n;
	const struct ov_check *r = rows(&n);

	return i < n ? &r[i].info : NULL;
}

/* The check with this id. */
const ov_check_info *
ov_checks_find(const char *id)
{
	const struct ov_check *r = ov_rules__check(id);

	return r != NULL ? &r->info : NULL;
}
