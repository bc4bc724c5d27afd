/* SPDX-License-Identifier: MIT */
#include "lib/iac/iac_int.h"

int
ov_iac__load_tfplan(struct load_ctx *lc, const ov_json *root)
{
	(void)lc;
	(void)root;
	return 0;
}
