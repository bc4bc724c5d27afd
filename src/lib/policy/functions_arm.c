/* SPDX-License-Identifier: MIT */
/*
 * ARM deployment functions: the template functions that policy rules may
 * not call (AZP: definition-structure-policy-rule#policy-functions lists
 * them as excluded) and that template expansion needs.  The deployment
 * itself -- parameters, variables, copy loops, user-defined functions and
 * the scope -- comes from ex->arm, which lib/iac fills.  What exists only
 * once a deployment runs (reference(), list*(), newGuid(), pickZones(),
 * providers()) is an unknown value, never a guess.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/time.h"

#define ARG(i)	(argv[(i)])
#define S(v)	((v) != NULL && (v)->type == OV_JSON_STRING)
#define A(v)	((v) != NULL && (v)->type == OV_JSON_ARRAY)
#define O(v)	((v) != NULL && (v)->type == OV_JSON_OBJECT)
#define RET(x)	do { if ((*out = (x)) == NULL) return OV_ENOMEM; \
		    return 0; } while (0)

/* The ids of resource types and names never exceed this many segments. */
#define OV_ARM_MAX_SEGS 32

static int
need_arm(struct evalx *ex, const struct expr *e)
{
	if (ex->arm != NULL)
		return 0;
	return ov_policy__fail(ex, "%s() is only available in templates",
	    e->name);
}

static const ov_json *
str(struct ov_arena *a, const char *s)
{
	return ov_policy__v_str(a, s != NULL ? s : "", s != NULL ?
	    strlen(s) : 0);
}

/* An unknown value named after what it stands for; never null. */
static const ov_json *
unknown(struct ov_arena *a, const char *what)
{
	return ov_policy__unknown_as(a, ov_policy__v_unknown(a, what,
	    strlen(what)), true);
}

/* An object from parallel key and value arrays. */
static const ov_json *
obj(struct ov_arena *a, const char *const *keys, const ov_json *const *vals,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (vals[i] == NULL)
			return NULL;
	return ov_policy__v_object(a, keys, vals, n);
}

/* ---- the deployment's own values -------------------------------------- */

/* variables('name') */
int
ov_policy__f_variables(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	int error;

	if ((error = need_arm(ex, e)) < 0)
		return error;
	if (!S(ARG(0)))
		return ov_policy__fail(ex, "variables() expects a name");
	return ex->arm->variable(ex->arm->payload, ex, ARG(0)->u.str,
	    ARG(0)->len, out);
}

/* copyIndex([loop], [offset]) */
int
ov_policy__f_copyindex(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	const ov_json *loop = NULL, *off = NULL, *v;
	int64_t i, k = 0;
	int error;

	if ((error = need_arm(ex, e)) < 0)
		return error;
	if (argc > 2)
		return ov_policy__fail(ex, "copyIndex() takes a loop name "
		    "and an offset");
	if (argc > 0 && S(ARG(0)))
		loop = ARG(0);
	else if (argc > 0)
		off = ARG(0);
	if (argc > 1)
		off = ARG(1);
	if (off != NULL && !ov_policy__int(off, &k))
		return ov_policy__fail(ex, "copyIndex() offset must be an "
		    "integer");
	if ((error = ex->arm->copy_index(ex->arm->payload, ex,
	    loop != NULL ? loop->u.str : NULL, loop != NULL ? loop->len : 0,
	    &v)) < 0)
		return error;
	if (ov_policy__is_unknown(v) || !ov_policy__int(v, &i)) {
		*out = v;
		return 0;
	}
	if (__builtin_add_overflow(i, k, &i))
		return ov_policy__fail(ex, "copyIndex() overflows a 64-bit "
		    "integer");
	RET(ov_policy__v_int(ex->a, i));
}

/* deployment() */
int
ov_policy__f_deployment(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	int error;

	if ((error = need_arm(ex, e)) < 0)
		return error;
	if (ex->arm->deployment != NULL)
		RET(ex->arm->deployment);
	RET(unknown(ex->a, "deployment()"));
}

/* environment(): the public cloud's endpoints (AzureCloud). */
int
ov_policy__f_environment(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	static const char *const skeys[] = { "acrLoginServer",
	    "azureDatalakeAnalyticsCatalogAndJob",
	    "azureDatalakeStoreFileSystem", "azureFrontDoorEndpointSuffix",
	    "keyvaultDns", "sqlServerHostname", "storage" };
	static const char *const svals[] = { ".azurecr.io",
	    "azuredatalakeanalytics.net", "azuredatalakestore.net",
	    "azurefd.net", ".vault.azure.net", ".database.windows.net",
	    "core.windows.net" };
	static const char *const akeys[] = { "loginEndpoint", "audiences",
	    "tenant", "identityProvider" };
	static const char *const keys[] = { "name", "gallery", "graph",
	    "portal", "graphAudience", "activeDirectoryDataLake", "batch",
	    "media", "sqlManagement", "vmImageAliasDoc", "resourceManager",
	    "authentication", "suffixes" };
	static const char *const vals[] = { "AzureCloud",
	    "https://gallery.azure.com/", "https://graph.windows.net/",
	    "https://portal.azure.com", "https://graph.windows.net/",
	    "https://datalake.azure.net/", "https://batch.core.windows.net/",
	    "https://rest.media.azure.net",
	    "https://management.core.windows.net:8443/",
	    ("https://raw.githubusercontent.com/Azure/azure-rest-api-specs/"
	    "master/arm-compute/quickstart-templates/aliases.json"),
	    "https://management.azure.com/" };
	const ov_json *sv[7], *av[4], *aud[2], *v[13];
	size_t i;

	(void)e;
	for (i = 0; i < 7; i++)
		sv[i] = str(ex->a, svals[i]);
	aud[0] = str(ex->a, "https://management.core.windows.net/");
	aud[1] = str(ex->a, "https://management.azure.com/");
	av[0] = str(ex->a, "https://login.microsoftonline.com/");
	av[1] = aud[0] != NULL && aud[1] != NULL ?
	    ov_policy__v_array(ex->a, aud, 2) : NULL;
	av[2] = str(ex->a, "common");
	av[3] = str(ex->a, "AAD");
	for (i = 0; i < 11; i++)
		v[i] = str(ex->a, vals[i]);
	v[11] = obj(ex->a, akeys, av, 4);
	v[12] = obj(ex->a, skeys, sv, 7);
	RET(obj(ex->a, keys, v, 13));
}

/* tenant() */
int
ov_policy__f_tenant(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	static const char *const keys[] = { "tenantId", "countryCode",
	    "displayName" };
	const ov_json *v[3];
	int error;

	if ((error = need_arm(ex, e)) < 0)
		return error;
	v[0] = str(ex->a, ex->arm->tenant);
	v[1] = unknown(ex->a, "tenant().countryCode");
	v[2] = unknown(ex->a, "tenant().displayName");
	RET(obj(ex->a, keys, v, 3));
}

/* managementGroup([name]) */
int
ov_policy__f_managementgroup(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	static const char *const keys[] = { "id", "name", "type",
	    "properties" };
	static const char *const pkeys[] = { "tenantId", "displayName" };
	const ov_json *v[4], *pv[2];
	const char *name;
	int error;

	if ((error = need_arm(ex, e)) < 0)
		return error;
	name = argc > 0 && S(ARG(0)) ? ARG(0)->u.str : ex->arm->mgmt_group;
	if (name == NULL)
		RET(unknown(ex->a, "managementGroup()"));
	v[0] = str(ex->a, ov__arena_printf(ex->a,
	    "/providers/Microsoft.Management/managementGroups/%s", name));
	v[1] = str(ex->a, name);
	v[2] = str(ex->a, "Microsoft.Management/managementGroups");
	pv[0] = str(ex->a, ex->arm->tenant);
	pv[1] = unknown(ex->a, "managementGroup().properties.displayName");
	v[3] = obj(ex->a, pkeys, pv, 2);
	RET(obj(ex->a, keys, v, 4));
}

/* resourceGroup() in a template: the placeholder scope. */
int
ov_policy__f_arm_rg(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	static const char *const keys[] = { "id", "name", "type", "location",
	    "tags", "properties" };
	static const char *const pkeys[] = { "provisioningState" };
	const ov_json *v[6], *pv[1];
	const struct arm_ctx *c = ex->arm;

	(void)e;
	if (c->resource_group == NULL)
		RET(unknown(ex->a, "resourceGroup()"));
	v[0] = str(ex->a, ov__arena_printf(ex->a,
	    "/subscriptions/%s/resourceGroups/%s", c->subscription,
	    c->resource_group));
	v[1] = str(ex->a, c->resource_group);
	v[2] = str(ex->a, "Microsoft.Resources/resourceGroups");
	v[3] = c->location != NULL ? str(ex->a, c->location) :
	    unknown(ex->a, "resourceGroup().location");
	v[4] = ov_policy__unknown_as(ex->a, ov_policy__v_unknown(ex->a,
	    "resourceGroup().tags", 20), false);
	pv[0] = str(ex->a, "Succeeded");
	v[5] = obj(ex->a, pkeys, pv, 1);
	RET(obj(ex->a, keys, v, 6));
}

/* subscription() in a template: the placeholder scope. */
int
ov_policy__f_arm_sub(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	static const char *const keys[] = { "id", "subscriptionId",
	    "tenantId", "displayName" };
	const ov_json *v[4];
	const struct arm_ctx *c = ex->arm;

	(void)e;
	v[0] = str(ex->a, ov__arena_printf(ex->a, "/subscriptions/%s",
	    c->subscription));
	v[1] = str(ex->a, c->subscription);
	v[2] = str(ex->a, c->tenant);
	v[3] = unknown(ex->a, "subscription().displayName");
	RET(obj(ex->a, keys, v, 4));
}

/* ---- resource ids ----------------------------------------------------- */

/*
 * Append "/providers/<ns>/<t1>/<n1>/..." for a type and its names.  A
 * name holding '/' stands for several segments, as ARM allows.
 */
static int
put_type_names(struct evalx *ex, struct ov_buf *b, const ov_json *type,
    const ov_json **names, size_t n)
{
	const char *segs[OV_ARM_MAX_SEGS], *t, *slash;
	size_t seg_len[OV_ARM_MAX_SEGS], ns = 0, i, k = 0;
	struct ov_buf nb = OV_BUF_INIT(1 << 16);
	int error = 0;

	if (!S(type) || strchr(type->u.str, '/') == NULL)
		return ov_policy__fail(ex, "a resource type such as "
		    "'Microsoft.Storage/storageAccounts' is expected");
	for (i = 0; i < n; i++) {
		const char *s = ov_policy__to_text(ex->a, names[i], true);

		if (s == NULL)
			return OV_ENOMEM;
		if (i > 0)
			(void)ov__buf_putc(&nb, '/');
		(void)ov__buf_puts(&nb, s);
	}
	t = ov__buf_cstr(&nb);
	while (*t != '\0' && ns < OV_ARM_MAX_SEGS) {
		slash = strchr(t, '/');
		seg_len[ns] = slash != NULL ? (size_t)(slash - t) : strlen(t);
		segs[ns++] = t;
		if (slash == NULL)
			break;
		t = slash + 1;
	}
	t = type->u.str;
	slash = strchr(t, '/');
	error = ov__buf_printf(b, "/providers/%.*s", (int)(slash - t), t);
	t = slash + 1;
	while (error == 0 && *t != '\0') {
		slash = strchr(t, '/');
		error = ov__buf_printf(b, "/%.*s/", slash != NULL ?
		    (int)(slash - t) : (int)strlen(t), t);
		if (error == 0 && k < ns)
			error = ov__buf_add(b, segs[k], seg_len[k]);
		k++;
		if (slash == NULL)
			break;
		t = slash + 1;
	}
	/* Names beyond the type's segments extend the last one. */
	for (; error == 0 && k < ns; k++)
		error = ov__buf_printf(b, "/%.*s", (int)seg_len[k], segs[k]);
	ov__buf_free(&nb);
	return error < 0 ? OV_ENOMEM : 0;
}

/* prefix + "/providers/<type>/<names>": argv[0] is the type. */
static int
make_id(struct evalx *ex, const char *prefix, const ov_json **argv,
    size_t argc, const ov_json **out)
{
	struct ov_buf b = OV_BUF_INIT(1 << 16);
	int error;

	if (prefix == NULL)
		return OV_ENOMEM;
	/* A trailing slash of the prefix would double up. */
	if ((error = ov__buf_add(&b, prefix, strlen(prefix) -
	    (*prefix != '\0' && prefix[strlen(prefix) - 1] == '/'))) == 0)
		error = put_type_names(ex, &b, argc > 0 ? ARG(0) : NULL,
		    argv + 1, argc > 0 ? argc - 1 : 0);
	if (error == 0 && (*out = ov_policy__v_str(ex->a, ov__buf_cstr(&b),
	    b.len)) == NULL)
		error = OV_ENOMEM;
	ov__buf_free(&b);
	return error;
}

/*
 * The index of the first argument that is a resource type, among the
 * first most + 1; argc when there is none.
 */
static size_t
type_arg(const ov_json **argv, size_t argc, size_t most)
{
	size_t i;

	for (i = 0; i < argc && i <= most; i++)
		if (S(ARG(i)) && strchr(ARG(i)->u.str, '/') != NULL &&
		    strchr(ARG(i)->u.str, '.') != NULL)
			return i;
	return argc;
}

/* resourceId([subscriptionId], [resourceGroupName], type, names...) */
int
ov_policy__f_resourceid(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	const struct arm_ctx *c = ex->arm;
	const char *sub, *rg;
	size_t t;
	int error;

	if ((error = need_arm(ex, e)) < 0)
		return error;
	if ((t = type_arg(argv, argc, 2)) == argc)
		return ov_policy__fail(ex, "resourceId() needs a resource "
		    "type");
	sub = t == 2 ? ov_policy__to_text(ex->a, ARG(0), true) :
	    c->subscription;
	rg = t == 2 ? ov_policy__to_text(ex->a, ARG(1), true) : t == 1 ?
	    ov_policy__to_text(ex->a, ARG(0), true) : c->resource_group;
	/* Above a resource group, the id is the deployment's level. */
	if (t < 2 && (c->scope == ARM_SCOPE_TENANT || c->scope ==
	    ARM_SCOPE_MG))
		return make_id(ex, "", argv + t, argc - t, out);
	if ((c->scope == ARM_SCOPE_SUB && t == 0) || rg == NULL)
		return make_id(ex, ov__arena_printf(ex->a, "/subscriptions/%s",
		    sub), argv + t, argc - t, out);
	return make_id(ex, ov__arena_printf(ex->a,
	    "/subscriptions/%s/resourceGroups/%s", sub, rg), argv + t,
	    argc - t, out);
}

/* subscriptionResourceId([subscriptionId], type, names...) */
int
ov_policy__f_subresourceid(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	size_t t;
	int error;

	if ((error = need_arm(ex, e)) < 0)
		return error;
	if ((t = type_arg(argv, argc, 1)) == argc)
		return ov_policy__fail(ex, "%s() needs a resource type",
		    e->name);
	return make_id(ex, ov__arena_printf(ex->a, "/subscriptions/%s",
	    t == 1 ? ov_policy__to_text(ex->a, ARG(0), true) :
	    ex->arm->subscription), argv + t, argc - t, out);
}

/* tenantResourceId(type, names...) */
int
ov_policy__f_tenantresourceid(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	int error;

	if ((error = need_arm(ex, e)) < 0)
		return error;
	return make_id(ex, "", argv, argc, out);
}

/* managementGroupResourceId([managementGroupId], type, names...) */
int
ov_policy__f_mgresourceid(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	const char *mg;
	size_t t;
	int error;

	if ((error = need_arm(ex, e)) < 0)
		return error;
	if ((t = type_arg(argv, argc, 1)) == argc)
		return ov_policy__fail(ex, "%s() needs a resource type",
		    e->name);
	mg = t == 1 ? ov_policy__to_text(ex->a, ARG(0), true) :
	    ex->arm->mgmt_group;
	if (mg == NULL)
		RET(unknown(ex->a, "managementGroupResourceId()"));
	return make_id(ex, ov__arena_printf(ex->a,
	    "/providers/Microsoft.Management/managementGroups/%s", mg),
	    argv + t, argc - t, out);
}

/* extensionResourceId(resourceId, type, names...) */
int
ov_policy__f_extresourceid(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	int error;

	if ((error = need_arm(ex, e)) < 0)
		return error;
	if (!S(ARG(0)))
		return ov_policy__fail(ex, "%s() needs the id of the resource "
		    "it extends", e->name);
	return make_id(ex, ARG(0)->u.str, argv + 1, argc - 1, out);
}

/* ---- values known only at deployment ---------------------------------- */

/*
 * reference(), list*(), newGuid(), pickZones(), providers(), and the
 * functions overvisor does not know: their result exists only once the
 * deployment runs.
 */
int
ov_policy__f_deploy_unknown(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	(void)argv;
	(void)argc;
	RET(unknown(ex->a, ov__arena_printf(ex->a, "%s()", e->name)));
}

/* utcNow() in a template: the clock in a parameter default, else unknown. */
int
ov_policy__f_deploytime(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	char buf[32];
	int64_t now = ov_ctx_now(ex->ctx);
	const char *fmt = argc > 0 && S(ARG(0)) ? ARG(0)->u.str : "";

	if (!ex->arm->in_default)
		RET(unknown(ex->a, "utcNow()"));
	ov__time_format(now, buf, sizeof(buf));
	if (strcmp(fmt, "d") == 0)
		RET(ov_policy__v_str(ex->a, buf, 10));
	if (strcmp(fmt, "u") == 0) {
		buf[10] = ' ';
		RET(ov_policy__v_str(ex->a, buf, strlen(buf)));
	}
	if (*fmt == '\0') {
		char iso[40];

		/* utcNow()'s default format: yyyyMMddTHHmmssZ. */
		snprintf(iso, sizeof(iso), "%.4s%.2s%.2sT%.2s%.2s%.2sZ", buf,
		    buf + 5, buf + 8, buf + 11, buf + 14, buf + 17);
		RET(ov_policy__v_str(ex->a, iso, strlen(iso)));
	}
	(void)e;
	RET(ov_policy__v_str(ex->a, buf, strlen(buf)));
}

/* ---- dates ------------------------------------------------------------ */

/* dateTimeToEpoch(dateTime) */
int
ov_policy__f_epoch_to(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	char iso[32];
	int64_t t;

	if (!S(ARG(0)))
		return ov_policy__fail(ex, "%s() expects a date", e->name);
	/* utcNow()'s default format is the basic one, yyyyMMddTHHmmssZ. */
	if (ARG(0)->len == 16 && ARG(0)->u.str[8] == 'T') {
		const char *b = ARG(0)->u.str;

		snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", b,
		    b + 4, b + 6, b + 9, b + 11, b + 13);
		if (ov__time_parse(iso, strlen(iso), &t))
			RET(ov_policy__v_int(ex->a, t));
	}
	if (!ov__time_parse(ARG(0)->u.str, ARG(0)->len, &t))
		return ov_policy__fail(ex, "%s() expects an ISO 8601 date",
		    e->name);
	RET(ov_policy__v_int(ex->a, t));
}

/* dateTimeFromEpoch(seconds) */
int
ov_policy__f_epoch_from(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	char buf[32];
	int64_t t;

	if (!ov_policy__int(ARG(0), &t))
		return ov_policy__fail(ex, "%s() expects an integer",
		    e->name);
	ov__time_format(t, buf, sizeof(buf));
	RET(ov_policy__v_str(ex->a, buf, strlen(buf)));
}

/* ---- lambdas ---------------------------------------------------------- */

/* lambda(...) evaluated on its own: only the higher-order functions call
 * it. */
int
ov_policy__f_lambda(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	(void)argv;
	(void)argc;
	(void)out;
	(void)e;
	return ov_policy__fail(ex, "lambda() is only valid as an argument "
	    "of filter, map, reduce, sort, toObject, mapValues or groupBy");
}

/* lambdaVariables('name') */
int
ov_policy__f_lambdavars(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	int i;

	if (!S(ARG(0)))
		return ov_policy__fail(ex, "%s() expects a name", e->name);
	for (i = ex->n_lam - 1; i >= 0; i--)
		if (ov__eq_ci(ex->lam[i].name, strlen(ex->lam[i].name),
		    ARG(0)->u.str, ARG(0)->len)) {
			*out = ex->lam[i].value;
			return 0;
		}
	return ov_policy__fail(ex, "no lambda variable '%s'", ARG(0)->u.str);
}

/* A lambda argument: its parameter names and its body. */
struct lambda {
	const char		*names[3];	/* parameter names */
	size_t			 n;		/* how many */
	const struct expr	*body;		/* the expression */
};

static int
get_lambda(struct evalx *ex, const struct expr *e, size_t i,
    struct lambda *l)
{
	const struct expr *x = i < e->nargs ? e->args[i] : NULL;
	size_t k;

	if (x == NULL || x->kind != EX_CALL || x->fn < 0 ||
	    strcmp(ov_policy__fns[x->fn].name, "lambda") != 0 ||
	    x->nargs < 2 || x->nargs > 4)
		return ov_policy__fail(ex, "%s() expects a lambda", e->name);
	l->n = x->nargs - 1u;
	for (k = 0; k < l->n; k++) {
		if (x->args[k]->kind != EX_CONST ||
		    !ov_json_is_string(x->args[k]->cval))
			return ov_policy__fail(ex, "lambda parameters must be "
			    "names");
		l->names[k] = x->args[k]->cval->u.str;
	}
	l->body = x->args[l->n];
	return 0;
}

/* Evaluate a lambda's body with up to three arguments bound. */
static int
call_lambda(struct evalx *ex, const struct lambda *l, const ov_json *a0,
    const ov_json *a1, const ov_json *a2, const ov_json **out)
{
	const ov_json *args[3] = { a0, a1, a2 };
	int base = ex->n_lam, error;
	size_t k;

	if (ex->n_lam + (int)l->n > EVAL_MAX_LAMBDA)
		return ov_policy__fail(ex, "lambdas nested too deeply");
	for (k = 0; k < l->n; k++) {
		ex->lam[ex->n_lam].name = l->names[k];
		ex->lam[ex->n_lam].value = args[k] != NULL ? args[k] :
		    &ov_policy__v_null;
		ex->n_lam++;
	}
	error = ov_policy__eval_expr(ex, l->body, out);
	ex->n_lam = base;
	return error;
}

static bool
is_true(const ov_json *v)
{
	return v != NULL && v->type == OV_JSON_TRUE;
}

/* The members of an object as {key, value} pairs, sorted by key. */
static int
item_pairs(struct evalx *ex, const ov_json *o, const ov_json ***items_out)
{
	static const char *const keys[] = { "key", "value" };
	const ov_json **items, *kv[2];
	size_t i, j;

	items = ov__arena_calloc(ex->a, o->len + 1, sizeof(*items));
	if (items == NULL)
		return OV_ENOMEM;
	for (i = 0; i < o->len; i++) {
		kv[0] = ov_policy__v_str(ex->a, o->u.members[i].key,
		    o->u.members[i].klen);
		kv[1] = &o->u.members[i].value;
		if ((items[i] = obj(ex->a, keys, kv, 2)) == NULL)
			return OV_ENOMEM;
	}
	/* Insertion sort: objects are small. */
	for (i = 1; i < o->len; i++) {
		const ov_json *x = items[i];

		for (j = i; j > 0 && ov__strcmp_ci(items[j - 1]->u.members[0].
		    value.u.str, x->u.members[0].value.u.str) > 0; j--)
			items[j] = items[j - 1];
		items[j] = x;
	}
	*items_out = items;
	return 0;
}

/* items(object) */
int
ov_policy__f_items(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	const ov_json **items;
	int error;

	if (!O(ARG(0)))
		return ov_policy__fail(ex, "%s() expects an object", e->name);
	if ((error = item_pairs(ex, ARG(0), &items)) < 0)
		return error;
	RET(ov_policy__v_array(ex->a, items, ARG(0)->len));
}

static int
hof_filter_map(struct evalx *ex, const struct expr *e, const ov_json *arr,
    const struct lambda *l, bool map, const ov_json **out)
{
	const ov_json **items, *v, *idx;
	size_t i, n = 0;
	int error;

	items = ov__arena_calloc(ex->a, arr->len + 1, sizeof(*items));
	if (items == NULL)
		return OV_ENOMEM;
	for (i = 0; i < arr->len; i++) {
		if ((idx = ov_policy__v_int(ex->a, (int64_t)i)) == NULL)
			return OV_ENOMEM;
		if ((error = call_lambda(ex, l, &arr->u.items[i], idx, NULL,
		    &v)) < 0)
			return error;
		if (map) {
			items[n++] = v;
			continue;
		}
		if (ov_policy__is_unknown(v))
			RET(ov_policy__unknown_as(ex->a, v, true));
		if (is_true(v))
			items[n++] = &arr->u.items[i];
	}
	(void)e;
	RET(ov_policy__v_array(ex->a, items, n));
}

static int
hof_sort(struct evalx *ex, const ov_json *arr, const struct lambda *l,
    const ov_json **out)
{
	const ov_json **items, *v, *x;
	size_t i, j;
	int error;

	items = ov__arena_calloc(ex->a, arr->len + 1, sizeof(*items));
	if (items == NULL)
		return OV_ENOMEM;
	/* Insertion sort: stable, and the comparator is a lambda. */
	for (i = 0; i < arr->len; i++) {
		x = &arr->u.items[i];
		for (j = i; j > 0; j--) {
			if ((error = call_lambda(ex, l, x, items[j - 1], NULL,
			    &v)) < 0)
				return error;
			if (ov_policy__is_unknown(v))
				RET(ov_policy__unknown_as(ex->a, v, true));
			if (!is_true(v))
				break;
			items[j] = items[j - 1];
		}
		items[j] = x;
	}
	RET(ov_policy__v_array(ex->a, items, arr->len));
}

static int
hof_to_object(struct evalx *ex, const struct expr *e, const ov_json *arr,
    const ov_json **out)
{
	struct lambda kl, vl;
	const char **keys;
	const ov_json **vals, *k;
	size_t i;
	int error;

	if ((error = get_lambda(ex, e, 1, &kl)) < 0)
		return error;
	if (e->nargs > 2 && (error = get_lambda(ex, e, 2, &vl)) < 0)
		return error;
	keys = ov__arena_calloc(ex->a, arr->len + 1, sizeof(*keys));
	vals = ov__arena_calloc(ex->a, arr->len + 1, sizeof(*vals));
	if (keys == NULL || vals == NULL)
		return OV_ENOMEM;
	for (i = 0; i < arr->len; i++) {
		if ((error = call_lambda(ex, &kl, &arr->u.items[i], NULL, NULL,
		    &k)) < 0)
			return error;
		if (ov_policy__is_unknown(k))
			RET(ov_policy__unknown_as(ex->a, k, true));
		if ((keys[i] = ov_policy__to_text(ex->a, k, true)) == NULL)
			return OV_ENOMEM;
		vals[i] = &arr->u.items[i];
		if (e->nargs > 2 && (error = call_lambda(ex, &vl,
		    &arr->u.items[i], NULL, NULL, &vals[i])) < 0)
			return error;
	}
	RET(ov_policy__v_object(ex->a, keys, vals, arr->len));
}

static int
hof_group_by(struct evalx *ex, const ov_json *arr, const struct lambda *l,
    const ov_json **out)
{
	struct ov_map seen = OV_MAP_INIT_CS;	/* key -> group number + 1 */
	const char **keys;
	const ov_json **vals, *k, **members;
	size_t i, g, n = 0, *group, *start;
	int error = 0;

	keys = ov__arena_calloc(ex->a, arr->len + 1, sizeof(*keys));
	vals = ov__arena_calloc(ex->a, arr->len + 1, sizeof(*vals));
	members = ov__arena_calloc(ex->a, arr->len + 1, sizeof(*members));
	group = ov__arena_calloc(ex->a, arr->len + 1, sizeof(*group));
	start = ov__arena_calloc(ex->a, arr->len + 2, sizeof(*start));
	if (keys == NULL || vals == NULL || members == NULL ||
	    group == NULL || start == NULL)
		return OV_ENOMEM;
	for (i = 0; i < arr->len; i++) {
		if ((error = call_lambda(ex, l, &arr->u.items[i], NULL, NULL,
		    &k)) < 0)
			return error;
		if (ov_policy__is_unknown(k))
			RET(ov_policy__unknown_as(ex->a, k, true));
		if ((keys[i] = ov_policy__to_text(ex->a, k, true)) == NULL)
			return OV_ENOMEM;
	}
	/*
	 * Keys in first-seen order, each with its members in array order:
	 * number the groups with one hash lookup per element, then lay the
	 * members out group by group.
	 */
	for (i = 0; i < arr->len; i++) {
		const char *key = keys[i];
		size_t klen = strlen(key);

		g = (size_t)(uintptr_t)ov__map_get(&seen, key, klen);
		if (g == 0) {
			g = ++n;
			keys[n - 1] = key;	/* n - 1 <= i: already read */
			if (ov__map_put(&seen, key, klen, (void *)(uintptr_t)g)
			    < 0) {
				error = OV_ENOMEM;
				goto done;
			}
		}
		group[i] = g - 1;
		start[g]++;
	}
	for (g = 1; g <= n; g++)
		start[g] += start[g - 1];
	for (i = 0; i < arr->len; i++)
		members[start[group[i]]++] = &arr->u.items[i];
	/* start[g] now ends group g; group g begins where g - 1 ends. */
	for (g = 0; g < n; g++) {
		size_t from = g > 0 ? start[g - 1] : 0;

		if ((vals[g] = ov_policy__v_array(ex->a, members + from,
		    start[g] - from)) == NULL) {
			error = OV_ENOMEM;
			goto done;
		}
	}
	*out = ov_policy__v_object(ex->a, keys, vals, n);
	if (*out == NULL)
		error = OV_ENOMEM;
done:
	ov__map_free(&seen);
	return error;
}

/*
 * filter, map, reduce, sort, toObject, mapValues and groupBy: they
 * evaluate their own arguments, since the lambda is not a value.
 */
int
ov_policy__f_higher(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	const char *name = ov_policy__fns[e->fn].name;
	const ov_json *in, *acc, *idx;
	struct lambda l;
	size_t i;
	int error;

	(void)argv;
	(void)argc;
	if (e->nargs < 2)
		return ov_policy__fail(ex, "%s() needs a lambda", name);
	if ((error = ov_policy__eval_expr(ex, e->args[0], &in)) < 0)
		return error;
	if (ov_policy__is_unknown(in))
		RET(ov_policy__unknown_as(ex->a, in, true));
	if (strcmp(name, "mapValues") == 0) {
		if (!O(in))
			return ov_policy__fail(ex, "%s() expects an object",
			    name);
		if ((error = get_lambda(ex, e, 1, &l)) < 0)
			return error;
		{
			const char **keys = ov__arena_calloc(ex->a,
			    in->len + 1, sizeof(*keys));
			const ov_json **vals = ov__arena_calloc(ex->a,
			    in->len + 1, sizeof(*vals));

			if (keys == NULL || vals == NULL)
				return OV_ENOMEM;
			for (i = 0; i < in->len; i++) {
				keys[i] = in->u.members[i].key;
				if ((error = call_lambda(ex, &l,
				    &in->u.members[i].value, NULL, NULL,
				    &vals[i])) < 0)
					return error;
			}
			RET(ov_policy__v_object(ex->a, keys, vals, in->len));
		}
	}
	if (in == NULL || in->type == OV_JSON_NULL)
		RET(ov_policy__v_array(ex->a, NULL, 0));
	if (!A(in))
		return ov_policy__fail(ex, "%s() expects an array", name);
	if (strcmp(name, "toObject") == 0)
		return hof_to_object(ex, e, in, out);
	if (strcmp(name, "reduce") == 0) {
		if (e->nargs < 3)
			return ov_policy__fail(ex, "reduce() needs an initial "
			    "value and a lambda");
		if ((error = ov_policy__eval_expr(ex, e->args[1], &acc)) < 0 ||
		    (error = get_lambda(ex, e, 2, &l)) < 0)
			return error;
		for (i = 0; i < in->len; i++) {
			if ((idx = ov_policy__v_int(ex->a, (int64_t)i)) == NULL)
				return OV_ENOMEM;
			if ((error = call_lambda(ex, &l, acc,
			    &in->u.items[i], idx, &acc)) < 0)
				return error;
		}
		*out = acc;
		return 0;
	}
	if ((error = get_lambda(ex, e, 1, &l)) < 0)
		return error;
	if (strcmp(name, "sort") == 0)
		return hof_sort(ex, in, &l, out);
	if (strcmp(name, "groupBy") == 0)
		return hof_group_by(ex, in, &l, out);
	return hof_filter_map(ex, e, in, &l, strcmp(name, "map") == 0, out);
}

/*
 * Check that arr is an array of type items and add up their lengths;
 * 1 (with *out the unknown) when an item is known only at deployment.
 */
static int
items_of(struct evalx *ex, const struct expr *e, const ov_json *arr,
    ov_json_type type, size_t *total, const ov_json **out)
{
	size_t i;

	if (!A(arr))
		return ov_policy__fail(ex, "%s() expects an array", e->name);
	for (i = 0; i < arr->len; i++) {
		const ov_json *x = &arr->u.items[i];

		if (ov_policy__is_unknown(x)) {
			if ((*out = ov_policy__unknown_as(ex->a, x,
			    true)) == NULL)
				return OV_ENOMEM;
			return 1;
		}
		if (x->type != type)
			return ov_policy__fail(ex, "%s() expects %s", e->name,
			    type == OV_JSON_ARRAY ? "arrays" : "objects");
		*total += x->len;
	}
	return 0;
}

/* flatten(arrayOfArrays) */
int
ov_policy__f_flatten(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	const ov_json **items;
	size_t i, j, n = 0, total = 0;
	int error;

	if ((error = items_of(ex, e, ARG(0), OV_JSON_ARRAY, &total, out)) != 0)
		return error > 0 ? 0 : error;
	if ((items = ov__arena_calloc(ex->a, total + 1, sizeof(*items))) ==
	    NULL)
		return OV_ENOMEM;
	for (i = 0; i < ARG(0)->len; i++)
		for (j = 0; j < ARG(0)->u.items[i].len; j++)
			items[n++] = &ARG(0)->u.items[i].u.items[j];
	RET(ov_policy__v_array(ex->a, items, n));
}

/* shallowMerge(arrayOfObjects) */
int
ov_policy__f_shallowmerge(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	const char **keys;
	const ov_json **vals;
	size_t i, j, n = 0, total = 0;
	int error;

	if ((error = items_of(ex, e, ARG(0), OV_JSON_OBJECT, &total,
	    out)) != 0)
		return error > 0 ? 0 : error;
	keys = ov__arena_calloc(ex->a, total + 1, sizeof(*keys));
	vals = ov__arena_calloc(ex->a, total + 1, sizeof(*vals));
	if (keys == NULL || vals == NULL)
		return OV_ENOMEM;
	for (i = 0; i < ARG(0)->len; i++)
		for (j = 0; j < ARG(0)->u.items[i].len; j++) {
			keys[n] = ARG(0)->u.items[i].u.members[j].key;
			vals[n++] = &ARG(0)->u.items[i].u.members[j].value;
		}
	RET(ov_policy__v_object(ex->a, keys, vals, n));
}

/* ns.fn(args): a user-defined function of the template. */
int
ov_policy__f_udf(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out)
{
	int error;

	if ((error = need_arm(ex, e)) < 0)
		return error;
	return ex->arm->udf(ex->arm->payload, ex, e->name, argv, argc, out);
}
