/* SPDX-License-Identifier: MIT */
/*
 * The detector: reads log files event by event, matches each event against
 * the rules of its logsource, feeds the correlations, and gathers the
 * matches into one finding per (rule, resource or principal), with the
 * earliest events as evidence and the due date from the contract's triage
 * SLA.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "overvisor/contract.h"
#include "lib/raci/contract.h"
#include "lib/sigma/sigma_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/time.h"

#define DEFAULT_EVIDENCE	5
#define MAX_EVIDENCE		100
#define VALUE_MAX		256	/* bytes of a value in evidence */
#define MAX_DEPTH		16
#define GIVE_UP			3	/* bad events before a file that
					   has no good one is dropped */

/* One event kept as evidence. */
struct evref {
	int64_t		 t;
	const char	*file;		/* arena */
	uint64_t	 line;
	char		*summary;	/* heap JSON */
};

/* One detection: a rule on a resource or principal. */
struct agg {
	int		 rule;
	char		*resource_id;
	size_t		 rid_len;
	char		*resource_type;
	char		*resource_name;
	char		*subscription;
	char		*resource_group;
	ov_layer	 layer;
	int64_t		 first, last;
	uint64_t	 count;
	struct evref	*ev;
	size_t		 n_ev;
};

/* A slot of the detection table. */
struct aslot {
	uint64_t	 h;
	struct agg	*a;
};

struct ov_sigma_detector {
	ov_ctx		*ctx;
	const struct ov_sigma_rules *rs;
	ov_sigma_detect_options opts;
	struct ov_contract *own_contract;
	const struct ov_contract *contract;
	struct sig_mctx	 m;
	ov_json_parser	*parser;
	struct sig_corr	*corr;
	struct ov_arena	 arena;		/* file names */
	struct aslot	*at;		/* (rule, resource) -> agg */
	size_t		 at_cap, at_n;
	struct agg	**list;
	size_t		 n_list, cap_list;
	char		**errors;
	size_t		 n_errors, cap_errors;
	size_t		 file_errors;	/* kept for the current file */
	uint64_t	 file_ok;	/* good events in the current file */
	uint64_t	 file_bad;	/* bad events in it */
	struct sig_pipe	*pipe;		/* matching threads */
	ov_sigma_stats	 stats;
	/* The current event. */
	const char	*file;
	uint64_t	 line;
	int64_t		 t;
	enum sig_event_kind kind;
	struct ov_buf	 sum;		/* scratch */
};

static int merge(void *payload, const struct sig_bres *res);

/* Create a detector. */
int
ov_sigma_detector_new(ov_sigma_detector **out, ov_ctx *ctx,
    const ov_sigma_rules *rules, const ov_sigma_detect_options *opts)
{
	struct ov_sigma_detector *d;
	int error;

	OV_ASSERT_ARG(out != NULL && rules != NULL);
	*out = NULL;
	if (!rules->compiled)
		return ov__error(ctx, OV_EINVALID, OV_ERRCLASS_CONFIG,
		    "the rule set is not compiled");
	if ((d = ov__calloc(1, sizeof(*d))) == NULL)
		return ov__error_oom(ctx);
	d->ctx = ctx;
	d->rs = rules;
	if (opts != NULL)
		d->opts = *opts;
	if (d->opts.max_evidence == 0)
		d->opts.max_evidence = DEFAULT_EVIDENCE;
	if (d->opts.max_evidence > MAX_EVIDENCE)
		d->opts.max_evidence = MAX_EVIDENCE;
	ov__arena_init(&d->arena, 0, 0);
	ov__buf_init(&d->sum, 1 << 16);
	d->contract = d->opts.contract;
	if (d->contract == NULL) {
		if ((error = ov_contract__default(&d->own_contract, ctx)) < 0)
			goto fail;
		d->contract = d->own_contract;
	}
	if ((error = ov_sigma__mctx_init(&d->m, rules)) < 0 ||
	    (error = ov_sigma__corr_new(&d->corr, rules)) < 0 ||
	    (error = ov_json_parser_new(&d->parser, NULL, OV_JSON_PREFIX)) <
	    0 || (error = ov_sigma__pipe_new(&d->pipe, rules, d->corr,
	    d->opts.since, d->opts.until, d->opts.threads, merge, d)) < 0) {
		if (error == OV_ENOMEM)
			ov__error_oom(ctx);
		goto fail;
	}
	*out = d;
	return 0;
fail:
	ov_sigma_detector_free(d);
	return error;
}

/* Release one detection. */
static void
agg_free(struct agg *a)
{
	size_t i;

	for (i = 0; i < a->n_ev; i++)
		ov__free(a->ev[i].summary);
	ov__free(a->ev);
	ov__free(a->resource_id);
	ov__free(a->resource_type);
	ov__free(a->resource_name);
	ov__free(a->subscription);
	ov__free(a->resource_group);
	ov__free(a);
}

/* Release a detector. */
void
ov_sigma_detector_free(ov_sigma_detector *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n_list; i++)
		agg_free(d->list[i]);
	ov__free(d->list);
	ov__free(d->at);
	ov_sigma__pipe_free(d->pipe);
	for (i = 0; i < d->n_errors; i++)
		ov__free(d->errors[i]);
	ov__free(d->errors);
	ov_sigma__mctx_free(&d->m);
	ov_sigma__corr_free(d->corr);
	ov_json_parser_free(d->parser);
	ov_contract_free(d->own_contract);
	ov__buf_free(&d->sum);
	ov__arena_free(&d->arena);
	ov__free(d);
}

/* Record an input error "file:line:col: message". */
static void
input_error(struct ov_sigma_detector *d, uint64_t line, uint64_t col,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
input_error(struct ov_sigma_detector *d, uint64_t line, uint64_t col,
    const char *fmt, ...)
{
	char msg[256], *s;
	va_list ap;
	void *n;

	d->stats.errors++;
	if (d->file_errors >= ov_ctx_limit(d->ctx, OV_LIMIT_ERRORS_PER_FILE))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->n_errors == d->cap_errors) {
		size_t cap = d->cap_errors != 0 ? d->cap_errors * 2 : 16;

		if ((n = ov__reallocarray(d->errors, cap,
		    sizeof(*d->errors))) == NULL)
			return;
		d->errors = n;
		d->cap_errors = cap;
	}
	s = ov__arena_printf(&d->arena, "%s:%llu:%llu: %s", d->file,
	    (unsigned long long)line, (unsigned long long)col, msg);
	if (s != NULL && (d->errors[d->n_errors] = ov__strdup(s)) != NULL) {
		d->n_errors++;
		d->file_errors++;
	}
}

/* Copy the text of a JSON scalar (NULL for none). */
static char *
dup_scalar(const ov_json *v)
{
	const char *s = ov_json_string(v);

	if (s == NULL && ov_json_type_of(v) == OV_JSON_NUMBER)
		return ov__strndup(v->u.str, v->len);
	return s != NULL && *s != '\0' ? ov__strdup(s) : NULL;
}

/* The ARM type of an id ("/subscriptions/.../providers/NS/t/n/t2/n2"). */
static char *
arm_type(const char *id)
{
	const char *p = NULL, *q = id, *s;
	struct ov_buf b = OV_BUF_INIT(4096);
	size_t seg = 0;
	char *r;

	for (; *q != '\0'; q++)
		if (*q == '/' && strncasecmp(q, "/providers/", 11) == 0)
			p = q + 11;
	if (p == NULL)
		return NULL;
	/* Namespace, then type/name pairs: keep the types. */
	while (*p != '\0') {
		s = strchr(p, '/');
		if (s == NULL)
			s = p + strlen(p);
		if (seg == 0 || seg % 2 == 1) {
			if (b.len != 0)
				ov__buf_putc(&b, '/');
			ov__buf_add(&b, p, (size_t)(s - p));
		}
		seg++;
		p = *s == '/' ? s + 1 : s;
	}
	r = b.len != 0 ? ov__strdup(ov__buf_cstr(&b)) : NULL;
	ov__buf_free(&b);
	return r;
}

/* The id segment after key ("subscriptions", "resourceGroups"). */
static char *
id_segment(const char *id, const char *key)
{
	size_t kl = strlen(key);
	const char *p = id, *e;

	while (p != NULL && *p != '\0') {
		if (*p == '/' && strncasecmp(p + 1, key, kl) == 0 &&
		    p[1 + kl] == '/') {
			p += kl + 2;
			e = strchr(p, '/');
			return ov__strndup(p, e != NULL ? (size_t)(e - p) :
			    strlen(p));
		}
		p = strchr(p + 1, '/');
	}
	return NULL;
}

/* Graph type of an audit target ("User", "Policy" ...). */
static const char *
graph_type(const char *t)
{
	static const struct { const char *k, *v; } map[] = {
		{ "User", "Microsoft.Graph/users" },
		{ "Group", "Microsoft.Graph/groups" },
		{ "Application", "Microsoft.Graph/applications" },
		{ "ServicePrincipal", "Microsoft.Graph/servicePrincipals" },
		{ "Policy", "Microsoft.Graph/conditionalAccessPolicies" },
		{ "Role", "Microsoft.Graph/roleAssignments" },
		{ "Device", "Microsoft.Graph/devices" },
	};
	size_t i;

	for (i = 0; t != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (ov__streq_ci(t, map[i].k))
			return map[i].v;
	return "Microsoft.Graph/directoryObjects";
}

/* Fill in the resource of a new detection from the current event. */
static int
describe_resource(struct ov_sigma_detector *d, const struct sig_logsource *ls,
    struct agg *a, const char *rid)
{
	const ov_json *ev = d->m.ev, *v;
	size_t i;

	a->resource_id = ov__strdup(rid);
	if ((v = ov_sigma__paths_get(&ls->resource_type, ev)) != NULL &&
	    d->kind == SIG_EV_ACTIVITY)
		a->resource_type = dup_scalar(v);
	if (rid[0] == '/') {
		if (a->resource_type == NULL || strchr(a->resource_type,
		    '/') == NULL) {
			ov__free(a->resource_type);
			a->resource_type = arm_type(rid);
		}
		a->subscription = id_segment(rid, "subscriptions");
		a->resource_group = id_segment(rid, "resourceGroups");
		if ((v = ov_sigma__paths_get(&ls->subscription, ev)) != NULL &&
		    a->subscription == NULL)
			a->subscription = dup_scalar(v);
		{
			const char *slash = strrchr(rid, '/');

			a->resource_name = ov__strdup(slash != NULL ?
			    slash + 1 : rid);
		}
	} else if (d->kind == SIG_EV_AUDIT) {
		v = ov_json_path(ev, "targetResources");
		if (v == NULL)
			v = ov_json_path(ev, "properties.targetResources");
		if (v == NULL)
			v = ov_json_get(ev, "TargetResources");
		a->resource_type = ov__strdup(graph_type(ov_json_string(
		    ov_json_get(ov_json_at(v, 0), "type"))));
		a->resource_name = dup_scalar(ov_json_get(ov_json_at(v, 0),
		    "displayName"));
	} else if (d->kind != SIG_EV_ACTIVITY) {
		bool sp = ov_json_get(ev, "servicePrincipalName") != NULL ||
		    ov_json_path(ev, "properties.servicePrincipalName") !=
		    NULL;

		a->resource_type = ov__strdup(sp ?
		    "Microsoft.Graph/servicePrincipals" :
		    "Microsoft.Graph/users");
		v = ov_json_get(ev, "userDisplayName");
		if (v == NULL)
			v = ov_json_path(ev, "properties.userDisplayName");
		a->resource_name = dup_scalar(v);
	}
	a->layer = ls->layer_default;
	for (i = 0; a->resource_type != NULL && i < ls->n_layers; i++)
		if (ov__startswith_ci(a->resource_type, ls->layer_prefix[i])) {
			a->layer = ls->layer_of[i];
			break;
		}
	return a->resource_id != NULL ? 0 : OV_ENOMEM;
}

/* Sink for ov_json_write_string into a buffer. */
static int
buf_sink(const char *data, size_t len, void *payload)
{
	return ov__buf_add(payload, data, len);
}

/* True when a JSON member name inside a value names a secret. */
static bool
secret_name(const char *k, size_t n)
{
	static const char *const words[] = { "password", "secret", "token",
	    "connectionstring", "accountkey", "primarykey", "secondarykey",
	    "sharedkey", "accesskey", "sas", "credential", "privatekey" };
	char low[64];
	size_t i;

	if (n == 0 || n >= sizeof(low))
		return false;
	for (i = 0; i < n; i++)
		low[i] = (char)(k[i] >= 'A' && k[i] <= 'Z' ? k[i] + 32 : k[i]);
	low[n] = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(low, words[i]) != NULL)
			return true;
	return false;
}

/*
 * Mask, in place, the string values of secret-looking members of JSON
 * text inside an event value ("adminPassword":"..." in a request body),
 * so no secret reaches a report.
 */
static void
redact(char *s, size_t n)
{
	size_t i = 0, ks, ke;

	while (i < n) {
		if (s[i] != '"') {
			i++;
			continue;
		}
		ks = ++i;
		while (i < n && s[i] != '"')
			i += s[i] == '\\' ? 2 : 1;
		if (i >= n)
			return;
		ke = i++;
		while (i < n && (s[i] == ' ' || s[i] == ':'))
			i++;
		if (i >= n || s[i] != '"' || !secret_name(s + ks, ke - ks))
			continue;
		for (i++; i < n && s[i] != '"'; i++)
			s[i] = '*';
		i++;
	}
}

/* Append one "key": "value" pair, secrets masked. */
static void
pair(struct ov_buf *b, const char *key, const char *val, size_t n)
{
	char copy[VALUE_MAX];

	if (n > VALUE_MAX)
		n = VALUE_MAX;
	memcpy(copy, val, n);
	redact(copy, n);
	ov__buf_putc(b, b->len == 0 ? '{' : ',');
	ov_json_write_string(key, strlen(key), 0, buf_sink, b);
	ov__buf_putc(b, ':');
	ov_json_write_string(copy, n, 0, buf_sink, b);
}

/* A compact JSON summary of the current event for rule r. */
static char *
summary(struct ov_sigma_detector *d, const struct sig_rule *r)
{
	struct ov_buf *b = &d->sum;
	const struct sig_logsource *ls = d->m.ls;
	char when[32], where[64];
	const ov_json *v;
	size_t s, mi, c, k, n, f, seen_n = 0;
	int seen[64];
	const char *t;

	ov__buf_clear(b);
	ov_format_time(d->t, when, sizeof(when));
	pair(b, "time", when, strlen(when));
	snprintf(where, sizeof(where), "%llu", (unsigned long long)d->line);
	pair(b, "line", where, strlen(where));
	if ((v = ov_sigma__paths_get(&ls->id, d->m.ev)) != NULL &&
	    (t = ov_sigma__scalar_text(&d->m, v, &n)) != NULL)
		pair(b, "id", t, n);
	if ((v = ov_sigma__paths_get(&ls->principal, d->m.ev)) != NULL &&
	    (t = ov_sigma__scalar_text(&d->m, v, &n)) != NULL)
		pair(b, "principal", t, n);
	/* The fields the rule looked at, as the event has them. */
	for (s = 0; s < r->n_sels; s++)
		for (mi = 0; mi < r->sels[s].n_maps; mi++)
			for (c = 0; c < r->sels[s].maps[mi].n_conds; c++) {
				const struct sig_cache_ent *e;

				f = (size_t)r->sels[s].maps[mi].conds[c].field;
				if ((int)f < 0)
					continue;
				for (k = 0; k < seen_n; k++)
					if (seen[k] == (int)f)
						break;
				if (k < seen_n || seen_n == 64)
					continue;
				seen[seen_n++] = (int)f;
				e = ov_sigma__field_values(&d->m, (int)f);
				if (e->n == 0 || (t = ov_sigma__scalar_text(
				    &d->m, e->v[0], &n)) == NULL)
					continue;
				pair(b, ls->fields[f].name, t, n);
			}
	ov__buf_putc(b, '}');
	return ov__strdup(ov__buf_cstr(b));
}

/* Keep ev among the earliest max_evidence events of a (sorted). */
static void
keep_evidence(struct ov_sigma_detector *d, struct agg *a,
    const struct sig_rule *r)
{
	size_t max = d->opts.max_evidence, i;
	struct evref e;

	if (a->ev == NULL &&
	    (a->ev = ov__calloc(max, sizeof(*a->ev))) == NULL)
		return;
	i = a->n_ev;
	while (i > 0 && (a->ev[i - 1].t > d->t || (a->ev[i - 1].t == d->t &&
	    (strcmp(a->ev[i - 1].file, d->file) > 0 ||
	    (strcmp(a->ev[i - 1].file, d->file) == 0 &&
	    a->ev[i - 1].line > d->line)))))
		i--;
	if (i >= max)
		return;
	e.t = d->t;
	e.file = d->file;
	e.line = d->line;
	if ((e.summary = summary(d, r)) == NULL)
		return;
	if (a->n_ev == max) {
		ov__free(a->ev[max - 1].summary);
		a->n_ev--;
	}
	memmove(&a->ev[i + 1], &a->ev[i], (a->n_ev - i) * sizeof(*a->ev));
	a->ev[i] = e;
	a->n_ev++;
}

/* The detection table's hash of (rule, resource). */
static uint64_t
agg_hash(int ri, const char *rid, size_t n)
{
	uint64_t h = ov__hash_ci(rid, n) ^ ((uint64_t)(unsigned)ri *
	    0x9e3779b97f4a7c15ULL);

	return h != 0 ? h : 1;
}

/* The detection of rule ri on rid, or NULL; *at is its slot. */
static struct agg *
agg_find(struct ov_sigma_detector *d, int ri, const char *rid, size_t n,
    uint64_t h, size_t *at)
{
	size_t i, mask = d->at_cap - 1;

	if (d->at_cap == 0)
		return NULL;
	for (i = (size_t)h & mask; d->at[i].a != NULL; i = (i + 1) & mask)
		if (d->at[i].h == h && d->at[i].a->rule == ri &&
		    ov__eq_ci(d->at[i].a->resource_id, d->at[i].a->rid_len,
		    rid, n))
			return d->at[i].a;
	*at = i;
	return NULL;
}

/* Add a to the table (which must have room). */
static void
agg_put(struct ov_sigma_detector *d, struct agg *a, uint64_t h)
{
	size_t i, mask = d->at_cap - 1;

	for (i = (size_t)h & mask; d->at[i].a != NULL; i = (i + 1) & mask)
		;
	d->at[i].h = h;
	d->at[i].a = a;
	d->at_n++;
}

/* Make room for one more detection. */
static int
agg_room(struct ov_sigma_detector *d)
{
	struct aslot *old = d->at;
	size_t cap = d->at_cap, i;

	if ((d->at_n + 1) * 2 <= d->at_cap)
		return 0;
	d->at_cap = cap != 0 ? cap * 2 : 256;
	if ((d->at = ov__calloc(d->at_cap, sizeof(*d->at))) == NULL) {
		d->at = old;
		d->at_cap = cap;
		return OV_ENOMEM;
	}
	d->at_n = 0;
	for (i = 0; i < cap; i++)
		if (old[i].a != NULL)
			agg_put(d, old[i].a, old[i].h);
	ov__free(old);
	return 0;
}

/* True when an event at (t, line) of the current file would be kept. */
static bool
wants_evidence(const struct ov_sigma_detector *d, const struct agg *a,
    int64_t t, uint64_t line)
{
	const struct evref *e;
	int c;

	if (a->n_ev < d->opts.max_evidence)
		return true;
	e = &a->ev[a->n_ev - 1];
	if (t != e->t)
		return t < e->t;
	c = strcmp(d->file, e->file);
	return c < 0 || (c == 0 && line < e->line);
}

/* A new detection of rule ri on rid, from the current event. */
static struct agg *
agg_new(struct ov_sigma_detector *d, int ri, const char *rid, size_t n,
    uint64_t h)
{
	struct agg *a;
	char *id;
	void *x;

	if (agg_room(d) < 0 || (id = ov__strndup(rid, n)) == NULL)
		return NULL;
	if ((a = ov__calloc(1, sizeof(*a))) == NULL) {
		ov__free(id);
		return NULL;
	}
	a->rule = ri;
	a->first = a->last = d->t;
	a->rid_len = n;
	if (describe_resource(d, d->m.ls, a, id) < 0) {
		ov__free(id);
		agg_free(a);
		return NULL;
	}
	ov__free(id);
	if (d->n_list == d->cap_list) {
		size_t cap = d->cap_list != 0 ? d->cap_list * 2 : 64;

		if ((x = ov__reallocarray(d->list, cap,
		    sizeof(*d->list))) == NULL) {
			agg_free(a);
			return NULL;
		}
		d->list = x;
		d->cap_list = cap;
	}
	d->list[d->n_list++] = a;
	agg_put(d, a, h);
	return a;
}

/* Count one match into its detection. */
static int
aggregate(struct ov_sigma_detector *d, const struct sig_bmatch *bm)
{
	const struct sig_rule *r = &d->rs->rules[bm->rule];
	uint64_t h = agg_hash(bm->rule, bm->rid, bm->rid_len);
	const ov_json *ev;
	struct agg *a;
	size_t at = 0, used;

	a = agg_find(d, bm->rule, bm->rid, bm->rid_len, h, &at);
	if (a == NULL || wants_evidence(d, a, bm->t, bm->line)) {
		/* Look at the event again: for the resource and evidence. */
		if (ov_json_parser_parse(d->parser, bm->text, bm->len, &ev,
		    &used, NULL) < 0)
			return ov__error(d->ctx, OV_ERROR, OV_ERRCLASS_INTERNAL,
			    "a matched event no longer parses");
		d->kind = ov_sigma__event_kind(ev);
		ov_sigma__mctx_event(&d->m, &d->rs->ls[bm->ls], ev);
		d->t = bm->t;
		d->line = bm->line;
		if (a == NULL && (a = agg_new(d, bm->rule, bm->rid,
		    bm->rid_len, h)) == NULL)
			return OV_ENOMEM;
		keep_evidence(d, a, r);
	}
	a->count++;
	if (bm->t < a->first)
		a->first = bm->t;
	if (bm->t > a->last)
		a->last = bm->t;
	return 0;
}

/* Merge a batch of results, in file order. */
static int
merge(void *payload, const struct sig_bres *res)
{
	struct ov_sigma_detector *d = payload;
	size_t i, k;
	int error;

	for (i = 0; i < res->ne; i++)
		input_error(d, res->e[i].line, res->e[i].col, "%s",
		    res->e[i].msg);
	d->file_ok += res->ok;
	d->file_bad += res->bad;
	d->stats.events += res->events;
	d->stats.skipped += res->skipped;
	if (res->events != 0) {
		if (d->stats.first == 0 || res->first < d->stats.first)
			d->stats.first = res->first;
		if (res->last > d->stats.last)
			d->stats.last = res->last;
	}
	for (i = 0; i < res->n; i++) {
		const struct sig_bmatch *bm = &res->m[i];
		const struct sig_rule *r = &d->rs->rules[bm->rule];

		d->stats.matches++;
		for (k = bm->c0; k < bm->c0 + bm->nc; k++)
			if ((error = ov_sigma__corr_feed_key(d->corr,
			    res->c[k].cs, bm->rule, bm->t, res->c[k].key,
			    res->c[k].klen, res->c[k].vh, d->file, bm->line,
			    &d->stats.late)) < 0)
				return error;
		if (r->used_by_corr && !r->generate)
			continue;
		if ((error = aggregate(d, bm)) < 0)
			return error;
	}
	return 0;
}

/* Read events from a reader: one at a time, then NDJSON in batches. */
static int
read_events(struct ov_sigma_detector *d, struct sig_reader *R)
{
	const ov_json *ev;
	ov_json_error jerr;
	const char *data;
	size_t len;
	uint64_t line, col;
	int rc, error = 0;

	d->file_errors = 0;
	d->file_ok = d->file_bad = 0;
	for (;;) {
		/* A file that starts with nothing but bad events is no log. */
		if (d->file_ok == 0 && d->file_bad >= GIVE_UP) {
			ov_sigma__reader_skip_blank(R);
			if (!ov_sigma__reader_at_end(R))
				input_error(d, R->line, 1, "no log overvisor "
				    "reads; rest of the file skipped");
			return 0;
		}
		/* NDJSON with good events: the rest goes in batches. */
		if (R->ndjson && d->file_ok != 0)
			break;
		rc = ov_sigma__reader_parse(R, d->parser, &ev, &line, &col,
		    &jerr);
		if (rc <= 0) {
			error = rc;
			goto end;
		}
		if (rc == 2) {
			error = ov_sigma__pipe_error(d->pipe, line +
			    jerr.line - 1, jerr.line == 1 ? col + jerr.column -
			    1 : jerr.column, jerr.message);
			ov_sigma__reader_resync(R);
		} else {
			data = ov_sigma__reader_current(R, &len);
			error = ov_sigma__pipe_event(d->pipe, ev, data, len,
			    line, col);
			ov_sigma__reader_done(R);
		}
		if (error < 0)
			return error == OV_ENOMEM ? ov__error_oom(d->ctx) :
			    error;
	}
	while ((rc = ov_sigma__reader_lines(R, &data, &len, &line)) > 0) {
		if ((error = ov_sigma__pipe_lines(d->pipe, data, len,
		    line)) < 0)
			break;
		ov__progress(d->ctx, "detect", d->stats.events, 0);
	}
	if (error == 0)
		error = rc;
	if (error == 0)
		error = ov_sigma__pipe_flush(d->pipe);
	else
		(void)ov_sigma__pipe_flush(d->pipe);
end:
	if (error == OV_ENOMEM)
		return ov__error_oom(d->ctx);
	if (error == OV_ELIMIT) {
		input_error(d, R->line, 1, "event larger than the reader's "
		    "limit; rest of file skipped");
		return 0;
	}
	if (error < 0)
		return ov__error_at(d->ctx, OV_EIO, OV_ERRCLASS_INPUT, d->file,
		    0, 0, NULL, "read failed");
	return 0;
}

/* Read a buffer. */
int
ov_sigma_detector_read_buffer(ov_sigma_detector *d, const char *name,
    const char *data, size_t len)
{
	struct sig_reader R;
	int error;

	OV_ASSERT_ARG(d != NULL && (data != NULL || len == 0));
	if ((d->file = ov__arena_strdup(&d->arena, name != NULL ? name :
	    "-")) == NULL)
		return ov__error_oom(d->ctx);
	d->stats.files++;
	ov_sigma__reader_init(&R, NULL, data != NULL ? data : "", len);
	error = read_events(d, &R);
	ov_sigma__reader_free(&R);
	return error;
}

static int read_path(struct ov_sigma_detector *d, const char *path,
    unsigned depth);

/* True for the names log exports have (.json, .ndjson, .jsonl, .log). */
static bool
log_name(const char *name)
{
	static const char *const ext[] = { ".json", ".ndjson", ".jsonl",
	    ".log" };
	size_t i, l = strlen(name), e;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		e = strlen(ext[i]);
		if (l > e && strcasecmp(name + l - e, ext[i]) == 0)
			return true;
	}
	return false;
}

/* Read every log file of a directory in name order. */
static int
read_dir(struct ov_sigma_detector *d, const char *path, unsigned depth)
{
	char **names = NULL, full[4096];
	size_t n = 0, i;
	struct stat st;
	int error;

	if ((error = ov_sigma__dir_list(path, &names, &n)) < 0)
		return error == OV_ENOMEM ? ov__error_oom(d->ctx) :
		    ov__error_at(d->ctx, OV_EIO, OV_ERRCLASS_INPUT, path, 0, 0,
		    NULL, "cannot read directory");
	for (i = 0; i < n && error == 0; i++) {
		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		/* In a directory, only what log exports are named. */
		if (stat(full, &st) == 0 && !S_ISDIR(st.st_mode) &&
		    !log_name(names[i]))
			continue;
		error = read_path(d, full, depth + 1);
	}
	ov_sigma__dir_free(names, n);
	return error;
}

/* Read a file or a directory. */
static int
read_path(struct ov_sigma_detector *d, const char *path, unsigned depth)
{
	struct sig_reader R;
	struct stat st;
	FILE *f;
	int error;

	if (stat(path, &st) != 0)
		return ov__error_at(d->ctx, OV_EIO, OV_ERRCLASS_INPUT, path, 0,
		    0, NULL, "cannot read log file");
	if (S_ISDIR(st.st_mode))
		return depth < MAX_DEPTH ? read_dir(d, path, depth) : 0;
	if ((f = fopen(path, "rb")) == NULL)
		return ov__error_at(d->ctx, OV_EIO, OV_ERRCLASS_INPUT, path, 0,
		    0, NULL, "cannot open log file");
	if ((d->file = ov__arena_strdup(&d->arena, path)) == NULL) {
		fclose(f);
		return ov__error_oom(d->ctx);
	}
	d->stats.files++;
	ov_sigma__reader_init(&R, f, NULL, 0);
	error = read_events(d, &R);
	ov_sigma__reader_free(&R);
	fclose(f);
	return error;
}

/* Read a log file or directory. */
int
ov_sigma_detector_read(ov_sigma_detector *d, const char *path)
{
	OV_ASSERT_ARG(d != NULL && path != NULL);
	return read_path(d, path, 0);
}

/* Counters. */
void
ov_sigma_detector_stats(const ov_sigma_detector *d, ov_sigma_stats *out)
{
	if (d == NULL || out == NULL)
		return;
	*out = d->stats;
}

/* Input errors. */
size_t
ov_sigma_detector_n_errors(const ov_sigma_detector *d)
{
	return d != NULL ? d->n_errors : 0;
}

const char *
ov_sigma_detector_error(const ov_sigma_detector *d, size_t i)
{
	return d != NULL && i < d->n_errors ? d->errors[i] : NULL;
}

/* The triage text of a rule. */
static char *
remediation(const struct sig_rule *r)
{
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	char *s;

	ov__buf_printf(&b, "Triage within the defender-triage SLA: confirm "
	    "the activity with its principal");
	if (r->description != NULL && r->description[0] != '\0')
		ov__buf_printf(&b, ". Detects: %s", r->description);
	if (r->falsepositives != NULL)
		ov__buf_printf(&b, " Known false positives: %s",
		    r->falsepositives);
	s = ov__strdup(ov__buf_cstr(&b));
	ov__buf_free(&b);
	return s;
}

/* Fill the finding fields every detection shares. */
static void
finding_base(struct ov_sigma_detector *d, const struct sig_rule *r,
    ov_finding *f, int64_t first)
{
	int64_t sla;

	memset(f, 0, sizeof(*f));
	f->rule = r->id;
	f->title = r->title;
	f->severity = r->severity;
	f->state = OV_STATE_NON_COMPLIANT;
	f->duty = OV_DUTY_DEFENDER_TRIAGE;
	f->controls = r->techniques;
	f->n_controls = r->n_techniques;
	f->source = "sigma";
	f->accountable = ov_contract__accountable(d->contract, f->duty);
	f->owner = ov_contract__owner(d->contract, f->duty);
	sla = ov_contract__alert_sla_seconds(d->contract, r->severity);
	f->due = sla > 0 && first > 0 ? first + sla : 0;
}

/* Add one finding per detection and per fired correlation group. */
int
ov_sigma_detector_finish(ov_sigma_detector *d, ov_findings *out)
{
	const struct sig_fired *fired;
	ov_evidence ev[MAX_EVIDENCE + 1];
	char msg[MAX_EVIDENCE + 1][160], path[MAX_EVIDENCE + 1][512];
	char a_[32], b_[32], *rem;
	size_t i, k, n;
	ov_finding f;
	int error = 0;

	OV_ASSERT_ARG(d != NULL && out != NULL);
	for (i = 0; i < d->n_list && error == 0; i++) {
		struct agg *a = d->list[i];
		const struct sig_rule *r = &d->rs->rules[a->rule];

		finding_base(d, r, &f, a->first);
		f.resource_id = a->resource_id;
		f.resource_type = a->resource_type;
		f.resource_name = a->resource_name;
		f.subscription_id = a->subscription;
		f.resource_group = a->resource_group;
		f.layer = a->layer;
		for (k = 0; k < a->n_ev; k++) {
			ov_format_time(a->ev[k].t, a_, sizeof(a_));
			snprintf(path[k], sizeof(path[k]), "%s:%llu",
			    a->ev[k].file, (unsigned long long)a->ev[k].line);
			snprintf(msg[k], sizeof(msg[k]), "event at %s matched "
			    "the rule", a_);
			ev[k].path = path[k];
			ev[k].value = a->ev[k].summary;
			ev[k].message = msg[k];
		}
		ov_format_time(a->first, a_, sizeof(a_));
		ov_format_time(a->last, b_, sizeof(b_));
		snprintf(msg[k], sizeof(msg[k]), "%llu matching event%s "
		    "from %s to %s", (unsigned long long)a->count,
		    a->count == 1 ? "" : "s", a_, b_);
		ev[k].path = "detections";
		ev[k].value = NULL;
		ev[k].message = msg[k];
		f.evidence = ev;
		f.n_evidence = k + 1;
		f.file = a->n_ev > 0 ? a->ev[0].file : NULL;
		f.line = a->n_ev > 0 ? (unsigned)a->ev[0].line : 0;
		f.column = f.line != 0 ? 1 : 0;
		rem = remediation(r);
		f.remediation = rem;
		error = ov_findings_add(out, &f);
		ov__free(rem);
	}
	n = ov_sigma__corr_fired(d->corr, &fired);
	for (i = 0; i < n && error == 0; i++) {
		const struct sig_rule *r = &d->rs->rules[fired[i].rule];
		const char *eq = strchr(fired[i].group, '=');

		finding_base(d, r, &f, fired[i].start);
		/* The group's values name the principal or resource. */
		f.resource_id = r->n_group_by == 1 && eq != NULL ? eq + 1 :
		    fired[i].group[0] != '\0' ? fired[i].group : "all events";
		f.resource_type = "sigma/correlationGroup";
		f.layer = r->ref_rules != NULL ?
		    d->rs->rules[r->ref_rules[0]].ls->layer_default :
		    OV_LAYER_UNKNOWN;
		ov_format_time(fired[i].start, a_, sizeof(a_));
		ov_format_time(fired[i].end, b_, sizeof(b_));
		snprintf(msg[0], sizeof(msg[0]), "the correlation's condition "
		    "held between %s and %s", a_, b_);
		ev[0].path = "group";
		ev[0].value = fired[i].group;
		ev[0].message = msg[0];
		snprintf(path[1], sizeof(path[1]), "%s:%llu",
		    fired[i].first_file, (unsigned long long)fired[i].first_line);
		ev[1].path = path[1];
		ev[1].value = NULL;
		ev[1].message = "first event of that window";
		f.evidence = ev;
		f.n_evidence = 2;
		f.file = fired[i].first_file;
		f.line = (unsigned)fired[i].first_line;
		f.column = 1;
		rem = remediation(r);
		f.remediation = rem;
		error = ov_findings_add(out, &f);
		ov__free(rem);
	}
	return error == OV_ENOMEM ? ov__error_oom(d->ctx) : error;
}

/* Does the file at path look like a log we read? */
bool
ov_sigma_is_log_file(const char *path)
{
	struct sig_reader R;
	ov_json_parser *p = NULL;
	const ov_json *ev;
	ov_json_error err;
	uint64_t line, col;
	bool yes = false;
	FILE *f;

	if (path == NULL || (f = fopen(path, "rb")) == NULL)
		return false;
	ov_sigma__reader_init(&R, f, NULL, 0);
	if (ov_json_parser_new(&p, NULL, OV_JSON_PREFIX) == 0 &&
	    ov_sigma__reader_parse(&R, p, &ev, &line, &col, &err) == 1)
		yes = ov_sigma__event_kind(ev) != SIG_EV_UNKNOWN;
	ov_json_parser_free(p);
	ov_sigma__reader_free(&R);
	fclose(f);
	return yes;
}
