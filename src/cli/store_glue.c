/* SPDX-License-Identifier: MIT */
#include "overvisor/scan.h"
#include "overvisor/snapshot.h"
#include "cli.h"

int cli_store_scan(ov_ctx *ctx, const char *db, const ov_snapshot *snap,
    const ov_scan_result *result);

int
cli_store_scan(ov_ctx *ctx, const char *db, const ov_snapshot *snap,
    const ov_scan_result *result)
{
	(void)ctx; (void)snap; (void)result;
	cli_error("%s: the findings store is not available in this build", db);
	return CLI_EXIT_STORE;
}
