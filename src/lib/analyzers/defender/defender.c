/* SPDX-License-Identifier: MIT */
/*
 * defender: the defender-triage duty.  Reads Defender for Cloud pricings
 * (plans), assessments, governance assignments and security alerts.
 *
 * An unhealthy assessment's clock starts at status.statusChangeDate (when
 * it turned unhealthy), falling back to firstEvaluationDate; an alert's at
 * startTimeUtc, falling back to timeGeneratedUtc.  The triage SLA is the
 * contract's defender-triage SLA for the item's severity.
 *
 * Assessments are what an estate has most of: the checks read them only
 * through a packed view (struct def_assess), built from the whole body
 * while a streaming load has it (ov_retain__pack) and kept instead of
 * any JSON of them; over a snapshot loaded whole the same function reads
 * the view from the body, borrowing its strings.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/analyzers/analyzer.h"
#include "lib/raci/contract.h"
#include "lib/analyzers/duty.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/time.h"

#define T_PRICING	"Microsoft.Security/pricings"
#define T_ASSESS	"Microsoft.Security/assessments"
#define T_GOV		"Microsoft.Security/assessments/governanceAssignments"
#define T_ALERT		"Microsoft.Security/locations/alerts"
#define T_ALERT2	"Microsoft.Security/alerts"

#define SRC		"defender"
#define DUTY		OV_DUTY_DEFENDER_TRIAGE

/* Defender plans and the resource types they protect. */
static const struct {
	const char	*plan;
	ov_severity	 sev;
	const char	*types[5];
} plans[] = {
	{ "VirtualMachines", OV_SEV_HIGH, { "Microsoft.Compute/virtualMachines",
	    "Microsoft.Compute/virtualMachineScaleSets",
	    "Microsoft.HybridCompute/machines", NULL } },
	{ "SqlServers", OV_SEV_HIGH, { "Microsoft.Sql/servers",
	    "Microsoft.Sql/managedInstances", NULL } },
	{ "SqlServerVirtualMachines", OV_SEV_MEDIUM,
	    { "Microsoft.SqlVirtualMachine/sqlVirtualMachines", NULL } },
	{ "StorageAccounts", OV_SEV_HIGH,
	    { "Microsoft.Storage/storageAccounts", NULL } },
	{ "KeyVaults", OV_SEV_HIGH, { "Microsoft.KeyVault/vaults", NULL } },
	{ "AppServices", OV_SEV_MEDIUM, { "Microsoft.Web/sites", NULL } },
	{ "Containers", OV_SEV_HIGH,
	    { "Microsoft.ContainerService/managedClusters",
	    "Microsoft.ContainerRegistry/registries", NULL } },
	{ "OpenSourceRelationalDatabases", OV_SEV_MEDIUM,
	    { "Microsoft.DBforPostgreSQL/flexibleServers",
	    "Microsoft.DBforPostgreSQL/servers",
	    "Microsoft.DBforMySQL/flexibleServers",
	    "Microsoft.DBforMySQL/servers",
	    "Microsoft.DBforMariaDB/servers" } },
	{ "CosmosDbs", OV_SEV_MEDIUM,
	    { "Microsoft.DocumentDB/databaseAccounts", NULL } },
	{ "Api", OV_SEV_MEDIUM, { "Microsoft.ApiManagement/service", NULL } },
};
#define N_PLANS (sizeof(plans) / sizeof(plans[0]))

/* Age buckets, in days: 0-7, 8-30, 31-90, 91-365, >365. */
static const int64_t bucket_max[] = { 7, 30, 90, 365, INT64_MAX };
static const char *const bucket_name[] = { "0-7d", "8-30d", "31-90d",
	"91-365d", ">365d" };
#define N_BUCKETS 5

/* Room for an affected resource id taken from an assessment's id. */
#define RID_MAX		1024

/* The security part of an assessment id: its resource id precedes it. */
#define SEC_MARKER	"/providers/Microsoft.Security/"

/* status.code of an assessment. */
enum def_code {
	DEF_CODE_NONE = 0,	/* not a string: indeterminate */
	DEF_CODE_OTHER,		/* Healthy, NotApplicable ...: no duty */
	DEF_CODE_UNHEALTHY
};

/*
 * What the checks read of an assessment.  Strings are NULL where the body
 * has no string (owner: no non-empty one).  A view that is not unhealthy
 * holds nothing but its code.
 */
struct def_assess {
	const char	*label;		/* properties.displayName */
	const char	*rid;		/* properties.resourceDetails.id, else
					   .ResourceId; NULL also when it is
					   the resource part of the record's
					   id (id_resource) */
	const char	*owner;		/* properties.assignedTo, else
					   properties.owner */
	int64_t		 started;	/* status.statusChangeDate, else
					   status.firstEvaluationDate; 0:
					   neither is a timestamp */
	uint8_t		 code;		/* enum def_code */
	uint8_t		 sev;		/* metadata.severity (ov_severity),
					   medium when unknown */
};

struct def_state {
	struct ov_analyzer_ctx	*actx;
	struct ov_map		 gov;		/* assessment id -> governance */
	size_t			 buckets[N_BUCKETS]; /* open items by age */
	size_t			 n_open;	/* all open items */
	size_t			 n_overdue;	/* past the SLA */
	size_t			 n_unowned;	/* high severity, no owner */
};

static int
age_bucket(int64_t age_seconds)
{
	int64_t days = ov_duty__days(age_seconds);
	int i;

	for (i = 0; i < N_BUCKETS; i++)
		if (days <= bucket_max[i])
			return i;
	return N_BUCKETS - 1;
}

/* Layer of the affected resource. */
static ov_layer
layer_for(const char *rid)
{
	if (rid == NULL)
		return OV_LAYER_APPLICATIONS;
	if (ov_duty__contains_ci(rid, "Microsoft.Compute/") ||
	    ov_duty__contains_ci(rid, "Microsoft.HybridCompute/"))
		return OV_LAYER_OPERATING_SYSTEM;
	if (ov_duty__contains_ci(rid, "Microsoft.Network/"))
		return OV_LAYER_NETWORK_CONTROLS;
	if (ov_duty__contains_ci(rid, "Microsoft.Storage/") ||
	    ov_duty__contains_ci(rid, "Microsoft.Sql/") ||
	    ov_duty__contains_ci(rid, "Microsoft.DocumentDB/") ||
	    ov_duty__contains_ci(rid, "Microsoft.DBfor") ||
	    ov_duty__contains_ci(rid, "Microsoft.KeyVault/"))
		return OV_LAYER_INFORMATION_AND_DATA;
	if (ov_duty__contains_ci(rid, "/providers/") == false)
		return OV_LAYER_ACCOUNTS_AND_IDENTITIES;  /* subscription */
	return OV_LAYER_APPLICATIONS;
}

static ov_severity
sev_of(const char *s, ov_severity dflt)
{
	if (s == NULL)
		return dflt;
	if (ov__streq_ci(s, "Critical"))
		return OV_SEV_CRITICAL;
	if (ov__streq_ci(s, "High"))
		return OV_SEV_HIGH;
	if (ov__streq_ci(s, "Medium"))
		return OV_SEV_MEDIUM;
	if (ov__streq_ci(s, "Low"))
		return OV_SEV_LOW;
	if (ov__streq_ci(s, "Informational") || ov__streq_ci(s, "Info"))
		return OV_SEV_INFO;
	return dflt;
}

static const char *
owner_tag(const struct ov_record *r)
{
	static const char *const names[] = { "owner", "technicalOwner",
		"technical-owner", "owner-email", "contact" };
	size_t i;
	const char *v;

	for (i = 0; r != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if ((v = ov_model__tag(r, names[i])) != NULL && *v != '\0')
			return v;
	return NULL;
}

/* The string at path of body, or NULL. */
static const char *
body_str(const ov_json *body, const char *path)
{
	return ov_json_string(ov_json_path(body, path));
}

/* An item's own owner: its assignee, else its owner (non-empty); NULL. */
static const char *
own_owner(const ov_json *body)
{
	const char *o;

	if ((o = body_str(body, "properties.assignedTo")) != NULL &&
	    *o != '\0')
		return o;
	if ((o = body_str(body, "properties.owner")) != NULL && *o != '\0')
		return o;
	return NULL;
}

/*
 * Who owns an assessment or alert: its governance assignment's owner,
 * else its own (own_owner), else the affected resource's owner tag; NULL
 * when nobody.
 */
static const char *
item_owner(struct def_state *st, const struct ov_record *item,
    const char *own, const char *resource_id)
{
	const struct ov_record *g, *res;
	const char *o;

	g = ov__map_get(&st->gov, item->id, strlen(item->id));
	if ((o = ov_model__str(g, "properties.owner")) != NULL && *o != '\0')
		return o;
	if (own != NULL)
		return own;
	res = resource_id != NULL ? ov_model__by_id(st->actx->snap,
	    resource_id) : NULL;
	return owner_tag(res);
}

/*
 * The resource part of an assessment id (before SEC_MARKER) in buf, or
 * NULL when there is none or it does not fit.
 */
static const char *
id_resource(const char *id, char *buf, size_t size)
{
	size_t n = ov_duty__prefix_len(id, SEC_MARKER);

	if (n == 0 || n >= size)
		return NULL;
	memcpy(buf, id, n);
	buf[n] = '\0';
	return buf;
}

/*
 * The view of the assessment with id and body, its strings borrowed from
 * body; only the code of one that is not unhealthy.  A resource id equal
 * to what id_resource() derives from the id is left NULL: the same text,
 * without a copy of it.
 */
static void
assess_read(struct def_assess *a, const char *id, const ov_json *body)
{
	const char *code = body_str(body, "properties.status.code");
	size_t n;

	memset(a, 0, sizeof(*a));
	a->code = code == NULL ? DEF_CODE_NONE : ov__streq_ci(code,
	    "Unhealthy") ? DEF_CODE_UNHEALTHY : DEF_CODE_OTHER;
	if (a->code != DEF_CODE_UNHEALTHY)
		return;		/* nothing else is read of it */
	a->label = body_str(body, "properties.displayName");
	a->rid = body_str(body, "properties.resourceDetails.id");
	if (a->rid == NULL)
		a->rid = body_str(body,
		    "properties.resourceDetails.ResourceId");
	n = ov_duty__prefix_len(id, SEC_MARKER);
	if (a->rid != NULL && n > 0 && n < RID_MAX && strlen(a->rid) == n &&
	    memcmp(a->rid, id, n) == 0)
		a->rid = NULL;
	a->owner = own_owner(body);
	if (!ov_duty__time(ov_json_path(body,
	    "properties.status.statusChangeDate"), &a->started))
		(void)ov_duty__time(ov_json_path(body,
		    "properties.status.firstEvaluationDate"), &a->started);
	a->sev = (uint8_t)sev_of(body_str(body,
	    "properties.metadata.severity"), OV_SEV_MEDIUM);
}

/*
 * Pack an assessment (struct def_assess): an unhealthy one in in's arena,
 * any other as one of the constant views that hold only a code.
 */
static const void *
pack_assess(struct ov_intern *in, const struct ov_record *r,
    const ov_json *body)
{
	static const struct def_assess none = { .code = DEF_CODE_NONE };
	static const struct def_assess other = { .code = DEF_CODE_OTHER };
	struct def_assess v, *a;

	assess_read(&v, r->id, body);
	if (v.code == DEF_CODE_NONE)
		return &none;
	if (v.code == DEF_CODE_OTHER)
		return &other;
	if ((a = ov_intern__alloc(in, sizeof(*a))) == NULL)
		return NULL;
	*a = v;
	if (!ov_intern__keep(in, &a->label, false) ||
	    !ov_intern__keep(in, &a->rid, false) ||
	    !ov_intern__keep(in, &a->owner, false))
		return NULL;
	return a;
}

/* The view of assessment r: the load's, else read from its body in *tmp. */
static const struct def_assess *
assess_of(const struct ov_record *r, struct def_assess *tmp)
{
	if (r->packed != NULL)
		return r->packed;
	assess_read(tmp, r->id, r->body);
	return tmp;
}

static const char *
alert_resource(const struct ov_record *a)
{
	const ov_json *ids = ov_model__field(a, "properties.resourceIdentifiers");
	size_t i;

	for (i = 0; i < ov_json_len(ids); i++) {
		const char *r = ov_json_string(ov_json_get(ov_json_at(ids, i),
		    "azureResourceId"));

		if (r != NULL)
			return r;
	}
	return NULL;
}

/* Common path for assessments and alerts. */
static int
check_item(struct def_state *st, const struct ov_record *item, bool alert,
    ov_severity sev, int64_t started, const char *resource_id,
    const char *label, const char *own)
{
	struct ov_analyzer_ctx *actx = st->actx;
	struct ov_duty_finding df;
	const char *owner = item_owner(st, item, own, resource_id);
	int64_t due;
	char ts[32];
	int error;

	st->n_open++;
	if (started != 0)
		st->buckets[age_bucket(actx->now - started)]++;
	if (alert)
		due = started != 0 ? started +
		    ov_contract__alert_sla_seconds(actx->contract, sev) : 0;
	else
		due = ov_contract__due(actx->contract, DUTY, sev, started);
	if (due == started)
		due = 0;	/* no SLA for this severity */
	if (started == 0 && (error = ov_analyzer__unknown(actx, alert ?
	    "OV-DEF-054" : "OV-DEF-053", item->id)) < 0)
		return error;	/* age unknown: overdue or not */
	if (started != 0 && due != 0 && actx->now > due) {
		st->n_overdue++;
		ov_duty__begin(&df, actx, alert ? "OV-DEF-054" : "OV-DEF-053",
		    item);
		ov_duty__severity(&df, sev);
		ov_duty__layer(&df, layer_for(resource_id));
		ov__time_format(started, ts, sizeof(ts));
		ov_duty__title(&df, "%s %s '%s' open %lld days, past the "
		    "triage SLA by %lld days", ov_severity_name(sev),
		    alert ? "alert" : "unhealthy assessment", label,
		    (long long)ov_duty__days(actx->now - started),
		    (long long)ov_duty__days(actx->now - due));
		ov_duty__ev_str(&df, alert ? "properties.startTimeUtc" :
		    "properties.status.statusChangeDate", ts, "open since");
		ov_duty__ev_str(&df, alert ? "properties.resourceIdentifiers" :
		    "properties.resourceDetails.id", resource_id,
		    "affected resource");
		ov_duty__ev_str(&df, "owner", owner, owner != NULL ?
		    "owner" : "no owner assigned");
		df.f.due = due;
		if ((error = ov_duty__emit(&df, started)) < 0)
			return error;
	}
	if (sev >= OV_SEV_HIGH && owner == NULL) {
		st->n_unowned++;
		ov_duty__begin(&df, actx, "OV-DEF-055", item);
		ov_duty__severity(&df, sev);
		ov_duty__layer(&df, layer_for(resource_id));
		df.f.resource_id = item->id;
		ov_duty__title(&df, "Nobody owns %s %s '%s'",
		    ov_severity_name(sev), alert ? "alert" :
		    "unhealthy assessment", label);
		ov_duty__ev(&df, alert ? "properties.assignedTo" :
		    "governanceAssignments", NULL, "no governance assignment, "
		    "assignee or owner tag on the affected resource");
		ov_duty__ev_str(&df, "resource", resource_id,
		    "affected resource");
		if ((error = ov_duty__emit(&df, started != 0 ? started :
		    actx->now)) < 0)
			return error;
	}
	return 0;
}

static int
index_gov(const struct ov_record *r, void *arg)
{
	struct def_state *st = arg;
	size_t n = ov_duty__prefix_len(r->id, "/governanceAssignments/");

	if (n == 0)
		return 0;
	return ov_duty__map_put(&st->gov, r->id, n, r);
}

static int
check_assessments(struct def_state *st)
{
	const struct ov_record_list *l = ov_model__by_type(st->actx->snap,
	    T_ASSESS);
	size_t i;
	int error;

	for (i = 0; i < l->len; i++) {
		const struct ov_record *a = l->items[i];
		struct def_assess tmp;
		const struct def_assess *v = assess_of(a, &tmp);
		char buf[RID_MAX];

		if (v->code == DEF_CODE_NONE && ((error = ov_analyzer__unknown(
		    st->actx, "OV-DEF-053", a->id)) < 0 ||
		    (error = ov_analyzer__unknown(st->actx, "OV-DEF-055",
		    a->id)) < 0))
			return error;
		if (v->code != DEF_CODE_UNHEALTHY)
			continue;
		if ((error = check_item(st, a, false, (ov_severity)v->sev,
		    v->started, v->rid != NULL ? v->rid : id_resource(a->id,
		    buf, sizeof(buf)), v->label != NULL ? v->label : a->name,
		    v->owner)) < 0)
			return error;
	}
	return 0;
}

static int
check_alert(const struct ov_record *a, void *arg)
{
	struct def_state *st = arg;
	const char *status = ov_model__str(a, "properties.status");
	const char *label = ov_model__str(a, "properties.alertDisplayName");
	int64_t started = 0;
	ov_severity sev;
	int error;

	if (status == NULL && ((error = ov_analyzer__unknown(st->actx,
	    "OV-DEF-054", a->id)) < 0 || (error = ov_analyzer__unknown(
	    st->actx, "OV-DEF-055", a->id)) < 0))
		return error;
	if (status == NULL || !ov__streq_ci(status, "Active"))
		return 0;	/* InProgress, Resolved, Dismissed */
	if (!ov_duty__rec_time(a, "properties.startTimeUtc", &started))
		(void)ov_duty__rec_time(a, "properties.timeGeneratedUtc",
		    &started);
	sev = sev_of(ov_model__str(a, "properties.severity"), OV_SEV_MEDIUM);
	return check_item(st, a, true, sev, started, alert_resource(a),
	    label != NULL ? label : a->name, own_owner(a->body));
}

/* True when subscription sub holds any record of type t. */
static bool
sub_has_type(const struct ov_snapshot *s, const char *sub, const char *t)
{
	return ov_model__by_type_sub(s, t, sub)->len > 0;
}

static int
check_plans(struct def_state *st)
{
	struct ov_analyzer_ctx *actx = st->actx;
	const struct ov_snapshot *s = actx->snap;
	const struct ov_record_list *pl = ov_model__by_type(s, T_PRICING);
	struct ov_duty_finding df;
	const char *inv = ov_model__source_status(s, "arg:resources");
	bool inventory = inv != NULL && ov__streq_ci(inv, "collected");
	size_t i, p, t;
	int error;

	for (i = 0; i < pl->len; i++) {
		const struct ov_record *r = pl->items[i];
		const char *tier = ov_model__str(r, "properties.pricingTier");
		const char *sub = r->place->subscription_id;
		const char *name = r->name;
		size_t n_present = 0;

		if ((tier == NULL || sub == NULL || name == NULL) &&
		    (error = ov_analyzer__unknown(actx, "OV-DEF-051",
		    r->id)) < 0)
			return error;
		if (tier == NULL || !ov__streq_ci(tier, "Free") ||
		    sub == NULL || name == NULL)
			continue;
		for (p = 0; p < N_PLANS; p++)
			if (ov__streq_ci(plans[p].plan, name))
				break;
		if (p == N_PLANS)
			continue;
		ov_duty__begin(&df, actx, "OV-DEF-051", r);
		ov_duty__severity(&df, plans[p].sev);
		ov_duty__layer(&df, layer_for(plans[p].types[0]));
		for (t = 0; t < 5 && plans[p].types[t] != NULL; t++)
			if (sub_has_type(s, sub, plans[p].types[t])) {
				n_present++;
				ov_duty__ev_str(&df, "resourceTypes",
				    plans[p].types[t], "present in the "
				    "subscription");
			}
		if (n_present == 0) {
			ov_duty__discard(&df);
			/* "nothing to protect" needs the whole inventory */
			if (!inventory && (error = ov_analyzer__unknown(actx,
			    "OV-DEF-051", r->id)) < 0)
				return error;
			continue;
		}
		ov_duty__title(&df, "Defender plan %s is off (Free) in "
		    "subscription %s although it has resources of that kind",
		    name, sub);
		ov_duty__ev_str(&df, "properties.pricingTier", tier,
		    "plan not enabled");
		if ((error = ov_duty__emit(&df, actx->now)) < 0)
			return error;
	}
	return 0;
}

static int
summary(struct def_state *st)
{
	struct ov_analyzer_ctx *actx = st->actx;
	struct ov_duty_finding df;
	char rid[160];
	int i;

	if (st->n_open == 0)
		return 0;
	snprintf(rid, sizeof(rid), "/tenants/%s/defender/backlog",
	    actx->snap->tenant_id != NULL ? actx->snap->tenant_id : "unknown");
	ov_duty__begin(&df, actx, "OV-DEF-056", NULL);
	df.f.resource_id = rid;
	df.f.resource_type = "Microsoft.Security/assessments";
	ov_duty__title(&df, "Defender backlog: %zu open items, %zu past the "
	    "triage SLA, %zu high-severity without owner", st->n_open,
	    st->n_overdue, st->n_unowned);
	for (i = 0; i < N_BUCKETS; i++)
		ov_duty__ev_int(&df, bucket_name[i], (int64_t)st->buckets[i],
		    "open unhealthy assessments and active alerts aged %s",
		    bucket_name[i]);
	return ov_duty__emit(&df, 0);
}

static int
run(struct ov_analyzer_ctx *actx)
{
	const struct ov_snapshot *s = actx->snap;
	struct def_state st;
	bool pricing, assess, alerts;
	int error = 0;
	char what[256];

	memset(&st, 0, sizeof(st));
	st.actx = actx;
	pricing = ov_model__type_collected(s, T_PRICING);
	assess = ov_model__type_collected(s, T_ASSESS);
	alerts = ov_model__type_collected(s, T_ALERT) ||
	    ov_model__type_collected(s, T_ALERT2);
	if (!pricing || !assess || !alerts) {
		snprintf(what, sizeof(what), "not in the snapshot:%s%s%s",
		    !pricing ? " Defender plans (pricings)" : "",
		    !assess ? " assessments" : "",
		    !alerts ? " security alerts" : "");
		if ((error = ov_duty__coverage(actx, "OV-DEF-059", what)) < 0)
			return error;
	}
	/* Every pricing, assessment and alert meets its checks below; one a
	 * check cannot decide on is vetoed there, so silence is a pass. */
	if ((pricing && (error = ov_analyzer__ran(actx, "OV-DEF-051",
	    T_PRICING)) < 0) ||
	    (assess && ((error = ov_analyzer__ran(actx, "OV-DEF-053",
	    T_ASSESS)) < 0 || (error = ov_analyzer__ran(actx, "OV-DEF-055",
	    T_ASSESS)) < 0)) ||
	    (alerts && ((error = ov_analyzer__ran(actx, "OV-DEF-054",
	    T_ALERT)) < 0 || (error = ov_analyzer__ran(actx, "OV-DEF-054",
	    T_ALERT2)) < 0 || (error = ov_analyzer__ran(actx, "OV-DEF-055",
	    T_ALERT)) < 0 || (error = ov_analyzer__ran(actx, "OV-DEF-055",
	    T_ALERT2)) < 0)))
		return error;
	if ((error = ov_duty__each(s, T_GOV, NULL, index_gov, &st)) < 0) {
		error = ov__error_oom(actx->ctx);
		goto done;
	}
	if ((error = check_plans(&st)) < 0 ||
	    (error = check_assessments(&st)) < 0 ||
	    (error = ov_duty__each(s, T_ALERT, T_ALERT2, check_alert,
	    &st)) < 0 ||
	    (error = summary(&st)) < 0)
		goto done;
done:
	ov__map_free(&st.gov);
	return error;
}

#define ALERT_READS(t) \
	{ t, "properties.status" }, \
	{ t, "properties.alertDisplayName" }, \
	{ t, "properties.startTimeUtc" }, \
	{ t, "properties.timeGeneratedUtc" }, \
	{ t, "properties.severity" }, \
	{ t, "properties.resourceIdentifiers" }, \
	{ t, "properties.assignedTo" }, \
	{ t, "properties.owner" }

/* Assessments are read through pack_assess() only. */
static const struct ov_analyzer_read reads[] = {
	ALERT_READS(T_ALERT),
	ALERT_READS(T_ALERT2),
	{ T_GOV, "properties.owner" },
	{ T_PRICING, "properties.pricingTier" },
	/* the owner tags of the resource an item is about */
	{ "*", "tag:owner" },
	{ "*", "tag:technicalOwner" },
	{ "*", "tag:technical-owner" },
	{ "*", "tag:owner-email" },
	{ "*", "tag:contact" },
	{ NULL, NULL }
};

static const struct ov_analyzer_pack packs[] = {
	{ T_ASSESS, pack_assess },
	{ NULL, NULL }
};

const struct ov_analyzer ov_analyzer_defender = {
	"defender",
	"Defender for Cloud: plans, triage SLA, ownership, backlog age",
	DUTY,
	run,
	reads,
	packs
};
