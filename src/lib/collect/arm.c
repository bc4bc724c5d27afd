/* SPDX-License-Identifier: MIT */
/*
 * Azure Resource Manager: the subscription list (or a management group's
 * descendants), then what Resource Graph does not hold and the rule pack
 * reads: per-subscription lists (Defender security contacts, the activity
 * log's diagnostic settings) and, for each resource of certain types,
 * its child resources and diagnostic settings.  Lists follow nextLink
 * exactly as given, and only on the ARM host.
 */
#include <stdio.h>
#include <string.h>

#include "lib/collect/collect_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define SUBS_API	"2022-12-01"
#define MG_API		"2020-05-01"

/* Child resources read per parent (docs/collect.md says why each). */
static const struct child {
	const char		*type;		/* parent type */
	const char		*path;		/* appended to the parent id */
	const char		*api;		/* api-version */
	enum ov_page_kind	 kind;		/* a list or one object */
} children[] = {
	{ "Microsoft.Storage/storageAccounts", "blobServices", "2023-05-01",
	    OV_PAGE_LIST },
	{ "Microsoft.Storage/storageAccounts", "fileServices", "2023-05-01",
	    OV_PAGE_LIST },
	{ "Microsoft.Sql/servers", "firewallRules", "2021-11-01",
	    OV_PAGE_LIST },
	{ "Microsoft.Sql/servers", "auditingSettings", "2021-11-01",
	    OV_PAGE_LIST },
	{ "Microsoft.Sql/servers", "securityAlertPolicies", "2021-11-01",
	    OV_PAGE_LIST },
	{ "Microsoft.Sql/servers", "vulnerabilityAssessments", "2021-11-01",
	    OV_PAGE_LIST },
	{ "Microsoft.Sql/servers", "encryptionProtector", "2021-11-01",
	    OV_PAGE_LIST },
	{ "Microsoft.Sql/servers/databases", "transparentDataEncryption",
	    "2021-11-01", OV_PAGE_LIST },
	{ "Microsoft.Web/sites", "config/web", "2023-12-01", OV_PAGE_OBJECT },
	{ "Microsoft.Web/sites", "basicPublishingCredentialsPolicies",
	    "2023-12-01", OV_PAGE_LIST },
	{ "Microsoft.DBforPostgreSQL/flexibleServers", "configurations",
	    "2022-12-01", OV_PAGE_LIST },
	{ "Microsoft.DBforPostgreSQL/servers", "configurations", "2017-12-01",
	    OV_PAGE_LIST },
	{ "Microsoft.DBforMySQL/flexibleServers", "configurations",
	    "2021-05-01", OV_PAGE_LIST },
	{ "Microsoft.KeyVault/vaults", "keys", "2023-07-01", OV_PAGE_LIST },
	{ "Microsoft.KeyVault/vaults", "secrets", "2023-07-01", OV_PAGE_LIST },
};

#define CHILD_APIS "Microsoft.Storage 2023-05-01; Microsoft.Sql 2021-11-01; " \
	"Microsoft.Web 2023-12-01; Microsoft.DBforPostgreSQL/flexibleServers " \
	"2022-12-01; Microsoft.DBforPostgreSQL/servers 2017-12-01; " \
	"Microsoft.DBforMySQL 2021-05-01; Microsoft.KeyVault 2023-07-01"

/*
 * Resources whose diagnostic settings the rule pack audits (and, for
 * storage accounts, the blob service's), with the suffix that names the
 * monitored resource under the parent.
 */
static const struct diag {
	const char	*type;
	const char	*suffix;
} diags[] = {
	{ "Microsoft.Batch/batchAccounts", "" },
	{ "Microsoft.Cache/Redis", "" },
	{ "Microsoft.CognitiveServices/accounts", "" },
	{ "Microsoft.ContainerService/managedClusters", "" },
	{ "Microsoft.DataLakeAnalytics/accounts", "" },
	{ "Microsoft.DataLakeStore/accounts", "" },
	{ "Microsoft.Devices/IotHubs", "" },
	{ "Microsoft.DocumentDB/databaseAccounts", "" },
	{ "Microsoft.EventHub/namespaces", "" },
	{ "Microsoft.KeyVault/vaults", "" },
	{ "Microsoft.Logic/workflows", "" },
	{ "Microsoft.Network/applicationGateways", "" },
	{ "Microsoft.Network/azureFirewalls", "" },
	{ "Microsoft.Network/networkSecurityGroups", "" },
	{ "Microsoft.RecoveryServices/vaults", "" },
	{ "Microsoft.Search/searchServices", "" },
	{ "Microsoft.ServiceBus/namespaces", "" },
	{ "Microsoft.Sql/servers", "" },
	{ "Microsoft.Sql/servers/databases", "" },
	{ "Microsoft.Storage/storageAccounts", "/blobServices/default" },
	{ "Microsoft.StreamAnalytics/streamingjobs", "" },
	{ "Microsoft.Web/sites", "" },
};

/* Append an ARM id to a URL, escaping what a URL may not hold. */
static int
put_id(struct ov_buf *b, const char *id)
{
	static const char hex[] = "0123456789ABCDEF";
	int error = 0;

	for (; *id != '\0' && error == 0; id++) {
		unsigned char ch = (unsigned char)*id;

		if (ch <= 0x20 || ch >= 0x7f || strchr("\"#%<>?[\\]^`{|}",
		    ch) != NULL)
			error = ov__buf_printf(b, "%%%c%c", hex[ch >> 4],
			    hex[ch & 15]);
		else
			error = ov__buf_putc(b, (char)ch);
	}
	return error;
}

/* Start a chain for s at base + id + rest. */
static int
chain(struct ov_collect *c, struct ov_source *s, const char *id,
    const char *rest, enum ov_page_kind kind, unsigned flags)
{
	struct ov_buf url = OV_BUF_INIT(1 << 16);
	struct ov_query *q;
	int error;

	if ((q = ov_collect__query_new(c, s)) == NULL ||
	    ov__buf_puts(&url, c->cloud.arm) < 0 || put_id(&url, id) < 0 ||
	    ov__buf_puts(&url, rest) < 0) {
		ov__buf_free(&url);
		return c->error = ov__error_oom(c->ctx);
	}
	q->api = OV_API_ARM;
	q->audience = OV_AUD_ARM;
	q->kind = kind;
	q->flags = flags;
	error = ov_collect__chain_get(q, ov__buf_cstr(&url));
	ov__buf_free(&url);
	return error;
}

/* Remember a subscription id (deduplicated, case-insensitive). */
static int
add_sub(struct ov_collect *c, const char *id)
{
	char **grown, *copy;

	if (id == NULL || *id == '\0' ||
	    ov__map_get(&c->subs_seen, id, strlen(id)) != NULL)
		return 0;
	if (c->n_subs == c->cap_subs) {
		if ((grown = ov__reallocarray(c->subs, c->cap_subs != 0 ?
		    c->cap_subs * 2 : 16, sizeof(*grown))) == NULL)
			return OV_ENOMEM;
		c->subs = grown;
		c->cap_subs = c->cap_subs != 0 ? c->cap_subs * 2 : 16;
	}
	if ((copy = ov__strdup(id)) == NULL ||
	    ov__map_put(&c->subs_seen, copy, strlen(copy), copy) < 0) {
		ov__free(copy);
		return OV_ENOMEM;
	}
	c->subs[c->n_subs++] = copy;
	return 0;
}

/* A subscription of GET /subscriptions. */
static int
sub_row(struct ov_query *q, const ov_json *row)
{
	const char *id = ov_json_string(ov_json_get(row, "subscriptionId"));
	const char *state = ov_json_string(ov_json_get(row, "state"));

	if (id == NULL && (id = ov_json_string(ov_json_get(row, "id"))) !=
	    NULL && ov__startswith_ci(id, "/subscriptions/"))
		id += strlen("/subscriptions/");
	if (state != NULL && ov__streq_ci(state, "Deleted"))
		return 0;
	return add_sub(q->c, id);
}

/* A descendant of a management group: keep the subscriptions. */
static int
mg_row(struct ov_query *q, const ov_json *row)
{
	const char *type = ov_json_string(ov_json_get(row, "type"));
	const char *name = ov_json_string(ov_json_get(row, "name"));
	size_t n = type != NULL ? strlen(type) : 0;

	if (n < 14 || !ov__streq_ci(type + n - 14, "/subscriptions"))
		return 0;
	return add_sub(q->c, name);
}

static void
discovered(struct ov_query *q, bool ok)
{
	if (!ok && q->c->n_subs != 0)
		q->c->subs_partial = true;
	ov_collect__subs_ready(q->c);
}

/* List the subscriptions; see collect_int.h. */
int
ov_collect__discover(struct ov_collect *c)
{
	const ov_collect_options *o = c->opts;
	struct ov_buf path = OV_BUF_INIT(1 << 12);
	struct ov_query *q;
	size_t i;
	int error;

	if (o->n_subscriptions != 0) {
		for (i = 0; i < o->n_subscriptions; i++)
			if (add_sub(c, o->subscriptions[i]) < 0)
				return ov__error_oom(c->ctx);
		ov_collect__subs_ready(c);
		return 0;
	}
	if ((q = ov_collect__query_new(c, NULL)) == NULL)
		return ov__error_oom(c->ctx);
	q->api = OV_API_ARM;
	q->audience = OV_AUD_ARM;
	q->finish = discovered;
	if (o->management_group != NULL) {
		q->row = mg_row;
		if (ov__buf_printf(&path, "%s/providers/Microsoft.Management/"
		    "managementGroups/", c->cloud.arm) < 0 ||
		    put_id(&path, o->management_group) < 0 ||
		    ov__buf_puts(&path, "/descendants?api-version=" MG_API) < 0)
			error = OV_ENOMEM;
		else
			error = ov_collect__chain_get(q, ov__buf_cstr(&path));
	} else {
		q->row = sub_row;
		if (ov__buf_printf(&path, "%s/subscriptions?api-version="
		    SUBS_API, c->cloud.arm) < 0)
			error = OV_ENOMEM;
		else
			error = ov_collect__chain_get(q, ov__buf_cstr(&path));
	}
	ov__buf_free(&path);
	return error < 0 ? ov__error_oom(c->ctx) : 0;
}

static bool
needs_subs(const struct ov_source *s)
{
	return s->def->kind == OV_KIND_ARG || s->def->kind == OV_KIND_ARM_SUB ||
	    s->def->kind == OV_KIND_ARM_CHILD || s->def->kind == OV_KIND_ARM_DIAG;
}

/*
 * Subscriptions are known: start what needs them.  When they could not be
 * listed at all (an error, not an empty list), Resource Graph is asked at
 * tenant scope, which covers every subscription the identity can read, and
 * only the per-subscription ARM lists fail.
 */
void
ov_collect__subs_ready(struct ov_collect *c)
{
	struct ov_source *s;
	char why[OV_COLLECT_REASON];
	/* Never wider than asked: a management group stays its own scope. */
	bool tenant = c->n_subs == 0 && c->subs_error[0] != '\0' &&
	    c->opts->management_group == NULL;
	size_t i;

	c->subs_ready = true;
	for (i = 0; i < OV_SRC__COUNT; i++) {
		s = &c->src[i];
		if (!s->needed || !needs_subs(s) || s->state != OV_SRC_RUNNING)
			continue;
		/* Diagnostic settings without the subscriptions' own would
		 * make those look absent. */
		if (tenant && (s->def->kind == OV_KIND_ARM_SUB ||
		    s->def->kind == OV_KIND_ARM_DIAG)) {
			snprintf(why, sizeof(why), "the subscriptions could not "
			    "be listed: %.400s", c->subs_error);
			ov_collect__fail(c, s, why);
			continue;
		}
		if (c->n_subs == 0 && !tenant) {
			if (c->subs_error[0] != '\0')
				snprintf(why, sizeof(why), "the subscriptions "
				    "could not be listed: %.400s", c->subs_error);
			else
				snprintf(why, sizeof(why), "the identity can read "
				    "no subscription%s%.100s",
				    c->opts->management_group != NULL ?
				    " under management group " : "",
				    c->opts->management_group != NULL ?
				    c->opts->management_group : "");
			ov_collect__fail(c, s, why);
			continue;
		}
		if (c->subs_partial) {
			snprintf(why, sizeof(why), "the subscription list is "
			    "incomplete: %.400s", c->subs_error);
			ov_collect__degrade(s, why);
		}
		s->started = true;
		if (s->def->kind == OV_KIND_ARG)
			(void)ov_collect__arg_start(c, s);
		else
			(void)ov_collect__arm_start(c, s);
	}
}

/* Start an ARM source; see collect_int.h. */
int
ov_collect__arm_start(struct ov_collect *c, struct ov_source *s)
{
	char rest[512];
	char id[300];
	size_t i;

	switch (s->def->kind) {
	case OV_KIND_ARM_SUB:
	case OV_KIND_ARM_DIAG:
		snprintf(rest, sizeof(rest), "/%s?api-version=%s", s->def->path,
		    s->def->api);
		for (i = 0; i < c->n_subs; i++) {
			snprintf(id, sizeof(id), "/subscriptions/%s", c->subs[i]);
			if (chain(c, s, id, rest, OV_PAGE_LIST, 0) < 0)
				return c->error;
		}
		if (s->def->kind == OV_KIND_ARM_SUB)
			ov_collect__done(c, s);
		/* Diagnostics wait for the resources too. */
		return 0;
	case OV_KIND_ARM_CHILD:
		return ov_collect__set_api(s, CHILD_APIS);
	default:
		return 0;
	}
}

/* A Resource Graph resources row: queue its ARM reads. */
int
ov_collect__arm_resource(struct ov_collect *c, const ov_json *row)
{
	struct ov_source *kids = &c->src[OV_SRC_ARM_RESOURCES];
	struct ov_source *diag = &c->src[OV_SRC_ARM_DIAG];
	const char *type = ov_json_string(ov_json_get(row, "type"));
	const char *id = ov_json_string(ov_json_get(row, "id"));
	const char *name = ov_json_string(ov_json_get(row, "name"));
	bool master;
	char rest[512];
	size_t i;
	int error;

	if (type == NULL || id == NULL || id[0] != '/')
		return 0;
	master = name != NULL && ov__streq_ci(name, "master");
	for (i = 0; kids->state == OV_SRC_RUNNING &&
	    i < sizeof(children) / sizeof(children[0]); i++) {
		if (!ov__streq_ci(type, children[i].type) || (master &&
		    strcmp(children[i].path, "transparentDataEncryption") == 0))
			continue;
		snprintf(rest, sizeof(rest), "/%s?api-version=%s",
		    children[i].path, children[i].api);
		if ((error = chain(c, kids, id, rest, children[i].kind,
		    OV_REQ_LOW)) < 0)
			return error;
		c->child_resources++;
	}
	for (i = 0; diag->state == OV_SRC_RUNNING &&
	    i < sizeof(diags) / sizeof(diags[0]); i++) {
		if (!ov__streq_ci(type, diags[i].type) || master)
			continue;
		snprintf(rest, sizeof(rest), "%s/%s?api-version=%s",
		    diags[i].suffix, diag->def->path, diag->def->api);
		if ((error = chain(c, diag, id, rest, OV_PAGE_LIST,
		    OV_REQ_LOW)) < 0)
			return error;
	}
	return 0;
}

/* The resources source settled; see collect_int.h. */
void
ov_collect__arm_resources_done(struct ov_collect *c)
{
	struct ov_source *res = &c->src[OV_SRC_ARG_RESOURCES];
	struct ov_source *s;
	char why[OV_COLLECT_REASON];
	enum ov_src_id ids[2] = { OV_SRC_ARM_RESOURCES, OV_SRC_ARM_DIAG };
	size_t i;

	for (i = 0; i < 2; i++) {
		s = &c->src[ids[i]];
		if (s->state != OV_SRC_RUNNING || !s->started)
			continue;	/* subs_ready() deals with it */
		if (res->state != OV_SRC_COLLECTED) {
			snprintf(why, sizeof(why), "the resource list "
			    "(arg:resources) is %s%s%.400s", res->state ==
			    OV_SRC_FAILED ? "missing" : "incomplete",
			    res->reason[0] != '\0' ? ": " : "", res->reason);
			/* Children of nothing are not an empty list. */
			if (res->state == OV_SRC_FAILED && ids[i] ==
			    OV_SRC_ARM_RESOURCES) {
				ov_collect__fail(c, s, why);
				continue;
			}
			ov_collect__degrade(s, why);
		}
		ov_collect__done(c, s);
	}
}
