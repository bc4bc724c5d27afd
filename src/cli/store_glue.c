/* SPDX-License-Identifier: MIT */
/* scan --db: record a finished scan in the findings store. */
#include "overvisor/exceptions.h"
#include "overvisor/scan.h"
#include "overvisor/snapshot.h"
#include "overvisor/store.h"
#include "cli.h"

/*
 * Record the scan, its findings and a digest of its records in one
 * transaction.  Returns 0 or the exit status for the failure.
 */
int
cli_store_scan(ov_ctx *ctx, const char *db, const ov_snapshot *snap,
    const ov_scan_result *result)
{
	ov_store *store = NULL;
	int64_t scan_id = 0;
	int status = 0;

	if (ov_store_open(&store, ctx, db, OV_STORE_MIGRATE) < 0 ||
	    ov_store_record_result(store, snap, result, OV_VERSION,
	    &scan_id) < 0)
		status = cli_error_ctx(ctx);
	ov_store_close(store);
	return status;
}
