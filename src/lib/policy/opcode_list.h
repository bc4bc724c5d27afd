/* SPDX-License-Identifier: MIT */
/*
 * The policy IR: one X-macro list of node opcodes and one of condition
 * operators.  Include after defining OV_OP(name, text) or
 * OV_COND(name, text, negated_of); each list undefines its macro.
 */
#ifdef OV_OP
OV_OP(TRUE, "true")		/* constant true (folded) */
OV_OP(FALSE, "false")		/* constant false (folded) */
OV_OP(ALLOF, "allOf")		/* every child true; empty is true */
OV_OP(ANYOF, "anyOf")		/* some child true; empty is false */
OV_OP(NOT, "not")		/* negate the only child */
OV_OP(FIELD, "field")		/* field condition, [*] all-of applied */
OV_OP(VALUE, "value")		/* value condition on an expression */
OV_OP(COUNT_FIELD, "count.field") /* count members of a [*] alias */
OV_OP(COUNT_VALUE, "count.value") /* count elements of an array value */
#undef OV_OP
#endif

#ifdef OV_COND
/* AZP: definition-structure-policy-rule#conditions */
OV_COND(EQUALS, "equals")
OV_COND(NOT_EQUALS, "notEquals")
OV_COND(LIKE, "like")
OV_COND(NOT_LIKE, "notLike")
OV_COND(MATCH, "match")
OV_COND(NOT_MATCH, "notMatch")
OV_COND(MATCH_CI, "matchInsensitively")
OV_COND(NOT_MATCH_CI, "notMatchInsensitively")
OV_COND(CONTAINS, "contains")
OV_COND(NOT_CONTAINS, "notContains")
OV_COND(IN, "in")
OV_COND(NOT_IN, "notIn")
OV_COND(CONTAINS_KEY, "containsKey")
OV_COND(NOT_CONTAINS_KEY, "notContainsKey")
OV_COND(LESS, "less")
OV_COND(LESS_OR_EQUALS, "lessOrEquals")
OV_COND(GREATER, "greater")
OV_COND(GREATER_OR_EQUALS, "greaterOrEquals")
OV_COND(EXISTS, "exists")
#undef OV_COND
#endif
