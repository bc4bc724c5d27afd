/* SPDX-License-Identifier: MIT */
/* The analyzer registry: one pointer per line of analyzer_list.h. */
#include "lib/analyzers/analyzer.h"

#include <stddef.h>

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
