/* run_events.c: a run's stored live events and the SSE source that reads
 * them back (see runs.h and web/sse.h). A writer appends inside its
 * transaction (event_seq bumped, row stored, NOTIFY queued for other
 * processes); after the commit the handler calls run_events_changed, and
 * the bus's dispatcher reads the new rows through run_events_source.
 *
 * Channel "run:<id>" is the named view; "run:<id>:anon" the anonymous
 * one, in which classmates' "author" is null. The stored data is the
 * named view; the anonymous one is derived when read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../auth/auth.h"
#include "../base/errors.h"
#include "../base/log.h"
#include "../web/sse.h"
#include "runs_internal.h"

int run_events_lock(db *d)
{
	if (db_dialect_of(d) != DB_POSTGRES)
		return 0;
	return db_exec(d, "LOCK TABLE run_events IN SHARE ROW EXCLUSIVE MODE");
}

int run_event_append(db *d, arena *a, int64_t run_id, const char *kind, json_t *data,
                     int64_t *seq)
{
	int64_t n = 0;
	if (!data)
		return CK_E_INTERNAL;
	db_stmt *s;
	int rc = db_prepare(
	    d, "UPDATE scenario_runs SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq",
	    &s);
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	db_bind_int(s, 1, run_id);
	rc = db_step(s);
	if (rc == DB_ROW)
		n = db_col_int(s, 0);
	db_finish(s);
	if (rc == DB_DONE)
		rc = CK_E_NOT_FOUND;
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	/* run_id and seq first, then the kind's own members. */
	json_t *full = json_pack("{s:I, s:I}", "run_id", (json_int_t)run_id, "seq", (json_int_t)n);
	json_object_update(full, data);
	json_decref(data);
	char *text = json_dumps(full, JSON_COMPACT);
	json_decref(full);
	if (!text)
		return CK_E_INTERNAL;
	rc = db_run(d,
	            "INSERT INTO run_events (run_id, seq, kind, data, created_at) "
	            "VALUES ($1, $2, $3, $4, $5)",
	            "iitti", run_id, n, kind, text, auth_now());
	free(text);
	if (rc < 0)
		return rc;
	rc = db_notify(d, run_channel(a, run_id, false));
	if (rc < 0)
		return rc;
	if (seq)
		*seq = n;
	return 0;
}

const char *run_channel(arena *a, int64_t run_id, bool anonymous)
{
	return arena_printf(a, "run:%lld%s", (long long)run_id, anonymous ? ":anon" : "");
}

void run_events_changed(int64_t run_id)
{
	char channel[48];
	snprintf(channel, sizeof channel, "run:%lld", (long long)run_id);
	sse_changed(channel);
}

/* "run:42" or "run:42:anon" → 42 and whether anonymous; false otherwise. */
static bool parse_channel(const char *channel, int64_t *id, bool *anonymous)
{
	if (strncmp(channel, "run:", 4))
		return false;
	char *end;
	long long v = strtoll(channel + 4, &end, 10);
	if (v <= 0 || end == channel + 4)
		return false;
	*id = v;
	*anonymous = !strcmp(end, ":anon");
	return *anonymous || !*end;
}

/* The anonymous view of one stored event's data: a classmate's author
 * becomes null. A copy the caller frees, or NULL when data is unchanged. */
static char *anonymise(const char *data)
{
	json_t *j = json_loads(data, 0, NULL);
	if (!j)
		return NULL;
	char *out = NULL;
	const char *author_role = json_string_value(json_object_get(j, "role"));
	if (author_role && strcmp(author_role, "instructor") && json_object_get(j, "author")) {
		json_object_set_new(j, "author", json_null());
		out = json_dumps(j, JSON_COMPACT);
	}
	json_decref(j);
	return out;
}

static int run_events_source(const char *channel, int64_t after, sse_emit_fn emit,
                             void *emit_ctx)
{
	int64_t run_id;
	bool anonymous;
	if (!parse_channel(channel, &run_id, &anonymous))
		return CK_E_NOT_FOUND;
	db *d = db_thread();
	if (!d)
		return CK_E_DB;
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT seq, kind, data FROM run_events WHERE run_id = $1 AND seq > $2 "
	                    "ORDER BY seq",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, run_id);
	db_bind_int(s, 2, after);
	while ((rc = db_step(s)) == DB_ROW) {
		const char *data = db_col_text(s, 2);
		char *anon = anonymous && data ? anonymise(data) : NULL;
		emit(emit_ctx, db_col_int(s, 0), db_col_text(s, 1), anon ? anon : data ? data : "{}");
		free(anon);
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

void run_events_register(void)
{
	sse_source_register("run:", run_events_source);
}
