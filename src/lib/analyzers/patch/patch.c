/* SPDX-License-Identifier: MIT */
/*
 * patch: the os-patching duty.  Reads Update Manager patch assessment
 * results (Resource Graph patchassessmentresources, or the VM instance view
 * patchStatus), the missing software patches, the VMs' patch mode and the
 * maintenance configuration assignments.
 *
 * The SLA clock of a missing patch starts when the patch was published:
 * that is when the customer could first have installed it.
 */
#include <stdio.h>
#include <string.h>

#include "lib/analyzers/analyzer.h"
#include "lib/raci/contract.h"
#include "lib/analyzers/duty.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/time.h"

#define T_VM		"Microsoft.Compute/virtualMachines"
#define T_ARC		"Microsoft.HybridCompute/machines"
#define T_ASSESS	"Microsoft.Compute/virtualMachines/patchAssessmentResults"
#define T_ARC_ASSESS	"Microsoft.HybridCompute/machines/patchAssessmentResults"
#define T_PATCH		T_ASSESS "/softwarePatches"
#define T_ARC_PATCH	T_ARC_ASSESS "/softwarePatches"
#define T_MAINT		"Microsoft.Maintenance/configurationAssignments"

#define SRC		"patch"
#define DUTY		OV_DUTY_OS_PATCHING
#define LAYER		OV_LAYER_OPERATING_SYSTEM
#define MAX_LISTED	20	/* overdue patches listed per VM */

struct patch_state {
	struct ov_analyzer_ctx	*actx;
	struct ov_groups	 assess;	/* vm id -> assessments */
	struct ov_groups	 patches;	/* vm id -> patch records */
	struct ov_map		 assigned;	/* vm id -> assignment record */
	struct ov_groups	 dynamic;	/* subscription -> assignments
						   at subscription or group
						   scope (dynamic scopes) */
};

/* The VM id an assessment row hangs below; 0 when it is not one. */
static size_t
assessment_key(const struct ov_record *r)
{
	size_t n = ov_duty__prefix_len(r->id, "/patchAssessmentResults");

	if (n == 0 || ov_duty__prefix_len(r->id, "/softwarePatches") != 0)
		return 0;
	return n;
}

static int
count_assessment(const struct ov_record *r, void *arg)
{
	struct patch_state *st = arg;
	size_t n = assessment_key(r);
	uint32_t gid;

	return n == 0 ? 0 : ov__groups_count(&st->assess, r->id, n, &gid);
}

static int
index_assessment(const struct ov_record *r, void *arg)
{
	struct patch_state *st = arg;
	size_t n = assessment_key(r);

	if (n != 0)
		ov__groups_add_key(&st->assess, r->id, n,
		    (void *)(uintptr_t)r);
	return 0;
}

/* The newest assessment of a machine, or NULL. */
static const struct ov_record *
newest_assessment(struct patch_state *st, const char *vm_id)
{
	const struct ov_group *g = ov__groups_get(&st->assess, vm_id,
	    strlen(vm_id));
	const struct ov_record *r, *best = NULL;
	int64_t t, best_t = 0;
	size_t k;

	for (k = 0; g != NULL && k < g->len; k++) {
		r = g->items[k];
		t = 0;
		(void)ov_duty__rec_time(r, "properties.lastModifiedDateTime",
		    &t);
		if (best == NULL || t > best_t) {
			best = r;
			best_t = t;
		}
	}
	return best;
}

static int
count_patch(const struct ov_record *r, void *arg)
{
	struct patch_state *st = arg;
	size_t n = ov_duty__prefix_len(r->id, "/patchAssessmentResults");
	uint32_t gid;

	return n == 0 ? 0 : ov__groups_count(&st->patches, r->id, n, &gid);
}

static int
index_patch(const struct ov_record *r, void *arg)
{
	struct patch_state *st = arg;
	size_t n = ov_duty__prefix_len(r->id, "/patchAssessmentResults");

	if (n != 0)
		ov__groups_add_key(&st->patches, r->id, n,
		    (void *)(uintptr_t)r);
	return 0;
}

/*
 * The subscription a subscription- or group-scope assignment target
 * names ("/subscriptions/S[/resourceGroups/G]"), as a prefix of target:
 * *len bytes from the returned pointer; NULL for other targets.
 */
static const char *
target_subscription(const char *target, size_t *len)
{
	const char *s, *e;

	if (!ov__startswith_ci(target, "/subscriptions/") ||
	    ov_duty__prefix_len(target, "/providers/") != 0)
		return NULL;
	s = target + strlen("/subscriptions/");
	e = strchr(s, '/');
	*len = e != NULL ? (size_t)(e - s) : strlen(s);
	return *len != 0 ? s : NULL;
}

/* Maintenance assignments, first pass: direct targets and counts. */
static int
index_assignment(const struct ov_record *r, void *arg)
{
	struct patch_state *st = arg;
	const char *target = ov_model__str(r, "properties.resourceId");
	const char *sub;
	uint32_t gid;
	size_t n;

	if (target == NULL) {
		n = ov_duty__prefix_len(r->id,
		    "/providers/Microsoft.Maintenance");
		if (n == 0)
			return 0;
		return ov_duty__map_put(&st->assigned, r->id, n, r);
	}
	if ((sub = target_subscription(target, &n)) != NULL &&
	    ov__groups_count(&st->dynamic, sub, n, &gid) < 0)
		return OV_ENOMEM;
	return ov_duty__map_put(&st->assigned, target, strlen(target), r);
}

/* Maintenance assignments, second pass: the dynamic ones by subscription. */
static int
file_assignment(const struct ov_record *r, void *arg)
{
	struct patch_state *st = arg;
	const char *target = ov_model__str(r, "properties.resourceId");
	const char *sub;
	size_t n;

	if (target != NULL && (sub = target_subscription(target, &n)) != NULL)
		ov__groups_add_key(&st->dynamic, sub, n, (void *)(uintptr_t)r);
	return 0;
}

/* "Japan East" and "japaneast" are the same region. */
static bool
region_eq(const char *a, const char *b)
{
	while (a != NULL && b != NULL) {
		while (*a == ' ')
			a++;
		while (*b == ' ')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if ((*a | 0x20) != (*b | 0x20))
			return false;
		a++;
		b++;
	}
	return false;
}

static bool
list_has(const ov_json *arr, const char *s, bool region)
{
	size_t i;

	for (i = 0; i < ov_json_len(arr); i++) {
		const char *v = ov_json_string(ov_json_at(arr, i));

		if (v != NULL && s != NULL && (region ? region_eq(v, s) :
		    ov__streq_ci(v, s)))
			return true;
	}
	return false;
}

/* Does a dynamic-scope assignment's filter select vm? */
static bool
filter_matches(const struct ov_record *a, const struct ov_record *vm)
{
	const ov_json *f = ov_model__field(a, "properties.filter");
	const ov_json *v, *tags;
	const char *os, *op;
	size_t i, hits = 0, n;

	if (f == NULL)
		return false;
	v = ov_json_get(f, "resourceTypes");
	if (ov_json_len(v) > 0 && !list_has(v, vm->type, false))
		return false;
	v = ov_json_get(f, "resourceGroups");
	if (ov_json_len(v) > 0 && !list_has(v, vm->place->resource_group, false))
		return false;
	v = ov_json_get(f, "locations");
	if (ov_json_len(v) > 0 && !list_has(v, vm->place->location, true))
		return false;
	v = ov_json_get(f, "osTypes");
	os = ov_model__str(vm, "properties.storageProfile.osDisk.osType");
	if (os == NULL)
		os = ov_model__str(vm, "properties.osType");
	if (ov_json_len(v) > 0 && !list_has(v, os, false))
		return false;
	tags = ov_json_path(f, "tagSettings.tags");
	n = ov_json_len(tags);
	if (n == 0)
		return true;
	for (i = 0; i < n; i++) {
		const ov_json_member *m = ov_json_member_at(tags, i);
		const char *tv = ov_model__tag(vm, m->key);

		if (tv != NULL && (ov_json_len(&m->value) == 0 ||
		    list_has(&m->value, tv, false)))
			hits++;
	}
	op = ov_json_string(ov_json_path(f, "tagSettings.filterOperator"));
	if (op != NULL && ov__streq_ci(op, "All"))
		return hits == n;
	return hits > 0;
}

/*
 * The maintenance configuration assignment covering vm, or NULL: one
 * that targets it, else the first dynamic-scope assignment of its
 * subscription whose filter selects it.
 */
static const struct ov_record *
find_assignment(struct patch_state *st, const struct ov_record *vm)
{
	const struct ov_record *a;
	const struct ov_group *g;
	size_t i;

	if ((a = ov__map_get(&st->assigned, vm->id, strlen(vm->id))) != NULL)
		return a;
	if (vm->place->subscription_id == NULL)
		return NULL;
	g = ov__groups_get(&st->dynamic, vm->place->subscription_id,
	    strlen(vm->place->subscription_id));
	for (i = 0; g != NULL && i < g->len; i++) {
		a = g->items[i];
		if (filter_matches(a, vm))
			return a;
	}
	return NULL;
}

/* Severity of a missing patch, or -1 when it is not critical/security. */
static int
patch_severity(const struct ov_record *p)
{
	const ov_json *cls = ov_model__field(p, "properties.classifications");
	const char *msrc = ov_model__str(p, "properties.msrcSeverity");
	bool critical = false, security = false;
	size_t i;

	for (i = 0; i < ov_json_len(cls); i++) {
		const char *c = ov_json_string(ov_json_at(cls, i));

		if (c == NULL)
			continue;
		if (ov__streq_ci(c, "Critical") ||
		    ov__streq_ci(c, "Critical Updates"))
			critical = true;
		else if (ov__streq_ci(c, "Security") ||
		    ov__streq_ci(c, "Security Updates"))
			security = true;
	}
	if (cls == NULL && (cls = ov_model__field(p,
	    "properties.classification")) != NULL) {
		const char *c = ov_json_string(cls);

		critical = c != NULL && ov__streq_ci(c, "Critical");
		security = c != NULL && ov__streq_ci(c, "Security");
	}
	if (!critical && !security)
		return -1;
	if (critical || (msrc != NULL && ov__streq_ci(msrc, "Critical")))
		return OV_SEV_CRITICAL;
	return OV_SEV_HIGH;
}

static bool
patch_installed(const struct ov_record *p)
{
	const char *s = ov_model__str(p, "properties.patchAssessmentState");

	if (s == NULL)
		s = ov_model__str(p, "properties.assessmentState");
	/* "Available" (missing) is the normal case; anything else (for
	 * example "Excluded", "NotSelected") is not a missing patch */
	return s != NULL && !ov__streq_ci(s, "Available");
}

static bool
patch_published(const struct ov_record *p, int64_t *out)
{
	return ov_duty__rec_time(p, "properties.publishedDateTime", out) ||
	    ov_duty__rec_time(p, "properties.publishedDate", out);
}

static const char *
patch_name(const struct ov_record *p)
{
	const char *s = ov_model__str(p, "properties.patchName");

	if (s == NULL)
		s = ov_model__str(p, "properties.name");
	if (s == NULL)
		s = ov_model__str(p, "properties.kbId");
	return s != NULL ? s : p->name;
}

/* Checks a, b and c (may be NULL) could not decide on vm. */
static int
unknown(struct ov_analyzer_ctx *actx, const struct ov_record *vm,
    const char *a, const char *b, const char *c)
{
	const char *rules[3] = { a, b, c };
	size_t i;
	int error;

	for (i = 0; i < 3; i++)
		if (rules[i] != NULL && (error = ov_analyzer__unknown(actx,
		    rules[i], vm->id)) < 0)
			return error;
	return 0;
}

/* OV-PATCH-001 / 002 for one VM. */
static int
check_missing(struct patch_state *st, const struct ov_record *vm,
    const struct ov_record *assess)
{
	struct ov_analyzer_ctx *actx = st->actx;
	struct ov_duty_finding df;
	const struct ov_contract *c = actx->contract;
	int64_t earliest_due = 0, worst_started = 0;
	size_t k, n_overdue = 0, n_listed = 0, n_undated = 0;
	const struct ov_group *g = ov__groups_get(&st->patches, vm->id,
	    strlen(vm->id));
	int worst = -1;

	ov_duty__begin(&df, actx, "OV-PATCH-001", vm);
	for (k = 0; g != NULL && k < g->len; k++) {
		const struct ov_record *p = g->items[k];
		int sev = patch_severity(p);
		int64_t pub, due;

		if (sev < 0 || patch_installed(p))
			continue;
		if (!patch_published(p, &pub)) {
			n_undated++;
			continue;
		}
		due = ov_contract__due(c, DUTY, (ov_severity)sev, pub);
		if (due == 0 || actx->now <= due)
			continue;	/* within the SLA: at due is on time */
		n_overdue++;
		if (sev > worst || (sev == worst && pub < worst_started)) {
			worst = sev;
			worst_started = pub;
		}
		if (earliest_due == 0 || due < earliest_due)
			earliest_due = due;
		if (n_listed < MAX_LISTED) {
			char pubs[32], dues[32];

			ov__date_format(pub, pubs, sizeof(pubs));
			ov__date_format(due, dues, sizeof(dues));
			ov_duty__ev_str(&df, p->id, patch_name(p),
			    "%s patch published %s, SLA due %s, %lld days "
			    "overdue", sev == OV_SEV_CRITICAL ? "critical" :
			    "security", pubs, dues,
			    (long long)ov_duty__days(actx->now - due));
			n_listed++;
		}
	}
	if (n_overdue > 0) {
		ov_duty__severity(&df, (ov_severity)worst);
		df.f.due = earliest_due;
		ov_duty__title(&df, "%zu critical or security patch%s missing "
		    "past the SLA on %s (%lld days overdue)", n_overdue,
		    n_overdue == 1 ? "" : "es", vm->name != NULL ? vm->name :
		    vm->id, (long long)ov_duty__days(actx->now -
		    earliest_due));
		ov_duty__ev_int(&df, "overdue", (int64_t)n_overdue,
		    "critical/security patches missing longer than the SLA");
		return ov_duty__emit(&df, worst_started);
	}
	ov_duty__discard(&df);

	if (n_undated == 0 && assess != NULL && g == NULL) {
		/* detail rows absent: fall back to the summary counts */
		const ov_json *cnt = ov_model__field(assess,
		    "properties.availablePatchCountByClassification");
		int64_t crit = 0, sec = 0, both = 0;

		(void)ov_json_int(ov_json_get(cnt, "critical"), &crit);
		(void)ov_json_int(ov_json_get(cnt, "security"), &sec);
		(void)ov_json_int(ov_model__field(assess,
		    "properties.criticalAndSecurityPatchCount"), &both);
		if (crit > 0 || sec > 0 || both > 0)
			n_undated = (size_t)(crit + sec + both);
	}
	if (n_undated == 0 && assess == NULL && g == NULL)
		return unknown(actx, vm, "OV-PATCH-001", "OV-PATCH-002", NULL);
	if (n_undated == 0)
		return 0;
	ov_duty__begin(&df, actx, "OV-PATCH-002", vm);
	ov_duty__title(&df, "%zu critical or security patch%s missing on %s "
	    "with no publish date: SLA cannot be checked", n_undated,
	    n_undated == 1 ? "" : "es", vm->name != NULL ? vm->name : vm->id);
	ov_duty__ev_int(&df, assess != NULL ? assess->id : vm->id,
	    (int64_t)n_undated, "missing critical/security patches without "
	    "a publish date (collect patchassessmentresources softwarepatches)");
	return ov_duty__emit(&df, 0);
}

/* The summary the VM instance view carries, when no ARG row exists. */
static const ov_json *
instance_view_summary(const struct ov_record *vm)
{
	const ov_json *s = ov_model__field(vm,
	    "properties.instanceView.patchStatus.availablePatchSummary");

	if (s == NULL)
		s = ov_model__field(vm,
		    "instanceView.patchStatus.availablePatchSummary");
	return s;
}

/*
 * The VM's power state when the record tells it and it is not running:
 * "deallocated" or "stopped" (Resource Graph's extended instance view, or
 * an ARM instance view's statuses), else NULL.
 */
static const char *
powered_off(const struct ov_record *vm)
{
	const char *code = ov_model__str(vm,
	    "properties.extended.instanceView.powerState.code");
	const ov_json *st = ov_model__field(vm,
	    "properties.instanceView.statuses");
	size_t i;

	for (i = 0; code == NULL && i < ov_json_len(st); i++) {
		const char *c = ov_json_string(ov_json_get(ov_json_at(st, i),
		    "code"));

		if (c != NULL && ov__startswith_ci(c, "PowerState/"))
			code = c;
	}
	if (code == NULL)
		return NULL;
	if (ov__streq_ci(code, "PowerState/deallocated") ||
	    ov__streq_ci(code, "PowerState/deallocating"))
		return "deallocated";
	if (ov__streq_ci(code, "PowerState/stopped") ||
	    ov__streq_ci(code, "PowerState/stopping"))
		return "stopped";
	return NULL;
}

/*
 * A machine that is off is not assessed (assessment runs in the guest):
 * its missing or stale assessment is low, with the power state as
 * evidence.  It still counts: it comes back with what it missed.
 */
static void
note_power(struct ov_duty_finding *df, const struct ov_record *vm)
{
	const char *off = powered_off(vm);

	if (off == NULL)
		return;
	ov_duty__severity(df, OV_SEV_LOW);
	ov_duty__ev_str(df, "properties.extended.instanceView.powerState.code",
	    off, "the machine is %s, so it cannot be assessed until it "
	    "starts", off);
}

/* OV-PATCH-003/004/005. */
static int
check_assessment(struct patch_state *st, const struct ov_record *vm,
    const struct ov_record *assess, bool assess_collected)
{
	struct ov_analyzer_ctx *actx = st->actx;
	const struct ov_contract_duty *d = ov_contract__duty(actx->contract,
	    DUTY);
	int64_t max_age = d != NULL && d->assessment_max_age > 0 ?
	    d->assessment_max_age : 7 * (int64_t)OV_DAY_SECONDS;
	const ov_json *summary = NULL;
	struct ov_duty_finding df;
	const char *status, *when_path;
	int64_t when = 0;
	char ts[32];

	if (assess != NULL) {
		status = ov_model__str(assess, "properties.status");
		when_path = "properties.lastModifiedDateTime";
		if (!ov_duty__rec_time(assess, when_path, &when)) {
			when_path = "properties.startDateTime";
			(void)ov_duty__rec_time(assess, when_path, &when);
		}
	} else if ((summary = instance_view_summary(vm)) != NULL) {
		status = ov_json_string(ov_json_get(summary, "status"));
		when_path = "instanceView.patchStatus.availablePatchSummary."
		    "lastModifiedTime";
		if (!ov_duty__time(ov_json_get(summary, "lastModifiedTime"),
		    &when))
			(void)ov_duty__time(ov_json_get(summary, "startTime"),
			    &when);
	} else {
		if (!assess_collected)	/* covered by the coverage finding */
			return unknown(actx, vm, "OV-PATCH-003",
			    "OV-PATCH-004", "OV-PATCH-005");
		if (unknown(actx, vm, "OV-PATCH-003", "OV-PATCH-005",
		    NULL) < 0)
			return OV_ENOMEM;
		ov_duty__begin(&df, actx, "OV-PATCH-004", vm);
		ov_duty__title(&df, "No patch assessment for %s",
		    vm->name != NULL ? vm->name : vm->id);
		ov_duty__ev(&df, "patchassessmentresources", NULL, "no "
		    "assessment result for this machine although patch "
		    "assessment data was collected");
		note_power(&df, vm);
		return ov_duty__emit(&df, actx->now);
	}
	if (status != NULL && ov__streq_ci(status, "Failed")) {
		ov_duty__begin(&df, actx, "OV-PATCH-005", vm);
		ov_duty__title(&df, "Last patch assessment of %s failed",
		    vm->name != NULL ? vm->name : vm->id);
		ov_duty__ev_str(&df, assess != NULL ? assess->id : vm->id,
		    status, "assessment status");
		if (ov_duty__emit(&df, when) < 0)
			return OV_ENOMEM;
	}
	if (when == 0 || actx->now - when > max_age) {
		ov_duty__begin(&df, actx, "OV-PATCH-003", vm);
		if (when == 0) {
			ov_duty__title(&df, "Patch assessment of %s has no "
			    "timestamp", vm->name != NULL ? vm->name : vm->id);
			ov_duty__ev(&df, when_path, NULL, "assessment time "
			    "missing: freshness unknown");
		} else {
			ov__time_format(when, ts, sizeof(ts));
			ov_duty__title(&df, "Patch assessment of %s is stale "
			    "(%lld days old, limit %lld days)", vm->name !=
			    NULL ? vm->name : vm->id,
			    (long long)ov_duty__days(actx->now - when),
			    (long long)ov_duty__days(max_age));
			ov_duty__ev_str(&df, when_path, ts, "last assessed "
			    "%lld days before the snapshot",
			    (long long)ov_duty__days(actx->now - when));
		}
		note_power(&df, vm);
		return ov_duty__emit(&df, when != 0 ? when + max_age :
		    actx->now);
	}
	return 0;
}

static const char *
patch_mode(const struct ov_record *vm, bool *is_linux)
{
	const char *m;

	m = ov_model__str(vm, "properties.osProfile.windowsConfiguration."
	    "patchSettings.patchMode");
	*is_linux = false;
	if (m != NULL)
		return m;
	m = ov_model__str(vm, "properties.osProfile.linuxConfiguration."
	    "patchSettings.patchMode");
	if (m != NULL)
		*is_linux = true;
	return m;
}

/* OV-PATCH-006/007. */
static int
check_orchestration(struct patch_state *st, const struct ov_record *vm,
    bool maint_collected)
{
	struct ov_analyzer_ctx *actx = st->actx;
	struct ov_duty_finding df;
	bool is_linux;
	const char *mode;

	if (ov__streq_ci(vm->type, T_ARC))
		return 0;	/* Arc machines have no VM patch mode */
	if (find_assignment(st, vm) != NULL)
		return 0;
	mode = patch_mode(vm, &is_linux);
	if (mode != NULL && !ov__streq_ci(mode, "Manual") &&
	    !ov__streq_ci(mode, "ImageDefault"))
		return 0;	/* AutomaticByOS or AutomaticByPlatform */
	if (mode == NULL && !maint_collected)	/* nothing known */
		return unknown(actx, vm, "OV-PATCH-006", "OV-PATCH-007", NULL);
	if (mode != NULL && maint_collected) {
		ov_duty__begin(&df, actx, "OV-PATCH-006", vm);
		ov_duty__title(&df, "%s has no patch orchestration (patch mode "
		    "%s, no maintenance configuration)", vm->name != NULL ?
		    vm->name : vm->id, mode);
		ov_duty__ev_str(&df, is_linux ?
		    "properties.osProfile.linuxConfiguration.patchSettings."
		    "patchMode" : "properties.osProfile.windowsConfiguration."
		    "patchSettings.patchMode", mode, "patches are installed "
		    "only when someone does it by hand");
		ov_duty__ev(&df, "Microsoft.Maintenance/configurationAssignments",
		    NULL, "no maintenance configuration assignment targets "
		    "this machine or selects it by dynamic scope");
		return ov_duty__emit(&df, actx->now);
	}
	ov_duty__begin(&df, actx, "OV-PATCH-007", vm);
	ov_duty__title(&df, "Patch orchestration of %s unknown", vm->name !=
	    NULL ? vm->name : vm->id);
	ov_duty__ev(&df, "properties.osProfile.*.patchSettings.patchMode",
	    NULL, mode == NULL ? "patch mode not "
	    "in the snapshot (list call without the full model)" :
	    "maintenance configuration assignments were not collected");
	return ov_duty__emit(&df, 0);
}

static int
run(struct ov_analyzer_ctx *actx)
{
	const struct ov_snapshot *s = actx->snap;
	struct patch_state st;
	bool assess_collected, maint_collected;
	const struct ov_record_list *vms[2];
	size_t i, k, n_vms;
	int error = 0;

	memset(&st, 0, sizeof(st));
	st.actx = actx;
	vms[0] = ov_model__by_type(s, T_VM);
	vms[1] = ov_model__by_type(s, T_ARC);
	n_vms = vms[0]->len + vms[1]->len;
	assess_collected = ov_model__type_collected(s, T_ASSESS) ||
	    ov_model__type_collected(s, T_ARC_ASSESS);
	maint_collected = ov_model__type_collected(s, T_MAINT);
	if (!ov_model__type_collected(s, T_VM))
		return ov_duty__coverage(actx, "OV-PATCH-009", "no virtual "
		    "machine inventory in the snapshot");
	if ((error = ov_duty__each(s, T_ASSESS, T_ARC_ASSESS,
	    count_assessment, &st)) < 0 ||
	    (error = ov__groups_layout(&st.assess)) < 0 ||
	    (error = ov_duty__each(s, T_ASSESS, T_ARC_ASSESS,
	    index_assessment, &st)) < 0 ||
	    (error = ov_duty__each(s, T_PATCH, T_ARC_PATCH, count_patch,
	    &st)) < 0 ||
	    (error = ov__groups_layout(&st.patches)) < 0 ||
	    (error = ov_duty__each(s, T_PATCH, T_ARC_PATCH, index_patch,
	    &st)) < 0 ||
	    (error = ov_duty__each(s, T_MAINT, NULL, index_assignment,
	    &st)) < 0 ||
	    (error = ov__groups_layout(&st.dynamic)) < 0 ||
	    (error = ov_duty__each(s, T_MAINT, NULL, file_assignment,
	    &st)) < 0) {
		error = ov__error_oom(actx->ctx);
		goto done;
	}
	/* Every machine meets every check below; a check that cannot decide
	 * on one says so (unknown()), so silence is a pass. */
	for (i = 0; i < 7; i++) {
		char rule[16];

		snprintf(rule, sizeof(rule), "OV-PATCH-%03zu", i + 1);
		if ((error = ov_analyzer__ran(actx, rule, T_VM)) < 0 ||
		    (error = ov_analyzer__ran(actx, rule, T_ARC)) < 0)
			goto done;
	}
	if (!assess_collected && n_vms > 0) {
		bool any_view = false;

		for (k = 0; k < 2 && !any_view; k++)
			for (i = 0; i < vms[k]->len && !any_view; i++)
				any_view = instance_view_summary(
				    vms[k]->items[i]) != NULL;
		if (!any_view &&
		    (error = ov_duty__coverage(actx, "OV-PATCH-009", "no patch "
		    "assessment data (patchassessmentresources) in the "
		    "snapshot")) < 0)
			goto done;
	}
	for (k = 0; k < 2; k++)
		for (i = 0; i < vms[k]->len; i++) {
			const struct ov_record *vm = vms[k]->items[i];
			const struct ov_record *a = newest_assessment(&st,
			    vm->id);

			if ((error = check_missing(&st, vm, a)) < 0 ||
			    (error = check_assessment(&st, vm, a,
			    assess_collected)) < 0 ||
			    (error = check_orchestration(&st, vm,
			    maint_collected)) < 0)
				goto done;
		}
done:
	ov__groups_free(&st.assess);
	ov__groups_free(&st.patches);
	ov__map_free(&st.assigned);
	ov__groups_free(&st.dynamic);
	return error;
}

#define PATCH_READS(t) \
	{ t, "properties.classifications" }, \
	{ t, "properties.classification" }, \
	{ t, "properties.msrcSeverity" }, \
	{ t, "properties.patchAssessmentState" }, \
	{ t, "properties.assessmentState" }, \
	{ t, "properties.publishedDateTime" }, \
	{ t, "properties.publishedDate" }, \
	{ t, "properties.patchName" }, \
	{ t, "properties.name" }, \
	{ t, "properties.kbId" }

static const struct ov_analyzer_read reads[] = {
	{ T_VM, "properties.storageProfile.osDisk.osType" },
	{ T_VM, "properties.osType" },
	{ T_VM, "properties.instanceView.patchStatus.availablePatchSummary" },
	{ T_VM, "properties.instanceView.statuses" },
	{ T_VM, "instanceView.patchStatus.availablePatchSummary" },
	{ T_VM, "properties.extended.instanceView.powerState.code" },
	{ T_VM, "properties.osProfile.windowsConfiguration.patchSettings" },
	{ T_VM, "properties.osProfile.linuxConfiguration.patchSettings" },
	{ T_VM, "tags" },
	{ T_ARC, "properties.instanceView.patchStatus.availablePatchSummary" },
	{ T_ARC, "properties.instanceView.statuses" },
	{ T_ARC, "instanceView.patchStatus.availablePatchSummary" },
	{ T_ARC, "properties.storageProfile.osDisk.osType" },
	{ T_ARC, "properties.osType" },
	{ T_ARC, "properties.extended.instanceView.powerState.code" },
	{ T_ARC, "tags" },
	{ T_ASSESS, "properties.lastModifiedDateTime" },
	{ T_ASSESS, "properties.startDateTime" },
	{ T_ASSESS, "properties.status" },
	{ T_ASSESS, "properties.availablePatchCountByClassification" },
	{ T_ASSESS, "properties.criticalAndSecurityPatchCount" },
	{ T_ARC_ASSESS, "properties.lastModifiedDateTime" },
	{ T_ARC_ASSESS, "properties.startDateTime" },
	{ T_ARC_ASSESS, "properties.status" },
	{ T_ARC_ASSESS, "properties.availablePatchCountByClassification" },
	{ T_ARC_ASSESS, "properties.criticalAndSecurityPatchCount" },
	PATCH_READS(T_PATCH),
	PATCH_READS(T_ARC_PATCH),
	{ T_MAINT, "properties.resourceId" },
	{ T_MAINT, "properties.filter" },
	{ NULL, NULL }
};

const struct ov_analyzer ov_analyzer_patch = {
	"patch",
	"OS patching: missing patches past SLA, assessment freshness, "
	    "orchestration",
	DUTY,
	run,
	reads,
	NULL
};
