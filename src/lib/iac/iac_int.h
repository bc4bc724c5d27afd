/* SPDX-License-Identifier: MIT */
/*
 * Infrastructure as code (DESIGN section 11): ARM template expansion
 * (arm.c, arm_value.c), parameter files (params.c), compiled Bicep mapped
 * back to its source (bicep.c), Terraform plans (tfplan.c) and the
 * positions findings are reported at (locate.c).  The snapshot adapters
 * call in here; the policy engine evaluates the template expressions.
 */
#ifndef OV_IAC_INT_H
#define OV_IAC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overvisor/iac.h"
#include "lib/model/model.h"
#include "lib/snapshot/snapshot_int.h"

/* Deployments nest at most this deep (ARM allows 64; real ones use 3). */
#define OV_IAC_MAX_DEPTH 16
/* ARM's copy count limit. */
#define OV_IAC_MAX_COPY 800

/* The options of ov_snapshot_set_iac(), owned by the snapshot. */
struct ov_iac_opts {
	ov_json_doc	**docs;		/* parameter files, parsed */
	const char	**doc_paths;	/* their paths */
	size_t		  n_docs;
	char		**names;	/* --parameter names */
	char		**values;	/* --parameter values (text) */
	size_t		  n_params;
	char		 *subscription;	/* --scope parts, or NULL */
	char		 *resource_group;
	char		 *mgmt_group;
	char		 *data_dir;	/* where data/iac/ is, or NULL */
	ov_json_doc	 *defaults;	/* data/iac/arm-defaults.json */
	bool		  defaults_read; /* tried to read it */
};

void	ov_iac__opts_free(struct ov_iac_opts *o);

/* ---- adapters --------------------------------------------------------- */

/* Expand an ARM deployment template (root) loaded through lc. */
int	ov_iac__load_template(struct load_ctx *lc, const ov_json *root);
/* Map a Terraform plan (root) loaded through lc. */
int	ov_iac__load_tfplan(struct load_ctx *lc, const ov_json *root);
/* True when root is an ARM deployment template. */
bool	ov_iac__is_template(const ov_json *root);
/* True when root is an ARM deployment parameters file. */
bool	ov_iac__is_parameters(const ov_json *root);

/* ---- positions (locate.c) --------------------------------------------- */

/* Remember where the lines of file start (data is the file's bytes). */
int	ov_iac__lines(struct ov_snapshot *s, uint32_t file, const char *data,
	    size_t len);
/* Line and column of a byte offset of file (0, 0 when unknown). */
void	ov_iac__pos(const struct ov_snapshot *s, uint32_t file,
	    uint64_t offset, unsigned *line, unsigned *column);
/* The same through a line table. */
void	ov_iac__pos_in(const uint32_t *lines, size_t n_lines,
	    uint64_t offset, unsigned *line, unsigned *column);
/*
 * Where a finding on record r belongs: the Bicep source when the record
 * was compiled from one, else the value that decided (node) or the
 * property at path when it is written in the file, else the resource.
 */
void	ov_iac__locate(const struct ov_snapshot *s, const struct ov_record *r,
	    const char *path, const ov_json *node, const char **file,
	    unsigned *line, unsigned *column);
/* Add a note (not an error) to file. */
int	ov_iac__note(struct ov_snapshot *s, uint32_t file, unsigned line,
	    unsigned column, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/* Remember that path was read as a linked template. */
int	ov_iac__linked(struct ov_snapshot *s, const char *path);
/* True when path was read as a linked template already. */
bool	ov_iac__was_linked(const struct ov_snapshot *s, const char *path);
/* Add a file to the snapshot's table (a linked template). */
int	ov_iac__add_file(struct ov_snapshot *s, const char *path,
	    const char *format, uint32_t *out);
/*
 * The path (in a) of the only regular file in dir, not below it, whose
 * name ends in suffix (ASCII case ignored when ci), or NULL.
 */
const char *ov_iac__only_file(struct ov_arena *a, ov_ctx *ctx,
	    const char *dir, const char *suffix, bool ci);

/* ---- Bicep (bicep.c) -------------------------------------------------- */

struct ov_iac_bicep;
struct bicep_src;

/*
 * The Bicep source a compiled template at json_path came from, when it is
 * next to it ("x.json" <- "x.bicep", else "main.bicep", else the only
 * .bicep file); NULL when there is none.  Allocated from a.
 */
struct bicep_src *ov_iac__bicep_open(struct ov_arena *a, ov_ctx *ctx,
	    const char *json_path);
/* The source of a Bicep module path relative to src, or NULL. */
struct bicep_src *ov_iac__bicep_module(struct ov_arena *a, ov_ctx *ctx,
	    const struct bicep_src *src, const char *module_path);
/*
 * The declaration a compiled resource came from: by symbolic name (sym,
 * languageVersion 2.0 or a copy loop's name), else the first unclaimed
 * declaration of the type (and apiVersion, when it matches one).  NULL
 * when the source declares no such resource.  key identifies the JSON
 * declaration so copies of it map to the same Bicep one.
 */
const struct ov_iac_bicep *ov_iac__bicep_find(struct bicep_src *src,
	    const void *key, const char *sym, const char *type,
	    const char *api_version, bool module);
/* Release what mapping to src needed (not its declarations). */
void	ov_iac__bicep_close(struct bicep_src *src);
/* The module path of a module declaration, or NULL. */
const char *ov_iac__bicep_module_path(const struct ov_iac_bicep *b);
/*
 * The Bicep file and the position of a property path ("properties.x.y",
 * "[*]" and indexes allowed) in a declaration, or of the declaration when
 * the path is not written there.
 */
void	ov_iac__bicep_locate(const struct ov_iac_bicep *b, const char *path,
	    const char **file, unsigned *line, unsigned *column);

#endif
