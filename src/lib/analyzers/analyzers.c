/* SPDX-License-Identifier: MIT */
/* The analyzer registry: one pointer per line of analyzer_list.h. */
#include "lib/analyzers/analyzer.h"

#include <stddef.h>

#include "findings/coverage.h"
#include "util/error.h"
#include "util/hash.h"

#define OV_ANALYZER(name) extern const struct ov_analyzer ov_analyzer_##name;
#include "lib/analyzers/analyzer_list.h"
#undef OV_ANALYZER

const struct ov_analyzer *const ov_analyzers[] = {
#define OV_ANALYZER(name) &ov_analyzer_##name,
#include "lib/analyzers/analyzer_list.h"
#undef OV_ANALYZER
	NULL
};

/* Find an analyzer by name, case-insensitively. */
const struct ov_analyzer *
ov_analyzer__find(const char *name)
{
	const struct ov_analyzer *const *a;

	for (a = ov_analyzers; *a != NULL; a++)
		if (ov__streq_ci((*a)->name, name))
			return *a;
	return NULL;
}

/* Check rule evaluated every record of type. */
int
ov_analyzer__ran(struct ov_analyzer_ctx *actx, const char *rule,
    const char *type)
{
	if (actx->coverage == NULL || type == NULL)
		return 0;
	if (ov_coverage__ran(actx->coverage, rule, type) < 0)
		return ov__error_oom(actx->ctx);
	return 0;
}

/* Check rule could not decide on one record. */
int
ov_analyzer__unknown(struct ov_analyzer_ctx *actx, const char *rule,
    const char *resource_id)
{
	if (actx->coverage == NULL)
		return 0;
	if (ov_coverage__veto(actx->coverage, rule, resource_id) < 0)
		return ov__error_oom(actx->ctx);
	return 0;
}
