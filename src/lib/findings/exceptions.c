/* SPDX-License-Identifier: MIT */
/*
 * exceptions.yaml: accepted risks with a mandatory expiry.  The file is a
 * YAML list of entries (or a mapping with an "exceptions" list); each entry
 * has rule, resource, justification, approver, ticket and expires.  Any
 * invalid entry rejects the file with file:line:column, so a typo never
 * silently excepts (or un-excepts) anything.  The YAML is read with the
 * one YAML loader (lib/json/yaml.h).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "findings/exceptions.h"
#include "lib/json/yaml.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/time.h"

struct ov_exceptions {
	struct ov_arena	 arena;	/* every string */
	ov_exception	*items;	/* entries in file order */
	size_t		 n;	/* used */
	size_t		 cap;	/* allocated */
};

static const char *const keys[] = {
	"rule", "resource", "justification", "approver", "ticket", "expires"
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

/* Create an empty set. */
int
ov_exceptions_new(ov_exceptions **out)
{
	ov_exceptions *set;

	OV_ASSERT_ARG(out != NULL);
	*out = NULL;
	if ((set = ov__calloc(1, sizeof(*set))) == NULL)
		return OV_ENOMEM;
	ov__arena_init(&set->arena, 0, 0);
	*out = set;
	return 0;
}

/* Release a set. */
void
ov_exceptions_free(ov_exceptions *set)
{
	if (set == NULL)
		return;
	ov__arena_free(&set->arena);
	ov__free(set->items);
	ov__free(set);
}

/* Number of entries. */
size_t
ov_exceptions_count(const ov_exceptions *set)
{
	return set != NULL ? set->n : 0;
}

/* Entry i. */
const ov_exception *
ov_exceptions_get(const ov_exceptions *set, size_t i)
{
	return set != NULL && i < set->n ? &set->items[i] : NULL;
}

static const char *
dup_or_null(struct ov_arena *a, const char *s, bool *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = ov__arena_strdup(a, s)) == NULL)
		*oom = true;
	return d;
}

/* Copy one entry into the set. */
int
ov_exceptions_add(ov_exceptions *set, const ov_exception *e)
{
	ov_exception *n;
	bool oom = false;

	OV_ASSERT_ARG(set != NULL && e != NULL);
	if (e->rule == NULL || e->resource == NULL || e->expires == 0)
		return OV_EINVALID;
	if (set->n == set->cap) {
		size_t cap = set->cap != 0 ? set->cap * 2 : 16;
		void *p = ov__reallocarray(set->items, cap,
		    sizeof(*set->items));

		if (p == NULL)
			return OV_ENOMEM;
		set->items = p;
		set->cap = cap;
	}
	n = &set->items[set->n];
	*n = *e;
	n->rule = dup_or_null(&set->arena, e->rule, &oom);
	n->resource = dup_or_null(&set->arena, e->resource, &oom);
	n->justification = dup_or_null(&set->arena, e->justification, &oom);
	n->approver = dup_or_null(&set->arena, e->approver, &oom);
	n->ticket = dup_or_null(&set->arena, e->ticket, &oom);
	n->source = dup_or_null(&set->arena, e->source, &oom);
	if (oom)
		return OV_ENOMEM;
	set->n++;
	return 0;
}

/* Parse one entry mapping into the set. */
static int
parse_entry(ov_exceptions *set, struct ov_yaml *y, const ov_json *node,
    size_t index)
{
	const char *vals[N_KEYS] = { NULL };
	const ov_json *vnode[N_KEYS] = { NULL };
	ov_exception e;
	char idx[32];
	size_t i, j, len;
	unsigned line, column;
	int64_t t;

	snprintf(idx, sizeof(idx), "%zu", index + 1);
	if (ov_json_type_of(node) != OV_JSON_OBJECT)
		return ov_yaml__fail(y, OV_EINVALID, node, NULL,
		    "exception %s: expected a mapping with rule, resource, "
		    "justification, approver, ticket and expires", idx);
	for (j = 0; j < ov_json_len(node); j++) {
		const ov_json_member *m = ov_json_member_at(node, j);
		const ov_json *k = ov_yaml__key(y, node, m);
		const ov_json *v = &m->value;

		if (k == NULL)
			return ov__error_oom(y->ctx);
		for (i = 0; i < N_KEYS; i++)
			if (strcmp(m->key, keys[i]) == 0)
				break;
		if (i == N_KEYS)
			return ov_yaml__fail(y, OV_EINVALID, k, NULL,
			    "exception %s: unknown key '%s'", idx, m->key);
		if (vals[i] != NULL)
			return ov_yaml__fail(y, OV_EINVALID, k, NULL,
			    "exception %s: duplicate key '%s'", idx, m->key);
		if (!ov_yaml__is_scalar(v))
			return ov_yaml__fail(y, OV_EINVALID, v, NULL,
			    "exception %s: '%s' must be a single value",
			    idx, m->key);
		if ((vals[i] = ov_yaml__text(y, v)) == NULL)
			return ov__error_oom(y->ctx);
		vnode[i] = v;
		len = ov_json_type_of(v) == OV_JSON_STRING ? v->len :
		    strlen(vals[i]);
		if (len > OV_EXCEPTIONS_MAX_STRING)
			return ov_yaml__fail(y, OV_ELIMIT, v, NULL,
			    "exception %s: '%s' is too long", idx, m->key);
		if (len == 0 || strlen(vals[i]) != len)
			return ov_yaml__fail(y, OV_EINVALID, v, NULL,
			    "exception %s: '%s' is empty", idx, m->key);
	}
	for (i = 0; i < N_KEYS; i++)
		if (vals[i] == NULL)
			return ov_yaml__fail(y, OV_EINVALID, node, NULL,
			    "exception %s: missing '%s'", idx, keys[i]);
	len = strlen(vals[5]);
	/* A bare date holds through the end of that day (UTC). */
	if (!ov__expiry_parse(vals[5], len, &t))
		return ov_yaml__fail(y, OV_EINVALID, vnode[5], NULL,
		    "exception %s: expires '%s' is not an ISO 8601 date",
		    idx, vals[5]);
	ov_json_position(y->data, y->len, node->offset, &line, &column);
	memset(&e, 0, sizeof(e));
	e.rule = vals[0];
	e.resource = vals[1];
	e.justification = vals[2];
	e.approver = vals[3];
	e.ticket = vals[4];
	e.expires = t;
	e.source = y->name;
	e.line = line;
	e.column = column;
	if (e.expires == 0)
		e.expires = 1;
	return ov_exceptions_add(set, &e) < 0 ? ov__error_oom(y->ctx) : 0;
}

/* Load from memory. */
int
ov_exceptions_load_buffer(ov_exceptions **out, ov_ctx *ctx, const char *name,
    const char *data, size_t len)
{
	struct ov_yaml y;
	const ov_json *root, *list = NULL;
	ov_exceptions *set = NULL;
	size_t i;
	int error;

	OV_ASSERT_ARG(out != NULL && (data != NULL || len == 0));
	*out = NULL;
	if (name == NULL)
		name = "exceptions.yaml";
	if (len > OV_EXCEPTIONS_MAX_FILE)
		return ov__error_at(ctx, OV_ELIMIT, OV_ERRCLASS_CONFIG, name,
		    0, 0, NULL, "file larger than %u bytes",
		    OV_EXCEPTIONS_MAX_FILE);
	if ((error = ov_exceptions_new(&set)) < 0)
		return ov__error_oom(ctx);
	if ((error = ov_yaml__load(&y, ctx, OV_ERRCLASS_CONFIG, name, data,
	    len)) < 0)
		goto done;
	root = ov_yaml__root(&y);
	if (ov_json_type_of(root) == OV_JSON_OBJECT) {
		for (i = 0; i < ov_json_len(root); i++) {
			const ov_json_member *m = ov_json_member_at(root, i);

			if (strcmp(m->key, "exceptions") == 0) {
				list = &m->value;
				continue;
			}
			error = ov_yaml__fail(&y, OV_EINVALID,
			    ov_yaml__key(&y, root, m), NULL, "unknown "
			    "top-level key '%s'; expected 'exceptions'",
			    m->key);
			goto done;
		}
		if (list == NULL || ov_json_type_of(list) == OV_JSON_NULL)
			goto ok;	/* "exceptions:" with nothing */
	} else if (ov_json_type_of(root) == OV_JSON_ARRAY) {
		list = root;
	} else if (ov_json_type_of(root) == OV_JSON_NULL) {
		goto ok;		/* an empty file holds no exceptions */
	}
	if (ov_json_type_of(list) != OV_JSON_ARRAY) {
		error = ov_yaml__fail(&y, OV_EINVALID, list != NULL ? list :
		    root, NULL, "expected a list of exceptions");
		goto done;
	}
	for (i = 0; i < ov_json_len(list); i++) {
		if (i >= OV_EXCEPTIONS_MAX_ENTRIES) {
			error = ov_yaml__fail(&y, OV_ELIMIT,
			    ov_json_at(list, i), NULL, "more than %u "
			    "exceptions", OV_EXCEPTIONS_MAX_ENTRIES);
			goto done;
		}
		if ((error = parse_entry(set, &y, ov_json_at(list, i),
		    i)) < 0)
			goto done;
	}
ok:
	*out = set;
	set = NULL;
	error = 0;
done:
	ov_yaml__free(&y);
	ov_exceptions_free(set);
	return error;
}

/* Load a file. */
int
ov_exceptions_load(ov_exceptions **out, ov_ctx *ctx, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int error;

	OV_ASSERT_ARG(out != NULL && path != NULL);
	*out = NULL;
	if ((error = ov__read_file(ctx, OV_ERRCLASS_CONFIG, path,
	    OV_EXCEPTIONS_MAX_FILE, &data, &len)) < 0)
		return error;
	error = ov_exceptions_load_buffer(out, ctx, path, data, len);
	ov__free(data);
	return error;
}

static int
fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Glob match, ASCII case-insensitive; '*' backtracks to the last star. */
bool
ov_glob_match(const char *pattern, const char *s)
{
	const char *star = NULL, *resume = NULL;

	if (pattern == NULL || s == NULL)
		return false;
	while (*s != '\0') {
		if (*pattern == '*') {
			star = pattern++;
			resume = s;
		} else if (*pattern != '\0' && (*pattern == '?' ||
		    fold((unsigned char)*pattern) ==
		    fold((unsigned char)*s))) {
			pattern++;
			s++;
		} else if (star != NULL) {
			pattern = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}

/*
 * The entries that may match a rule: those whose rule pattern is that
 * rule exactly (filed by rule), merged in file order with those whose
 * pattern has a wildcard.  Built once per apply, so checking a finding
 * costs its candidates, not every entry.
 */
struct exc_index {
	struct ov_groups	 by_rule;	/* exact rule -> entry indexes */
	size_t			*wild;		/* entries with a wildcard rule */
	size_t			 n_wild;
};

static bool
has_wildcard(const char *pattern)
{
	return strpbrk(pattern, "*?") != NULL;
}

static int
index_build(struct exc_index *x, const ov_exceptions *set)
{
	uint32_t gid;
	size_t i;

	memset(x, 0, sizeof(*x));
	if (set == NULL || set->n == 0)
		return 0;
	if ((x->wild = ov__calloc(set->n, sizeof(*x->wild))) == NULL)
		return OV_ENOMEM;
	for (i = 0; i < set->n; i++) {
		const char *rule = set->items[i].rule;

		if (has_wildcard(rule))
			x->wild[x->n_wild++] = i;
		else if (ov__groups_count(&x->by_rule, rule, strlen(rule),
		    &gid) < 0)
			return OV_ENOMEM;
	}
	if (ov__groups_layout(&x->by_rule) < 0)
		return OV_ENOMEM;
	for (i = 0; i < set->n; i++) {
		const char *rule = set->items[i].rule;

		if (!has_wildcard(rule))
			ov__groups_add_key(&x->by_rule, rule, strlen(rule),
			    (void *)(uintptr_t)(i + 1));
	}
	return 0;
}

static void
index_free(struct exc_index *x)
{
	ov__groups_free(&x->by_rule);
	ov__free(x->wild);
}

/*
 * Match f against the candidate entries, in file order: the first active
 * one wins, else the first expired one.  x NULL: every entry.
 */
static ov_exception_match
check(const ov_exceptions *set, const struct exc_index *x,
    const ov_finding *f, int64_t now, const ov_exception **which)
{
	const ov_exception *expired = NULL;
	const struct ov_group *g = NULL;
	size_t i = 0, j = 0, k;

	if (which != NULL)
		*which = NULL;
	if (set == NULL || f == NULL || f->rule == NULL ||
	    f->resource_id == NULL)
		return OV_EXC_NONE;
	if (x != NULL)
		g = ov__groups_get(&x->by_rule, f->rule, strlen(f->rule));
	for (;;) {
		const ov_exception *e;

		if (x == NULL) {
			if (i == set->n)
				break;
			k = i++;
		} else {
			size_t a = g != NULL && i < g->len ?
			    (uintptr_t)g->items[i] - 1 : SIZE_MAX;
			size_t b = j < x->n_wild ? x->wild[j] : SIZE_MAX;

			if (a == SIZE_MAX && b == SIZE_MAX)
				break;
			if (a < b) {
				k = a;
				i++;
			} else {
				k = b;
				j++;
			}
		}
		e = &set->items[k];
		if (!ov_glob_match(e->rule, f->rule) ||
		    !ov_glob_match(e->resource, f->resource_id))
			continue;
		if (now < e->expires) {
			if (which != NULL)
				*which = e;
			return OV_EXC_ACTIVE;
		}
		if (expired == NULL)
			expired = e;
	}
	if (expired == NULL)
		return OV_EXC_NONE;
	if (which != NULL)
		*which = expired;
	return OV_EXC_EXPIRED;
}

/* Check one finding. */
ov_exception_match
ov_exceptions_check(const ov_exceptions *set, const ov_finding *f,
    int64_t now, const ov_exception **which)
{
	return check(set, NULL, f, now, which);
}

/* The synthetic resource id of a lapsed entry's finding. */
int
ov_exceptions__lapsed_id(const ov_exception *e, char *buf, size_t size)
{
	int n = snprintf(buf, size, "exception:%s:%s:%s",
	    e->ticket != NULL ? e->ticket : "", e->rule, e->resource);

	return n < 0 || (size_t)n >= size ? OV_ELIMIT : 0;
}

/* Apply a set to a list of findings. */
int
ov_exceptions_apply(const ov_exceptions *set, ov_ctx *ctx,
    const ov_findings *in, int64_t now, ov_findings *out)
{
	struct ov_map prior = OV_MAP_INIT;
	unsigned char *hits = NULL;
	struct exc_index x;
	size_t i, n;
	int error = 0;

	OV_ASSERT_ARG(in != NULL && out != NULL);
	n = ov_exceptions_count(set);
	if (index_build(&x, set) < 0 ||
	    (n > 0 && (hits = ov__calloc(n, 1)) == NULL)) {
		index_free(&x);
		return ov__error_oom(ctx);
	}
	for (i = 0; i < ov_findings_count(in) && error == 0; i++) {
		const ov_finding *f = ov_findings_get(in, i);
		const ov_exception *e;
		ov_finding copy = *f;

		/* a lapsed-exception finding is never itself excepted */
		if (f->rule != NULL &&
		    strcmp(f->rule, OV_RULE_EXCEPTION_EXPIRED) == 0 &&
		    f->source != NULL && strcmp(f->source, "exceptions") == 0) {
			/* re-derived below, keeping the parties it had */
			if (ov__map_put(&prior, f->resource_id,
			    strlen(f->resource_id), (void *)(uintptr_t)f) < 0)
				error = ov__error_oom(ctx);
			continue;
		}
		if (f->state == OV_STATE_NON_COMPLIANT ||
		    f->state == OV_STATE_EXEMPT) {
			switch (check(set, &x, f, now, &e)) {
			case OV_EXC_ACTIVE:
				copy.state = OV_STATE_EXEMPT;
				break;
			case OV_EXC_EXPIRED:
				hits[e - ov_exceptions_get(set, 0)] = 1;
				break;
			case OV_EXC_NONE:
				break;
			}
		}
		if (ov_findings_add(out, &copy) < 0)
			error = ov__error_oom(ctx);
	}
	for (i = 0; i < n && error == 0; i++) {
		const ov_exception *e = ov_exceptions_get(set, i);
		char id[OV_EXCEPTIONS_MAX_STRING * 3 + 32];
		char when[32], value[40], msg[256], title[256];
		const ov_finding *was;
		ov_evidence ev;
		ov_finding f;

		if (now < e->expires)
			continue;
		if (ov_exceptions__lapsed_id(e, id, sizeof(id)) < 0)
			continue;
		ov__expiry_format(e->expires, when, sizeof(when));
		snprintf(value, sizeof(value), "\"%s\"", when);
		snprintf(msg, sizeof(msg), "accepted by %s under %s; %s",
		    e->approver != NULL ? e->approver : "?",
		    e->ticket != NULL ? e->ticket : "?",
		    hits[i] ? "the finding it covered is open again" :
		    "it no longer matches any finding");
		snprintf(title, sizeof(title), "Exception expired: %.80s on "
		    "%.120s", e->rule, e->resource);
		memset(&ev, 0, sizeof(ev));
		ev.path = "expires";
		ev.value = value;
		ev.message = msg;
		memset(&f, 0, sizeof(f));
		f.rule = OV_RULE_EXCEPTION_EXPIRED;
		f.title = title;
		f.severity = hits[i] ? OV_SEV_MEDIUM : OV_SEV_LOW;
		f.state = OV_STATE_NON_COMPLIANT;
		f.resource_id = id;
		f.resource_type = "Overvisor/exceptions";
		f.resource_name = e->ticket;
		f.owner = OV_OWNER_CUSTOMER;
		f.duty = "governance-reporting";
		f.evidence = &ev;
		f.n_evidence = 1;
		f.remediation = "Renew the exception with a new approval and "
		    "expiry, or fix the finding it covered";
		f.accountable = e->approver;
		f.source = "exceptions";
		f.file = e->source;
		f.line = e->line;
		f.column = e->column;
		if ((was = ov__map_get(&prior, id, strlen(id))) != NULL) {
			f.responsible = was->responsible;
			f.consulted = was->consulted;
			f.n_consulted = was->n_consulted;
			f.informed = was->informed;
			f.n_informed = was->n_informed;
			f.due = was->due;
		}
		if (ov_findings_add(out, &f) < 0)
			error = ov__error_oom(ctx);
	}
	ov__map_free(&prior);
	ov__free(hits);
	index_free(&x);
	return error;
}
