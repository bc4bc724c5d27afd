/* SPDX-License-Identifier: MIT */
/*
 * contract.yaml: parsing, validation, defaults and look-ups.  The YAML is
 * loaded with the one YAML loader (lib/json/yaml.h) and walked against a
 * fixed schema, so every error names the line and column of its node.
 */
#include "lib/raci/contract.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/json/yaml.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/time.h"

/* Limits on what a contract may hold. */
#define CONTRACT_MAX_BYTES	((size_t)1 << 20)	/* 1 MiB of YAML */
#define CONTRACT_MAX_ITEMS	1024	/* entries in any one list or map */
#define CONTRACT_MAX_DURATION	((int64_t)3650 * OV_DAY_SECONDS)

/* Built-in defaults (docs/contract.md, "Defaults"). */
#define DEF_ASSESSMENT_MAX_AGE	((int64_t)7 * OV_DAY_SECONDS)
#define DEF_SECRET_MAX_LIFETIME	((int64_t)180 * OV_DAY_SECONDS)
#define DEF_MAX_STANDING	5
#define DEF_INACTIVE_AFTER	((int64_t)90 * OV_DAY_SECONDS)
#define DEF_RPO			((int64_t)24 * 3600)
#define DEF_RTO			((int64_t)4 * 3600)
#define DEF_RESTORE_WINDOW	((int64_t)90 * OV_DAY_SECONDS)
#define DEF_ZONE_TAG		"env"
#define DEF_ALERT_CRITICAL	((int64_t)4 * 3600)
#define DEF_ALERT_HIGH		((int64_t)OV_DAY_SECONDS)
#define DEF_ALERT_MEDIUM	((int64_t)3 * OV_DAY_SECONDS)
#define DEF_ALERT_LOW		((int64_t)7 * OV_DAY_SECONDS)

#define D(n)	((int64_t)(n) * OV_DAY_SECONDS)
#define H(n)	((int64_t)(n) * 3600)

/*
 * Every known duty: its default SLA (by ov_severity) and cadence, and the
 * layer its work happens in (for findings about the duty itself, which
 * name no resource layer).
 */
static const struct duty_default {
	const char	*name;
	int64_t		 sla[OV_CONTRACT_N_SEV]; /* info, low, medium, high,
						   critical */
	int64_t		 cadence;
	ov_layer	 layer;
} duty_defaults[] = {
	{ OV_DUTY_OS_PATCHING, { 0, D(90), D(30), D(14), D(14) }, D(30),
	    OV_LAYER_OPERATING_SYSTEM },
	{ OV_DUTY_IDENTITY_REVIEW, { 0, D(90), D(30), D(14), D(7) }, D(90),
	    OV_LAYER_ACCOUNTS_AND_IDENTITIES },
	{ OV_DUTY_NSG_REVIEW, { 0, D(90), D(30), D(14), D(3) }, D(90),
	    OV_LAYER_NETWORK_CONTROLS },
	{ OV_DUTY_DEFENDER_TRIAGE, { 0, D(90), D(30), D(7), D(1) }, D(7),
	    OV_LAYER_APPLICATIONS },
	{ OV_DUTY_POLICY_ENFORCEMENT, { 0, D(90), D(30), D(14), D(7) },
	    D(90), OV_LAYER_APPLICATIONS },
	{ OV_DUTY_BACKUP_VALIDATION, { 0, D(30), D(14), D(3), D(1) },
	    D(90), OV_LAYER_INFORMATION_AND_DATA },
	{ OV_DUTY_MONITORING, { 0, D(7), D(3), H(24), H(4) }, D(1),
	    OV_LAYER_APPLICATIONS },
	{ OV_DUTY_INCIDENT_RESPONSE, { 0, H(72), H(24), H(4), H(1) }, 0,
	    OV_LAYER_APPLICATIONS },
	{ OV_DUTY_GOVERNANCE_REPORTING, { 0, D(30), D(30), D(14), D(7) },
	    D(30), OV_LAYER_INFORMATION_AND_DATA },
};
#define N_DUTY_DEFAULTS (sizeof(duty_defaults) / sizeof(duty_defaults[0]))

/* State of one load. */
struct loader {
	ov_ctx			*ctx;
	struct ov_contract	*c;
	struct ov_yaml		*y;		/* the document */
};

static const struct duty_default *
duty_default(const char *name)
{
	size_t i;

	for (i = 0; i < N_DUTY_DEFAULTS; i++)
		if (ov__streq_ci(duty_defaults[i].name, name))
			return &duty_defaults[i];
	return NULL;
}

/* Report an error at node n (line and column are 1-based in the error). */
static int
fail(struct loader *ld, const ov_json *n, const char *ptr,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
fail(struct loader *ld, const ov_json *n, const char *ptr,
    const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ov_yaml__fail(ld->y, OV_EPARSE, n, ptr, "%s", msg);
}

/* The scalar text of n as written, or NULL when n is not a scalar. */
static const char *
scalar(struct loader *ld, const ov_json *n)
{
	return ov_yaml__text(ld->y, n);
}

static int
want_scalar(struct loader *ld, const ov_json *n, const char *ptr,
    const char **out)
{
	const char *s = scalar(ld, n);

	if (s == NULL)
		return fail(ld, n, ptr, "%s: expected a string", ptr);
	if (*s == '\0')
		return fail(ld, n, ptr, "%s: empty value", ptr);
	*out = s;
	return 0;
}

static int
want_kind(struct loader *ld, const ov_json *n, ov_json_type t,
    const char *ptr)
{
	size_t count;

	if (n == NULL || ov_json_type_of(n) != t)
		return fail(ld, n, ptr, "%s: expected a %s", ptr,
		    t == OV_JSON_OBJECT ? "mapping" : "list");
	count = ov_json_len(n);
	if (count > CONTRACT_MAX_ITEMS)
		return fail(ld, n, ptr, "%s: more than %d entries", ptr,
		    CONTRACT_MAX_ITEMS);
	return 0;
}

static char *
dup(struct loader *ld, const char *s)
{
	return ov__arena_strdup(&ld->c->arena, s);
}

/* A non-empty scalar, copied into the contract's arena at *dst. */
static int
want_copy(struct loader *ld, const ov_json *n, const char *ptr,
    const char **dst)
{
	const char *s = NULL;
	int error;

	if ((error = want_scalar(ld, n, ptr, &s)) < 0)
		return error;
	return (*dst = dup(ld, s)) == NULL ? ov__error_oom(ld->ctx) : 0;
}

/* Parse "7d", "12h", "30m", "45s", "2w" or an ISO 8601 duration. */
bool
ov_contract__duration_parse(const char *s, int64_t *out)
{
	int64_t v = 0, unit;
	size_t i = 0, n;

	if (s == NULL)
		return false;
	n = strlen(s);
	if (n >= 2 && (s[0] == 'P' || s[0] == 'p'))
		return ov__duration_parse(s, n, out) && *out > 0 &&
		    *out <= CONTRACT_MAX_DURATION;
	if (n < 2)
		return false;
	while (i < n && s[i] >= '0' && s[i] <= '9') {
		if (v > CONTRACT_MAX_DURATION)
			return false;
		v = v * 10 + (s[i++] - '0');
	}
	if (i == 0 || i != n - 1)
		return false;
	switch (s[i]) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = OV_DAY_SECONDS; break;
	case 'w': unit = 7 * (int64_t)OV_DAY_SECONDS; break;
	default: return false;
	}
	if (v * unit > CONTRACT_MAX_DURATION)
		return false;
	*out = v * unit;
	return true;
}

static int
want_duration(struct loader *ld, const ov_json *n, const char *ptr,
    int64_t *out)
{
	const char *s = scalar(ld, n);
	int64_t v;

	if (s == NULL || !ov_contract__duration_parse(s, &v) || v <= 0)
		return fail(ld, n, ptr, "%s: invalid duration '%s' "
		    "(use e.g. 7d, 12h, 30m, 2w or P7D, at most 10 years)",
		    ptr, s != NULL ? s : "");
	*out = v;
	return 0;
}

static int
want_count(struct loader *ld, const ov_json *n, const char *ptr,
    int64_t *out)
{
	const char *s = scalar(ld, n);
	int64_t v = 0;
	size_t i;

	if (s == NULL || *s == '\0')
		return fail(ld, n, ptr, "%s: expected a whole number", ptr);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || v > 1000000)
			return fail(ld, n, ptr, "%s: invalid number '%s'",
			    ptr, s);
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* A list of strings (a single scalar is taken as a one-item list). */
static int
want_strings(struct loader *ld, const ov_json *n, const char *ptr,
    const char ***out, size_t *n_out)
{
	size_t it;
	const char **v;
	size_t k = 0, count;
	char p[256];
	int error;

	if (ov_yaml__is_scalar(n)) {
		if ((v = ov__arena_calloc(&ld->c->arena, 1, sizeof(*v))) ==
		    NULL)
			return ov__error_oom(ld->ctx);
		if ((error = want_scalar(ld, n, ptr, &v[0])) < 0)
			return error;
		if ((v[0] = dup(ld, v[0])) == NULL)
			return ov__error_oom(ld->ctx);
		*out = v;
		*n_out = 1;
		return 0;
	}
	if ((error = want_kind(ld, n, OV_JSON_ARRAY, ptr)) < 0)
		return error;
	count = ov_json_len(n);
	if ((v = ov__arena_calloc(&ld->c->arena, count + 1, sizeof(*v))) ==
	    NULL)
		return ov__error_oom(ld->ctx);
	for (it = 0; it < ov_json_len(n); it++, k++) {
		const char *s = NULL;

		snprintf(p, sizeof(p), "%s/%zu", ptr, k);
		if ((error = want_scalar(ld, ov_json_at(n, it), p, &s)) < 0)
			return error;
		if ((v[k] = dup(ld, s)) == NULL)
			return ov__error_oom(ld->ctx);
	}
	*out = v;
	*n_out = count;
	return 0;
}

/*
 * Remember key (any case; borrowed, it must outlive seen) with value in
 * seen; a second spelling of it fails naming what (e.g. "duplicate key")
 * at kn.  A hash lookup, so a large mapping
 * costs the same per key as a small one.
 */
static int
seen_key(struct loader *ld, struct ov_map *seen, const ov_json *kn,
    const char *key, void *value, const char *ptr, const char *what)
{
	int r = ov__map_put(seen, key, strlen(key), value);

	if (r < 0)
		return ov__error_oom(ld->ctx);
	if (r > 0)
		return fail(ld, kn, ptr, "%s: %s '%s'", ptr, what, key);
	return 0;
}

/*
 * Walk a mapping: for each pair call fn with the key text, key node and
 * value node.  Rejects non-scalar and duplicate keys.
 */
typedef int (*pair_fn)(struct loader *ld, void *obj, const char *key,
    const ov_json *kn, const ov_json *vn, const char *ptr);

static int
walk_map(struct loader *ld, const ov_json *n, const char *ptr,
    pair_fn fn, void *obj)
{
	struct ov_map seen = OV_MAP_INIT;	/* keys so far, any case */
	size_t i;
	char p[256];
	int error;

	if ((error = want_kind(ld, n, OV_JSON_OBJECT, ptr)) < 0)
		return error;
	for (i = 0; i < ov_json_len(n); i++) {
		const ov_json_member *m = ov_json_member_at(n, i);
		const ov_json *kn = ov_yaml__key(ld->y, n, m);
		const ov_json *vn = &m->value;
		const char *key = m->key;

		if (kn == NULL) {
			error = ov__error_oom(ld->ctx);
			goto done;
		}
		if (*key == '\0') {
			error = fail(ld, kn, ptr, "%s: keys must be strings",
			    ptr);
			goto done;
		}
		if ((error = seen_key(ld, &seen, kn, key,
		    (void *)(uintptr_t)(i + 1), ptr, "duplicate key")) < 0)
			goto done;
		if (snprintf(p, sizeof(p), "%s/%s", ptr, key) >=
		    (int)sizeof(p)) {
			error = fail(ld, kn, ptr, "%s: key too long", ptr);
			goto done;
		}
		if (vn == NULL) {
			error = fail(ld, kn, p, "%s: missing value", p);
			goto done;
		}
		if ((error = fn(ld, obj, key, kn, vn, p)) < 0)
			goto done;
	}
done:
	ov__map_free(&seen);
	return error;
}

/*
 * Walk the array n of mappings into a new array of its length plus one
 * zeroed elements of size bytes (*out, *count), each element through
 * walk_map(fn) and then check (when not NULL).  Errors name ptr/index.
 */
typedef int (*elem_fn)(struct loader *ld, void *elem, const ov_json *en,
    const char *ptr);

static int
walk_list(struct loader *ld, const ov_json *n, const char *ptr,
    size_t size, pair_fn fn, elem_fn check, void **out, size_t *count)
{
	size_t i, len;
	char *elems;
	char ep[256];
	int error;

	if ((error = want_kind(ld, n, OV_JSON_ARRAY, ptr)) < 0)
		return error;
	len = ov_json_len(n);
	if ((elems = ov__arena_calloc(&ld->c->arena, len + 1, size)) == NULL)
		return ov__error_oom(ld->ctx);
	for (i = 0; i < len; i++) {
		const ov_json *en = ov_json_at(n, i);
		void *elem = elems + i * size;

		if (snprintf(ep, sizeof(ep), "%s/%zu", ptr, i) >=
		    (int)sizeof(ep))
			return fail(ld, n, ptr, "%s: path too long", ptr);
		if ((error = walk_map(ld, en, ep, fn, elem)) < 0 ||
		    (check != NULL && (error = check(ld, elem, en, ep)) < 0))
			return error;
	}
	*out = elems;
	*count = len;
	return 0;
}

static int
unknown_key(struct loader *ld, const ov_json *kn, const char *ptr,
    const char *key, const char *allowed)
{
	return fail(ld, kn, ptr, "unknown key '%s' (expected one of: %s)", key,
	    allowed);
}

/* --- parties ------------------------------------------------------------ */

static int
contact_pair(struct loader *ld, void *obj, const char *key,
    const ov_json *kn, const ov_json *vn, const char *ptr)
{
	struct ov_contract_contact *ct = obj;
	const char **dst;

	if (ov__streq_ci(key, "name"))
		dst = &ct->name;
	else if (ov__streq_ci(key, "email"))
		dst = &ct->email;
	else if (ov__streq_ci(key, "phone"))
		dst = &ct->phone;
	else if (ov__streq_ci(key, "role"))
		dst = &ct->role;
	else
		return unknown_key(ld, kn, ptr, key, "name, email, phone, "
		    "role");
	return want_copy(ld, vn, ptr, dst);
}

static int
pager_pair(struct loader *ld, void *obj, const char *key,
    const ov_json *kn, const ov_json *vn, const char *ptr)
{
	struct ov_contract_party *p = obj;

	if (ov__streq_ci(key, "address"))
		return want_copy(ld, vn, ptr, &p->pager);
	if (ov__streq_ci(key, "response"))
		return want_duration(ld, vn, ptr, &p->pager_response);
	return unknown_key(ld, kn, ptr, key, "address, response");
}

static int
party_pair(struct loader *ld, void *obj, const char *key,
    const ov_json *kn, const ov_json *vn, const char *ptr)
{
	struct ov_contract_party *p = obj;
	const char *s = NULL;
	int error;

	if (ov__streq_ci(key, "name"))
		return want_copy(ld, vn, ptr, &p->name);
	if (ov__streq_ci(key, "kind")) {
		if ((error = want_scalar(ld, vn, ptr, &s)) < 0)
			return error;
		if (!ov__streq_ci(s, "customer") && !ov__streq_ci(s, "csp") &&
		    !ov__streq_ci(s, "msp"))
			return fail(ld, vn, ptr, "%s: unknown party kind '%s' "
			    "(expected customer, csp or msp)", ptr, s);
		return (p->kind = dup(ld, s)) == NULL ?
		    ov__error_oom(ld->ctx) : 0;
	}
	if (ov__streq_ci(key, "pager")) {
		if (ov_json_type_of(vn) == OV_JSON_OBJECT)
			return walk_map(ld, vn, ptr, pager_pair, p);
		return want_copy(ld, vn, ptr, &p->pager);
	}
	if (ov__streq_ci(key, "contacts")) {
		void *v;

		if ((error = walk_list(ld, vn, ptr, sizeof(*p->contacts),
		    contact_pair, NULL, &v, &p->n_contacts)) < 0)
			return error;
		p->contacts = v;
		return 0;
	}
	return unknown_key(ld, kn, ptr, key, "name, kind, contacts, pager");
}

/* Guess a party's kind from its id when the file does not say. */
static const char *
kind_from_id(const char *id)
{
	if (strstr(id, "csp") != NULL || strstr(id, "CSP") != NULL)
		return "csp";
	if (strstr(id, "msp") != NULL || strstr(id, "MSP") != NULL)
		return "msp";
	if (strstr(id, "customer") != NULL || strstr(id, "Customer") != NULL)
		return "customer";
	return NULL;
}

static int
load_parties(struct loader *ld, const ov_json *n)
{
	struct ov_contract *c = ld->c;
	size_t count, k;
	char p[256];
	int error;

	if ((error = want_kind(ld, n, OV_JSON_OBJECT, "/parties")) < 0)
		return error;
	count = ov_json_len(n);
	if (count == 0)
		return fail(ld, n, "/parties", "/parties: no party defined");
	c->parties = ov__arena_calloc(&c->arena, count, sizeof(*c->parties));
	if (c->parties == NULL)
		return ov__error_oom(ld->ctx);
	for (k = 0; k < count; k++) {
		const ov_json_member *m = ov_json_member_at(n, k);
		struct ov_contract_party *pt = &c->parties[k];
		const ov_json *kn = ov_yaml__key(ld->y, n, m);
		const char *id = m->key;

		if (kn == NULL)
			return ov__error_oom(ld->ctx);
		if (*id == '\0')
			return fail(ld, kn, "/parties",
			    "/parties: party ids must be strings");
		if ((pt->id = dup(ld, id)) == NULL)
			return ov__error_oom(ld->ctx);
		if ((error = seen_key(ld, &c->party_ix, kn, pt->id, pt,
		    "/parties", "duplicate party")) < 0)
			return error;
		snprintf(p, sizeof(p), "/parties/%s", id);
		pt->line = ov_yaml__line(ld->y, kn);
		if ((error = walk_map(ld, &m->value, p, party_pair, pt)) < 0)
			return error;
		if (pt->kind == NULL && (pt->kind = kind_from_id(id)) == NULL)
			return fail(ld, kn, p, "%s: party needs a kind "
			    "(customer, csp or msp)", p);
		c->n_parties = k + 1;
	}
	return 0;
}

/* --- duties ------------------------------------------------------------- */

static int
check_party(struct loader *ld, const ov_json *vn, const char *ptr,
    const char **out)
{
	const struct ov_contract_party *p;
	const char *s = NULL;
	int error;

	if ((error = want_scalar(ld, vn, ptr, &s)) < 0)
		return error;
	if ((p = ov_contract__party(ld->c, s)) == NULL)
		return fail(ld, vn, ptr, "%s: unknown party '%s'", ptr, s);
	*out = p->id;
	return 0;
}

/* A list of party ids (or one id), each checked against the parties. */
static int
want_parties(struct loader *ld, const ov_json *n, const char *ptr,
    const char ***out, size_t *n_out)
{
	const char **v;
	size_t k, count = 1;
	char p[256];
	bool list = n != NULL && ov_json_type_of(n) == OV_JSON_ARRAY;
	int error;

	if (list) {
		if ((error = want_kind(ld, n, OV_JSON_ARRAY, ptr)) < 0)
			return error;
		count = ov_json_len(n);
	}
	if ((v = ov__arena_calloc(&ld->c->arena, count + 1, sizeof(*v))) ==
	    NULL)
		return ov__error_oom(ld->ctx);
	if (!list) {
		if ((error = check_party(ld, n, ptr, &v[0])) < 0)
			return error;
	} else {
		for (k = 0; k < count; k++) {
			if (snprintf(p, sizeof(p), "%s/%zu", ptr, k) >=
			    (int)sizeof(p))
				return fail(ld, n, ptr, "%s: path too long",
				    ptr);
			if ((error = check_party(ld, ov_json_at(n, k), p,
			    &v[k])) < 0)
				return error;
		}
	}
	*out = v;
	*n_out = count;
	return 0;
}

static int
sev_from_name(const char *s, ov_severity *out)
{
	static const char *const names[] = { "info", "low", "medium",
	    "high", "critical" };
	int i;

	if (ov__streq_ci(s, "informational")) {
		*out = OV_SEV_INFO;
		return 0;
	}
	for (i = 0; i < OV_CONTRACT_N_SEV; i++)
		if (ov__streq_ci(s, names[i])) {
			*out = (ov_severity)i;
			return 0;
		}
	return OV_EINVALID;
}

/* One severity: duration entry of an SLA table. */
static int
severity_duration(struct loader *ld, const char *key, const ov_json *kn,
    const ov_json *vn, const char *ptr, bool *has,
    int64_t table[OV_CONTRACT_N_SEV])
{
	ov_severity sev;

	if (sev_from_name(key, &sev) < 0 || (int)sev < 0 ||
	    (int)sev >= OV_CONTRACT_N_SEV)
		return unknown_key(ld, kn, ptr, key, "critical, high, medium, "
		    "low, info");
	*has = true;
	return want_duration(ld, vn, ptr, &table[sev]);
}

static int
sla_pair(struct loader *ld, void *obj, const char *key,
    const ov_json *kn, const ov_json *vn, const char *ptr)
{
	struct ov_contract_duty *d = obj;

	return severity_duration(ld, key, kn, vn, ptr, &d->has_sla, d->sla);
}

static int
alert_sla_pair(struct loader *ld, void *obj, const char *key,
    const ov_json *kn, const ov_json *vn, const char *ptr)
{
	struct ov_contract_duty *d = obj;

	return severity_duration(ld, key, kn, vn, ptr, &d->has_alert_sla,
	    d->alert_sla);
}

static int
escalation_pair(struct loader *ld, void *obj, const char *key,
    const ov_json *kn, const ov_json *vn, const char *ptr)
{
	struct ov_contract_escalation *e = obj;

	if (ov__streq_ci(key, "after"))
		return want_duration(ld, vn, ptr, &e->after);
	if (ov__streq_ci(key, "to"))
		return check_party(ld, vn, ptr, &e->to);
	return unknown_key(ld, kn, ptr, key, "after, to");
}

static int
escalation_check(struct loader *ld, void *elem, const ov_json *en,
    const char *ptr)
{
	const struct ov_contract_escalation *e = elem;

	if (e->to == NULL)
		return fail(ld, en, ptr, "%s: escalation step needs 'to'",
		    ptr);
	return 0;
}

static int
duty_pair(struct loader *ld, void *obj, const char *key,
    const ov_json *kn, const ov_json *vn, const char *ptr)
{
	struct ov_contract_duty *d = obj;
	const char *s = NULL;
	int error;

	if (ov__streq_ci(key, "responsible"))
		return check_party(ld, vn, ptr, &d->responsible);
	if (ov__streq_ci(key, "accountable"))
		return check_party(ld, vn, ptr, &d->accountable);
	if (ov__streq_ci(key, "sign-off"))
		return check_party(ld, vn, ptr, &d->sign_off);
	if (ov__streq_ci(key, "consulted"))
		return want_parties(ld, vn, ptr, &d->consulted,
		    &d->n_consulted);
	if (ov__streq_ci(key, "informed"))
		return want_parties(ld, vn, ptr, &d->informed,
		    &d->n_informed);
	if (ov__streq_ci(key, "sla")) {
		memset(d->sla, 0, sizeof(d->sla));
		return walk_map(ld, vn, ptr, sla_pair, d);
	}
	if (ov__streq_ci(key, "alert-sla")) {
		memset(d->alert_sla, 0, sizeof(d->alert_sla));
		return walk_map(ld, vn, ptr, alert_sla_pair, d);
	}
	if (ov__streq_ci(key, "cadence"))
		return want_duration(ld, vn, ptr, &d->cadence);
	if (ov__streq_ci(key, "rpo"))
		return want_duration(ld, vn, ptr, &d->rpo);
	if (ov__streq_ci(key, "rto"))
		return want_duration(ld, vn, ptr, &d->rto);
	if (ov__streq_ci(key, "restore-test-window"))
		return want_duration(ld, vn, ptr, &d->restore_test_window);
	if (ov__streq_ci(key, "assessment-max-age"))
		return want_duration(ld, vn, ptr, &d->assessment_max_age);
	if (ov__streq_ci(key, "secret-max-lifetime"))
		return want_duration(ld, vn, ptr, &d->secret_max_lifetime);
	if (ov__streq_ci(key, "max-standing-privileged"))
		return want_count(ld, vn, ptr, &d->max_standing_privileged);
	if (ov__streq_ci(key, "inactive-after"))
		return want_duration(ld, vn, ptr, &d->inactive_after);
	if (ov__streq_ci(key, "emergency-access"))
		return want_strings(ld, vn, ptr, &d->emergency_access,
		    &d->n_emergency_access);
	if (ov__streq_ci(key, "must-deny"))
		return want_strings(ld, vn, ptr, &d->must_deny,
		    &d->n_must_deny);
	if (ov__streq_ci(key, "evidence"))
		return want_strings(ld, vn, ptr, &d->evidence, &d->n_evidence);
	if (ov__streq_ci(key, "recipients"))
		return want_strings(ld, vn, ptr, &d->recipients,
		    &d->n_recipients);
	if (ov__streq_ci(key, "contents"))
		return want_strings(ld, vn, ptr, &d->contents, &d->n_contents);
	if (ov__streq_ci(key, "last-performed")) {
		int64_t t;

		if ((error = want_scalar(ld, vn, ptr, &s)) < 0)
			return error;
		if (!ov__time_parse(s, strlen(s), &t))
			return fail(ld, vn, ptr, "%s: invalid date '%s' "
			    "(use YYYY-MM-DD or an ISO 8601 date-time)", ptr,
			    s);
		return (d->last_performed = dup(ld, s)) == NULL ?
		    ov__error_oom(ld->ctx) : 0;
	}
	if (ov__streq_ci(key, "escalation")) {
		void *v;

		if ((error = walk_list(ld, vn, ptr, sizeof(*d->escalation),
		    escalation_pair, escalation_check, &v,
		    &d->n_escalation)) < 0)
			return error;
		d->escalation = v;
		return 0;
	}
	return unknown_key(ld, kn, ptr, key, "responsible, accountable, "
	    "consulted, informed, sla, alert-sla, cadence, escalation, rpo, "
	    "rto, restore-test-window, assessment-max-age, "
	    "secret-max-lifetime, max-standing-privileged, inactive-after, "
	    "emergency-access, must-deny, evidence, recipients, contents, "
	    "sign-off, last-performed");
}

/* Fill a duty with the built-in thresholds and, if asked, SLA/cadence. */
static void
duty_init(struct ov_contract_duty *d, const char *name, bool with_sla)
{
	const struct duty_default *dd = duty_default(name);

	memset(d, 0, sizeof(*d));
	d->name = name;
	d->assessment_max_age = DEF_ASSESSMENT_MAX_AGE;
	d->secret_max_lifetime = DEF_SECRET_MAX_LIFETIME;
	d->max_standing_privileged = DEF_MAX_STANDING;
	d->inactive_after = DEF_INACTIVE_AFTER;
	d->rpo = DEF_RPO;
	d->rto = DEF_RTO;
	d->restore_test_window = DEF_RESTORE_WINDOW;
	d->alert_sla[OV_SEV_LOW] = DEF_ALERT_LOW;
	d->alert_sla[OV_SEV_MEDIUM] = DEF_ALERT_MEDIUM;
	d->alert_sla[OV_SEV_HIGH] = DEF_ALERT_HIGH;
	d->alert_sla[OV_SEV_CRITICAL] = DEF_ALERT_CRITICAL;
	if (with_sla && dd != NULL) {
		memcpy(d->sla, dd->sla, sizeof(d->sla));
		d->has_sla = true;
		d->cadence = dd->cadence;
	}
}

static int
load_duties(struct loader *ld, const ov_json *n)
{
	struct ov_contract *c = ld->c;
	size_t count, k, i;
	char p[256];
	int error;

	if ((error = want_kind(ld, n, OV_JSON_OBJECT, "/duties")) < 0)
		return error;
	count = ov_json_len(n);
	c->duties = ov__arena_calloc(&c->arena, count + N_DUTY_DEFAULTS,
	    sizeof(*c->duties));
	if (c->duties == NULL)
		return ov__error_oom(ld->ctx);
	for (k = 0; k < count; k++) {
		const ov_json_member *m = ov_json_member_at(n, k);
		struct ov_contract_duty *d = &c->duties[k];
		const ov_json *kn = ov_yaml__key(ld->y, n, m);
		const char *name = m->key;
		const struct duty_default *dd;

		if (kn == NULL)
			return ov__error_oom(ld->ctx);
		if ((dd = duty_default(name)) == NULL)
			return fail(ld, kn, "/duties", "/duties: unknown duty "
			    "'%s' (expected os-patching, identity-review, "
			    "nsg-review, defender-triage, policy-enforcement, "
			    "backup-validation, monitoring, incident-response, "
			    "governance-reporting)", name);
		for (i = 0; i < k; i++)
			if (ov__streq_ci(c->duties[i].name, dd->name))
				return fail(ld, kn, "/duties",
				    "/duties: duplicate duty '%s'", name);
		duty_init(d, dd->name, false);
		d->line = ov_yaml__line(ld->y, kn);
		c->n_duties = k + 1;
		snprintf(p, sizeof(p), "/duties/%s", dd->name);
		if ((error = walk_map(ld, &m->value, p, duty_pair, d)) < 0)
			return error;
	}
	return 0;
}

/* --- network, top level ------------------------------------------------- */

static int
flow_pair(struct loader *ld, void *obj, const char *key,
    const ov_json *kn, const ov_json *vn, const char *ptr)
{
	struct ov_contract_flow *f = obj;
	const char **dst;

	if (ov__streq_ci(key, "from"))
		dst = &f->from;
	else if (ov__streq_ci(key, "to"))
		dst = &f->to;
	else
		return unknown_key(ld, kn, ptr, key, "from, to");
	return want_copy(ld, vn, ptr, dst);
}

static int
flow_check(struct loader *ld, void *elem, const ov_json *en,
    const char *ptr)
{
	struct ov_contract_flow *f = elem;

	if (f->from == NULL || f->to == NULL)
		return fail(ld, en, ptr, "%s: a forbidden flow needs both "
		    "'from' and 'to'", ptr);
	f->line = ov_yaml__line(ld->y, en);
	return 0;
}

static int
network_pair(struct loader *ld, void *obj, const char *key,
    const ov_json *kn, const ov_json *vn, const char *ptr)
{
	struct ov_contract *c = obj;
	int error;

	if (ov__streq_ci(key, "zone-tag"))
		return want_copy(ld, vn, ptr, &c->zone_tag);
	if (ov__streq_ci(key, "forbidden-flows")) {
		void *v = NULL;

		if ((error = walk_list(ld, vn, ptr, sizeof(*c->forbidden_flows),
		    flow_pair, flow_check, &v, &c->n_forbidden_flows)) < 0)
			return error;
		c->forbidden_flows = v;
		return 0;
	}
	return unknown_key(ld, kn, ptr, key, "zone-tag, forbidden-flows");
}

static int
top_pair(struct loader *ld, void *obj, const char *key,
    const ov_json *kn, const ov_json *vn, const char *ptr)
{
	struct ov_contract *c = obj;
	const char *s = NULL;
	int error;

	if (ov__streq_ci(key, "version")) {
		if ((s = scalar(ld, vn)) == NULL || strcmp(s, "1") != 0)
			return fail(ld, vn, ptr, "%s: unsupported contract "
			    "version (expected 1)", ptr);
		return 0;
	}
	if (ov__streq_ci(key, "customer") || ov__streq_ci(key, "tenant")) {
		if ((error = want_scalar(ld, vn, ptr, &s)) < 0)
			return error;
		if ((s = dup(ld, s)) == NULL)
			return ov__error_oom(ld->ctx);
		if (ov__streq_ci(key, "customer"))
			c->customer = s;
		else
			c->tenant = s;
		return 0;
	}
	if (ov__streq_ci(key, "frameworks"))
		return want_strings(ld, vn, ptr, &c->frameworks,
		    &c->n_frameworks);
	if (ov__streq_ci(key, "parties"))
		return 0;	/* loaded first, see load() */
	if (ov__streq_ci(key, "duties"))
		return load_duties(ld, vn);
	if (ov__streq_ci(key, "network"))
		return walk_map(ld, vn, ptr, network_pair, c);
	return unknown_key(ld, kn, ptr, key, "version, customer, tenant, "
	    "frameworks, parties, duties, network");
}

/* Append the known duties the file did not mention (no owner, no SLA). */
static void
add_missing_duties(struct ov_contract *c, bool with_owner)
{
	size_t i;

	for (i = 0; i < N_DUTY_DEFAULTS; i++) {
		struct ov_contract_duty *d;

		if (ov_contract__duty(c, duty_defaults[i].name) != NULL)
			continue;
		d = &c->duties[c->n_duties++];
		duty_init(d, duty_defaults[i].name, with_owner);
		d->is_default = true;
		if (with_owner) {
			d->responsible = c->parties[0].id;
			d->accountable = c->parties[0].id;
		}
	}
}

static const char *party_display(const struct ov_contract *c,
    const char *id);

/* Add party id to list v (n so far) unless it is NULL or already there. */
static void
add_party(const char **v, size_t *n, const char *id)
{
	size_t i;

	if (id == NULL)
		return;
	for (i = 0; i < *n; i++)
		if (ov__streq_ci(v[i], id))
			return;
	v[(*n)++] = id;
}

/*
 * The consulted and informed parties of every duty, as display names:
 * consulted are the `consulted` list and the sign-off party; informed are
 * the `informed` list and every escalation target.  A party already
 * responsible or accountable (or consulted, for informed) is not repeated.
 */
static int
raci_names(struct ov_contract *c)
{
	size_t i, j, k, n, max;

	for (i = 0; i < c->n_duties; i++) {
		struct ov_contract_duty *d = &c->duties[i];
		const char **v;

		max = 2 + d->n_consulted + 1 + d->n_informed + d->n_escalation;
		if ((v = ov__arena_calloc(&c->arena, max, sizeof(*v))) == NULL)
			return OV_ENOMEM;
		n = 0;
		add_party(v, &n, d->responsible);
		add_party(v, &n, d->accountable);
		k = n;
		for (j = 0; j < d->n_consulted; j++)
			add_party(v, &n, d->consulted[j]);
		add_party(v, &n, d->sign_off);
		d->consulted_names = v + k;
		d->n_consulted_names = n - k;
		k = n;
		for (j = 0; j < d->n_informed; j++)
			add_party(v, &n, d->informed[j]);
		for (j = 0; j < d->n_escalation; j++)
			add_party(v, &n, d->escalation[j].to);
		d->informed_names = v + k;
		d->n_informed_names = n - k;
		for (k = 0; k < n; k++)
			v[k] = party_display(c, v[k]);
	}
	return 0;
}

static int
contract_alloc(struct ov_contract **out, ov_ctx *ctx)
{
	struct ov_contract *c;

	if ((c = ov__calloc(1, sizeof(*c))) == NULL)
		return ov__error_oom(ctx);
	ov__arena_init(&c->arena, 4096, 0);
	*out = c;
	return 0;
}

/* Parse a YAML buffer into a contract. */
int
ov_contract__load_buffer(struct ov_contract **out, ov_ctx *ctx,
    const char *name, const char *data, size_t len)
{
	struct loader ld;
	struct ov_yaml y;
	const ov_json *root;
	struct ov_contract *c = NULL;
	size_t i;
	int error;

	OV_ASSERT_ARG(out != NULL && (data != NULL || len == 0));
	*out = NULL;
	if (len > CONTRACT_MAX_BYTES)
		return ov__error_at(ctx, OV_ELIMIT, OV_ERRCLASS_CONFIG, name,
		    0, 0, NULL, "contract larger than %zu bytes",
		    CONTRACT_MAX_BYTES);
	memset(&y, 0, sizeof(y));
	if ((error = contract_alloc(&c, ctx)) < 0)
		return error;
	if (name != NULL && (c->source = ov__arena_strdup(&c->arena, name)) ==
	    NULL) {
		error = ov__error_oom(ctx);
		goto done;
	}
	memset(&ld, 0, sizeof(ld));
	ld.ctx = ctx;
	ld.c = c;
	ld.y = &y;
	if ((error = ov_yaml__load(&y, ctx, OV_ERRCLASS_CONFIG, name, data,
	    len)) < 0)
		goto done;
	root = ov_yaml__root(&y);
	if (ov_json_type_of(root) == OV_JSON_NULL) {
		error = ov__error_at(ctx, OV_EPARSE, OV_ERRCLASS_CONFIG, name,
		    1, 1, NULL, "contract is empty");
		goto done;
	}
	if ((error = want_kind(&ld, root, OV_JSON_OBJECT, "/")) < 0)
		goto done;
	/* Parties first: duties refer to them wherever they appear. */
	for (i = 0; i < ov_json_len(root); i++)
		if (ov__streq_ci(ov_json_member_at(root, i)->key, "parties")) {
			if ((error = load_parties(&ld,
			    &ov_json_member_at(root, i)->value)) < 0)
				goto done;
			break;
		}
	if (c->n_parties == 0) {
		error = fail(&ld, root, "/parties", "/parties: the contract "
		    "names no parties");
		goto done;
	}
	if ((error = walk_map(&ld, root, "", top_pair, c)) < 0)
		goto done;
	if (c->duties == NULL) {
		c->duties = ov__arena_calloc(&c->arena, N_DUTY_DEFAULTS,
		    sizeof(*c->duties));
		if (c->duties == NULL) {
			error = ov__error_oom(ctx);
			goto done;
		}
	}
	add_missing_duties(c, false);
	if ((error = raci_names(c)) < 0) {
		error = ov__error_oom(ctx);
		goto done;
	}
	*out = c;
	c = NULL;
	error = 0;
done:
	ov_yaml__free(&y);
	ov_contract_free(c);
	return error;
}

/* Read path and parse it as a contract. */
int
ov_contract__load_file(struct ov_contract **out, ov_ctx *ctx,
    const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int error;

	OV_ASSERT_ARG(out != NULL && path != NULL);
	*out = NULL;
	if ((error = ov__read_file(ctx, OV_ERRCLASS_CONFIG, path,
	    CONTRACT_MAX_BYTES, &data, &len)) < 0)
		return error;
	error = ov_contract__load_buffer(out, ctx, path, data, len);
	ov__free(data);
	return error;
}

/* The default contract: one party (customer IT) owning every duty. */
int
ov_contract__default(struct ov_contract **out, ov_ctx *ctx)
{
	struct ov_contract *c = NULL;
	int error;

	OV_ASSERT_ARG(out != NULL);
	*out = NULL;
	if ((error = contract_alloc(&c, ctx)) < 0 || c == NULL)
		return error < 0 ? error : ov__error_oom(ctx);
	c->is_default = true;
	c->parties = ov__arena_calloc(&c->arena, 1, sizeof(*c->parties));
	c->duties = ov__arena_calloc(&c->arena, N_DUTY_DEFAULTS,
	    sizeof(*c->duties));
	if (c->parties == NULL || c->duties == NULL) {
		ov_contract_free(c);
		return ov__error_oom(ctx);
	}
	c->parties[0].id = "customer-it";
	c->parties[0].name = "Customer IT";
	c->parties[0].kind = "customer";
	c->n_parties = 1;
	if (ov__map_put(&c->party_ix, c->parties[0].id,
	    strlen(c->parties[0].id), &c->parties[0]) < 0) {
		ov_contract_free(c);
		return ov__error_oom(ctx);
	}
	add_missing_duties(c, true);
	if (raci_names(c) < 0) {
		ov_contract_free(c);
		return ov__error_oom(ctx);
	}
	*out = c;
	return 0;
}

/* --- look-ups ----------------------------------------------------------- */

/* The built-in duty used when no contract is given (static storage). */
static const struct ov_contract_duty *
builtin_duty(const char *name)
{
	static struct ov_contract_duty tab[N_DUTY_DEFAULTS];
	static bool ready;
	size_t i;

	if (!ready) {
		for (i = 0; i < N_DUTY_DEFAULTS; i++)
			duty_init(&tab[i], duty_defaults[i].name, true);
		ready = true;
	}
	for (i = 0; i < N_DUTY_DEFAULTS; i++)
		if (ov__streq_ci(tab[i].name, name))
			return &tab[i];
	return NULL;
}

/* Look a duty up by name. */
const struct ov_contract_duty *
ov_contract__duty(const struct ov_contract *c, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	if (c == NULL)
		return builtin_duty(name);
	for (i = 0; i < c->n_duties; i++)
		if (ov__streq_ci(c->duties[i].name, name))
			return &c->duties[i];
	return NULL;
}

/* Look a party up by id. */
const struct ov_contract_party *
ov_contract__party(const struct ov_contract *c, const char *id)
{
	if (c == NULL || id == NULL)
		return NULL;
	return ov__map_get(&c->party_ix, id, strlen(id));
}

/*
 * The value for sev in a per-severity table: its own, else the nearest
 * higher severity's, else (for the top severities) the nearest lower one's.
 * Info never borrows from below.  0 when the table is empty.
 */
static int64_t
pick(const int64_t *v, ov_severity sev)
{
	int s;

	for (s = (int)sev; s < OV_CONTRACT_N_SEV; s++)
		if (v[s] > 0)
			return v[s];
	for (s = (int)sev - 1; s > (int)OV_SEV_INFO; s--)
		if (v[s] > 0)
			return v[s];
	return 0;
}

/* SLA seconds for sev, falling back to the next higher severity. */
int64_t
ov_contract__sla_seconds(const struct ov_contract *c, const char *duty,
    ov_severity sev)
{
	const struct ov_contract_duty *d = ov_contract__duty(c, duty);

	if (d == NULL || !d->has_sla)
		d = builtin_duty(duty);	/* documented fallback */
	if (d == NULL || (int)sev < 0 || (int)sev >= OV_CONTRACT_N_SEV)
		return 0;
	return pick(d->sla, sev);
}

/* Alert triage time for sev, falling back upwards. */
int64_t
ov_contract__alert_sla_seconds(const struct ov_contract *c, ov_severity sev)
{
	const struct ov_contract_duty *d = ov_contract__duty(c,
	    OV_DUTY_DEFENDER_TRIAGE);

	if (d == NULL)
		d = builtin_duty(OV_DUTY_DEFENDER_TRIAGE);
	if (d == NULL || (int)sev < 0 || (int)sev >= OV_CONTRACT_N_SEV)
		return 0;
	return pick(d->alert_sla, sev);
}

/* first_seen + SLA, or 0. */
int64_t
ov_contract__due(const struct ov_contract *c, const char *duty,
    ov_severity sev, int64_t first_seen)
{
	int64_t sla;

	if (first_seen == 0)
		return 0;
	if ((sla = ov_contract__sla_seconds(c, duty, sev)) == 0)
		return 0;
	return first_seen + sla;
}

static const char *
party_display(const struct ov_contract *c, const char *id)
{
	const struct ov_contract_party *p = ov_contract__party(c, id);

	if (p == NULL)
		return id;
	return p->name != NULL ? p->name : p->id;
}

/* Accountable party's display name, or NULL. */
const char *
ov_contract__accountable(const struct ov_contract *c, const char *duty)
{
	const struct ov_contract_duty *d = ov_contract__duty(c, duty);

	if (c == NULL)
		return "Customer IT";
	if (d == NULL || d->accountable == NULL)
		return NULL;
	return party_display(c, d->accountable);
}

/* Responsible party's display name, or NULL. */
const char *
ov_contract__responsible(const struct ov_contract *c, const char *duty)
{
	const struct ov_contract_duty *d = ov_contract__duty(c, duty);

	if (c == NULL)
		return "Customer IT";
	if (d == NULL || d->responsible == NULL)
		return NULL;
	return party_display(c, d->responsible);
}

/* Consulted and informed parties' display names (see raci_names). */
void
ov_contract__ci(const struct ov_contract *c, const char *duty,
    struct ov_contract_ci *out)
{
	const struct ov_contract_duty *d = c != NULL ?
	    ov_contract__duty(c, duty) : NULL;

	memset(out, 0, sizeof(*out));
	if (d == NULL)
		return;
	out->consulted = d->consulted_names;
	out->n_consulted = d->n_consulted_names;
	out->informed = d->informed_names;
	out->n_informed = d->n_informed_names;
}

/* Customer when the customer both does and answers for the duty. */
ov_owner
ov_contract__owner(const struct ov_contract *c, const char *duty)
{
	const struct ov_contract_duty *d = ov_contract__duty(c, duty);
	const struct ov_contract_party *r, *a;

	if (c == NULL || d == NULL)
		return OV_OWNER_CUSTOMER;
	r = ov_contract__party(c, d->responsible);
	a = ov_contract__party(c, d->accountable);
	if ((r != NULL && !ov__streq_ci(r->kind, "customer")) ||
	    (a != NULL && !ov__streq_ci(a->kind, "customer")))
		return OV_OWNER_SHARED;
	return OV_OWNER_CUSTOMER;
}

/* Is from -> to forbidden? */
bool
ov_contract__flow_forbidden(const struct ov_contract *c, const char *from,
    const char *to)
{
	size_t i;

	if (c == NULL || from == NULL || to == NULL)
		return false;
	for (i = 0; i < c->n_forbidden_flows; i++) {
		const struct ov_contract_flow *f = &c->forbidden_flows[i];

		if ((strcmp(f->from, "*") == 0 ||
		    ov__streq_ci(f->from, from)) &&
		    (strcmp(f->to, "*") == 0 || ov__streq_ci(f->to, to)))
			return true;
	}
	return false;
}

/* The zone tag. */
const char *
ov_contract__zone_tag(const struct ov_contract *c)
{
	if (c == NULL || c->zone_tag == NULL)
		return DEF_ZONE_TAG;
	return c->zone_tag;
}

/* --- public API --------------------------------------------------------- */

/* Public wrapper of ov_contract__load_file(). */
int
ov_contract_load_file(ov_contract **out, ov_ctx *ctx, const char *path)
{
	return ov_contract__load_file(out, ctx, path);
}

/* Public wrapper of ov_contract__load_buffer(). */
int
ov_contract_load_buffer(ov_contract **out, ov_ctx *ctx, const char *name,
    const char *data, size_t len)
{
	return ov_contract__load_buffer(out, ctx, name, data, len);
}

/* Public wrapper of ov_contract__default(). */
int
ov_contract_default(ov_contract **out, ov_ctx *ctx)
{
	return ov_contract__default(out, ctx);
}

/* Release a contract. */
void
ov_contract_free(ov_contract *c)
{
	if (c == NULL)
		return;
	ov__map_free(&c->party_ix);
	ov__arena_free(&c->arena);
	ov__free(c);
}

/* The file the contract came from. */
const char *
ov_contract_source(const ov_contract *c)
{
	return c != NULL ? c->source : NULL;
}

/* Name of an answer status. */
const char *
ov_answer_status_name(ov_answer_status s)
{
	switch (s) {
	case OV_ANSWER_ANSWERED: return "answered";
	case OV_ANSWER_PARTIAL: return "partial";
	case OV_ANSWER_GAP: return "gap";
	}
	return "unknown";
}

/* The layer a duty works in; see contract.h. */
ov_layer
ov_contract__duty_layer(const char *duty)
{
	const struct duty_default *dd = duty != NULL ? duty_default(duty) :
	    NULL;

	return dd != NULL ? dd->layer : OV_LAYER_UNKNOWN;
}
