/* SPDX-License-Identifier: MIT */
/*
 * Internals of the Sigma engine, shared by its phases: field maps
 * (fieldmap.c), rule parsing (rule.c), conditions (cond.c), compiling
 * detections (compile.c), matching (match.c), correlation
 * (correlation.c), log readers (reader.c) and the detector (detect.c).
 */
#ifndef OV_LIB_SIGMA_INT_H
#define OV_LIB_SIGMA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "overvisor/finding.h"
#include "overvisor/json.h"
#include "overvisor/sigma.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/hash.h"

/* Kinds of log event, decided by the readers. */
enum sig_event_kind {
	SIG_EV_UNKNOWN = 0,
	SIG_EV_ACTIVITY,		/* Azure Activity Log */
	SIG_EV_SIGNIN,			/* Entra sign-in */
	SIG_EV_AUDIT,			/* Entra directory audit */
	SIG_EV_RISK,			/* Identity Protection risk detection */
	SIG_EV__COUNT
};

#define SIG_MAX_PATHS	12		/* candidate paths per field */
#define SIG_MAX_VALUES	64		/* values one field yields per event */
#define SIG_MAX_SEGS	8		/* segments in a dotted path */

/* A dotted path, split, with the key hashes precomputed. */
struct sig_path {
	const char	*segs[SIG_MAX_SEGS];	/* member names */
	uint32_t	 lens[SIG_MAX_SEGS];	/* their lengths */
	uint32_t	 hashes[SIG_MAX_SEGS];	/* their key hashes */
	size_t		 n;			/* segments */
};

/* One field of a logsource: a Sigma name and where events hold it. */
struct sig_field {
	const char	*name;			/* as the map spells it */
	struct sig_path	 paths[SIG_MAX_PATHS];	/* tried in order */
	size_t		 n_paths;
	bool		 all_paths;		/* values of every path, not of
						   the first one that has some */
};

/* Computed paths ("@name" in a field map). */
#define SIG_PATH_SIGNIN_STATUS	"@signin_status"	/* Success/Failure */

/* A list of candidate paths (time, resource, principal...). */
struct sig_paths {
	struct sig_path	 p[SIG_MAX_PATHS];	/* tried in order */
	size_t		 n;
};

/* A logsource and its field map (data/sigma/<product>-<service>.yaml). */
struct sig_logsource {
	const char	*product;		/* "azure" */
	const char	*service;		/* "activitylogs" */
	const char	*file;			/* the map file */
	bool		 kinds[SIG_EV__COUNT];	/* events it applies to */
	struct sig_field *fields;		/* every mapped field */
	size_t		 n_fields;
	struct ov_map	 by_name;		/* name -> field index + 1 */
	struct sig_paths time, id, resource, resource_type, principal,
			 subscription;		/* finding plumbing */
	const char	**layer_prefix;		/* resource type prefixes */
	ov_layer	*layer_of;		/* their layers */
	size_t		 n_layers;
	ov_layer	 layer_default;		/* otherwise */
	int		*index_pref;		/* preferred index fields */
	size_t		 n_index_pref;
};

/* Value matchers. */
enum sig_op {
	SIG_OP_EQ = 0,		/* whole value */
	SIG_OP_PREFIX,		/* startswith */
	SIG_OP_SUFFIX,		/* endswith */
	SIG_OP_CONTAINS,	/* contains */
	SIG_OP_GLOB,		/* wildcards * and ? */
	SIG_OP_RE,		/* PCRE2 */
	SIG_OP_CIDR,		/* address in a network */
	SIG_OP_LT, SIG_OP_LTE, SIG_OP_GT, SIG_OP_GTE,	/* numbers */
	SIG_OP_EXISTS,		/* field present (num: 1) or absent (0) */
	SIG_OP_NULL,		/* absent or null */
	SIG_OP_FIELDREF		/* equal to another field (with sub-op) */
};

/* One pattern: how to match one event value. */
struct sig_pat {
	uint8_t		 op;		/* enum sig_op */
	uint8_t		 sub;		/* fieldref: EQ/PREFIX/SUFFIX/CONTAINS */
	bool		 cased;		/* compare bytes exactly */
	const char	*s;		/* text (folded unless cased) */
	size_t		 len;		/* its bytes */
	pcre2_code	*re;		/* SIG_OP_RE */
	double		 num;		/* gt/lt bound; exists flag */
	uint8_t		 net[16];	/* cidr network */
	uint8_t		 bits;		/* cidr prefix length */
	bool		 v6;		/* cidr family */
	int		 ref;		/* fieldref: field index */
};

/* A value and its alternatives (base64offset, windash): any matches. */
struct sig_value {
	struct sig_pat	*alts;
	size_t		 n_alts;
};

/* A field condition: field F matches the values (any, or all). */
struct sig_fcond {
	int		 field;		/* field index; -1 for keywords */
	bool		 all;		/* |all: every value must match */
	struct sig_value *vals;
	size_t		 n_vals;
};

/* A map of field conditions, all of which must hold. */
struct sig_map {
	struct sig_fcond *conds;
	size_t		 n_conds;
};

/* A named selection: any of its maps holds. */
struct sig_sel {
	const char	*name;
	struct sig_map	*maps;
	size_t		 n_maps;
};

/* Condition tree. */
enum sig_node_op { SIG_N_SEL, SIG_N_AND, SIG_N_OR, SIG_N_NOT, SIG_N_TRUE };

struct sig_node {
	uint8_t		 op;		/* enum sig_node_op */
	int		 sel;		/* SIG_N_SEL: selection index */
	struct sig_node	**kids;		/* operands */
	size_t		 n_kids;
};

/* Correlation types. */
enum sig_corr_type {
	SIG_CORR_EVENT_COUNT = 0,
	SIG_CORR_VALUE_COUNT,
	SIG_CORR_TEMPORAL,
	SIG_CORR_TEMPORAL_ORDERED
};

/* A compiled rule (or correlation rule). */
struct sig_rule {
	const char	*id;		/* Sigma id (or title when none) */
	const char	*name;		/* Sigma name, for correlations */
	const char	*title;
	const char	*description;
	const char	*status;
	ov_severity	 severity;	/* from level */
	const char	**techniques;	/* "ATT&CK T1078.004" */
	size_t		 n_techniques;
	const char	*falsepositives;	/* joined */
	const char	*file;		/* rule file */
	unsigned	 line;		/* of the rule's first key */
	bool		 is_correlation;
	bool		 generate;	/* correlation: also report bases */
	/* Detection rules. */
	const struct sig_logsource *ls;
	struct sig_sel	*sels;
	size_t		 n_sels;
	struct sig_node	*cond;
	int		*fields_used;	/* field indexes the rule reads */
	size_t		 n_fields_used;
	/* Correlation rules. */
	uint8_t		 ctype;		/* enum sig_corr_type */
	const char	**refs;		/* referenced rule ids or names */
	size_t		 n_refs;
	int		*ref_rules;	/* resolved rule indexes */
	const char	**group_by;	/* Sigma field names */
	size_t		 n_group_by;
	int64_t		 timespan;	/* seconds */
	uint8_t		 cmp;		/* SIG_OP_GT .. SIG_OP_GTE, or EQ */
	double		 threshold;
	const char	*value_field;	/* value_count: field name */
	bool		 used_by_corr;	/* a correlation reads its matches */
	bool		 dropped;	/* unusable; moved to the diagnostics */
};

/* A parsed diagnostic, before it is published. */
struct sig_diag {
	ov_sigma_diag	 pub;
	size_t		 seq;		/* order of arrival, for a stable sort */
};

/* The rules one index value names. */
struct sig_rule_list {
	int		*rules;		/* rule indexes, in rule order */
	size_t		 n;
};

/* Index: exact values of a rule's most selective field. */
struct sig_index {
	int		 field;		/* field index in the logsource */
	struct ov_map	 values;	/* value -> struct sig_rule_list */
};

/* The rules that apply to one logsource. */
struct sig_lsrules {
	const struct sig_logsource *ls;
	struct sig_index *idx;		/* one per indexed field */
	size_t		 n_idx;
	int		*always;	/* rules without an index */
	size_t		 n_always;
};

struct ov_sigma_rules {
	ov_ctx		*ctx;
	struct ov_arena	 arena;		/* rules, maps, strings */
	struct sig_logsource *ls;	/* field maps */
	size_t		 n_ls;
	struct sig_rule	*rules;
	size_t		 n_rules, cap_rules;
	struct sig_diag	*diags;
	size_t		 n_diags, cap_diags;
	size_t		 n_files;
	ov_json_doc	**docs;		/* parsed rule files, kept */
	size_t		 n_docs, cap_docs;
	bool		 compiled;
	struct sig_lsrules *lsr;	/* per logsource, after compile */
	/* Per event kind: the logsources that apply. */
	size_t		 kind_ls[SIG_EV__COUNT][8];
	size_t		 n_kind_ls[SIG_EV__COUNT];
	size_t		 max_fields;	/* largest field table */
};

/* Per-thread matching state over one event. */
struct sig_cache_ent {
	uint32_t	 gen;		/* event generation when filled */
	uint16_t	 n;		/* values */
	bool		 present;	/* the field exists in the event */
	const ov_json	*v[SIG_MAX_VALUES];
};

struct sig_mctx {
	const struct ov_sigma_rules *rs;
	const struct sig_logsource *ls;	/* of the current event */
	const ov_json	*ev;		/* the current event */
	uint32_t	 gen;		/* bumped per (event, logsource) */
	struct sig_cache_ent *cache;	/* per field */
	size_t		 n_cache;
	uint32_t	*seen;		/* per rule: gen when queued */
	pcre2_match_data *md;		/* regex scratch */
	struct ov_buf	*scratch;	/* JSON text of containers */
	struct ov_buf	 kw_fold;	/* the event's strings, folded */
	struct ov_buf	 kw_raw;	/* and as they are */
	uint32_t	 kw_fold_gen;	/* gen they were built for */
	uint32_t	 kw_raw_gen;
};

/* ------------------------------------------------------------------ */
/* fieldmap.c */
int	ov_sigma__fieldmaps_load(struct ov_sigma_rules *rs,
	    const char *data_dir);
const struct sig_logsource *ov_sigma__logsource(
	    const struct ov_sigma_rules *rs, const char *product,
	    const char *service);
/* Field index of a Sigma field name in ls, or -1. */
int	ov_sigma__field(const struct sig_logsource *ls, const char *name);
/* Split a dotted path into p; false when it has too many segments. */
bool	ov_sigma__path_split(struct ov_arena *a, const char *path,
	    struct sig_path *p);
/* The first value of the first present path, or NULL. */
const ov_json *ov_sigma__paths_get(const struct sig_paths *ps,
	    const ov_json *ev);

/* rule.c */
int	ov_sigma__load_text(struct ov_sigma_rules *rs, const char *name,
	    const char *data, size_t len);
/* Record a diagnostic at byte offset off of text (NULL for none). */
void	ov_sigma__diag(struct ov_sigma_rules *rs, ov_sigma_diag_level lvl,
	    const char *file, const char *text, size_t len, uint64_t off,
	    const char *id, const char *title, const char *fmt, ...)
	    __attribute__((format(printf, 9, 10)));

/* sigma.c: free what a rule's patterns hold outside the arena. */
void	ov_sigma__rule_release(struct sig_rule *r);
/* sigma.c: a directory's entries (no dot files), sorted by name. */
int	ov_sigma__dir_list(const char *path, char ***names, size_t *n);
void	ov_sigma__dir_free(char **names, size_t n);
/* sigma.c: keep a rule file's tree alive with the rule set. */
int	ov_sigma__keep_doc(struct ov_sigma_rules *rs, ov_json_doc *doc);

/* cond.c: parse a condition string over the rule's selection names. */
int	ov_sigma__cond_parse(struct ov_arena *a, const char *cond,
	    struct sig_sel *sels, size_t n_sels, struct sig_node **out,
	    char *why, size_t why_len);

/* compile.c: compile one selection value (map or list). */
int	ov_sigma__compile_sel(struct ov_sigma_rules *rs,
	    const struct sig_logsource *ls, const ov_json *v,
	    struct sig_sel *out, const ov_json **bad, char *why,
	    size_t why_len);
int	ov_sigma__build_index(struct ov_sigma_rules *rs);

/* match.c */
int	ov_sigma__mctx_init(struct sig_mctx *m,
	    const struct ov_sigma_rules *rs);
void	ov_sigma__mctx_free(struct sig_mctx *m);
/* Start matching ev against the rules of logsource ls. */
void	ov_sigma__mctx_event(struct sig_mctx *m,
	    const struct sig_logsource *ls, const ov_json *ev);
/* True when rule r matches the current event. */
bool	ov_sigma__rule_match(struct sig_mctx *m, const struct sig_rule *r);
/* The values field f has in the current event. */
const struct sig_cache_ent *ov_sigma__field_values(struct sig_mctx *m,
	    int f);
/* Parse an IPv4 or IPv6 address of n bytes; *v6 tells which. */
bool	ov_sigma__parse_ip(const char *s, size_t n, uint8_t out[16], bool *v6);
/* Text of a string, number or boolean; NULL for null and containers. */
const char *ov_sigma__scalar(const ov_json *v, size_t *len);
/* Text of a scalar value (numbers, booleans); NULL for containers. */
const char *ov_sigma__scalar_text(struct sig_mctx *m, const ov_json *v,
	    size_t *len);
/*
 * Call fn for each rule of the current event's logsource that may match
 * (by the index) and does; stops on a negative return.
 */
int	ov_sigma__match_event(struct sig_mctx *m, size_t lsi,
	    int (*fn)(void *payload, int rule), void *payload);

/* reader.c: a window over a log file (or a buffer). */
struct sig_reader {
	FILE		*f;		/* the file, or NULL for a buffer */
	const char	*ext;		/* the buffer */
	char		*own;		/* the window over the file */
	size_t		 cap;		/* bytes allocated */
	size_t		 start;		/* first unconsumed byte */
	size_t		 end;		/* end of the data in the window */
	size_t		 last_len;	/* length of the event handed out */
	uint64_t	 off;		/* file offset of start */
	uint64_t	 line;		/* line of start */
	uint64_t	 line_start;	/* file offset where that line starts */
	bool		 eof, started, in_array, in_wrapper;
	bool		 ndjson;	/* the last event was a whole line */
	bool		 oom, io_error, too_big;
};

void	ov_sigma__reader_init(struct sig_reader *R, FILE *f,
	    const char *data, size_t len);
void	ov_sigma__reader_free(struct sig_reader *R);
int	ov_sigma__reader_parse(struct sig_reader *R, ov_json_parser *p,
	    const ov_json **root, uint64_t *line, uint64_t *col,
	    ov_json_error *err);
void	ov_sigma__reader_done(struct sig_reader *R);
const char *ov_sigma__reader_current(const struct sig_reader *R,
	    size_t *len);
void	ov_sigma__reader_skip_blank(struct sig_reader *R);
bool	ov_sigma__reader_at_end(const struct sig_reader *R);
int	ov_sigma__reader_lines(struct sig_reader *R, const char **data,
	    size_t *len, uint64_t *line0);
void	ov_sigma__reader_resync(struct sig_reader *R);
/* The event kind of one event object. */
enum sig_event_kind ov_sigma__event_kind(const ov_json *ev);

/* correlation.c: windows over the matches of correlated rules. */
struct sig_corr;

/* A correlation that fired for one group. */
struct sig_fired {
	int		 rule;		/* the correlation rule */
	const char	*group;		/* "field=value, ..." */
	int64_t		 start;		/* earliest satisfying window */
	int64_t		 end;		/* start + timespan */
	const char	*first_file;	/* an event of that window */
	uint64_t	 first_line;
};

int	ov_sigma__corr_new(struct sig_corr **out,
	    const struct ov_sigma_rules *rs);
void	ov_sigma__corr_free(struct sig_corr *C);
/*
 * Base rule ri matched the current event of m at time t (file and line
 * say where).  Returns 0, OV_ENOMEM; *late counts entries dropped to keep
 * the state bounded.
 */
int	ov_sigma__corr_feed(struct sig_corr *C, struct sig_mctx *m, int ri,
	    int64_t t, const char *file, uint64_t line, uint64_t *late);
/* The correlation states base rule ri feeds, -1 ended; NULL for none. */
const int *ov_sigma__corr_targets(const struct sig_corr *C, int ri);
/* Group key and value hash for state cs; 1, 0 (not counted), OV_ENOMEM. */
int	ov_sigma__corr_key(const struct sig_corr *C, int cs,
	    struct sig_mctx *m, struct ov_buf *key, uint64_t *vh);
/* Feed a match into state cs by its key (NUL-terminated, klen bytes). */
int	ov_sigma__corr_feed_key(struct sig_corr *C, int cs, int ri, int64_t t,
	    const char *key, size_t klen, uint64_t vh, const char *file,
	    uint64_t line, uint64_t *late);
/* pipeline.c: matches recorded by workers, merged in file order. */
struct sig_bmatch {
	int		 rule;		/* rule index */
	size_t		 ls;		/* logsource index */
	int64_t		 t;		/* event time */
	uint64_t	 line;		/* event line */
	const char	*text;		/* event JSON text (valid during merge) */
	size_t		 len;
	const char	*rid;		/* resource or principal */
	size_t		 rid_len;
	size_t		 c0, nc;	/* its correlation keys */
};

struct sig_bcorr {
	int		 cs;		/* correlation state */
	const char	*key;		/* group key, NUL-terminated */
	size_t		 klen;
	uint64_t	 vh;		/* value_count hash */
};

struct sig_berr {
	uint64_t	 line, col;
	const char	*msg;
};

/* The results of a batch of events. */
struct sig_bres {
	struct sig_bmatch *m;
	size_t		 n, cap_m;
	struct sig_bcorr *c;
	size_t		 nc, cap_c;
	struct sig_berr	*e;
	size_t		 ne, cap_e;
	uint64_t	 events;	/* matched (in the time window) */
	uint64_t	 skipped;	/* outside the time window */
	uint64_t	 ok, bad;	/* good and bad events */
	int64_t		 first, last;	/* event times */
	struct ov_arena	 arena;		/* strings */
};

typedef int (*sig_merge_fn)(void *payload, const struct sig_bres *res);
struct sig_pipe;

int	ov_sigma__pipe_new(struct sig_pipe **out,
	    const struct ov_sigma_rules *rs, const struct sig_corr *corr,
	    int64_t since, int64_t until, unsigned threads, sig_merge_fn merge,
	    void *payload);
void	ov_sigma__pipe_free(struct sig_pipe *P);
int	ov_sigma__pipe_lines(struct sig_pipe *P, const char *data, size_t len,
	    uint64_t line0);
int	ov_sigma__pipe_event(struct sig_pipe *P, const ov_json *ev,
	    const char *text, size_t len, uint64_t line, uint64_t col);
int	ov_sigma__pipe_error(struct sig_pipe *P, uint64_t line, uint64_t col,
	    const char *msg);
int	ov_sigma__pipe_flush(struct sig_pipe *P);

/* The groups that fired, in a deterministic order. */
size_t	ov_sigma__corr_fired(struct sig_corr *C, const struct sig_fired **out);

#endif
