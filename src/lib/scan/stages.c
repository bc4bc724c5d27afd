/* SPDX-License-Identifier: MIT */
/*
 * The scan stages around the analyzers: setup (contract, sources), policy
 * (rule pack and --policy paths) and finish (accountability, exceptions,
 * framework view).
 */
#include <string.h>

#include "lib/scan/scan_int.h"
#include "util/alloc.h"

/* Describe the manifest's sources for the report. */
int
ov_scan__setup(struct ov_scan_result *r, const ov_scan_options *o)
{
	const struct ov_snapshot *s = r->snap;
	size_t i;

	(void)o;
	if (s->n_sources != 0) {
		r->sources = ov__arena_calloc(&r->arena, s->n_sources,
		    sizeof(*r->sources));
		if (r->sources == NULL)
			return ov__error_oom(r->ctx);
		for (i = 0; i < s->n_sources; i++) {
			r->sources[i].name = s->sources[i].name;
			r->sources[i].status = s->sources[i].status;
		}
		r->n_sources = s->n_sources;
	}
	return 0;
}

/* Evaluate policy definitions. */
int
ov_scan__policy(struct ov_scan_result *r, const ov_scan_options *o)
{
	(void)r;
	(void)o;
	return 0;
}

/* Fill in accountability and apply exceptions. */
int
ov_scan__finish(struct ov_scan_result *r, const ov_scan_options *o)
{
	(void)r;
	(void)o;
	return 0;
}

/* Release stage state. */
void
ov_scan__teardown(struct ov_scan_result *r)
{
	(void)r;
}
