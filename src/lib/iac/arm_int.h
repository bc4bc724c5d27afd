/* SPDX-License-Identifier: MIT */
/*
 * ARM template expansion, shared by arm.c (the deployment: parameters,
 * variables, functions, resources, nested deployments) and arm_value.c
 * (values: expressions, property copy loops, source positions).
 */
#ifndef OV_IAC_ARM_INT_H
#define OV_IAC_ARM_INT_H

#include "lib/iac/iac_int.h"
#include "policy/policy_int.h"

/* Copy loops nest at most this deep in one deployment. */
#define OV_IAC_MAX_LOOPS 16

/* A memoised parameter or variable. */
struct slot {
	uint8_t		 state;		/* 0 not yet, 1 being computed, 2 done */
	const ov_json	*value;		/* the value when done */
};

/* One active copy loop. */
struct loop {
	const char	*name;		/* the copy's name, or NULL */
	const ov_json	*index;		/* the iteration (a number, or unknown
					   when the count is) */
	bool		 resource;	/* a resource loop: copyIndex() with no
					   name reads the innermost one */
};

/* Pointer-keyed cache of parsed expressions. */
struct expr_cache {
	const void	**keys;		/* string nodes, or members for keys */
	struct expr	**vals;		/* their parse, NULL after an error */
	size_t		  cap;		/* power of two, or 0 */
	size_t		  len;		/* entries */
};

/* Everything one template file's expansion shares. */
struct expander {
	struct load_ctx		*lc;		/* the main template's load */
	struct ov_snapshot	*s;		/* the snapshot filled */
	ov_ctx			*ctx;		/* its context */
	struct ov_arena		 scratch;	/* parses and temporaries */
	struct expr_cache	 cache;		/* parsed expressions */
	const struct ov_iac_opts *opts;		/* options, or NULL */
	const ov_json		*sibling;	/* "parameters" of the file next
						   to the template, or NULL */
	const char		*main_dir;	/* directory of the template */
	unsigned		 udf_depth;	/* user functions active */
	size_t			 n_records;	/* records added */
};

struct dep;

/* What a callback of the policy evaluator reads: a deployment, or a
 * user-defined function's frame in it. */
struct scope {
	struct dep		*d;		/* the deployment */
	const ov_json		*fparams;	/* function parameters, or NULL */
	const ov_json		**fargs;	/* their values */
	size_t			 fargc;		/* how many */
};

/* One deployment: the template file's own, or a nested one. */
struct dep {
	struct expander		*x;		/* shared state */
	struct dep		*outer;		/* an outer-scoped nested
						   template reads its parent's
						   parameters and variables */
	const ov_json		*tmpl;		/* the template object */
	uint32_t		 file;		/* snapshot file holding it */
	const char		*path;		/* that file's path */
	struct scope		 self;		/* payload of arm */
	struct arm_ctx		 arm;		/* the functions' view */
	int			 scope;		/* where resources go: ARM_SCOPE_* */
	const char		*sub;		/* their subscription */
	const char		*rg;		/* their resource group */
	const char		*mg;		/* their management group */
	bool			 top;		/* the file's own: options apply */
	const ov_json		*pdecl;		/* parameters declared */
	const ov_json		*pvals;		/* values given by the parent */
	struct slot		*pslots;	/* per declared parameter */
	const ov_json		*vdecl;		/* variables */
	struct slot		*vslots;	/* per variable */
	const ov_json		*vcopy;		/* variables' copy array */
	struct slot		*cslots;	/* per copy variable */
	const ov_json		*fns;		/* user-defined functions */
	struct loop		 loops[OV_IAC_MAX_LOOPS]; /* active loops */
	int			 n_loops;
	struct ov_map		 symbols;	/* 2.0: symbolic name -> id */
	const char		*exists_if;	/* the deployment's condition */
	struct bicep_src	*bicep;		/* Bicep source, or NULL */
	int			 depth;		/* nesting of deployments */
	bool			 v2;		/* languageVersion 2.0 */
};

/*
 * Expand a template value: literals copied with their position, strings
 * that are expressions evaluated (arm is the functions' view, normally
 * &d->arm), property copy loops unrolled.  *out lives as long as the
 * snapshot.  Evaluation problems become diagnostics and unknown values;
 * only OV_ENOMEM is returned.
 */
int	ov_iac__value(struct dep *d, const struct arm_ctx *arm,
	    const ov_json *src, const ov_json **out);
/*
 * A copy of v, data that is never evaluated (a given parameter value),
 * placed at at where it carries no place of its own.
 */
const ov_json *ov_iac__data(struct dep *d, const ov_json *v,
	    const ov_json *at);
/* A copy of v without places, so the expression using it places it. */
const ov_json *ov_iac__unplaced(struct dep *d, const ov_json *v);
/* A diagnostic at node of d's file. */
int	ov_iac__diag(struct dep *d, const ov_json *node, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* The text a value stands for in messages and evidence. */
const char *ov_iac__text(struct dep *d, const ov_json *v);
/* Release the expression cache. */
void	ov_iac__cache_free(struct expr_cache *c);

#endif
