/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/collect.h
 * @brief Live collection: one tenant read over Azure Resource Manager,
 * Azure Resource Graph and Microsoft Graph into a snapshot directory
 * (manifest.json + NDJSON, the format ov_snapshot_load() reads).
 *
 * Ownership: ov_collect_run() gives the caller an ov_collect_result,
 * released with ov_collect_result_free().  Every string obtained from a
 * result is borrowed and lives as long as it.  Options are only read.
 *
 * Credentials come from the environment, as the Azure SDKs read them
 * (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET,
 * AZURE_CLIENT_CERTIFICATE_PATH, AZURE_CLIENT_CERTIFICATE_PASSWORD,
 * AZURE_FEDERATED_TOKEN_FILE, IDENTITY_ENDPOINT, IDENTITY_HEADER), from the
 * instance metadata service or from the Azure CLI.  Secrets and tokens are
 * never written to the snapshot, the log callback, the progress callback or
 * an error message.
 */
#ifndef OVERVISOR_COLLECT_H
#define OVERVISOR_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where tokens come from. */
typedef enum {
	OV_COLLECT_AUTH_AUTO = 0,	/**< env, workload identity, managed
					     identity, then the Azure CLI */
	OV_COLLECT_AUTH_ENV,		/**< client secret or certificate */
	OV_COLLECT_AUTH_CLI,		/**< az account get-access-token */
	OV_COLLECT_AUTH_MANAGED_IDENTITY, /**< IMDS or App Service */
	OV_COLLECT_AUTH_WORKLOAD_IDENTITY /**< federated token file */
} ov_collect_auth;

/** Parse "auto", "env", "cli", "managed-identity", "workload-identity". */
OV_EXTERN(int) ov_collect_auth_parse(const char *s, ov_collect_auth *out);

/** One source as collected (or not); strings are borrowed. */
typedef struct {
	const char	*name;		/**< "arg:resources", "graph:users" */
	const char	*status;	/**< "collected", "partial", "failed",
					     "not-requested"; "running" while
					     collection is under way */
	const char	*reason;	/**< why not collected, or NULL */
	uint64_t	 count;		/**< records written */
	uint64_t	 pages;		/**< responses read */
	uint64_t	 throttle_ms;	/**< time spent waiting on throttling */
	const char	*api_version;	/**< API version(s) used */
	const char	*file;		/**< NDJSON file in the snapshot */
} ov_collect_source_info;

/**
 * Called with one log line per HTTP request (method, URL without query
 * secrets, status, bytes, milliseconds); the line has no newline.
 */
typedef void (*ov_collect_log_cb)(const char *line, void *payload);

/** Called whenever a source reads a page, waits or finishes. */
typedef void (*ov_collect_progress_cb)(const ov_collect_source_info *src,
    void *payload);

/** Collection options.  Initialise with OV_COLLECT_OPTIONS_INIT. */
typedef struct {
	unsigned		 version;	/**< OV_COLLECT_OPTIONS_VERSION */
	const char		*out_dir;	/**< snapshot directory to write */
	const char		*tenant_id;	/**< NULL: AZURE_TENANT_ID or the
						     token's tenant */
	const char * const	*subscriptions;	/**< NULL: every subscription
						     the identity can read */
	size_t			 n_subscriptions;
	const char		*management_group; /**< its descendant
						     subscriptions, or NULL */
	const char		*cloud;		/**< AzureCloud (NULL),
						     AzureUSGovernment,
						     AzureChinaCloud */
	const char		*endpoints_path; /**< endpoint file (the keys of
						     az cloud show), or NULL */
	const char		*ca_file;	/**< extra trusted CA bundle */
	ov_collect_auth		 auth;		/**< token source */
	const char * const	*sources;	/**< names to collect; NULL =
						     all */
	size_t			 n_sources;
	unsigned		 parallel;	/**< requests in flight; 0 = 8 */
	unsigned		 timeout;	/**< overall seconds; 0 = none */
	unsigned		 request_timeout; /**< seconds per request;
						     0 = 60 */
	ov_collect_log_cb	 log;		/**< per-request log, or NULL */
	void			*log_payload;
	ov_collect_progress_cb	 progress;	/**< per-source progress */
	void			*progress_payload;
} ov_collect_options;

#define OV_COLLECT_OPTIONS_VERSION 1
#define OV_COLLECT_OPTIONS_INIT { OV_COLLECT_OPTIONS_VERSION, NULL, NULL, \
	NULL, 0, NULL, NULL, NULL, NULL, OV_COLLECT_AUTH_AUTO, NULL, 0, 0, \
	0, 0, NULL, NULL, NULL, NULL }

/** Totals over one collection. */
typedef struct {
	uint64_t	 requests;	/**< HTTP requests sent (tokens too) */
	uint64_t	 bytes;		/**< response body bytes received */
	uint64_t	 retries;	/**< requests sent again */
	uint64_t	 throttled;	/**< 429 and 503 answers */
	uint64_t	 throttle_ms;	/**< time spent waiting on them */
	uint64_t	 tokens;	/**< access tokens obtained */
	uint64_t	 records;	/**< records written */
	uint64_t	 elapsed_ms;	/**< wall time */
} ov_collect_stats;

typedef struct ov_collect_result ov_collect_result;

/**
 * Collect one tenant into opts->out_dir.  The snapshot is written under a
 * temporary name beside out_dir and renamed into place when complete; an
 * existing snapshot directory there is replaced, any other non-empty
 * directory is refused (OV_EINVALID).
 *
 * Returns 0 when a snapshot was written, even when some sources failed
 * (each source's status says why); OV_EAUTH when a token could not be
 * obtained (what was collected is still written); OV_EHTTP when nothing
 * could be collected (no snapshot is written); OV_EINVALID for a bad
 * option, endpoint file or CA file (with its position on ctx); OV_EIO
 * when the directory cannot be written.  *out is set whenever collection
 * started, so the caller can show what happened.
 */
OV_EXTERN(int) ov_collect_run(ov_collect_result **out, ov_ctx *ctx,
    const ov_collect_options *opts);

/** Release a result.  NULL is ignored. */
OV_EXTERN(void) ov_collect_result_free(ov_collect_result *r);

/** Number of sources (requested or not), in manifest order. */
OV_EXTERN(size_t) ov_collect_n_sources(const ov_collect_result *r);

/** Fill *out for source i; OV_ENOTFOUND past the end. */
OV_EXTERN(int) ov_collect_source(const ov_collect_result *r, size_t i,
    ov_collect_source_info *out);

/** The totals of a collection. */
OV_EXTERN(void) ov_collect_stats_get(const ov_collect_result *r,
    ov_collect_stats *out);

/** The tenant the snapshot belongs to, or NULL. */
OV_EXTERN(const char *) ov_collect_tenant(const ov_collect_result *r);

/**
 * The name of known source i ("arg:resources"...), or NULL past the end;
 * for --sources and the documentation.
 */
OV_EXTERN(const char *) ov_collect_source_name(size_t i);

/**
 * Validate an endpoint file or cloud name without collecting; OV_EINVALID
 * with the position on ctx when it cannot be used.
 */
OV_EXTERN(int) ov_collect_check_endpoints(ov_ctx *ctx, const char *cloud,
    const char *endpoints_path);

#ifdef __cplusplus
}
#endif
#endif
