/* SPDX-License-Identifier: MIT */
/*
 * Log readers: split a log file into events without holding the file,
 * whatever its shape, and tell each event's kind.
 *
 * Shapes: a JSON array of events (`az monitor activity-log list`, a Log
 * Analytics export), a wrapper object whose "records" (diagnostic
 * settings blobs) or "value" (Microsoft Graph pages: auditLogs/signIns,
 * auditLogs/directoryAudits, identityProtection/riskDetections) member is
 * the array of events, and a sequence of events (NDJSON from Event Hubs,
 * storage or Log Analytics exports; concatenated or pretty-printed JSON).
 * The reader keeps one window of the file: memory is bounded by the
 * largest event, not the file.  A malformed event is reported with its
 * line and skipped; in a sequence the reader resynchronises on the next
 * line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sigma/sigma_int.h"
#include "util/alloc.h"
#include "util/error.h"

#define CHUNK		(1u << 20)	/* bytes read at once */
#define MAX_EVENT	(64u << 20)	/* largest event */
#define BATCH		(1u << 20)	/* bytes of lines handed out at once */

/* Is c JSON whitespace? */
static inline bool
is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/*
 * End (exclusive) of the JSON value starting at p, or NULL when the window
 * ends first.  A byte that cannot start a value ends it at once (the
 * parser reports it).
 */
static const char *
value_end(const char *p, const char *end)
{
	unsigned depth = 0;
	bool str = false;

	if (p >= end)
		return NULL;
	if (*p != '{' && *p != '[' && *p != '"') {
		while (p < end && !is_ws(*p) && *p != ',' && *p != ']' &&
		    *p != '}')
			p++;
		return p < end ? p : NULL;
	}
	for (; p < end; p++) {
		if (str) {
			const char *q = p;

			/* Jump to the next quote or backslash. */
			while (q < end && *q != '"' && *q != '\\')
				q++;
			if (q >= end)
				return NULL;
			p = q;
			if (*p == '\\') {
				p++;
				continue;
			}
			str = false;
			if (depth == 0)
				return p + 1;
			continue;
		}
		switch (*p) {
		case '"':
			str = true;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (depth == 0)
				return p;
			if (--depth == 0)
				return p + 1;
			break;
		default:
			break;
		}
	}
	return NULL;
}

/* Open a reader over a file, or over a buffer when f is NULL. */
void
ov_sigma__reader_init(struct sig_reader *R, FILE *f, const char *data,
    size_t len)
{
	memset(R, 0, sizeof(*R));
	R->f = f;
	R->line = 1;
	if (f == NULL) {
		R->ext = data;
		R->end = len;
		R->eof = true;
	}
}

/* Release a reader's window. */
void
ov_sigma__reader_free(struct sig_reader *R)
{
	ov__free(R->own);
	R->own = NULL;
}

/* The window. */
static inline const char *
win(const struct sig_reader *R)
{
	return R->f != NULL ? R->own : R->ext;
}

/* Consume n bytes, counting lines and columns. */
static void
consume(struct sig_reader *R, size_t n)
{
	const char *p = win(R) + R->start, *e = p + n, *nl;

	while ((nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		R->line++;
		R->line_start = R->off + (uint64_t)(nl + 1 - (win(R) + R->start));
		p = nl + 1;
	}
	R->start += n;
	R->off += n;
}

/* Read more of the file; false at the end or on error. */
static bool
fill(struct sig_reader *R)
{
	size_t n, want;

	if (R->eof)
		return false;
	if (R->start > 0) {
		memmove(R->own, R->own + R->start, R->end - R->start);
		R->end -= R->start;
		R->start = 0;
	}
	if (R->cap - R->end < CHUNK) {
		size_t cap = R->cap == 0 ? 2 * CHUNK : R->cap * 2;
		char *b;

		if (R->end + CHUNK > MAX_EVENT + 2 * CHUNK) {
			R->too_big = true;
			return false;
		}
		if ((b = ov__realloc(R->own, cap)) == NULL) {
			R->oom = true;
			return false;
		}
		R->own = b;
		R->cap = cap;
	}
	want = R->cap - R->end;
	n = fread(R->own + R->end, 1, want, R->f);
	R->end += n;
	if (n < want) {
		if (ferror(R->f))
			R->io_error = true;
		R->eof = true;
	}
	return n > 0;
}

/* Skip whitespace (and commas in an array); false at the end. */
static bool
skip(struct sig_reader *R, bool commas)
{
	for (;;) {
		const char *w = win(R);

		while (R->start < R->end && (is_ws(w[R->start]) ||
		    (commas && w[R->start] == ','))) {
			consume(R, 1);
			w = win(R);
		}
		if (R->start < R->end)
			return true;
		if (!fill(R))
			return false;
	}
}

/* The end of the value at the window's start, reading as needed. */
static const char *
need_value(struct sig_reader *R)
{
	const char *e;

	for (;;) {
		e = value_end(win(R) + R->start, win(R) + R->end);
		if (e != NULL)
			return e;
		if (!fill(R)) {
			/* At the end: a scalar runs to the end of input. */
			if (R->eof && R->start < R->end &&
			    win(R)[R->start] != '{' && win(R)[R->start] != '[' &&
			    win(R)[R->start] != '"')
				return win(R) + R->end;
			return NULL;
		}
	}
}

/* Make sure the window holds byte rel after its start; false at the end. */
static bool
have(struct sig_reader *R, size_t rel)
{
	while (R->start + rel >= R->end)
		if (!fill(R))
			return false;
	return true;
}

/* Byte rel after the window's start (have() must hold). */
static inline char
at(const struct sig_reader *R, size_t rel)
{
	return win(R)[R->start + rel];
}

/* End (relative) of the value at rel, reading as needed; 0 if none. */
static size_t
value_end_rel(struct sig_reader *R, size_t rel)
{
	const char *e;

	for (;;) {
		e = value_end(win(R) + R->start + rel, win(R) + R->end);
		if (e != NULL)
			return (size_t)(e - (win(R) + R->start));
		if (!fill(R))
			return 0;
	}
}

/*
 * Look into the object at the window's start for a "records" or "value"
 * array.  Returns true (and consumes up to the '[') when it is a wrapper;
 * false when it is a single event (nothing consumed) or incomplete.
 */
static bool
enter_wrapper(struct sig_reader *R)
{
	size_t p = 1, e, ks, kl;
	const char *w;

	for (;;) {
		while (have(R, p) && (is_ws(at(R, p)) || at(R, p) == ','))
			p++;
		if (!have(R, p) || at(R, p) != '"')
			return false;
		if ((e = value_end_rel(R, p)) == 0)
			return false;
		ks = p + 1;
		kl = e - 1 - ks;
		p = e;
		while (have(R, p) && (is_ws(at(R, p)) || at(R, p) == ':'))
			p++;
		if (!have(R, p))
			return false;
		w = win(R) + R->start;
		if (w[p] == '[' && ((kl == 7 && memcmp(w + ks, "records",
		    7) == 0) || (kl == 5 && memcmp(w + ks, "value", 5) == 0))) {
			consume(R, p + 1);
			return true;
		}
		/* Another member: skip its value. */
		if ((e = value_end_rel(R, p)) == 0)
			return false;
		p = e;
		while (have(R, p) && is_ws(at(R, p)))
			p++;
		if (!have(R, p) || at(R, p) == '}')
			return false;
	}
}

/* Skip the rest of a wrapper object after its array. */
static void
leave_wrapper(struct sig_reader *R)
{
	const char *e;

	for (;;) {
		if (!skip(R, true))
			return;
		if (win(R)[R->start] == '}') {
			consume(R, 1);
			return;
		}
		if ((e = need_value(R)) == NULL) {
			consume(R, R->end - R->start);
			return;
		}
		/* A stray ']' or ',' is no value: step over it. */
		if (e == win(R) + R->start)
			e++;
		consume(R, (size_t)(e - (win(R) + R->start)));
		if (skip(R, false) && win(R)[R->start] == ':')
			consume(R, 1);
	}
}

/* True when the n bytes at p are all whitespace. */
static bool
all_ws(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_ws(p[i]))
			return false;
	return true;
}

/*
 * Parse the event at the window's start with p (created with
 * OV_JSON_PREFIX).  A line of NDJSON is parsed as it is; otherwise the
 * parser finds the event's end itself, and only when it fails does the
 * reader look for the end to tell a truncated window (read more) from a
 * bad event.  Returns 1 with *root, 2 for a bad event (*err says why;
 * call ov_sigma__reader_resync), 0 at the end, or OV_ENOMEM, OV_EIO,
 * OV_ELIMIT.
 */
int
ov_sigma__reader_parse(struct sig_reader *R, ov_json_parser *p,
    const ov_json **root, uint64_t *line, uint64_t *col, ov_json_error *err)
{
	const char *w, *nl, *e;
	size_t avail, end;
	int rc;

	for (;;) {
		if (!skip(R, R->in_array))
			goto end;
		w = win(R);
		if (R->in_array && w[R->start] == ']') {
			consume(R, 1);
			R->in_array = false;
			if (R->in_wrapper) {
				leave_wrapper(R);
				R->in_wrapper = false;
			}
			continue;
		}
		if (!R->in_array && !R->started) {
			R->started = true;
			if (w[R->start] == '[') {
				consume(R, 1);
				R->in_array = true;
				continue;
			}
			if (w[R->start] == '{' && enter_wrapper(R)) {
				R->in_array = true;
				R->in_wrapper = true;
				continue;
			}
			if (R->oom || R->too_big || R->io_error)
				goto end;
		}
		break;
	}
	*line = R->line;
	*col = R->off - R->line_start + 1;
	/* NDJSON: the line is the event. */
	while (!R->in_array) {
		w = win(R) + R->start;
		avail = R->end - R->start;
		if ((nl = memchr(w, '\n', avail)) == NULL) {
			if (R->eof)
				break;
			if (!fill(R))
				goto end_or_eof;
			continue;
		}
		if (ov_json_parser_parse(p, w, (size_t)(nl - w), root, &end,
		    NULL) == 0 && all_ws(w + end, (size_t)(nl - w) - end)) {
			R->last_len = (size_t)(nl - w);
			R->ndjson = true;
			return 1;
		}
		break;		/* several lines, or a bad one */
	}
	R->ndjson = false;
	for (;;) {
		w = win(R) + R->start;
		avail = R->end - R->start;
		rc = ov_json_parser_parse(p, w, avail, root, &end, err);
		if (rc == 0) {
			R->last_len = end != 0 ? end : 1;
			return 1;
		}
		if (rc == OV_ENOMEM)
			return rc;
		e = value_end(w, w + avail);
		if (R->eof || e != NULL) {
			/*
			 * A line of a sequence that ran into the next ones:
			 * describe the line itself.
			 */
			if (!R->in_array && (nl = memchr(w, '\n', avail)) !=
			    NULL && err != NULL && err->line > 1)
				(void)ov_json_parser_parse(p, w,
				    (size_t)(nl - w), root, &end, err);
			R->last_len = e != NULL && e > w ? (size_t)(e - w) :
			    avail != 0 ? avail : 1;
			if (R->last_len > avail)
				R->last_len = avail;
			return 2;
		}
		if (!fill(R) && (R->oom || R->too_big || R->io_error))
			goto end;
	}
end_or_eof:
	if (!(R->oom || R->too_big || R->io_error))
		return ov_sigma__reader_parse(R, p, root, line, col, err);
end:
	if (R->oom)
		return OV_ENOMEM;
	if (R->io_error)
		return OV_EIO;
	if (R->too_big)
		return OV_ELIMIT;
	return 0;
}

/* The text of the event handed out last; *len its bytes. */
const char *
ov_sigma__reader_current(const struct sig_reader *R, size_t *len)
{
	*len = R->last_len;
	return win(R) + R->start;
}

/* Skip whitespace at the window's start. */
void
ov_sigma__reader_skip_blank(struct sig_reader *R)
{
	(void)skip(R, R->in_array);
}

/* True when nothing is left to read. */
bool
ov_sigma__reader_at_end(const struct sig_reader *R)
{
	return R->start >= R->end && R->eof;
}

/*
 * Whole lines from the window's start, at least BATCH bytes when the
 * file has them: *data and *len (valid until the next call), *line0 the
 * line of the first.  They are consumed.  Returns 1, 0 at the end, or
 * OV_ENOMEM, OV_EIO, OV_ELIMIT.
 */
int
ov_sigma__reader_lines(struct sig_reader *R, const char **data,
    size_t *len, uint64_t *line0)
{
	const char *w;
	size_t avail, cut;

	for (;;) {
		avail = R->end - R->start;
		if (avail < BATCH && !R->eof && fill(R))
			continue;
		if (R->oom || R->too_big || R->io_error)
			break;
		if (avail == 0)
			return 0;
		w = win(R) + R->start;
		cut = avail > BATCH ? BATCH : avail;
		/* End on a line boundary; a longer line: read more. */
		while (cut > 0 && w[cut - 1] != '\n')
			cut--;
		if (cut == 0) {
			if (R->eof) {
				cut = avail;	/* the last line, unended */
			} else {
				if (!fill(R))
					continue;
				if (R->end - R->start == avail)
					break;
				continue;
			}
		}
		*data = w;
		*len = cut;
		*line0 = R->line;
		consume(R, cut);
		return 1;
	}
	if (R->oom)
		return OV_ENOMEM;
	if (R->io_error)
		return OV_EIO;
	return OV_ELIMIT;
}

/* Done with the last event: consume it. */
void
ov_sigma__reader_done(struct sig_reader *R)
{
	consume(R, R->last_len);
	R->last_len = 0;
}

/*
 * The last event was malformed: in a sequence, drop the rest of the line
 * it starts on, so the next line starts afresh; in an array, drop the
 * event.
 */
void
ov_sigma__reader_resync(struct sig_reader *R)
{
	const char *w = win(R) + R->start, *nl;

	if (!R->in_array &&
	    (nl = memchr(w, '\n', R->end - R->start)) != NULL) {
		consume(R, (size_t)(nl - w) + 1);
		R->last_len = 0;
		return;
	}
	ov_sigma__reader_done(R);
}

/* The string at key in ev, or NULL. */
static const char *
sget(const ov_json *ev, const char *key)
{
	return ov_json_string(ov_json_get(ev, key));
}

/*
 * A directory object, not an event: a user has a createdDateTime and a
 * userPrincipalName like a sign-in, but names another type or carries
 * what only users do.
 */
static bool
directory_object(const ov_json *ev)
{
	const char *t = sget(ev, "@odata.type");

	if (t != NULL && !ov__streq_ci(t, "#microsoft.graph.signIn"))
		return true;
	return ov_json_get(ev, "accountEnabled") != NULL ||
	    ov_json_get(ev, "signInActivity") != NULL;
}

/* The kind of one event. */
enum sig_event_kind
ov_sigma__event_kind(const ov_json *ev)
{
	static const struct { const char *name; enum sig_event_kind k; }
	    cats[] = {
		{ "SignInLogs", SIG_EV_SIGNIN },
		{ "NonInteractiveUserSignInLogs", SIG_EV_SIGNIN },
		{ "ServicePrincipalSignInLogs", SIG_EV_SIGNIN },
		{ "ManagedIdentitySignInLogs", SIG_EV_SIGNIN },
		{ "ADFSSignInLogs", SIG_EV_SIGNIN },
		{ "SigninLogs", SIG_EV_SIGNIN },
		{ "AADNonInteractiveUserSignInLogs", SIG_EV_SIGNIN },
		{ "AADServicePrincipalSignInLogs", SIG_EV_SIGNIN },
		{ "AADManagedIdentitySignInLogs", SIG_EV_SIGNIN },
		{ "AuditLogs", SIG_EV_AUDIT },
		{ "UserRiskEvents", SIG_EV_RISK },
		{ "ServicePrincipalRiskEvents", SIG_EV_RISK },
		{ "AADUserRiskEvents", SIG_EV_RISK },
		{ "AADServicePrincipalRiskEvents", SIG_EV_RISK },
		{ "AzureActivity", SIG_EV_ACTIVITY },
		{ "Administrative", SIG_EV_ACTIVITY },
		{ "Security", SIG_EV_ACTIVITY },
		{ "ServiceHealth", SIG_EV_ACTIVITY },
		{ "Alert", SIG_EV_ACTIVITY },
		{ "Recommendation", SIG_EV_ACTIVITY },
		{ "Policy", SIG_EV_ACTIVITY },
		{ "Autoscale", SIG_EV_ACTIVITY },
		{ "ResourceHealth", SIG_EV_ACTIVITY },
	};
	const char *c;
	size_t i;

	if (ov_json_type_of(ev) != OV_JSON_OBJECT)
		return SIG_EV_UNKNOWN;
	/* Log Analytics exports name their table. */
	c = sget(ev, "Type");
	for (i = 0; c != NULL && i < sizeof(cats) / sizeof(cats[0]); i++)
		if (ov__streq_ci(c, cats[i].name))
			return cats[i].k;
	/*
	 * Microsoft Graph and the Activity Log REST shape, before the
	 * diagnostic-settings category: a Graph audit's category
	 * ("Policy") can spell an Activity Log category.
	 */
	if (ov_json_get(ev, "riskEventType") != NULL)
		return SIG_EV_RISK;
	if (ov_json_get(ev, "activityDisplayName") != NULL &&
	    ov_json_get(ev, "activityDateTime") != NULL)
		return SIG_EV_AUDIT;
	if (ov_json_get(ev, "createdDateTime") != NULL &&
	    !directory_object(ev) &&
	    (ov_json_get(ev, "userPrincipalName") != NULL ||
	    ov_json_get(ev, "appDisplayName") != NULL ||
	    ov_json_get(ev, "status") != NULL))
		return SIG_EV_SIGNIN;
	if (ov_json_get(ev, "operationName") != NULL &&
	    ov_json_get(ev, "eventTimestamp") != NULL)
		return SIG_EV_ACTIVITY;
	/* Diagnostic settings exports name their category. */
	c = sget(ev, "category");
	for (i = 0; c != NULL && i < sizeof(cats) / sizeof(cats[0]); i++)
		if (ov__streq_ci(c, cats[i].name))
			return cats[i].k;
	if (ov_json_get(ev, "OperationNameValue") != NULL)
		return SIG_EV_ACTIVITY;
	return SIG_EV_UNKNOWN;
}
