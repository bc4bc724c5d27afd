/* SPDX-License-Identifier: MIT */
/*
 * Internals of the Azure Policy engine (DESIGN section 5).  One file per
 * phase: definition.c (loading), expr_lex.c and expr_parse.c (template
 * expressions), functions.c (ARM and policy functions), value.c (runtime
 * values), alias.c (alias table and paths), compile.c (IR), eval.c
 * (evaluation and effects), assignment.c (assignments, initiatives and
 * exemptions), explain.c (IR listing and traces).
 *
 * Runtime values are ov_json nodes: parsed ones are borrowed from their
 * documents, computed ones live in the evaluation arena.  NULL means
 * "absent" (a field that resolves to nothing).
 */
#ifndef OV_POLICY_INT_H
#define OV_POLICY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"
#include "overvisor/json.h"
#include "overvisor/policy.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/hash.h"

struct ov_snapshot;
struct ov_record;

/* ---- values (value.c) ------------------------------------------------- */

extern const ov_json ov_policy__v_true;
extern const ov_json ov_policy__v_false;
extern const ov_json ov_policy__v_null;

const ov_json	*ov_policy__v_bool(bool b);
const ov_json	*ov_policy__v_str(struct ov_arena *a, const char *s, size_t n);
const ov_json	*ov_policy__v_int(struct ov_arena *a, int64_t i);
const ov_json	*ov_policy__v_num(struct ov_arena *a, double d);
/* An array whose items are copies of the nodes in items (n of them). */
const ov_json	*ov_policy__v_array(struct ov_arena *a,
		    const ov_json *const *items, size_t n);
/* An object from n keys and values; later duplicate keys win. */
const ov_json	*ov_policy__v_object(struct ov_arena *a,
		    const char *const *keys, const ov_json *const *vals,
		    size_t n);
/* A number value as a double (0 when not a number). */
double		 ov_policy__num(const ov_json *v);
/* True when v is a number that is integral; *out receives it. */
bool		 ov_policy__int(const ov_json *v, int64_t *out);
/* The string form used by comparisons and string(); arena copy. */
const char	*ov_policy__to_text(struct ov_arena *a, const ov_json *v,
		    bool arm_style);
/* Deep equality: strings case-insensitive when ci, numbers by value. */
bool		 ov_policy__equal(const ov_json *a, const ov_json *b, bool ci);
/* Case-insensitive equality and ordering with Unicode case folding. */
bool		 ov_policy__eq_fold(const char *a, size_t an, const char *b,
		    size_t bn);
int		 ov_policy__cmp_fold(const char *a, const char *b);
/* s case-folded (s itself when ASCII), allocated from a. */
const char	*ov_policy__fold_dup(struct ov_arena *a, const char *s);
/* ASCII case-insensitive substring test. */
bool		 ov_policy__contains_ci(const char *hay, const char *needle);
/* Invariant-culture-like ordering: case-insensitive, then lower first. */
int		 ov_policy__strcmp_culture(const char *a, const char *b);
/* Compact JSON text of v in the arena; "null" for NULL. */
const char	*ov_policy__json_text(struct ov_arena *a, const ov_json *v);
/* Parse a JSON text into a value allocated from a (via a document). */
int		 ov_policy__parse_json(struct ov_arena *a, ov_ctx *ctx,
		    const char *text, size_t len, const ov_json **out);

/*
 * Values known only at deployment (templates, Terraform plans): string
 * nodes flagged OV_JSON_F_UNKNOWN whose text is the expression they stand
 * for.  Functions pass them on instead of computing with them, and
 * conditions that read one are neither true nor false (OV_EVAL_UNKNOWN).
 */
#define OV_EVAL_UNKNOWN	2	/* a condition's third value */
#define OV_JSON_F__PRESENT 0x80	/* engine-internal: an unknown value that
				   is known not to be null (a resource id,
				   a parameter without a value) */

/* How ov_policy__v_copy() treats nodes (either member may be NULL). */
struct ov_copy_hooks {
	/* Adjust a copied node n; src is what it was copied from. */
	void	(*node)(ov_json *n, const ov_json *src, void *payload);
	/* True to use a child as it is rather than copy it. */
	bool	(*share)(const ov_json *child, void *payload);
	void	*payload;		/* passed to both */
};

/* A deep copy of v in a (strings and keys too); see value.c. */
const ov_json	*ov_policy__v_copy(struct ov_arena *a, const ov_json *v,
		    const struct ov_copy_hooks *hooks);
/* True when v itself is an unknown value. */
bool		 ov_policy__is_unknown(const ov_json *v);
/* The first unknown value in v or anywhere below it, or NULL. */
const ov_json	*ov_policy__find_unknown(const ov_json *v);
/* A new unknown value standing for n bytes of what. */
const ov_json	*ov_policy__v_unknown(struct ov_arena *a, const char *what,
		    size_t n);
/* u, as an unknown that is (present true) or may be (false) null. */
const ov_json	*ov_policy__unknown_as(struct ov_arena *a, const ov_json *u,
		    bool present);

/* ---- expressions (expr_lex.c, expr_parse.c) --------------------------- */

enum expr_kind {
	EX_CONST = 0,		/* a literal or a folded result */
	EX_CALL,		/* fn(args) */
	EX_PROP,		/* args[0].name */
	EX_INDEX		/* args[0][args[1]] */
};

struct fref;

struct expr {
	uint8_t		 kind;		/* enum expr_kind */
	int16_t		 fn;		/* function index for EX_CALL */
	uint16_t	 nargs;		/* arguments (or operands) */
	uint32_t	 offset;	/* byte offset in the expression text */
	const char	*name;		/* function or property name */
	const ov_json	*cval;		/* EX_CONST value */
	struct expr	**args;		/* arguments or operands */
	struct fref	*fref;		/* field('const') pre-resolved */
};

enum tok_kind {
	TK_EOF = 0, TK_LPAREN, TK_RPAREN, TK_LBRACK, TK_RBRACK, TK_COMMA,
	TK_DOT, TK_IDENT, TK_STRING, TK_NUMBER, TK_ERROR
};

struct tok {
	enum tok_kind	 kind;		/* token kind */
	const char	*start;		/* first byte in the source */
	size_t		 len;		/* bytes */
	size_t		 offset;	/* offset in the expression */
};

struct lexer {
	const char	*src;		/* expression text (inside brackets) */
	size_t		 len;		/* bytes */
	size_t		 pos;		/* current offset */
	const char	*error;		/* message when TK_ERROR */
};

void	ov_policy__lex_init(struct lexer *lx, const char *src, size_t len);
/* The next token; TK_ERROR sets lx->error. */
struct tok ov_policy__lex_next(struct lexer *lx);

/* True when s is an ARM expression ("[...]" and not "[[..."). */
bool	ov_policy__is_expr(const char *s, size_t len);
/*
 * Parse an expression string (with its brackets).  On error returns
 * OV_EPARSE, *err_msg and *err_off (offset into s) describe it.
 */
int	ov_policy__expr_parse(struct ov_arena *a, const char *s, size_t len,
	    unsigned max_depth, struct expr **out, char *err_msg,
	    size_t err_size, size_t *err_off);
/* Parse flags. */
#define EXPR_ARM	0x01	/* a template expression: the ARM deployment
				   functions and user-defined functions
				   (ns.fn(...)) instead of the policy-only ones */
/* As ov_policy__expr_parse, with EXPR_* flags. */
int	ov_policy__expr_parse_ex(struct ov_arena *a, const char *s,
	    size_t len, unsigned max_depth, unsigned flags, struct expr **out,
	    char *err_msg, size_t err_size, size_t *err_off);

/* ---- functions (functions.c) ------------------------------------------ */

#define FNF_PURE	0x01	/* result depends on arguments only */
#define FNF_LAZY	0x02	/* evaluates its own arguments (if, and, or) */
#define FNF_POLICY	0x04	/* reads the evaluation context */
#define FNF_BANNED	0x08	/* ARM deployment function, not available in
				   policy rules */
#define FNF_NO_ARM	0x10	/* policy-only, not available in templates */
#define FNF_SHAPE	0x20	/* moves values without reading them, so
				   unknown members pass through */
#define FNF_UNKNOWN_OK	0x40	/* handles unknown arguments itself */
#define FNF_UDF		0x80	/* a template's user-defined function */
#define FNF_NULLABLE	0x100	/* may return null: an unknown argument
				   gives an unknown that may be null */

struct evalx;

typedef int (*fn_impl)(struct evalx *ex, const struct expr *e,
    const ov_json **argv, size_t argc, const ov_json **out);

struct fn_def {
	const char	*name;		/* canonical spelling */
	int		 min_args;	/* fewest arguments */
	int		 max_args;	/* most arguments, -1 for any */
	unsigned	 flags;		/* FNF_* */
	fn_impl		 impl;		/* NULL for lazy ones handled inline */
};

/* ARM deployment functions (functions_arm.c). */
int	ov_policy__f_variables(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_copyindex(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_deployment(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_environment(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_tenant(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_managementgroup(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_resourceid(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_subresourceid(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_tenantresourceid(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_extresourceid(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_mgresourceid(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_deploytime(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_epoch_to(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_epoch_from(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_lambda(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_lambdavars(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_higher(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_items(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_flatten(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_shallowmerge(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_udf(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_arm_rg(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_arm_sub(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_indexof_any(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);
int	ov_policy__f_deploy_unknown(struct evalx *ex, const struct expr *e,
	    const ov_json **argv, size_t argc, const ov_json **out);

extern const struct fn_def ov_policy__fns[];
extern const size_t ov_policy__n_fns;
/* Index of a function by name (case-insensitive), -1 when unknown. */
int	ov_policy__fn_lookup(const char *name, size_t len);
/* ARM uniqueString: 13 base-32 characters written to out[14]. */
void	ov_policy__unique_string(const char *const *parts, size_t n,
	    char out[14]);
/* ARM guid(): a name-based UUID of the parts joined by '-'. */
void	ov_policy__guid(const char *const *parts, size_t n, char out[37]);

/* ---- aliases and paths (alias.c) -------------------------------------- */

struct pseg {
	const char	*name;		/* member name (unescaped) */
	uint32_t	 len;		/* bytes */
	bool		 wild;		/* followed by [*] */
};

struct ppath {
	struct pseg	*segs;		/* segments */
	uint32_t	 n;		/* number of segments */
	uint32_t	 n_wild;	/* wildcard segments */
	const char	*text;		/* the dotted path as written */
};

struct alias_ent {
	const char		*name;	/* alias name */
	const char		*type;	/* resource type owning it */
	struct ppath		 path;	/* default path */
	struct alias_ent	*next;	/* same name, another type */
};

struct alias_table {
	struct ov_arena	 arena;		/* names and paths */
	struct ov_map	 by_name;	/* alias name -> alias_ent chain */
	struct ov_map	 types;		/* known types -> capabilities */
	size_t		 n;		/* aliases loaded */
};

/* Load an `az provider list` shaped table into t (merging). */
int	ov_policy__alias_load(struct alias_table *t, ov_ctx *ctx,
	    const char *path);
int	ov_policy__alias_load_json(struct alias_table *t, ov_ctx *ctx,
	    const ov_json *root, const char *source);
void	ov_policy__alias_free(struct alias_table *t);
/* Look an alias up; NULL when unknown. */
const struct alias_ent *ov_policy__alias_get(const struct alias_table *t,
	    const char *name, size_t len);
/* Parse a dotted path ("a.b[*].c", "tags['x']") into p. */
int	ov_policy__path_parse(struct ov_arena *a, const char *s, size_t len,
	    struct ppath *p);

/* Kinds of field reference. */
enum fref_kind {
	FR_PATH = 0,		/* a path into the resource body */
	FR_NAME,		/* name: last segment */
	FR_FULLNAME,		/* fullName */
	FR_TYPE,		/* type */
	FR_LOCATION,		/* location, normalised */
	FR_ID,			/* id */
	FR_UNKNOWN		/* an alias the table does not know */
};

struct fref {
	uint8_t			 kind;	/* enum fref_kind */
	bool			 is_alias; /* written as an alias */
	bool			 no_data; /* alias of a type the table
					     does not cover at all */
	bool			 graph;	/* Microsoft.Graph/<type>/<path> */
	int8_t			 bind;	/* count level it is bound to, -1 */
	uint32_t		 skip;	/* path segments the binding covers */
	const char		*text;	/* the field as written */
	const struct alias_ent	*alias;	/* alias entry, or NULL */
	struct ppath		 path;	/* path for FR_PATH */
};

/* ---- the loaded objects (definition.c) -------------------------------- */

enum pobj_kind {
	PO_DEFINITION = 0, PO_SET, PO_ASSIGNMENT, PO_EXEMPTION
};

struct pfile {
	const char	*path;		/* as given */
	char		*data;		/* file bytes (for positions) */
	size_t		 len;		/* bytes */
	ov_json_doc	*doc;		/* the parsed document */
};

struct pdef {
	enum pobj_kind	 kind;		/* what this object is */
	struct pfile	*file;		/* where it came from */
	const char	*base;		/* JSON Pointer prefix of properties */
	const ov_json	*root;		/* the object as written */
	const ov_json	*props;		/* properties (or root when bare) */
	const char	*id;		/* resource id, or a synthetic one */
	const char	*name;		/* name (GUID for built-ins) */
	const char	*display_name;	/* may be NULL */
	const char	*mode;		/* may be NULL */
	const char	*policy_type;	/* BuiltIn, Custom, Static */
	const ov_json	*params_decl;	/* parameters declarations */
	const ov_json	*rule;		/* policyRule */
	const ov_json	*metadata;	/* metadata */
	const ov_json	*ovmeta;	/* metadata.overvisor */
	const char	*category;	/* metadata.category, or NULL */
	int		 status;	/* 0, or a load error code */
	const char	*unsupported;	/* reason, or NULL */
	bool		 standalone;	/* evaluated on its own even when the
					   set holds assignments (rule pack) */
	size_t		 n_unresolved;	/* assignment: its target or members
					   not loaded, at the last compile */
};

struct ov_policy_diag_int {
	int		 level;		/* OV_POLICY_DIAG_* */
	const char	*file;		/* source file */
	const char	*pointer;	/* JSON Pointer */
	unsigned	 line;		/* 1-based, 0 unknown */
	unsigned	 column;	/* 1-based, 0 unknown */
	const char	*message;	/* one line */
	bool		 compile;	/* from compiling (redone on recompile) */
};

/* ---- compiled IR (compile.c) ------------------------------------------ */

enum ir_op {
#define OV_OP(n, s) IR_##n,
#include "opcode_list.h"
	IR__COUNT
};

enum cond_op {
#define OV_COND(n, s) CO_##n,
#include "opcode_list.h"
	CO__COUNT
};

extern const char *const ov_policy__op_names[];
extern const char *const ov_policy__cond_names[];

struct ir {
	uint8_t		 op;		/* enum ir_op */
	uint8_t		 cop;		/* enum cond_op for leaves */
	uint8_t		 level;		/* count level of COUNT_* nodes */
	bool		 is_tcheck;	/* type/name/kind condition */
	uint32_t	 index;		/* position in the listing */
	uint32_t	 n_kids;	/* children */
	struct ir	**kids;		/* children; COUNT_*: kids[0] = where */
	struct fref	*field;		/* FIELD, COUNT_FIELD (static) */
	struct expr	*fexpr;		/* dynamic field name */
	struct expr	*lhs;		/* VALUE and COUNT_VALUE operand */
	struct expr	*rhs;		/* operator argument */
	const char	*pat;		/* like/match: the constant pattern's
					   text, case-folded for like */
	const char	*cname;		/* count name */
	const char	*pointer;	/* JSON Pointer in the definition */
};

struct pset_ref;

/* A definition compiled with one set of parameter values. */
struct pinst {
	struct pdef	*def;		/* the definition */
	struct pdef	*assignment;	/* assignment, or NULL */
	struct pdef	*set;		/* initiative, or NULL */
	const char	*ref_id;	/* policyDefinitionReferenceId */
	const char	**groups;	/* group names (controls) */
	size_t		 n_groups;
	const ov_json	*params;	/* parameter values, object */
	struct ir	*cond;		/* compiled if */
	uint32_t	 n_nodes;	/* IR nodes */
	int		 effect;	/* ov_policy_effect */
	const char	*effect_text;	/* as written after resolution */
	const char	**types;	/* hoisted type guard, NULL = any */
	size_t		 n_types;
	bool		 indexed;	/* mode Indexed */
	/* details */
	const char	*rel_type;	/* AINE/DINE details.type */
	struct expr	*rel_name;	/* details.name */
	struct expr	*rel_rg;	/* details.resourceGroupName */
	bool		 rel_sub_scope;	/* existenceScope subscription */
	struct ir	*exist;		/* existenceCondition, or NULL */
	const ov_json	*details;	/* then.details */
	const char	*default_state;	/* manual details.defaultState */
	bool		 app_type, app_name, app_kind; /* applicability */
	const char	*error;		/* compile error, or NULL */
	const char	*error_ptr;	/* its pointer */
	const char	*unsupported;	/* reason, or NULL */
	bool		 enforce;	/* enforcementMode Default */
};

/* ---- the set ---------------------------------------------------------- */

struct ov_policy_set {
	ov_ctx			*ctx;		/* borrowed */
	struct ov_arena		 arena;		/* everything below */
	struct alias_table	 aliases;	/* merged alias table */
	bool			 aliases_loaded; /* any table loaded */
	struct pfile		**files;	/* loaded files */
	size_t			 n_files, files_cap;
	struct pdef		**objs;		/* loaded objects */
	size_t			 n_objs, objs_cap;
	struct ov_map		 defs_by_name;	/* name/guid -> pdef */
	struct ov_policy_diag_int *diags;	/* diagnostics */
	size_t			 n_diags, diags_cap;
	size_t			 n_errors;	/* error diagnostics */
	size_t			 n_unsupported;	/* unsupported items */
	size_t			 n_unresolved;	/* references to definitions
						   that are not loaded */
	const char		**pnames;	/* --param names */
	const ov_json		**pvals;	/* --param values */
	size_t			 n_params, params_cap;
	struct pinst		**insts;	/* compiled instances */
	size_t			 n_insts, insts_cap;
	struct ov_groups	 exemptions;	/* assignment id -> its
						   exemptions, in load
						   order (compiled) */
	bool			 compiled;	/* insts are current */
	const char		*api_version;	/* requestContext default */
	unsigned		 max_depth;	/* expression depth */
	uint64_t		 max_steps;	/* per evaluation */
	uint64_t		 max_count;	/* count iterations */
	bool			 in_compile;	/* diagnostics are compile ones */
	bool			 lax_missing;	/* no indeterminate for an
						   absent envelope */
	bool			 loading_rules;	/* objects being added are
						   the rule pack */
};

int	ov_policy__diag(struct ov_policy_set *set, int level,
	    const struct pfile *f, const ov_json *node, const char *pointer,
	    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Load one JSON document's policy objects (definition.c). */
int	ov_policy__load_doc(struct ov_policy_set *set, struct pfile *f);
/* Register one object parsed from a snapshot record or a file. */
int	ov_policy__add_obj(struct ov_policy_set *set, struct pfile *f,
	    const ov_json *root, const char *base, struct pdef **out);
/* Find a definition or initiative by id or name (last id segment). */
struct pdef *ov_policy__find(struct ov_policy_set *set, const char *id);

/* Compile every instance (compile.c + assignment.c). */
int	ov_policy__compile_all(struct ov_policy_set *set);
/* Compile one definition with parameter values into *out. */
int	ov_policy__compile_inst(struct ov_policy_set *set, struct pdef *def,
	    const ov_json *params, struct pinst **out);
/* Add an instance to the set. */
int	ov_policy__add_inst(struct ov_policy_set *set, struct pinst *pi);
/* Resolve a field name to a reference (alias.c); never fails on unknown. */
int	ov_policy__fref_resolve(const struct ov_policy_set *set,
	    struct ov_arena *a, const char *s, size_t len, struct fref **out);
/* Parse the effect name; OV_EFFECT_UNKNOWN when not an effect. */
int	ov_policy__effect_parse(const char *s);

/* ---- evaluation (eval.c) ---------------------------------------------- */

/* The resource being evaluated. */
struct pres {
	const ov_json		*body;	/* the resource object */
	const ov_json		*aliases; /* Resource Graph projection */
	const char		*id;	/* may be NULL */
	const char		*type;	/* may be NULL */
	const char		*name;	/* last segment */
	const char		*location; /* may be NULL */
	const char		*subscription; /* may be NULL */
	const char		*rg;	/* resource group, may be NULL */
	const struct ov_record	*rec;	/* record, or NULL */
	const struct ov_snapshot *snap;	/* its snapshot, or NULL */
	const ov_json		*ctx_rg; /* resourceGroup() override */
	const ov_json		*ctx_sub; /* subscription() override */
	const ov_json		*ctx_policy; /* policy() override */
	const char		*exists_if; /* deployed only when this
					   expression, known only at
					   deployment, allows it; or NULL */
};

struct binding {
	const char	*name;		/* count name or alias text */
	const ov_json	*value;		/* the current member */
	const struct fref *fr;		/* field count: the counted field */
	int		 level;		/* nesting level */
};

#define EVAL_MAX_BIND 16

/* Related-resource look-up for AINE/DINE. */
struct related {
	/* Fill *out with candidates; *collected false when not collected. */
	int	(*lookup)(void *p, const struct pinst *pi, const struct pres *r,
		    const char *type, const char *name, const char *rg,
		    bool sub_scope, struct pres **out, size_t *n,
		    bool *collected, struct ov_arena *a);
	void	*payload;		/* passed to lookup */
};

/*
 * The deployment a template expression is evaluated in (lib/iac fills
 * it): the template's parameters, variables, copy loops and user-defined
 * functions through callbacks, and the scope it is deployed to.
 */
enum arm_scope_kind {
	ARM_SCOPE_RG = 0,	/* a resource group deployment */
	ARM_SCOPE_SUB,		/* a subscription deployment */
	ARM_SCOPE_MG,		/* a management group deployment */
	ARM_SCOPE_TENANT	/* a tenant deployment */
};

struct arm_ctx {
	void		*payload;	/* passed to the callbacks */
	/* parameters('name'), variables('name') */
	int		(*parameter)(void *p, struct evalx *ex,
			    const char *name, size_t n, const ov_json **out);
	int		(*variable)(void *p, struct evalx *ex,
			    const char *name, size_t n, const ov_json **out);
	/* copyIndex([loop]): loop NULL for the innermost resource loop */
	int		(*copy_index)(void *p, struct evalx *ex,
			    const char *loop, size_t n, const ov_json **out);
	/* ns.fn(args) */
	int		(*udf)(void *p, struct evalx *ex, const char *name,
			    const ov_json **argv, size_t argc,
			    const ov_json **out);
	int		 scope;		/* enum arm_scope_kind */
	const char	*tenant;	/* tenant id */
	const char	*subscription;	/* subscription id */
	const char	*resource_group; /* resource group name, or NULL */
	const char	*location;	/* resource group location, NULL when
					   known only at deployment */
	const char	*mgmt_group;	/* management group name, or NULL */
	const ov_json	*deployment;	/* what deployment() returns */
	bool		 in_default;	/* evaluating a parameter's default:
					   utcNow() reads the clock */
};

#define EVAL_MAX_LAMBDA 8

/* One bound lambda parameter. */
struct lambda_bind {
	const char	*name;		/* parameter name */
	const ov_json	*value;		/* its value */
};

struct evalx {
	const struct ov_policy_set *set; /* the set, only read */
	ov_ctx			*ctx;	/* for limits and clock */
	struct ov_arena		*a;	/* temporaries */
	const struct pinst	*pi;	/* the instance */
	const struct pres	*res;	/* field conditions read this */
	const struct pres	*fres;	/* field() reads this */
	struct binding		 bind[EVAL_MAX_BIND]; /* active counts */
	int			 n_bind;
	uint64_t		 steps;	/* used so far */
	char			 err[256]; /* runtime error message */
	bool			 failed; /* err is set */
	bool			 applic; /* applicability pass */
	bool			 missing_env; /* read under an absent envelope */
	const char		*no_alias; /* alias without table data read */
	const struct ir		*last;	/* deciding leaf */
	const char		*last_path; /* its resource path */
	const ov_json		*last_val; /* its value (NULL absent) */
	const ov_json		*last_node; /* where that was decided: the
					   value, or a count's first match */
	struct ov_buf		*trace;	/* explain trace, or NULL */
	const char		*api_version; /* requestContext().apiVersion */
	const struct arm_ctx	*arm;	/* template deployment, or NULL */
	struct lambda_bind	 lam[EVAL_MAX_LAMBDA]; /* lambdaVariables() */
	int			 n_lam;
	const ov_json		*unknown; /* first unknown value a condition
					   read, for the evidence */
	bool			 oom;	/* memory ran out: no result stands */
};

int	ov_policy__eval_expr(struct evalx *ex, const struct expr *e,
	    const ov_json **out);
/* Set a runtime error; returns OV_ERROR. */
int	ov_policy__fail(struct evalx *ex, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Values of a field reference on the current resource. */
int	ov_policy__field_values(struct evalx *ex, const struct fref *fr,
	    const struct pres *r, const ov_json ***vals, size_t *n,
	    bool *is_coll, bool *missing);
/* field() as a function. */
int	ov_policy__field_fn(struct evalx *ex, const struct fref *fr,
	    const ov_json **out);

/* Result of evaluating one instance on one resource. */
struct presult {
	int		 state;		/* ov_state, or -1 = no result */
	const char	*reason;	/* one line, arena */
	const char	*pointer;	/* deciding condition */
	const char	*path;		/* resource path */
	const char	*value;		/* JSON text, NULL when absent */
	const char	*change;	/* modify/append change */
	const ov_json	*node;		/* the deciding value, or NULL */
};

int	ov_policy__eval_inst(const struct ov_policy_set *set, ov_ctx *ctx,
	    struct ov_arena *a, const struct pinst *pi, const struct pres *r,
	    const struct related *rel, struct ov_buf *trace,
	    struct presult *out);
/* Fill a pres from a record. */
void	ov_policy__pres_from_record(struct pres *p, const struct ov_record *r);
/* Fill a pres from a bare resource object. */
void	ov_policy__pres_from_json(struct pres *p, const ov_json *body);
/* The snapshot's record of r's subscription (rg NULL) or resource group
 * rg in it; NULL when r has no snapshot or the record was not collected. */
const struct ov_record *ov_policy__scope_record(struct ov_arena *a,
	    const struct pres *r, const char *rg);

/*
 * One evaluation pass over a compiled set.  A walk only reads the set and
 * the snapshot (both must be compiled and indexed before), so threads and
 * scans may share them, each with its own walk: the walk holds the
 * evaluation state (scratch arena, clock).
 */
struct ov_policy_walk {
	const struct ov_policy_set *set;	/* compiled, only read */
	ov_ctx			*ctx;		/* clock and limits; NULL: the
						   set's */
	const struct ov_snapshot *snap;		/* indexed */
	unsigned		 flags;		/* OV_POLICY_EVAL_* */
	ov_policy_result_cb	 cb;		/* every result */
	void			*payload;	/* passed to cb */
	struct ov_arena		 scratch;	/* per (instance, record) */
	const char		*only;		/* assignment filter
						   (what-if) */
	bool			 whatif;	/* force deny, report
						   violations */
	struct ov_buf		*trace;		/* explain, or NULL */
	size_t			 first;		/* first instance */
	size_t			 last;		/* one past the last, 0 = all */
	size_t			 stride;	/* step between instances */
};

/*
 * Evaluate instance pi on record rec: scope, effect, exemptions; the
 * result goes to w->cb.  Allocates from w->scratch, which the caller
 * resets.
 */
int	ov_policy__walk_one(struct ov_policy_walk *w, const struct pinst *pi,
	    const struct ov_record *rec);
/*
 * Evaluate every wanted instance on the records it applies to, instance
 * by instance in set order, records in snapshot order.  Initialises and
 * releases w->scratch.
 */
int	ov_policy__walk(struct ov_policy_walk *w);

/*
 * True when evaluating pi on a record reads other records of the
 * snapshot: related records (auditIfNotExists, deployIfNotExists), the
 * resource group or subscription record (resourceGroup(),
 * subscription()), the management-group ancestry behind an assignment's
 * or exemption's scope.  A streaming scan evaluates the other instances
 * while a record loads, these after loading.  The set must be compiled.
 */
bool	ov_policy__inst_needs_snapshot(const struct ov_policy_set *set,
	    const struct pinst *pi);

/* One body path an instance reads (segs as in struct ppath); 0 or an
 * error code, which ov_policy__inst_reads() returns. */
typedef int (*ov_policy_read_fn)(void *payload, const struct pseg *segs,
    uint32_t n);

/*
 * Report to fn every body path evaluating pi may read, on the records it
 * evaluates and on its related records alike (reads.c): each field
 * reference of the if condition and the existenceCondition, field('x')
 * inside their template expressions and in details.name and
 * details.resourceGroupName (for an alias, its path under every type the
 * table names), the members the engine reads itself (name, type,
 * location, fullName, apiVersion, aliases); a counted array is read
 * whole.  A path names a subtree, read whole.  Returns 1 when some read is
 * not known before evaluation (a computed field name, field() of a
 * computed argument, an alias the table does not know, an instance that
 * did not compile): the caller must keep whole bodies.  0 when the paths
 * are all, or fn's error.  The set must be compiled.
 */
int	ov_policy__inst_reads(const struct ov_policy_set *set,
	    const struct pinst *pi, ov_policy_read_fn fn, void *payload);

/* Evaluate every stride-th instance from first below last (0 = all). */
int	ov_policy__eval_range(struct ov_policy_set *set,
	    const struct ov_snapshot *snap, size_t first, size_t last,
	    size_t stride, ov_policy_result_cb cb, void *payload);

/* ---- explain (explain.c) ---------------------------------------------- */

int	ov_policy__dump_inst(const struct pinst *pi, struct ov_buf *out);
int	ov_policy__dump_expr(const struct expr *e, struct ov_buf *out);

#endif
