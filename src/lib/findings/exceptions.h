/* SPDX-License-Identifier: MIT */
/*
 * Internal side of exceptions.yaml handling: limits on the file.  The
 * public API is include/overvisor/exceptions.h.
 */
#ifndef OV_FINDINGS_EXCEPTIONS_H
#define OV_FINDINGS_EXCEPTIONS_H

#include "overvisor/exceptions.h"

#define OV_EXCEPTIONS_MAX_FILE		(1u << 20)	/* bytes */
#define OV_EXCEPTIONS_MAX_ENTRIES	10000		/* entries per file */
#define OV_EXCEPTIONS_MAX_STRING	4096		/* bytes per value */

/* The synthetic resource id of the finding for a lapsed entry. */
int	ov_exceptions__lapsed_id(const ov_exception *e, char *buf,
	    size_t size);

#endif
