/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/contract.h
 * @brief The operator contract (contract.yaml) and the shape of the
 * answers to the questions a customer puts to its CSP.  The answers
 * themselves come from the pipeline (ov_scan_answer() in overvisor/scan.h,
 * options.questions).
 *
 * Ownership: an ov_contract from ov_contract_load_file(),
 * ov_contract_load_buffer() or ov_contract_default() is owned by the caller
 * and released with ov_contract_free().
 */
#ifndef OVERVISOR_CONTRACT_H
#define OVERVISOR_CONTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"
#include "overvisor/finding.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A parsed operator contract. */
typedef struct ov_contract ov_contract;

/**
 * Read and validate a contract file.  On success *out is owned by the
 * caller.  An invalid field fails with OV_EPARSE; ov_error_last(ctx) then
 * gives the message, the file, the line and the column.  OV_EIO when path
 * cannot be read.
 */
OV_EXTERN(int) ov_contract_load_file(ov_contract **out, ov_ctx *ctx,
    const char *path);

/**
 * As ov_contract_load_file() for len bytes of YAML; name (may be NULL) is
 * used as the source in errors.
 */
OV_EXTERN(int) ov_contract_load_buffer(ov_contract **out, ov_ctx *ctx,
    const char *name, const char *data, size_t len);

/**
 * The default contract used when none is given (documented in
 * docs/contract.md).  *out is owned by the caller.
 */
OV_EXTERN(int) ov_contract_default(ov_contract **out, ov_ctx *ctx);

/** Release a contract.  NULL is ignored. */
OV_EXTERN(void) ov_contract_free(ov_contract *c);

/** The file the contract was read from, or NULL for the default. */
OV_EXTERN(const char *) ov_contract_source(const ov_contract *c);

/** How well a question is answered. */
typedef enum {
	OV_ANSWER_ANSWERED = 0,	/**< contract names it and data proves it */
	OV_ANSWER_PARTIAL,	/**< contract names it, evidence incomplete */
	OV_ANSWER_GAP		/**< not named, or data contradicts it */
} ov_answer_status;

/** One answered question.  Every string is borrowed from the result. */
typedef struct {
	const char		*id;		/**< "Q1" ... "Q8" */
	const char		*question;	/**< the question, one line */
	const char		*duty;		/**< contract duty it concerns */
	ov_answer_status	 status;	/**< answered, partial, gap */
	const char		*answer;	/**< what the contract says */
	const char * const	*evidence;	/**< facts from the snapshot */
	size_t			 n_evidence;	/**< number of evidence lines */
	const char * const	*gaps;		/**< what is missing */
	size_t			 n_gaps;	/**< number of gaps */
} ov_contract_answer;

/** "answered", "partial" or "gap". */
OV_EXTERN(const char *) ov_answer_status_name(ov_answer_status s);

#ifdef __cplusplus
}
#endif
#endif
