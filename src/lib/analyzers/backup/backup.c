/* SPDX-License-Identifier: MIT */
/*
 * backup: the backup-validation duty.  Reads Recovery Services protected
 * items and backup jobs (Resource Graph recoveryservicesresources) and the
 * VMs and SQL databases they should protect; the RPO, RTO and restore-test
 * window come from the contract.
 *
 * The last good backup is the item's lastRecoveryPoint, else its
 * lastBackupTime when lastBackupStatus is Completed, else the newest
 * Completed backup job for the item.
 *
 * Protected items are read only through a packed view (struct bkp_item),
 * built from the whole body while a streaming load has it
 * (ov_retain__pack) and kept instead of any JSON of them; over a snapshot
 * loaded whole the same function reads the view from the body, borrowing
 * its strings.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/analyzers/analyzer.h"
#include "lib/raci/contract.h"
#include "lib/analyzers/duty.h"
#include "util/error.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/time.h"

#define T_VM		"Microsoft.Compute/virtualMachines"
#define T_SQLDB		"Microsoft.Sql/servers/databases"
#define T_ITEM		"Microsoft.RecoveryServices/vaults/backupFabrics/" \
			"protectionContainers/protectedItems"
#define T_JOB		"Microsoft.RecoveryServices/vaults/backupJobs"
#define T_VAULT		"Microsoft.RecoveryServices/vaults"

#define SRC		"backup"
#define DUTY		OV_DUTY_BACKUP_VALIDATION
#define LAYER		OV_LAYER_INFORMATION_AND_DATA

struct vault_info {
	const char	*id;		/* vault id (borrowed from a record) */
	struct vault_info *next;	/* in first-seen order */
	size_t		 id_len;	/* bytes of id that name the vault */
	size_t		 n_items;	/* protected items in it */
	int64_t		 last_restore;	/* newest successful restore start */
	int64_t		 last_restore_any; /* newest restore attempt */
	const char	*last_restore_status; /* its status */
	const struct ov_record **restores; /* successful restore jobs */
	size_t		 n_restores;
	size_t		 restores_cap;
};

#define MAX_VAULTS 512

/* Where an item's last good backup time comes from. */
enum bkp_how {
	BKP_HOW_JOBS = 0,	/* neither below: its backup jobs */
	BKP_HOW_RECOVERY,	/* properties.lastRecoveryPoint */
	BKP_HOW_BACKUP		/* properties.lastBackupTime, the last
				   backup Completed */
};

/*
 * What the checks read of a protected item.  Strings are NULL where the
 * body has no string.
 */
struct bkp_item {
	const char	*src;		/* properties.sourceResourceId, else
					   .virtualMachineId */
	const char	*status;	/* properties.lastBackupStatus */
	const char	*name;		/* properties.friendlyName */
	const char	*state;		/* properties.protectionState */
	int64_t		 last;		/* the time how names (not JOBS) */
	uint8_t		 how;		/* enum bkp_how */
};

struct bkp_state {
	struct ov_analyzer_ctx	*actx;
	const struct ov_contract_duty *duty;
	struct ov_arena		 arena;		/* vaults */
	struct ov_map		 by_source;	/* source resource id -> item */
	struct ov_groups	 jobs_by_entity; /* friendly name -> jobs */
	struct ov_map		 vault_by_id;	/* vault id -> vault_info */
	struct vault_info	*vaults;	/* first seen */
	struct vault_info	*last_vault;	/* last seen */
	size_t			 n_vaults;
};

/* Length of the vault part of a Recovery Services id; 0 when none. */
static size_t
vault_len(const char *id)
{
	size_t n = ov_duty__prefix_len(id, "/vaults/");
	const char *slash;

	if (n == 0)
		return 0;
	slash = strchr(id + n + 8, '/');
	return slash != NULL ? (size_t)(slash - id) : strlen(id);
}

/*
 * The vault an item or job belongs to, created on first sight (at most
 * MAX_VAULTS); NULL for none.  *oom is set when memory runs out.
 */
static struct vault_info *
vault_of(struct bkp_state *st, const char *id, bool *oom)
{
	size_t n = vault_len(id);
	struct vault_info *v;
	bool added;
	void **slot;

	if (n == 0)
		return NULL;
	if ((v = ov__map_get(&st->vault_by_id, id, n)) != NULL)
		return v;
	if (st->n_vaults >= MAX_VAULTS)
		return NULL;
	if ((v = ov__arena_calloc(&st->arena, 1, sizeof(*v))) == NULL ||
	    (slot = ov__map_slot(&st->vault_by_id, id, n, &added)) == NULL) {
		*oom = true;
		return NULL;
	}
	*slot = v;
	v->id = id;
	v->id_len = n;
	if (st->last_vault != NULL)
		st->last_vault->next = v;
	else
		st->vaults = v;
	st->last_vault = v;
	st->n_vaults++;
	return v;
}

/* The string at path of body, or NULL. */
static const char *
body_str(const ov_json *body, const char *path)
{
	return ov_json_string(ov_json_path(body, path));
}

/* The view of a protected item's body, its strings borrowed from it. */
static void
item_read(struct bkp_item *v, const ov_json *body)
{
	memset(v, 0, sizeof(*v));
	v->src = body_str(body, "properties.sourceResourceId");
	if (v->src == NULL)
		v->src = body_str(body, "properties.virtualMachineId");
	v->status = body_str(body, "properties.lastBackupStatus");
	v->name = body_str(body, "properties.friendlyName");
	v->state = body_str(body, "properties.protectionState");
	if (ov_duty__time(ov_json_path(body, "properties.lastRecoveryPoint"),
	    &v->last))
		v->how = BKP_HOW_RECOVERY;
	else if (v->status != NULL && ov__streq_ci(v->status, "Completed") &&
	    ov_duty__time(ov_json_path(body, "properties.lastBackupTime"),
	    &v->last))
		v->how = BKP_HOW_BACKUP;
	else
		v->last = 0;
}

/* Pack a protected item (struct bkp_item) in in's arena. */
static const void *
pack_item(struct ov_intern *in, const struct ov_record *r,
    const ov_json *body)
{
	struct bkp_item *v;

	(void)r;	/* the body's own strings */
	if ((v = ov_intern__alloc(in, sizeof(*v))) == NULL)
		return NULL;
	item_read(v, body);
	if (!ov_intern__keep(in, &v->src, false) ||
	    !ov_intern__keep(in, &v->status, true) ||
	    !ov_intern__keep(in, &v->name, false) ||
	    !ov_intern__keep(in, &v->state, true))
		return NULL;
	return v;
}

/* The view of item r: the load's, else read from its body in *tmp. */
static const struct bkp_item *
item_of(const struct ov_record *r, struct bkp_item *tmp)
{
	if (r->packed != NULL)
		return r->packed;
	item_read(tmp, r->body);
	return tmp;
}

static int
index_item(const struct ov_record *r, void *arg)
{
	struct bkp_state *st = arg;
	struct bkp_item tmp;
	const char *src = item_of(r, &tmp)->src;
	bool oom = false;
	struct vault_info *v = vault_of(st, r->id, &oom);

	if (oom)
		return OV_ENOMEM;
	if (v != NULL)
		v->n_items++;
	if (src == NULL)
		return 0;
	return ov_duty__map_put(&st->by_source, src, strlen(src), r);
}

static bool
job_ok(const struct ov_record *j)
{
	const char *s = ov_model__str(j, "properties.status");

	return s != NULL && (ov__streq_ci(s, "Completed") ||
	    ov__streq_ci(s, "CompletedWithWarnings"));
}

static bool
is_restore(const struct ov_record *j)
{
	const char *op = ov_model__str(j, "properties.operation");

	return op != NULL && (ov__streq_ci(op, "Restore") ||
	    ov__streq_ci(op, "CrossRegionRestore"));
}

/* Seconds a job ran; 0 when unknown. */
static int64_t
job_duration(const struct ov_record *j)
{
	int64_t d = 0, s, e;

	if (ov_duty__iso_duration(ov_model__str(j, "properties.duration"), &d)
	    && d > 0)
		return d;
	if (ov_duty__rec_time(j, "properties.startTime", &s) &&
	    ov_duty__rec_time(j, "properties.endTime", &e) && e > s)
		return e - s;
	return 0;
}

/* Keep a successful restore job of vault v, in job order. */
static int
add_restore(struct vault_info *v, const struct ov_record *r)
{
	const struct ov_record **grown;
	size_t cap;

	if (v->n_restores == v->restores_cap) {
		cap = v->restores_cap != 0 ? v->restores_cap * 2 : 8;
		if ((grown = ov__reallocarray(v->restores, cap,
		    sizeof(*grown))) == NULL)
			return OV_ENOMEM;
		v->restores = grown;
		v->restores_cap = cap;
	}
	v->restores[v->n_restores++] = r;
	return 0;
}

/* Jobs, first pass: restores per vault, and the count per entity name. */
static int
index_job(const struct ov_record *r, void *arg)
{
	struct bkp_state *st = arg;
	const char *name = ov_model__str(r, "properties.entityFriendlyName");
	struct vault_info *v = NULL;
	bool oom = false;
	uint32_t gid;
	int64_t t;

	if (is_restore(r) && (v = vault_of(st, r->id, &oom)) != NULL) {
		if (ov_duty__rec_time(r, "properties.startTime", &t)) {
			if (t > v->last_restore_any) {
				v->last_restore_any = t;
				v->last_restore_status = ov_model__str(r,
				    "properties.status");
			}
			if (job_ok(r) && t > v->last_restore)
				v->last_restore = t;
		}
		if (job_ok(r) && vault_len(r->id) == v->id_len &&
		    add_restore(v, r) < 0)
			return OV_ENOMEM;
	}
	if (oom)
		return OV_ENOMEM;
	if (name == NULL)
		return 0;
	return ov__groups_count(&st->jobs_by_entity, name, strlen(name), &gid);
}

/* Jobs, second pass: file each under its entity name. */
static int
file_job(const struct ov_record *r, void *arg)
{
	struct bkp_state *st = arg;
	const char *name = ov_model__str(r, "properties.entityFriendlyName");

	if (name != NULL)
		ov__groups_add_key(&st->jobs_by_entity, name, strlen(name),
		    (void *)(uintptr_t)r);
	return 0;
}

/* Newest successful backup of item v; 0 when none is known. */
static int64_t
last_good_backup(struct bkp_state *st, const struct bkp_item *v,
    const char **how)
{
	const char *name = v->name;
	const struct ov_group *g;
	int64_t t = 0, best = 0;
	size_t k;

	if (v->how == BKP_HOW_RECOVERY) {
		*how = "properties.lastRecoveryPoint";
		return v->last;
	}
	if (v->how == BKP_HOW_BACKUP) {
		*how = "properties.lastBackupTime";
		return v->last;
	}
	*how = "backupJobs";
	if (name == NULL)
		return 0;
	g = ov__groups_get(&st->jobs_by_entity, name, strlen(name));
	for (k = 0; g != NULL && k < g->len; k++) {
		const struct ov_record *j = g->items[k];
		const char *op = ov_model__str(j, "properties.operation");

		if (op == NULL || !ov__streq_ci(op, "Backup") || !job_ok(j))
			continue;
		if ((ov_duty__rec_time(j, "properties.endTime", &t) ||
		    ov_duty__rec_time(j, "properties.startTime", &t)) &&
		    t > best)
			best = t;
	}
	return best;
}

static const char *
rec_name(const struct ov_record *r)
{
	return r->name != NULL ? r->name : r->id;
}

/* OV-BKP-051/002/005 for one VM or database. */
static int
check_protected(struct bkp_state *st, const struct ov_record *r, bool vm)
{
	struct ov_analyzer_ctx *actx = st->actx;
	const struct ov_record *it = ov__map_get(&st->by_source, r->id,
	    strlen(r->id));
	struct bkp_item tmp;
	const char *state = it != NULL ? item_of(it, &tmp)->state : NULL;
	struct ov_duty_finding df;

	if (it != NULL && (state == NULL ||
	    (!ov__streq_ci(state, "ProtectionStopped") &&
	    !ov__streq_ci(state, "ProtectionPaused"))))
		return 0;
	if (it != NULL) {
		ov_duty__begin(&df, actx, "OV-BKP-055", r);
		ov_duty__title(&df, "Backup of %s is stopped (%s)",
		    rec_name(r), state);
		ov_duty__ev_str(&df, it->id, state, "protection state");
		return ov_duty__emit(&df, actx->now);
	}
	ov_duty__begin(&df, actx, vm ? "OV-BKP-051" : "OV-BKP-052", r);
	ov_duty__title(&df, "%s %s has no backup protection", vm ?
	    "Virtual machine" : "SQL database", rec_name(r));
	ov_duty__ev(&df, "protectedItems.properties.sourceResourceId", NULL,
	    "no Recovery Services protected item references this resource");
	return ov_duty__emit(&df, actx->now);
}

/* OV-BKP-053 for one protected item. */
static int
check_rpo(const struct ov_record *it, void *arg)
{
	struct bkp_state *st = arg;
	struct ov_analyzer_ctx *actx = st->actx;
	int64_t rpo = st->duty != NULL && st->duty->rpo > 0 ? st->duty->rpo :
	    24 * 3600;
	struct bkp_item tmp;
	const struct bkp_item *v = item_of(it, &tmp);
	const char *state = v->state;
	const char *how = NULL, *name;
	struct ov_duty_finding df;
	int64_t last;
	char ts[32];

	if (state != NULL && (ov__streq_ci(state, "ProtectionStopped") ||
	    ov__streq_ci(state, "ProtectionPaused")))
		return 0;	/* reported as OV-BKP-055 on the resource */
	last = last_good_backup(st, v, &how);
	if (last != 0 && actx->now - last <= rpo)
		return 0;
	name = v->name;
	ov_duty__begin(&df, actx, "OV-BKP-053", it);
	if (last == 0) {
		ov_duty__title(&df, "No successful backup of %s is recorded",
		    name != NULL ? name : rec_name(it));
		ov_duty__ev(&df, how, NULL, "no recovery point, completed "
		    "backup or completed backup job");
	} else {
		ov__time_format(last, ts, sizeof(ts));
		ov_duty__title(&df, "Last good backup of %s is %lld h old "
		    "(RPO %lld h)", name != NULL ? name : rec_name(it),
		    (long long)((actx->now - last) / 3600),
		    (long long)(rpo / 3600));
		ov_duty__ev_str(&df, how, ts, "last successful backup");
	}
	ov_duty__ev_str(&df, "properties.lastBackupStatus", v->status,
	    "last backup attempt");
	ov_duty__ev_str(&df, "properties.sourceResourceId", v->src,
	    "protected resource");
	return ov_duty__emit(&df, last != 0 ? last + rpo : actx->now);
}

static char *
vault_id(struct ov_duty_finding *df, const struct vault_info *v)
{
	char *s = ov__arena_strndup(&df->scratch, v->id, v->id_len);

	if (s == NULL)
		df->oom = true;
	return s;
}

/* OV-BKP-056: restore tests, per vault with protected items. */
static int
check_restores(struct bkp_state *st)
{
	struct ov_analyzer_ctx *actx = st->actx;
	int64_t window = st->duty != NULL && st->duty->restore_test_window > 0 ?
	    st->duty->restore_test_window : 90 * (int64_t)OV_DAY_SECONDS;
	struct ov_duty_finding df;
	const struct vault_info *v;
	char ts[32];
	int error;

	for (v = st->vaults; v != NULL; v = v->next) {
		const char *vid;

		if (v->n_items == 0 || (v->last_restore != 0 &&
		    actx->now - v->last_restore <= window))
			continue;
		ov_duty__begin(&df, actx, "OV-BKP-056", NULL);
		vid = vault_id(&df, v);
		df.f.resource_id = vid;
		df.f.resource_type = T_VAULT;
		df.f.resource_name = vid != NULL && strrchr(vid, '/') != NULL ?
		    strrchr(vid, '/') + 1 : vid;
		ov_duty__title(&df, "No successful test restore from vault %s "
		    "in the last %lld days", df.f.resource_name != NULL ?
		    df.f.resource_name : "", (long long)ov_duty__days(window));
		if (v->last_restore != 0) {
			ov__time_format(v->last_restore, ts, sizeof(ts));
			ov_duty__ev_str(&df, "backupJobs[operation=Restore]",
			    ts, "last successful restore, %lld days ago",
			    (long long)ov_duty__days(actx->now -
			    v->last_restore));
		} else {
			ov_duty__ev(&df, "backupJobs[operation=Restore]", NULL,
			    "no successful restore job on record");
		}
		if (v->last_restore_any > v->last_restore) {
			ov__time_format(v->last_restore_any, ts, sizeof(ts));
			ov_duty__ev_str(&df, "backupJobs[operation=Restore]",
			    ts, "latest restore attempt ended %s",
			    v->last_restore_status != NULL ?
			    v->last_restore_status : "without a status");
		}
		ov_duty__ev_int(&df, "protectedItems", (int64_t)v->n_items,
		    "items protected by the vault");
		if ((error = ov_duty__emit(&df, v->last_restore != 0 ?
		    v->last_restore + window : actx->now)) < 0)
			return error;
	}
	return 0;
}

/* OV-BKP-057: restores slower than the RTO, one finding per vault. */
static int
check_rto(struct bkp_state *st)
{
	struct ov_analyzer_ctx *actx = st->actx;
	int64_t rto = st->duty != NULL && st->duty->rto > 0 ? st->duty->rto :
	    4 * 3600;
	const struct vault_info *v;
	size_t i;
	int error;

	for (v = st->vaults; v != NULL; v = v->next) {
		struct ov_duty_finding df;
		int64_t worst = 0, worst_end = 0;
		size_t n_slow = 0;
		const char *vid;

		ov_duty__begin(&df, actx, "OV-BKP-057", NULL);
		/* the vault's successful restores, in job order */
		for (i = 0; i < v->n_restores; i++) {
			const struct ov_record *j = v->restores[i];
			int64_t d, end = 0;

			if ((d = job_duration(j)) <= rto)
				continue;
			n_slow++;
			if (!ov_duty__rec_time(j, "properties.endTime", &end))
				(void)ov_duty__rec_time(j,
				    "properties.startTime", &end);
			if (d > worst) {
				worst = d;
				worst_end = end;
			}
			ov_duty__ev_int(&df, j->id, d, "restore of %s took "
			    "%lld h %02lld min",
			    ov_model__str(j, "properties.entityFriendlyName")
			    != NULL ? ov_model__str(j,
			    "properties.entityFriendlyName") : "?",
			    (long long)(d / 3600),
			    (long long)(d % 3600 / 60));
		}
		if (n_slow == 0) {
			ov_duty__discard(&df);
			continue;
		}
		vid = vault_id(&df, v);
		df.f.resource_id = vid;
		df.f.resource_type = T_VAULT;
		df.f.resource_name = vid != NULL && strrchr(vid, '/') != NULL ?
		    strrchr(vid, '/') + 1 : vid;
		ov_duty__title(&df, "%zu restore%s from vault %s took longer "
		    "than the RTO (%lld h %02lld min, RTO %lld h)", n_slow,
		    n_slow == 1 ? "" : "s", df.f.resource_name != NULL ?
		    df.f.resource_name : "", (long long)(worst / 3600),
		    (long long)(worst % 3600 / 60), (long long)(rto / 3600));
		if ((error = ov_duty__emit(&df, worst_end != 0 ? worst_end :
		    actx->now)) < 0)
			return error;
	}
	return 0;
}

static int
run(struct ov_analyzer_ctx *actx)
{
	const struct ov_snapshot *s = actx->snap;
	struct bkp_state *st;
	const struct ov_record_list *l;
	struct vault_info *v;
	size_t i;
	int error = 0;

	if (!ov_model__type_collected(s, T_ITEM) &&
	    !ov_model__type_collected(s, T_JOB))
		return ov_duty__coverage(actx, "OV-BKP-059", "no backup "
		    "protected items or jobs (recoveryservicesresources) in "
		    "the snapshot");
	/* Every VM and database meets its protection checks, every protected
	 * item the RPO check: a present protected item proves protection,
	 * a recent recovery point proves the RPO, so silence is a pass. */
	if ((error = ov_analyzer__ran(actx, "OV-BKP-051", T_VM)) < 0 ||
	    (error = ov_analyzer__ran(actx, "OV-BKP-055", T_VM)) < 0 ||
	    (error = ov_analyzer__ran(actx, "OV-BKP-052", T_SQLDB)) < 0 ||
	    (error = ov_analyzer__ran(actx, "OV-BKP-055", T_SQLDB)) < 0 ||
	    (error = ov_analyzer__ran(actx, "OV-BKP-053", T_ITEM)) < 0)
		return error;
	if ((st = ov__calloc(1, sizeof(*st))) == NULL)
		return ov__error_oom(actx->ctx);
	st->actx = actx;
	st->duty = ov_contract__duty(actx->contract, DUTY);
	ov__arena_init(&st->arena, 0, 0);
	if ((error = ov_duty__each(s, T_ITEM, NULL, index_item, st)) < 0 ||
	    (error = ov_duty__each(s, T_JOB, NULL, index_job, st)) < 0 ||
	    (error = ov__groups_layout(&st->jobs_by_entity)) < 0 ||
	    (error = ov_duty__each(s, T_JOB, NULL, file_job, st)) < 0) {
		error = ov__error_oom(actx->ctx);
		goto done;
	}
	l = ov_model__by_type(s, T_VM);
	for (i = 0; i < l->len; i++)
		if ((error = check_protected(st, l->items[i], true)) < 0)
			goto done;
	l = ov_model__by_type(s, T_SQLDB);
	for (i = 0; i < l->len; i++) {
		if (l->items[i]->name != NULL &&
		    ov__streq_ci(l->items[i]->name, "master"))
			continue;
		if ((error = check_protected(st, l->items[i], false)) < 0)
			goto done;
	}
	if ((error = ov_duty__each(s, T_ITEM, NULL, check_rpo, st)) < 0 ||
	    (error = check_restores(st)) < 0 ||
	    (error = check_rto(st)) < 0)
		goto done;
done:
	for (v = st->vaults; v != NULL; v = v->next)
		ov__free(v->restores);
	ov__map_free(&st->by_source);
	ov__groups_free(&st->jobs_by_entity);
	ov__map_free(&st->vault_by_id);
	ov__arena_free(&st->arena);
	ov__free(st);
	return error;
}

/* Protected items are read through pack_item() only. */
static const struct ov_analyzer_read reads[] = {
	{ T_JOB, "properties.status" },
	{ T_JOB, "properties.operation" },
	{ T_JOB, "properties.duration" },
	{ T_JOB, "properties.startTime" },
	{ T_JOB, "properties.endTime" },
	{ T_JOB, "properties.entityFriendlyName" },
	{ NULL, NULL }
};

static const struct ov_analyzer_pack packs[] = {
	{ T_ITEM, pack_item },
	{ NULL, NULL }
};

const struct ov_analyzer ov_analyzer_backup = {
	"backup",
	"Backup: unprotected VMs and databases, RPO, restore tests, RTO",
	DUTY,
	run,
	reads,
	packs
};
