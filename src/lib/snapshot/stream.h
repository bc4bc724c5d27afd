/* SPDX-License-Identifier: MIT */
/*
 * Streaming loads: what a caller (the scan pipeline) sees of each record
 * while it is loaded, and what the snapshot keeps of it after.
 *
 * Workers call hooks->record() with each record and its whole body, in a
 * thread of their own: the record's rules are evaluated there.  The
 * record then keeps its header and what hooks->plan retains of its body.
 * The main thread merges the units in load order (hooks->merge()) and
 * reports every record that lost to a richer copy of the same id
 * (hooks->loser()), whose results the caller withdraws: duplicates keep
 * the semantics of a full load (one record per id, the richer body).
 *
 * Without hooks a load keeps every body whole (full retention), which is
 * what `policy eval`, `policy explain` and the library's other callers
 * get from ov_snapshot_load().
 */
#ifndef OV_SNAPSHOT_STREAM_H
#define OV_SNAPSHOT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/snapshot.h"
#include "lib/model/model.h"
#include "lib/snapshot/retain.h"

struct ov_load_hooks {
	void			*payload;	/* passed to every hook */
	const struct ov_retain	*plan;		/* what to keep of bodies */
	/* The walk is done (the manifests are read), no unit is loaded
	 * yet: the workers' contexts copy the caller's from here. */
	int	(*walked)(void *payload);
	/* State of one worker thread, with its own context (clock, limits,
	 * error); NULL hooks are skipped. */
	int	(*worker_new)(void *payload, ov_ctx *wctx, void **ws);
	void	(*worker_free)(void *payload, void *ws);
	/* The results of one unit, built in a worker. */
	int	(*unit_new)(void *payload, void *ws, void **ur);
	void	(*unit_free)(void *payload, void *ur);
	/* One record in a worker: its body is whole; seq numbers it in
	 * its unit.  A negative return stops the load. */
	int	(*record)(void *ws, void *ur, const struct ov_record *rec,
		    uint32_t seq);
	/* A unit merged on the main thread, in load order: its records
	 * are the snapshot's records first, first + 1, ... */
	int	(*merge)(void *payload, void *ur, size_t first);
	/* A record that lost to a richer copy of its id (main thread). */
	int	(*loser)(void *payload, const struct ov_record *rec);
};

/*
 * Load paths (files or directories) into s, streaming every record
 * through hooks (NULL: keep everything).  flags are OV_LOAD_*.  Returns 0
 * when the load ran (input problems are diagnostics), OV_EIO when a path
 * does not exist, or an error from a hook or memory.
 */
int	ov_snap__load_paths(struct ov_snapshot *s, const char *const *paths,
	    size_t n, unsigned flags, const struct ov_load_hooks *hooks);

#endif
