/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/iac.h
 * @brief Infrastructure as code: ARM templates, compiled Bicep and
 * Terraform plans loaded as records.
 *
 * A snapshot expands every ARM deployment template it loads into the
 * resources a deployment would create, and maps every Terraform plan to
 * ARM-shaped records, so the rule pack and Azure Policy definitions run on
 * them unchanged.  The options below give the template parameters and the
 * scope the deployment is imagined in; set them before loading.
 *
 * Ownership: ov_snapshot_set_iac() copies what it is given.  Strings
 * returned by the getters are borrowed from the snapshot.
 */
#ifndef OVERVISOR_IAC_H
#define OVERVISOR_IAC_H

#include <stdbool.h>
#include <stddef.h>

#include "overvisor/common.h"
#include "overvisor/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Template options.  Initialise with OV_IAC_OPTIONS_INIT. */
typedef struct {
	unsigned		 version;	/**< OV_IAC_OPTIONS_VERSION */
	const char * const	*parameter_files; /**< ARM parameter files,
						     applied in order (a later
						     one wins) */
	size_t			 n_parameter_files;
	const char * const	*parameters;	/**< "name=value" overrides,
						     applied last */
	size_t			 n_parameters;
	const char		*scope;		/**< "/subscriptions/S",
						     "/subscriptions/S/
						     resourceGroups/R" or
						     "/providers/Microsoft.
						     Management/managementGroups
						     /M"; NULL for the
						     placeholder scope */
	const char		*data_dir;	/**< holds data/iac/ (the
						     Terraform mapping); NULL
						     for the built-in path */
} ov_iac_options;

#define OV_IAC_OPTIONS_VERSION 1
#define OV_IAC_OPTIONS_INIT { OV_IAC_OPTIONS_VERSION, NULL, 0, NULL, 0, \
	NULL, NULL }

/** The placeholder scope a template is expanded in, unless --scope. */
#define OV_IAC_PLACEHOLDER_TENANT "00000000-0000-0000-0000-000000000000"
#define OV_IAC_PLACEHOLDER_SUBSCRIPTION \
	"00000000-0000-0000-0000-000000000000"
#define OV_IAC_PLACEHOLDER_RESOURCE_GROUP "placeholder-rg"
#define OV_IAC_PLACEHOLDER_MANAGEMENT_GROUP "placeholder-mg"
#define OV_IAC_PLACEHOLDER_DEPLOYMENT "placeholder-deployment"

/**
 * Set the template options of snap.  Parameter files are read here; a file
 * that cannot be read or parsed, a malformed "name=value" or scope is
 * OV_EINVALID (or OV_EIO) with the reason on the snapshot's context.
 */
OV_EXTERN(int) ov_snapshot_set_iac(ov_snapshot *snap,
    const ov_iac_options *opts);

/** Number of records that came from templates and plans. */
OV_EXTERN(size_t) ov_snapshot_n_iac_records(const ov_snapshot *snap);

/**
 * Notes on file i: what was read but could not be checked (a remote linked
 * template, a Terraform attribute or type without a mapping, a function
 * overvisor does not evaluate).  Notes are not errors.  Fills *out with
 * note j; OV_ENOTFOUND past the end.
 */
OV_EXTERN(int) ov_snapshot_file_note(const ov_snapshot *snap, size_t i,
    size_t j, ov_diag_info *out);

#ifdef __cplusplus
}
#endif
#endif
