/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/operator.h
 * @brief Operator mode: the configuration of a fleet of tenants
 * (operator.yaml) that `overvisor operator run` collects, scans and
 * records one by one, each in a process of its own.
 *
 * The file names each tenant, the credential to use as a *reference*
 * (never a secret: a secret-looking key is refused), its contract,
 * exceptions, subscriptions and cloud.  Relative paths are taken from the
 * file's directory.  Any invalid entry rejects the file with
 * file:line:column, so a typo never silently drops a customer.
 *
 * Ownership: ov_operator_config_load() gives the caller a configuration,
 * released with ov_operator_config_free(); every string and tenant it
 * hands out lives as long as it.
 */
#ifndef OVERVISOR_OPERATOR_H
#define OVERVISOR_OPERATOR_H

#include <stdbool.h>
#include <stddef.h>

#include "overvisor/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most tenants in one configuration. */
#define OV_OPERATOR_MAX_TENANTS	10000
/** Largest configuration file, bytes. */
#define OV_OPERATOR_MAX_FILE	(16u << 20)
/** Most concurrent tenants. */
#define OV_OPERATOR_MAX_CONCURRENCY 64

/** Where a tenant's credential comes from. */
typedef enum {
	/** "env": the AZURE_* variables of the operator's environment, with
	 *  AZURE_TENANT_ID set to the tenant (a multi-tenant application
	 *  consented in every customer tenant). */
	OV_OPERATOR_CRED_ENV = 0,
	/** "env:NAME": NAME_CLIENT_ID, NAME_CLIENT_SECRET,
	 *  NAME_CLIENT_CERTIFICATE_PATH, NAME_CLIENT_CERTIFICATE_PASSWORD and
	 *  NAME_FEDERATED_TOKEN_FILE become this tenant's AZURE_* variables;
	 *  no other tenant sees them. */
	OV_OPERATOR_CRED_ENV_PREFIX,
	/** "certificate:PATH": a PEM or PKCS#12 client certificate file (its
	 *  password, if any, in AZURE_CLIENT_CERTIFICATE_PASSWORD). */
	OV_OPERATOR_CRED_CERTIFICATE,
	/** "workload-identity": AZURE_FEDERATED_TOKEN_FILE. */
	OV_OPERATOR_CRED_WORKLOAD_IDENTITY,
	/** "managed-identity": the machine's managed identity. */
	OV_OPERATOR_CRED_MANAGED_IDENTITY,
	/** "cli": the Azure CLI's login. */
	OV_OPERATOR_CRED_CLI
} ov_operator_cred;

/** One tenant; every string is borrowed from the configuration. */
typedef struct {
	const char	*id;		/**< tenant id (GUID or domain) */
	const char	*name;		/**< display name, or the id */
	const char	*credential;	/**< the reference as written */
	ov_operator_cred cred;		/**< its kind */
	const char	*cred_arg;	/**< NAME of env:NAME, the resolved
					     PATH of certificate:PATH, or
					     NULL */
	const char	*client_id;	/**< application (client) id, or NULL */
	const char	*cloud;		/**< cloud name, or NULL */
	const char	*endpoints;	/**< endpoint file, or NULL */
	const char	*ca_file;	/**< extra CA bundle, or NULL */
	const char	*contract;	/**< contract.yaml, or NULL */
	const char	*exceptions;	/**< exceptions.yaml, or NULL */
	const char	*management_group; /**< or NULL */
	const char * const *subscriptions; /**< in scope; NULL: all */
	size_t		 n_subscriptions;
	unsigned	 timeout;	/**< collection seconds; 0: none */
	unsigned	 line;		/**< where the entry starts */
} ov_operator_tenant;

typedef struct ov_operator_config ov_operator_config;

/**
 * Load and validate a configuration file.  Returns 0, or OV_EPARSE /
 * OV_EINVALID / OV_ELIMIT / OV_EIO with file, line and column on ctx.
 */
OV_EXTERN(int) ov_operator_config_load(ov_operator_config **out, ov_ctx *ctx,
    const char *path);

/** As ov_operator_config_load, from memory; name is used in errors and
 *  its directory resolves relative paths. */
OV_EXTERN(int) ov_operator_config_load_buffer(ov_operator_config **out,
    ov_ctx *ctx, const char *name, const char *data, size_t len);

/** Release a configuration.  NULL is ignored. */
OV_EXTERN(void) ov_operator_config_free(ov_operator_config *c);

/** Number of tenants. */
OV_EXTERN(size_t) ov_operator_config_count(const ov_operator_config *c);

/** Tenant i in file order, or NULL past the end. */
OV_EXTERN(const ov_operator_tenant *) ov_operator_config_tenant(
    const ov_operator_config *c, size_t i);

/** The tenant with this id (case-insensitive), or NULL. */
OV_EXTERN(const ov_operator_tenant *) ov_operator_config_find(
    const ov_operator_config *c, const char *id);

/** The findings store ("db"), or NULL. */
OV_EXTERN(const char *) ov_operator_config_db(const ov_operator_config *c);

/** The state directory ("state"), or NULL. */
OV_EXTERN(const char *) ov_operator_config_state(const ov_operator_config *c);

/** Tenants at once ("concurrency"), or 0 when not given. */
OV_EXTERN(unsigned) ov_operator_config_concurrency(
    const ov_operator_config *c);

/**
 * Parse a credential reference (env, env:NAME, certificate:PATH,
 * workload-identity, managed-identity, cli): *kind gets its kind and *arg
 * NAME, PATH (as written) or NULL, pointing into ref.  OV_EINVALID when
 * ref is not a reference; nothing is written to any context, so a secret
 * given by mistake is never echoed.
 */
OV_EXTERN(int) ov_operator_cred_parse(const char *ref, ov_operator_cred *kind,
    const char **arg);

/** True when id is a valid tenant id (a GUID or a domain: letters,
 *  digits, '.', '_', '-', 1 to 128 bytes, not starting with '.' or '-'). */
OV_EXTERN(bool) ov_operator_id_valid(const char *id);

/** The name of a credential kind ("env", "env:NAME"...). */
OV_EXTERN(const char *) ov_operator_cred_name(ov_operator_cred k);

#ifdef __cplusplus
}
#endif
#endif
