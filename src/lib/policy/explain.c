/* SPDX-License-Identifier: MIT */
/*
 * The disassembler: a flat listing of the compiled IR, one node a line
 * with its JSON Pointer, for `overvisor policy explain`.
 */
#include <stdio.h>
#include <string.h>

#include "policy/policy_int.h"

/* Write an expression in source-like form. */
int
ov_policy__dump_expr(const struct expr *e, struct ov_buf *out)
{
	struct ov_arena a;
	size_t i;

	if (e == NULL)
		return ov__buf_puts(out, "-");
	switch (e->kind) {
	case EX_CONST:
		ov__arena_init(&a, 0, 0);
		(void)ov__buf_puts(out, ov_policy__json_text(&a, e->cval));
		ov__arena_free(&a);
		return 0;
	case EX_CALL:
		(void)ov__buf_printf(out, "%s(", ov_policy__fns[e->fn].name);
		for (i = 0; i < e->nargs; i++) {
			if (i > 0)
				(void)ov__buf_puts(out, ", ");
			(void)ov_policy__dump_expr(e->args[i], out);
		}
		return ov__buf_putc(out, ')');
	case EX_PROP:
		(void)ov_policy__dump_expr(e->args[0], out);
		return ov__buf_printf(out, ".%s", e->name);
	default:
		(void)ov_policy__dump_expr(e->args[0], out);
		(void)ov__buf_putc(out, '[');
		(void)ov_policy__dump_expr(e->args[1], out);
		return ov__buf_putc(out, ']');
	}
}

static const char *
fref_desc(const struct fref *fr)
{
	static const char *const kinds[] = { "path", "name", "fullName",
	    "type", "location", "id", "unknown-alias" };

	return fr->kind < sizeof(kinds) / sizeof(kinds[0]) ?
	    kinds[fr->kind] : "?";
}

static void
dump_node(const struct ir *n, int depth, struct ov_buf *out)
{
	uint32_t i;

	(void)ov__buf_printf(out, "%4u %*s%-11s", n->index, depth * 2, "",
	    ov_policy__op_names[n->op]);
	if (n->field != NULL) {
		(void)ov__buf_printf(out, " %s=%s", fref_desc(n->field),
		    n->field->kind == FR_PATH ? n->field->path.text :
		    n->field->text);
		if (n->field->bind >= 0)
			(void)ov__buf_printf(out, " @count%d+%u",
			    n->field->bind, n->field->skip);
	}
	if (n->fexpr != NULL) {
		(void)ov__buf_puts(out, " field=");
		(void)ov_policy__dump_expr(n->fexpr, out);
	}
	if (n->lhs != NULL) {
		(void)ov__buf_puts(out, " ");
		(void)ov_policy__dump_expr(n->lhs, out);
	}
	if (n->op == IR_FIELD || n->op == IR_VALUE ||
	    n->op == IR_COUNT_FIELD || n->op == IR_COUNT_VALUE) {
		(void)ov__buf_printf(out, " %s ",
		    ov_policy__cond_names[n->cop]);
		(void)ov_policy__dump_expr(n->rhs, out);
	}
	if (n->cname != NULL)
		(void)ov__buf_printf(out, " name=%s", n->cname);
	(void)ov__buf_printf(out, "  ; %s\n", n->pointer);
	for (i = 0; i < n->n_kids; i++)
		dump_node(n->kids[i], depth + 1, out);
}

/* Write the IR of one instance. */
int
ov_policy__dump_inst(const struct pinst *pi, struct ov_buf *out)
{
	size_t i;

	(void)ov__buf_printf(out, "definition %s", pi->def->name);
	if (pi->assignment != NULL)
		(void)ov__buf_printf(out, " assignment %s",
		    pi->assignment->name);
	if (pi->ref_id != NULL)
		(void)ov__buf_printf(out, " ref %s", pi->ref_id);
	(void)ov__buf_printf(out, "\n  effect %s%s\n", pi->effect_text != NULL ?
	    pi->effect_text : "-", pi->indexed ? "  mode Indexed" : "");
	if (pi->unsupported != NULL)
		return ov__buf_printf(out, "  unsupported: %s\n",
		    pi->unsupported);
	if (pi->error != NULL)
		return ov__buf_printf(out, "  error: %s at %s\n", pi->error,
		    pi->error_ptr != NULL ? pi->error_ptr : "");
	(void)ov__buf_puts(out, "  types ");
	if (pi->types == NULL)
		(void)ov__buf_puts(out, "*");
	for (i = 0; i < pi->n_types; i++)
		(void)ov__buf_printf(out, "%s%s", i > 0 ? "," : "",
		    pi->types[i]);
	(void)ov__buf_printf(out, "\n  applicability type=%d name=%d "
	    "kind=%d\n", pi->app_type, pi->app_name, pi->app_kind);
	if (pi->cond != NULL)
		dump_node(pi->cond, 1, out);
	if (pi->rel_type != NULL) {
		(void)ov__buf_printf(out, "  related %s%s name=",
		    pi->rel_type, pi->rel_sub_scope ? " (subscription)" : "");
		(void)ov_policy__dump_expr(pi->rel_name, out);
		(void)ov__buf_putc(out, '\n');
	}
	if (pi->exist != NULL) {
		(void)ov__buf_puts(out, "  existenceCondition\n");
		dump_node(pi->exist, 2, out);
	}
	return 0;
}
