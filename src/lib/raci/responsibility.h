/* SPDX-License-Identifier: MIT */
/*
 * The shared-responsibility matrix (DESIGN section 7): layer x service
 * model -> owner, and resource type -> service model, both loaded from
 * data/responsibility/.  An unknown type is answered as unknown, never
 * guessed.
 *
 * Ownership: struct ov_raci (typedef ov_raci in overvisor/rules.h) owns
 * every string reached from it; ov_raci_free() releases it.
 */
#ifndef OV_RACI_RESPONSIBILITY_H
#define OV_RACI_RESPONSIBILITY_H

#include "overvisor/finding.h"
#include "overvisor/raci.h"
#include "util/arena.h"
#include "util/hash.h"

/* Service models, in matrix column order. */
enum ov_model {
	OV_MODEL_IAAS = 0,
	OV_MODEL_PAAS,
	OV_MODEL_SAAS,
	OV_MODEL_ONPREM,
	OV_MODEL__COUNT
};

struct ov_raci {
	ov_ctx		*ctx;				/* borrowed */
	struct ov_arena	 arena;				/* strings */
	ov_owner	 owner[OV_LAYER__COUNT][OV_MODEL__COUNT]; /* matrix */
	const char	*layer_title[OV_LAYER__COUNT];	/* display titles */
	struct ov_map	 types;				/* type -> model+1 */
	size_t		 n_types;			/* entries */
	struct ov_map	 settings;			/* customer setting
							   types -> 1 */
};

/* The model's name ("iaas"), or NULL for an out-of-range value. */
const char	*ov_raci__model_name(int model);
/* Parse a model name; -1 when unknown. */
int		 ov_raci__model_parse(const char *name);
/*
 * The service model of type (OV_MODEL_*), or -1 when unknown.  A child
 * type ("A/b/c") without its own entry takes its nearest listed parent's.
 */
int		 ov_raci__service_model(const struct ov_raci *r,
		    const char *type);
/* The owner of layer for type; OV_OWNER_UNKNOWN for an unknown type. */
ov_owner	 ov_raci__owner(const struct ov_raci *r, const char *type,
		    ov_layer layer);

#endif
