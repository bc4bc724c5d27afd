/* SPDX-License-Identifier: MIT */
/*
 * The governance evidence of a snapshot (evidence.h): restore jobs and
 * protected items as the backup analyzer reads them, Azure Policy
 * exemptions, and the policy enforcement controls.
 */
#include <stdio.h>
#include <string.h>

#include "lib/analyzers/analyzer.h"
#include "lib/analyzers/duty.h"
#include "lib/analyzers/evidence.h"
#include "util/hash.h"

#define T_JOB	"Microsoft.RecoveryServices/vaults/backupJobs"
#define T_ITEM	"Microsoft.RecoveryServices/vaults/backupFabrics/" \
		"protectionContainers/protectedItems"
#define T_EXEMPT "Microsoft.Authorization/policyExemptions"

/* The vault name in a Recovery Services id, copied into buf. */
static const char *
vault_name(const char *id, char *buf, size_t size)
{
	size_t n = ov_duty__prefix_len(id, "/vaults/"), len;

	if (id == NULL || n == 0)
		return NULL;
	n += strlen("/vaults/");
	len = strcspn(id + n, "/");
	snprintf(buf, size, "%.*s", (int)len, id + n);
	return buf;
}

static bool
is_restore(const struct ov_record *j)
{
	const char *op = ov_model__str(j, "properties.operation");

	return op != NULL && (ov__streq_ci(op, "Restore") ||
	    ov__streq_ci(op, "CrossRegionRestore"));
}

static int
restores(const struct ov_snapshot *s, const struct ov_ev_sink *sink)
{
	const struct ov_record_list *l = ov_model__by_type(s, T_JOB);
	struct ov_ev_restore x;
	char vbuf[256];
	size_t i;
	int error;

	for (i = 0; sink->restore != NULL && i < l->len; i++) {
		const struct ov_record *j = l->items[i];

		if (!is_restore(j))
			continue;
		memset(&x, 0, sizeof(x));
		(void)ov_duty__rec_time(j, "properties.startTime", &x.started);
		(void)ov_duty__rec_time(j, "properties.endTime", &x.ended);
		if (!ov_duty__iso_duration(ov_model__str(j,
		    "properties.duration"), &x.duration) && x.ended > x.started)
			x.duration = x.ended - x.started;
		x.job_id = j->id;
		x.vault = vault_name(j->id, vbuf, sizeof(vbuf));
		x.item = ov_model__str(j, "properties.entityFriendlyName");
		x.operation = ov_model__str(j, "properties.operation");
		x.status = ov_model__str(j, "properties.status");
		if ((error = sink->restore(&x, sink->payload)) != 0)
			return error;
	}
	return 0;
}

static int
items(const struct ov_snapshot *s, const struct ov_ev_sink *sink)
{
	const struct ov_record_list *l = ov_model__by_type(s, T_ITEM);
	struct ov_ev_item x;
	char vbuf[256];
	size_t i;
	int error;

	for (i = 0; sink->item != NULL && i < l->len; i++) {
		const struct ov_record *it = l->items[i];

		memset(&x, 0, sizeof(x));
		x.status = ov_model__str(it, "properties.lastBackupStatus");
		/* the newest recovery point, else a completed last backup */
		if (!ov_duty__rec_time(it, "properties.lastRecoveryPoint",
		    &x.last_backup) && !(x.status != NULL &&
		    ov__streq_ci(x.status, "Completed") &&
		    ov_duty__rec_time(it, "properties.lastBackupTime",
		    &x.last_backup)))
			x.last_backup = 0;
		x.id = it->id;
		x.name = ov_model__str(it, "properties.friendlyName");
		x.vault = vault_name(it->id, vbuf, sizeof(vbuf));
		if ((error = sink->item(&x, sink->payload)) != 0)
			return error;
	}
	return 0;
}

static int
exemptions(const struct ov_snapshot *s, const struct ov_ev_sink *sink)
{
	const struct ov_record_list *l = ov_model__by_type(s, T_EXEMPT);
	struct ov_ev_exemption x;
	size_t i;
	int error;

	for (i = 0; sink->exemption != NULL && i < l->len; i++) {
		const struct ov_record *r = l->items[i];

		memset(&x, 0, sizeof(x));
		(void)ov_duty__rec_time(r, "properties.expiresOn", &x.expires);
		x.id = r->id;
		x.assignment = ov_model__str(r,
		    "properties.policyAssignmentId");
		x.category = ov_model__str(r, "properties.exemptionCategory");
		x.name = ov_model__str(r, "properties.displayName");
		if ((error = sink->exemption(&x, sink->payload)) != 0)
			return error;
	}
	return 0;
}

#define T_ASSIGN "Microsoft.Authorization/policyAssignments"
#define T_DEF	"Microsoft.Authorization/policyDefinitions"
#define T_SET	"Microsoft.Authorization/policySetDefinitions"

const struct ov_analyzer_read ov_analyzers__evidence_reads[] = {
	{ T_JOB, "properties.operation" },
	{ T_JOB, "properties.startTime" },
	{ T_JOB, "properties.endTime" },
	{ T_JOB, "properties.duration" },
	{ T_JOB, "properties.entityFriendlyName" },
	{ T_JOB, "properties.status" },
	{ T_ITEM, "properties.lastBackupStatus" },
	{ T_ITEM, "properties.lastRecoveryPoint" },
	{ T_ITEM, "properties.lastBackupTime" },
	{ T_ITEM, "properties.friendlyName" },
	{ T_EXEMPT, "properties.expiresOn" },
	{ T_EXEMPT, "properties.policyAssignmentId" },
	{ T_EXEMPT, "properties.exemptionCategory" },
	{ T_EXEMPT, "properties.displayName" },
	/* the enforcement controls read as policy_enforcement does */
	{ T_ASSIGN, "*" },
	{ T_DEF, "*" },
	{ T_SET, "*" },
	{ NULL, NULL }
};

/* Walk the governance evidence of a snapshot. */
int
ov_analyzers__evidence(const struct ov_snapshot *s,
    const struct ov_contract *c, const struct ov_ev_sink *sink)
{
	int error;

	if ((error = restores(s, sink)) != 0 ||
	    (error = items(s, sink)) != 0 ||
	    (error = exemptions(s, sink)) != 0)
		return error;
	return ov_policy_enforcement__controls(s, c, sink);
}
