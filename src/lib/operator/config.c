/* SPDX-License-Identifier: MIT */
/*
 * operator.yaml: the tenants an operator runs.  A mapping with db, state,
 * concurrency, defaults (any tenant key but id and name) and tenants (a
 * list).  Every tenant names its credential by reference; a key that
 * looks like a secret is refused outright, and so is a database URL that
 * carries a password, because configuration files get copied, committed
 * and printed.  Read with the one strict YAML loader (lib/json/yaml.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "overvisor/operator.h"
#include "overvisor/store.h"
#include "lib/json/yaml.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"

#define MAX_SUBS	4096		/* subscriptions per tenant */
#define MAX_TIMEOUT	86400		/* seconds */
#define MAX_STRING	4096		/* bytes in one value */

struct ov_operator_config {
	struct ov_arena		 arena;	/* every string and list */
	ov_operator_tenant	*tenants; /* in file order */
	size_t			 n;
	struct ov_map		 by_id;	/* id -> tenant index + 1 */
	const char		*db;
	const char		*state;
	unsigned		 concurrency;
	const char		*dir;	/* the file's directory, or "" */
};

/* The keys of a tenant entry (and of defaults, but id and name). */
enum tkey {
	K_ID, K_NAME, K_CREDENTIAL, K_CLIENT_ID, K_CLOUD, K_ENDPOINTS,
	K_CA_FILE, K_CONTRACT, K_EXCEPTIONS, K_SUBSCRIPTIONS,
	K_MANAGEMENT_GROUP, K_TIMEOUT, K__COUNT
};

static const char *const tkeys[K__COUNT] = {
	"id", "name", "credential", "client-id", "cloud", "endpoints",
	"ca-file", "contract", "exceptions", "subscriptions",
	"management-group", "timeout"
};

static const char *const clouds[] = {
	"AzureCloud", "AzureUSGovernment", "AzureChinaCloud"
};

/* Keys that would hold a secret: never accepted. */
static bool
secret_key(const char *k)
{
	static const char *const words[] = {
		"secret", "password", "passwd", "token", "key", "assertion"
	};
	size_t i, n = strlen(k), w;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		for (w = 0; w + strlen(words[i]) <= n; w++)
			if (ov__eq_ci(k + w, strlen(words[i]), words[i],
			    strlen(words[i])))
				return true;
	return false;
}

/* Every byte of s in [0-9A-Za-z] or in extra, length 1..max. */
static bool
charset(const char *s, const char *extra, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || (c != '\0' &&
		    strchr(extra, c) != NULL)))
			return false;
	}
	return true;
}

/* A path from the file: relative ones are taken from its directory. */
static const char *
resolve(struct ov_operator_config *c, const char *p)
{
	if (p[0] == '/' || c->dir[0] == '\0')
		return p;
	return ov__arena_printf(&c->arena, "%s/%s", c->dir, p);
}

/*
 * The text of a scalar value, checked and copied into the configuration;
 * NULL after an error (set).
 */
static const char *
scalar(struct ov_operator_config *c, struct ov_yaml *y, const ov_json *v,
    const char *what, int *error)
{
	const char *s;

	if (!ov_yaml__is_scalar(v) || ov_json_type_of(v) == OV_JSON_NULL) {
		*error = ov_yaml__fail(y, OV_EINVALID, v, NULL,
		    "%s must be a single value", what);
		return NULL;
	}
	if ((s = ov_yaml__text(y, v)) == NULL) {
		*error = ov__error_oom(y->ctx);
		return NULL;
	}
	if (s[0] == '\0' || strlen(s) > MAX_STRING ||
	    (ov_json_type_of(v) == OV_JSON_STRING && strlen(s) != v->len)) {
		*error = ov_yaml__fail(y, OV_EINVALID, v, NULL,
		    "%s is empty, too long or holds a NUL byte", what);
		return NULL;
	}
	if ((s = ov__arena_strdup(&c->arena, s)) == NULL)
		*error = ov__error_oom(y->ctx);
	return s;
}

/* Parse a credential reference. */
int
ov_operator_cred_parse(const char *s, ov_operator_cred *kind,
    const char **arg)
{
	static const struct {
		const char	*name;
		ov_operator_cred kind;
	} plain[] = {
		{ "env", OV_OPERATOR_CRED_ENV },
		{ "workload-identity", OV_OPERATOR_CRED_WORKLOAD_IDENTITY },
		{ "managed-identity", OV_OPERATOR_CRED_MANAGED_IDENTITY },
		{ "cli", OV_OPERATOR_CRED_CLI },
	};
	size_t i;

	OV_ASSERT_ARG(s != NULL && kind != NULL && arg != NULL);
	*arg = NULL;
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcmp(s, plain[i].name) == 0) {
			*kind = plain[i].kind;
			return 0;
		}
	if (strncmp(s, "env:", 4) == 0 && charset(s + 4, "_", 64) &&
	    s[4] >= 'A' && s[4] <= 'Z' && strspn(s + 4,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == strlen(s + 4)) {
		*kind = OV_OPERATOR_CRED_ENV_PREFIX;
		*arg = s + 4;
		return 0;
	}
	if (strncmp(s, "certificate:", 12) == 0 && s[12] != '\0' &&
	    strlen(s + 12) < 4096 && strchr(s, '\n') == NULL) {
		*kind = OV_OPERATOR_CRED_CERTIFICATE;
		*arg = s + 12;
		return 0;
	}
	return OV_EINVALID;
}

/* A valid tenant id. */
bool
ov_operator_id_valid(const char *id)
{
	return id != NULL && charset(id, "._-", 128) && id[0] != '.' &&
	    id[0] != '-';
}

static int
parse_credential(struct ov_operator_config *c, struct ov_yaml *y,
    const ov_json *v, ov_operator_tenant *t, const char *s)
{
	t->credential = s;
	if (ov_operator_cred_parse(s, &t->cred, &t->cred_arg) == 0) {
		if (t->cred == OV_OPERATOR_CRED_CERTIFICATE &&
		    (t->cred_arg = resolve(c, t->cred_arg)) == NULL)
			return ov__error_oom(y->ctx);
		return 0;
	}
	/* Not echoed: a secret pasted here must not reach a log. */
	return ov_yaml__fail(y, OV_EINVALID, v, NULL, "credential is not a "
	    "reference: use env, env:NAME (NAME_CLIENT_SECRET... in the "
	    "environment), certificate:PATH, workload-identity, "
	    "managed-identity or cli");
}

static int
parse_subscriptions(struct ov_operator_config *c, struct ov_yaml *y,
    const ov_json *v, ov_operator_tenant *t)
{
	const char **subs;
	size_t i, n = ov_json_len(v);
	int error = 0;

	if (ov_json_type_of(v) != OV_JSON_ARRAY || n == 0)
		return ov_yaml__fail(y, OV_EINVALID, v, NULL,
		    "subscriptions must be a non-empty list of ids");
	if (n > MAX_SUBS)
		return ov_yaml__fail(y, OV_ELIMIT, v, NULL,
		    "more than %u subscriptions", MAX_SUBS);
	if ((subs = ov__arena_calloc(&c->arena, n, sizeof(*subs))) == NULL)
		return ov__error_oom(y->ctx);
	for (i = 0; i < n; i++) {
		const ov_json *e = ov_json_at(v, i);

		if ((subs[i] = scalar(c, y, e, "a subscription", &error)) ==
		    NULL)
			return error;
		if (!charset(subs[i], "-", 64))
			return ov_yaml__fail(y, OV_EINVALID, e, NULL,
			    "'%s' is not a subscription id", subs[i]);
	}
	t->subscriptions = subs;
	t->n_subscriptions = n;
	return 0;
}

/* One key of a tenant entry or of defaults. */
static int
parse_key(struct ov_operator_config *c, struct ov_yaml *y, enum tkey k,
    const ov_json *v, ov_operator_tenant *t)
{
	const char *s;
	int64_t n;
	size_t i;
	int error = 0;

	if (k == K_SUBSCRIPTIONS)
		return parse_subscriptions(c, y, v, t);
	if ((s = scalar(c, y, v, tkeys[k], &error)) == NULL)
		return error;
	switch (k) {
	case K_ID:
		if (!ov_operator_id_valid(s))
			return ov_yaml__fail(y, OV_EINVALID, v, NULL, "id '%s' "
			    "is not a tenant id (a GUID or a domain)", s);
		t->id = s;
		break;
	case K_NAME:
		t->name = s;
		break;
	case K_CREDENTIAL:
		return parse_credential(c, y, v, t, s);
	case K_CLIENT_ID:
		if (!charset(s, "-", 64))
			return ov_yaml__fail(y, OV_EINVALID, v, NULL,
			    "client-id '%s' is not an application id", s);
		t->client_id = s;
		break;
	case K_CLOUD:
		for (i = 0; i < sizeof(clouds) / sizeof(clouds[0]); i++)
			if (strcmp(s, clouds[i]) == 0)
				break;
		if (i == sizeof(clouds) / sizeof(clouds[0]))
			return ov_yaml__fail(y, OV_EINVALID, v, NULL, "cloud "
			    "'%s' is not AzureCloud, AzureUSGovernment or "
			    "AzureChinaCloud (use endpoints for any other)", s);
		t->cloud = s;
		break;
	case K_MANAGEMENT_GROUP:
		if (!charset(s, "._-()", 90))
			return ov_yaml__fail(y, OV_EINVALID, v, NULL,
			    "'%s' is not a management group id", s);
		t->management_group = s;
		break;
	case K_TIMEOUT:
		if (!ov_json_int(v, &n) || n < 1 || n > MAX_TIMEOUT)
			return ov_yaml__fail(y, OV_EINVALID, v, NULL,
			    "timeout must be 1 to %u seconds", MAX_TIMEOUT);
		t->timeout = (unsigned)n;
		break;
	default:
		if ((s = resolve(c, s)) == NULL)
			return ov__error_oom(y->ctx);
		if (k == K_ENDPOINTS)
			t->endpoints = s;
		else if (k == K_CA_FILE)
			t->ca_file = s;
		else if (k == K_CONTRACT)
			t->contract = s;
		else
			t->exceptions = s;
		break;
	}
	return 0;
}

/* A tenant entry (defaults: is_defaults, no id or name). */
static int
parse_tenant(struct ov_operator_config *c, struct ov_yaml *y,
    const ov_json *node, ov_operator_tenant *t, bool is_defaults)
{
	const char *what = is_defaults ? "defaults" : "a tenant";
	bool seen[K__COUNT];
	size_t i;
	int error, k;

	if (ov_json_type_of(node) != OV_JSON_OBJECT)
		return ov_yaml__fail(y, OV_EINVALID, node, NULL,
		    "%s must be a mapping of keys", what);
	memset(seen, 0, sizeof(seen));
	t->line = ov_yaml__line(y, node);
	for (i = 0; i < ov_json_len(node); i++) {
		const ov_json_member *m = ov_json_member_at(node, i);
		const ov_json *kn = ov_yaml__key(y, node, m);

		if (kn == NULL)
			return ov__error_oom(y->ctx);
		if (secret_key(m->key))
			return ov_yaml__fail(y, OV_EINVALID, kn, NULL, "'%s': "
			    "a secret never goes in this file; name the "
			    "credential instead (credential: env:NAME reads "
			    "NAME_CLIENT_SECRET from the environment)",
			    m->key);
		for (k = 0; k < K__COUNT; k++)
			if (strcmp(m->key, tkeys[k]) == 0)
				break;
		if (k == K__COUNT || (is_defaults && (k == K_ID ||
		    k == K_NAME)))
			return ov_yaml__fail(y, OV_EINVALID, kn, NULL,
			    "unknown key '%s' in %s", m->key, what);
		if (seen[k])
			return ov_yaml__fail(y, OV_EINVALID, kn, NULL,
			    "duplicate key '%s'", m->key);
		seen[k] = true;
		if ((error = parse_key(c, y, (enum tkey)k, &m->value, t)) < 0)
			return error;
	}
	if (is_defaults)
		return 0;
	if (t->id == NULL)
		return ov_yaml__fail(y, OV_EINVALID, node, NULL,
		    "a tenant has no id");
	if (t->credential == NULL)
		return ov_yaml__fail(y, OV_EINVALID, node, NULL, "tenant '%s' "
		    "has no credential (and defaults give none)", t->id);
	if (t->management_group != NULL && t->subscriptions != NULL)
		return ov_yaml__fail(y, OV_EINVALID, node, NULL, "tenant '%s': "
		    "subscriptions and management-group exclude each other",
		    t->id);
	if (t->endpoints != NULL && t->cloud != NULL)
		return ov_yaml__fail(y, OV_EINVALID, node, NULL, "tenant '%s': "
		    "cloud and endpoints exclude each other", t->id);
	if (t->name == NULL)
		t->name = t->id;
	return 0;
}

static int
parse_tenants(struct ov_operator_config *c, struct ov_yaml *y,
    const ov_json *list, const ov_operator_tenant *def)
{
	size_t i, n = ov_json_len(list);
	int error;

	if (ov_json_type_of(list) != OV_JSON_ARRAY || n == 0)
		return ov_yaml__fail(y, OV_EINVALID, list, NULL,
		    "tenants must be a non-empty list");
	if (n > OV_OPERATOR_MAX_TENANTS)
		return ov_yaml__fail(y, OV_ELIMIT, list, NULL,
		    "more than %u tenants", OV_OPERATOR_MAX_TENANTS);
	if ((c->tenants = ov__arena_calloc(&c->arena, n,
	    sizeof(*c->tenants))) == NULL)
		return ov__error_oom(y->ctx);
	for (i = 0; i < n; i++) {
		const ov_json *e = ov_json_at(list, i);
		ov_operator_tenant *t = &c->tenants[i];
		uintptr_t prev;

		*t = *def;
		if ((error = parse_tenant(c, y, e, t, false)) < 0)
			return error;
		prev = (uintptr_t)ov__map_get(&c->by_id, t->id,
		    strlen(t->id));
		if (prev != 0)
			return ov_yaml__fail(y, OV_EINVALID, e, NULL, "tenant "
			    "'%s' is listed twice (first on line %u)", t->id,
			    c->tenants[prev - 1].line);
		if (ov__map_put(&c->by_id, t->id, strlen(t->id),
		    (void *)(uintptr_t)(i + 1)) < 0)
			return ov__error_oom(y->ctx);
		c->n = i + 1;
	}
	return 0;
}

static int
parse_top(struct ov_operator_config *c, struct ov_yaml *y)
{
	const ov_json *root = ov_yaml__root(y), *list = NULL, *defs = NULL;
	ov_operator_tenant def;
	char masked[1024];
	int64_t n;
	size_t i;
	int error = 0;

	if (ov_json_type_of(root) != OV_JSON_OBJECT)
		return ov_yaml__fail(y, OV_EINVALID, root, NULL, "expected a "
		    "mapping with tenants (and db, state, concurrency, "
		    "defaults)");
	memset(&def, 0, sizeof(def));
	for (i = 0; i < ov_json_len(root); i++) {
		const ov_json_member *m = ov_json_member_at(root, i);
		const ov_json *kn = ov_yaml__key(y, root, m), *v = &m->value;
		const char **slot = NULL;

		if (kn == NULL)
			return ov__error_oom(y->ctx);
		if (strcmp(m->key, "tenants") == 0 && list == NULL) {
			list = v;
		} else if (strcmp(m->key, "defaults") == 0 && defs == NULL) {
			defs = v;
		} else if (strcmp(m->key, "db") == 0 && c->db == NULL) {
			slot = &c->db;
		} else if (strcmp(m->key, "state") == 0 && c->state == NULL) {
			slot = &c->state;
		} else if (strcmp(m->key, "concurrency") == 0 &&
		    c->concurrency == 0) {
			if (!ov_json_int(v, &n) || n < 1 ||
			    n > OV_OPERATOR_MAX_CONCURRENCY)
				return ov_yaml__fail(y, OV_EINVALID, v, NULL,
				    "concurrency must be 1 to %u",
				    OV_OPERATOR_MAX_CONCURRENCY);
			c->concurrency = (unsigned)n;
		} else {
			return ov_yaml__fail(y, OV_EINVALID, kn, NULL,
			    secret_key(m->key) ? "'%s': a secret never goes "
			    "in this file" : "unknown or repeated top-level "
			    "key '%s'", m->key);
		}
		if (slot != NULL) {
			if ((*slot = scalar(c, y, v, m->key, &error)) == NULL)
				return error;
			if (slot == &c->state && (*slot = resolve(c,
			    *slot)) == NULL)
				return ov__error_oom(y->ctx);
		}
		if (slot == &c->db) {
			ov_store_mask_target(c->db, masked, sizeof(masked));
			if (strcmp(masked, c->db) != 0)
				return ov_yaml__fail(y, OV_EINVALID, v, NULL,
				    "db: the URL holds a password; keep it in "
				    "PGPASSWORD or ~/.pgpass instead");
			if (strstr(c->db, "://") == NULL && (c->db =
			    resolve(c, c->db)) == NULL)
				return ov__error_oom(y->ctx);
		}
	}
	if (defs != NULL && ov_json_type_of(defs) != OV_JSON_NULL &&
	    (error = parse_tenant(c, y, defs, &def, true)) < 0)
		return error;
	if (list == NULL)
		return ov_yaml__fail(y, OV_EINVALID, root, NULL,
		    "no tenants list");
	return parse_tenants(c, y, list, &def);
}

/* Release. */
void
ov_operator_config_free(ov_operator_config *c)
{
	if (c == NULL)
		return;
	ov__map_free(&c->by_id);
	ov__arena_free(&c->arena);
	ov__free(c);
}

/* Load from memory. */
int
ov_operator_config_load_buffer(ov_operator_config **out, ov_ctx *ctx,
    const char *name, const char *data, size_t len)
{
	struct ov_operator_config *c;
	struct ov_yaml y;
	const char *slash;
	int error;

	OV_ASSERT_ARG(out != NULL && (data != NULL || len == 0));
	*out = NULL;
	if (name == NULL)
		name = "operator.yaml";
	if (len > OV_OPERATOR_MAX_FILE)
		return ov__error_at(ctx, OV_ELIMIT, OV_ERRCLASS_CONFIG, name,
		    0, 0, NULL, "file larger than %u bytes",
		    OV_OPERATOR_MAX_FILE);
	if ((c = ov__calloc(1, sizeof(*c))) == NULL)
		return ov__error_oom(ctx);
	ov__arena_init(&c->arena, 0, 0);
	slash = strrchr(name, '/');
	c->dir = slash == NULL ? "" : slash == name ? "/" :
	    ov__arena_strndup(&c->arena, name, (size_t)(slash - name));
	memset(&y, 0, sizeof(y));
	if (c->dir == NULL) {
		error = ov__error_oom(ctx);
		goto done;
	}
	if ((error = ov_yaml__load(&y, ctx, OV_ERRCLASS_CONFIG, name, data,
	    len)) < 0)
		goto done;
	if ((error = parse_top(c, &y)) < 0)
		goto done;
	*out = c;
	c = NULL;
done:
	ov_yaml__free(&y);
	ov_operator_config_free(c);
	return error;
}

/* Load a file. */
int
ov_operator_config_load(ov_operator_config **out, ov_ctx *ctx,
    const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int error;

	OV_ASSERT_ARG(out != NULL && path != NULL);
	*out = NULL;
	if ((error = ov__read_file(ctx, OV_ERRCLASS_CONFIG, path,
	    OV_OPERATOR_MAX_FILE, &data, &len)) < 0)
		return error;
	error = ov_operator_config_load_buffer(out, ctx, path, data, len);
	ov__free(data);
	return error;
}

size_t
ov_operator_config_count(const ov_operator_config *c)
{
	return c != NULL ? c->n : 0;
}

const ov_operator_tenant *
ov_operator_config_tenant(const ov_operator_config *c, size_t i)
{
	return c != NULL && i < c->n ? &c->tenants[i] : NULL;
}

const ov_operator_tenant *
ov_operator_config_find(const ov_operator_config *c, const char *id)
{
	uintptr_t i;

	if (c == NULL || id == NULL)
		return NULL;
	i = (uintptr_t)ov__map_get(&c->by_id, id, strlen(id));
	return i != 0 ? &c->tenants[i - 1] : NULL;
}

const char *
ov_operator_config_db(const ov_operator_config *c)
{
	return c != NULL ? c->db : NULL;
}

const char *
ov_operator_config_state(const ov_operator_config *c)
{
	return c != NULL ? c->state : NULL;
}

unsigned
ov_operator_config_concurrency(const ov_operator_config *c)
{
	return c != NULL ? c->concurrency : 0;
}

const char *
ov_operator_cred_name(ov_operator_cred k)
{
	switch (k) {
	case OV_OPERATOR_CRED_ENV: return "env";
	case OV_OPERATOR_CRED_ENV_PREFIX: return "env:NAME";
	case OV_OPERATOR_CRED_CERTIFICATE: return "certificate:PATH";
	case OV_OPERATOR_CRED_WORKLOAD_IDENTITY: return "workload-identity";
	case OV_OPERATOR_CRED_MANAGED_IDENTITY: return "managed-identity";
	case OV_OPERATOR_CRED_CLI: return "cli";
	}
	return "unknown";
}
