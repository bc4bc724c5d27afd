/* SPDX-License-Identifier: MIT */
/* scan --db: record a finished scan in the findings store. */
#include <stdio.h>
#include <string.h>

#include "overvisor/exceptions.h"
#include "overvisor/queue.h"
#include "overvisor/scan.h"
#include "overvisor/snapshot.h"
#include "overvisor/store.h"
#include "cli.h"

/* The queue job whose lease fences the scans recorded (worker), or 0. */
static int64_t fence_id;
static char fence_token[64];

/* Fence the scans this process records to a queue job's lease. */
void
cli_store_fence(int64_t id, const char *token)
{
	fence_id = id;
	snprintf(fence_token, sizeof(fence_token), "%s", token);
}

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

	if (ov_store_open(&store, ctx, db, OV_STORE_MIGRATE) == 0 &&
	    fence_id != 0)
		ov_queue_fence(store, fence_id, fence_token);
	if (store == NULL || ov_store_record_result(store, snap, result,
	    OV_VERSION, &scan_id) < 0)
		status = cli_error_ctx(ctx);
	ov_store_close(store);
	return status;
}

/*
 * Open the PostgreSQL store of operator mode's tenants and job queue.  A
 * SQLite path is refused before it is opened (opening would create it).
 * Returns 0 or the exit status.
 */
int
cli_queue_open(ov_ctx *ctx, const char *db, ov_store **out)
{
	return cli_queue_open_flags(ctx, db, 0, out);
}

/* As cli_queue_open, with ov_store_open flags. */
int
cli_queue_open_flags(ov_ctx *ctx, const char *db, unsigned flags,
    ov_store **out)
{
	char shown[512];

	*out = NULL;
	if (strncmp(db, "postgresql://", 13) != 0 &&
	    strncmp(db, "postgres://", 11) != 0) {
		ov_store_mask_target(db, shown, sizeof(shown));
		cli_error("%s: operator mode's tenants and job queue need a "
		    "PostgreSQL store (--db postgresql://...); SQLite has no "
		    "queue: use overvisor operator run with a configuration "
		    "file instead", shown);
		return CLI_EXIT_STORE;
	}
	if (ov_store_open(out, ctx, db, flags) < 0)
		return cli_error_ctx(ctx);
	return 0;
}

/* --format text|json of the queue's listings. */
int
cli_text_or_json(const char *cmd, const char *arg, bool *json)
{
	*json = strcmp(arg, "json") == 0;
	if (*json || strcmp(arg, "text") == 0)
		return 0;
	return cli_usage_error(cmd, "--format: '%s' is not text or json", arg);
}

/* A Unix time as a JSON string (ISO 8601, UTC), or null for 0. */
void
cli_json_time(FILE *f, int64_t t)
{
	char buf[40];

	if (t == 0) {
		fputs("null", f);
		return;
	}
	ov_format_time(t, buf, sizeof(buf));
	ov_json_fput_string(buf, f);
}
