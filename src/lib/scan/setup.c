/* SPDX-License-Identifier: MIT */
/*
 * The pipeline's configuration stage: the contract, the exceptions, the
 * responsibility matrix, the framework and the rule set, and the one set
 * of defaults every command shares (data directory, zone tag; the clock
 * is scan.c's).
 */
#include <string.h>

#include "lib/raci/contract.h"
#include "lib/scan/scan_int.h"
#include "util/alloc.h"
#include "util/file.h"

/* Copy the manifest sources for the report, once the snapshot is loaded. */
int
ov_scan__sources(struct ov_scan_result *r)
{
	ov_manifest_info m;
	size_t i;

	ov_snapshot_manifest(r->snap, &m);
	if (m.n_sources == 0)
		return 0;
	r->sources = ov__arena_calloc(&r->arena, m.n_sources,
	    sizeof(*r->sources));
	if (r->sources == NULL)
		return ov__error_oom(r->ctx);
	for (i = 0; i < m.n_sources && ov_snapshot_source(r->snap, i,
	    &r->sources[i]) == 0; i++)
		r->n_sources++;
	return 0;
}

/* The rule set: the caller's, or one compiled for this run. */
static int
setup_ruleset(struct ov_scan_result *r)
{
	const ov_scan_options *o = r->opts;
	ov_ruleset_options ro = OV_RULESET_OPTIONS_INIT;
	int error;

	if (o->ruleset != NULL) {
		if (o->assigned && ov_ruleset_snapshot(o->ruleset) != r->snap)
			return ov__error(r->ctx, OV_EINVALID,
			    OV_ERRCLASS_CONFIG, "evaluating through the "
			    "snapshot's assignments needs a rule set bound "
			    "to that snapshot");
		r->ruleset = o->ruleset;
		return 0;
	}
	if (o->no_rules && o->n_policy_paths == 0)
		return 0;
	ro.data_dir = r->data_dir;
	ro.rules_dir = o->rules_dir;
	ro.no_rules = o->no_rules;
	ro.policy_paths = o->policy_paths;
	ro.n_policy_paths = o->n_policy_paths;
	ro.aliases_path = o->aliases_path;
	ro.snapshot = o->assigned ? r->snap : NULL;
	error = ov_ruleset_new(&r->own_ruleset, r->ctx, &ro);
	r->ruleset = r->own_ruleset;
	return error;
}

/* Load the configuration; before any evaluation. */
int
ov_scan__setup(struct ov_scan_result *r)
{
	const ov_scan_options *o = r->opts;
	int error;

	r->data_dir = ov__data_dir(o->data_dir);
	if (o->contract != NULL)
		r->contract = o->contract;
	else if ((error = o->contract_path != NULL ?
	    ov_contract__load_file(&r->own_contract, r->ctx,
	    o->contract_path) : ov_contract__default(&r->own_contract,
	    r->ctx)) < 0)
		return error;
	else
		r->contract = r->own_contract;
	/* An explicit tag, else the contract's (which defaults to "env"). */
	r->zone_tag = o->zone_tag != NULL ? o->zone_tag :
	    ov_contract__zone_tag(r->contract);
	if (o->exceptions_path != NULL && (error = ov_exceptions_load(
	    &r->exceptions, r->ctx, o->exceptions_path)) < 0)
		return error;
	if ((error = ov_raci_load(&r->raci, r->ctx, r->data_dir)) < 0)
		return error;
	if (o->framework != NULL && (error = ov_framework_load(&r->framework,
	    r->ctx, r->data_dir, o->framework)) < 0)
		return error;
	return setup_ruleset(r);
}

/* Release what the stages hold. */
void
ov_scan__teardown(struct ov_scan_result *r)
{
	ov_ruleset_free(r->own_ruleset);
	ov_exceptions_free(r->exceptions);
	ov_compliance_free(r->compliance);
	ov_framework_free(r->framework);
	ov_raci_free(r->raci);
	ov__map_free(&r->tally_index);
	ov__free(r->tallies);
	ov_contract_free(r->own_contract);
}
