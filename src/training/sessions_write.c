/* sessions_write.c: adding, changing and removing the sessions of a
 * course. Every rule that refuses a session is checked inside the one
 * transaction before anything is written, and each failure is a field
 * error saying what is wrong; cross-course clashes (an instructor or a
 * room booked twice) are not refused but shown by the conflict report,
 * because rescheduling two courses one session at a time passes through
 * such states. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../base/clock.h"
#include "../base/errors.h"
#include "courses.h"
#include "courses_internal.h"

enum { S_DATE, S_START, S_END, S_ROOM, S_COUNT };

static const field_spec specs[S_COUNT] = {
    [S_DATE] = {"date", FIELD_DATE, true, 0, 0, NULL, "Date"},
    [S_START] = {"start", FIELD_TEXT, true, 1, 5, NULL, "Start"},
    [S_END] = {"end", FIELD_TEXT, true, 1, 5, NULL, "End"},
    [S_ROOM] = {"room", FIELD_TEXT, false, 0, 100, NULL, "Room"},
};

enum { MAX_PARTS = 32 };

typedef struct part {
	int64_t id, minutes; /* minutes 0: not given, fill from the session's length */
} part;

/* The session as it will be written, and what the caller sent. */
typedef struct session_ctx {
	arena *a;
	const principal *actor;
	int64_t course_id, session_id;
	bool is_new;
	bool has_times, has_room, has_modules, has_instructors;
	int64_t day;
	int start_min, end_min;
	const char *room;
	part modules[MAX_PARTS];
	size_t module_count;
	int64_t instructors[MAX_PARTS];
	size_t instructor_count;
	field_errors *errs;
} session_ctx;

/* "HH:MM" (or "H:MM") into minutes since midnight; -1 when malformed. */
static int parse_hhmm(const char *s)
{
	int h, m;
	char tail;
	if (!s || sscanf(s, "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	if (strlen(s) < 4 || s[strlen(s) - 3] != ':')
		return -1;
	return h * 60 + m;
}

static bool parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (end == s || v <= 0)
		return false;
	*out = v;
	return *end == '\0' || *end == ':';
}

/* module=ID or module=ID:MINUTES, repeated; minutes_ID=N from a form. */
static void read_modules(session_ctx *c, const kv *in)
{
	size_t n = 0;
	const char **values = kv_get_all(in, "module", &n);
	c->has_modules = n > 0 || kv_get(in, "modules_set");
	for (size_t i = 0; i < n; i++) {
		const char *v = values[i];
		if (!*v)
			continue;
		int64_t id;
		if (!parse_id(v, &id)) {
			field_errors_add(c->errs, "module",
			                 arena_printf(c->a, "\"%s\" is not a module id", v));
			continue;
		}
		if (c->module_count == MAX_PARTS) {
			field_errors_add(c->errs, "module", "lists too many modules");
			return;
		}
		int64_t minutes = 0;
		const char *colon = strchr(v, ':');
		const char *text =
		    colon ? colon + 1
		          : kv_get(in, arena_printf(c->a, "minutes_%lld", (long long)id));
		if (text && *text) {
			char *end;
			long long m = strtoll(text, &end, 10);
			if (*end || m <= 0 || m > 24 * 60) {
				field_errors_add(c->errs, "module",
				                 arena_printf(c->a,
				                              "minutes for module %lld must be "
				                              "a whole number from 1 to 1440",
				                              (long long)id));
				continue;
			}
			minutes = m;
		}
		for (size_t k = 0; k < c->module_count; k++)
			if (c->modules[k].id == id) {
				field_errors_add(c->errs, "module", "lists a module twice");
				return;
			}
		c->modules[c->module_count++] = (part){id, minutes};
	}
}

static void read_instructors(session_ctx *c, const kv *in)
{
	size_t n = 0;
	const char **values = kv_get_all(in, "instructor", &n);
	c->has_instructors = n > 0 || kv_get(in, "instructors_set");
	for (size_t i = 0; i < n; i++) {
		if (!*values[i])
			continue;
		int64_t id;
		if (!parse_id(values[i], &id) || strchr(values[i], ':')) {
			field_errors_add(c->errs, "instructor",
			                 arena_printf(c->a, "\"%s\" is not a user id", values[i]));
			continue;
		}
		bool seen = false;
		for (size_t k = 0; k < c->instructor_count; k++)
			seen = seen || c->instructors[k] == id;
		if (seen)
			continue;
		if (c->instructor_count == MAX_PARTS) {
			field_errors_add(c->errs, "instructor", "lists too many instructors");
			return;
		}
		c->instructors[c->instructor_count++] = id;
	}
}

/* Reads and checks the fields that need no database. all_required: a new
 * session needs date, start and end; an update may send none of them. */
static int read_input(session_ctx *c, const kv *in, bool all_required)
{
	field_value v[S_COUNT];
	int rc = all_required ? validate_fields(c->a, in, specs, S_COUNT, v, c->errs)
	                      : auth_validate_update(c->a, in, specs, S_COUNT, v, c->errs);
	if (rc < 0 && rc != CK_E_INVALID)
		return rc;
	c->has_times = v[S_DATE].present || v[S_START].present || v[S_END].present;
	if (c->has_times && !all_required &&
	    !(v[S_DATE].present && v[S_START].present && v[S_END].present))
		field_errors_add(c->errs, "date", "date, start and end must be changed together");
	if (v[S_START].present && (c->start_min = parse_hhmm(v[S_START].text)) < 0)
		field_errors_add(c->errs, "start", "must be a time like 08:30");
	if (v[S_END].present && (c->end_min = parse_hhmm(v[S_END].text)) < 0)
		field_errors_add(c->errs, "end", "must be a time like 16:30");
	if (v[S_START].present && v[S_END].present && c->start_min >= 0 && c->end_min >= 0 &&
	    c->end_min <= c->start_min)
		field_errors_add(c->errs, "end", "must be after the start");
	c->day = v[S_DATE].number;
	c->has_room = v[S_ROOM].present || (kv_get(in, "room") && !all_required);
	c->room = v[S_ROOM].present ? v[S_ROOM].text : "";
	read_modules(c, in);
	read_instructors(c, in);
	return c->errs->len ? CK_E_INVALID : 0;
}

static const char *day_text(arena *a, int64_t day)
{
	char out[CLOCK_RFC3339_LEN];
	clock_rfc3339(day, out);
	return arena_strndup(a, out, 10);
}

/* Modules: each of the course's curriculum version; minutes given or the
 * rest of the session shared out; the sum within the session's length. */
static int check_modules(db *d, session_ctx *c, const course *co, int64_t length)
{
	int64_t given = 0;
	size_t open = 0;
	for (size_t i = 0; i < c->module_count; i++) {
		int64_t version = 0;
		int rc = db_query_int(d, &version,
		                      "SELECT version_id FROM curriculum_modules WHERE id = $1",
		                      "i", c->modules[i].id);
		if (rc < 0)
			return rc;
		if (rc != DB_ROW || version != co->version_id)
			field_errors_add(c->errs, "module",
			                 arena_printf(c->a,
			                              "module %lld is not in this course's "
			                              "curriculum version",
			                              (long long)c->modules[i].id));
		given += c->modules[i].minutes;
		open += c->modules[i].minutes == 0;
	}
	if (given > length) {
		field_errors_add(c->errs, "module",
		                 arena_printf(c->a,
		                              "module minutes add up to %lld, more than the "
		                              "session's %lld",
		                              (long long)given, (long long)length));
		return 0;
	}
	if (open) {
		int64_t share = (length - given) / (int64_t)open;
		if (share <= 0) {
			field_errors_add(
			    c->errs, "module",
			    "no minutes of the session are left for a module without minutes");
			return 0;
		}
		for (size_t i = 0; i < c->module_count; i++)
			if (c->modules[i].minutes == 0)
				c->modules[i].minutes = share;
	}
	return 0;
}

static int check_instructors(db *d, session_ctx *c)
{
	for (size_t i = 0; i < c->instructor_count; i++) {
		int64_t active = 0;
		int rc = db_query_int(d, &active, "SELECT is_active FROM users WHERE id = $1", "i",
		                      c->instructors[i]);
		if (rc < 0)
			return rc;
		if (rc != DB_ROW)
			field_errors_add(c->errs, "instructor",
			                 arena_printf(c->a, "user %lld does not exist",
			                              (long long)c->instructors[i]));
		else if (!active)
			field_errors_add(c->errs, "instructor",
			                 arena_printf(c->a, "user %lld is deactivated",
			                              (long long)c->instructors[i]));
	}
	return 0;
}

/* Another session of the same course overlapping [start, end)? Touching
 * sessions (one ends as the next starts) do not overlap. */
static int check_overlap(db *d, session_ctx *c, int64_t start, int64_t end)
{
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT starts_at, ends_at FROM course_sessions WHERE course_id = $1 "
	                    "AND id <> $2 AND starts_at < $4 AND $3 < ends_at ORDER BY starts_at",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, c->course_id);
	db_bind_int(s, 2, c->session_id);
	db_bind_int(s, 3, start);
	db_bind_int(s, 4, end);
	rc = db_step(s);
	if (rc == DB_ROW)
		field_errors_add(
		    c->errs, "start",
		    arena_printf(c->a, "overlaps this course's session of %s",
		                 courses_span_text(c->a, db_col_int(s, 0), db_col_int(s, 1))));
	db_finish(s);
	return rc < 0 ? rc : 0;
}

static int write_parts(db *d, session_ctx *c)
{
	int rc = 0;
	if (c->has_modules) {
		rc = db_run(d, "DELETE FROM session_modules WHERE session_id = $1", "i",
		            c->session_id);
		for (size_t i = 0; rc >= 0 && i < c->module_count; i++)
			rc = db_run(d,
			            "INSERT INTO session_modules (session_id, module_id, minutes) "
			            "VALUES ($1, $2, $3)",
			            "iii", c->session_id, c->modules[i].id, c->modules[i].minutes);
	}
	if (rc >= 0 && c->has_instructors) {
		rc = db_run(d, "DELETE FROM session_instructors WHERE session_id = $1", "i",
		            c->session_id);
		for (size_t i = 0; rc >= 0 && i < c->instructor_count; i++)
			rc = db_run(
			    d,
			    "INSERT INTO session_instructors (session_id, user_id) VALUES ($1, $2)",
			    "ii", c->session_id, c->instructors[i]);
	}
	return rc < 0 ? rc : 0;
}

static json_t *session_detail(const session_ctx *c, int64_t start, int64_t end)
{
	json_t *mods = json_array(), *ins = json_array();
	for (size_t i = 0; i < c->module_count; i++)
		json_array_append_new(mods, json_pack("{s:I, s:I}", "module_id",
		                                      (json_int_t)c->modules[i].id, "minutes",
		                                      (json_int_t)c->modules[i].minutes));
	for (size_t i = 0; i < c->instructor_count; i++)
		json_array_append_new(ins, json_integer((json_int_t)c->instructors[i]));
	return json_pack("{s:I, s:I, s:I, s:s, s:o, s:o}", "course_id", (json_int_t)c->course_id,
	                 "starts_at", (json_int_t)start, "ends_at", (json_int_t)end, "room",
	                 c->room, "modules", mods, "instructors", ins);
}

/* Fills what an update did not send from the stored session. */
static void keep_stored(session_ctx *c, const course_session *old)
{
	if (!c->has_times) {
		c->day = courses_local_day(old->starts_at);
		c->start_min = courses_local_minute(old->starts_at);
		c->end_min = c->start_min + (int)((old->ends_at - old->starts_at) / 60);
	}
	if (!c->has_room)
		c->room = old->room;
	if (!c->has_modules) {
		for (size_t i = 0; i < old->module_count && i < MAX_PARTS; i++)
			c->modules[i] = (part){old->modules[i].module_id, old->modules[i].minutes};
		c->module_count = old->module_count < MAX_PARTS ? old->module_count : MAX_PARTS;
	}
	if (!c->has_instructors) {
		for (size_t i = 0; i < old->instructor_count && i < MAX_PARTS; i++)
			c->instructors[i] = old->instructors[i].user_id;
		c->instructor_count =
		    old->instructor_count < MAX_PARTS ? old->instructor_count : MAX_PARTS;
	}
}

/* Whether attendance was taken in the session: roll-call rows or make-up
 * credit given from it. Such a session keeps its times and stays. */
static int session_used(db *d, int64_t session_id, bool *used)
{
	int64_t n = 0;
	int rc = db_query_int(d, &n,
	                      "SELECT (SELECT COUNT(*) FROM attendance WHERE session_id = $1) + "
	                      "(SELECT COUNT(*) FROM makeup_credits WHERE session_id = $1)",
	                      "i", session_id);
	*used = n > 0;
	return rc < 0 ? rc : 0;
}

static int save_in_tx(db *d, void *vctx)
{
	session_ctx *c = vctx;
	course_session old = {0};
	int rc;
	if (!c->is_new) {
		if ((rc = courses_load_session(d, c->a, c->session_id, &old)) < 0)
			return rc;
		c->course_id = old.course_id;
		keep_stored(c, &old);
	}
	course co;
	if ((rc = courses_load(d, c->a, c->course_id, &co)) < 0)
		return rc;
	int64_t start = courses_local_instant(c->day, c->start_min);
	int64_t end = c->end_min < 24 * 60 ? courses_local_instant(c->day, c->end_min)
	                                   : start + (int64_t)(c->end_min - c->start_min) * 60;
	/* The marks were taken against these times (minutes late and left
	 * early within its length): moving or resizing it would leave
	 * attendance the session no longer holds. The same times resent by a
	 * form are no change. */
	if (!c->is_new && c->has_times && (start != old.starts_at || end != old.ends_at)) {
		bool used;
		if ((rc = session_used(d, c->session_id, &used)) < 0)
			return rc;
		if (used) {
			field_errors_add(
			    c->errs, "date",
			    "cannot change once attendance was taken in this session: "
			    "its date, start and end stay (room, modules and instructors "
			    "may still change)");
			return CK_E_CONFLICT;
		}
	}
	if (c->day < co.starts_on || c->day > co.ends_on)
		field_errors_add(c->errs, "date",
		                 arena_printf(c->a, "is outside the course dates (%s to %s)",
		                              day_text(c->a, co.starts_on),
		                              day_text(c->a, co.ends_on)));
	if ((rc = check_modules(d, c, &co, (end - start) / 60)) < 0 ||
	    (rc = check_instructors(d, c)) < 0 || (rc = check_overlap(d, c, start, end)) < 0)
		return rc;
	if (c->errs->len)
		return CK_E_INVALID;
	int64_t now = auth_now();
	if (c->is_new) {
		rc = db_query_int(
		    d, &c->session_id,
		    "INSERT INTO course_sessions (course_id, starts_at, ends_at, room, "
		    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
		    "iiiti", c->course_id, start, end, c->room, now);
		c->has_modules = c->has_instructors = true;
	} else {
		rc = db_run(d,
		            "UPDATE course_sessions SET starts_at = $1, ends_at = $2, room = $3, "
		            "updated_at = $4, revision = revision + 1 WHERE id = $5",
		            "iitii", start, end, c->room, now, c->session_id);
	}
	if (rc < 0 || (rc = write_parts(d, c)) < 0)
		return rc;
	return audit_append(d, c->actor, c->is_new ? "session.create" : "session.update", "session",
	                    auth_id_text(c->a, c->session_id), AUDIT_SUCCESS,
	                    auth_json_text(c->a, session_detail(c, start, end)));
}

int course_session_create(db *d, arena *a, const principal *actor, int64_t course_id, const kv *in,
                          int64_t *id, field_errors *errs)
{
	if (!auth_allowed(actor, PERM_COURSES_WRITE))
		return CK_E_FORBIDDEN;
	course co;
	int rc = courses_load(d, a, course_id, &co);
	if (rc < 0)
		return rc;
	session_ctx *c = arena_alloc(a, sizeof *c);
	*c = (session_ctx){
	    .a = a, .actor = actor, .course_id = course_id, .is_new = true, .errs = errs};
	rc = read_input(c, in, true);
	if (rc < 0)
		return rc;
	rc = audit_tx(d, save_in_tx, c);
	if (rc == 0 && id)
		*id = c->session_id;
	return rc;
}

int course_session_update(db *d, arena *a, const principal *actor, int64_t session_id, const kv *in,
                          field_errors *errs)
{
	if (!auth_allowed(actor, PERM_COURSES_WRITE))
		return CK_E_FORBIDDEN;
	session_ctx *c = arena_alloc(a, sizeof *c);
	*c = (session_ctx){.a = a, .actor = actor, .session_id = session_id, .errs = errs};
	int rc = read_input(c, in, false);
	if (rc < 0)
		return rc;
	return audit_tx(d, save_in_tx, c);
}

typedef struct delete_ctx {
	arena *a;
	const principal *actor;
	int64_t id;
} delete_ctx;

static int delete_in_tx(db *d, void *vctx)
{
	delete_ctx *c = vctx;
	course_session old;
	int rc = courses_load_session(d, c->a, c->id, &old);
	if (rc < 0)
		return rc;
	bool used;
	if ((rc = session_used(d, c->id, &used)) < 0)
		return rc;
	if (used)
		return CK_E_CONFLICT; /* attendance was taken: the record must stay */
	if ((rc = db_run(d, "DELETE FROM session_modules WHERE session_id = $1", "i", c->id)) < 0 ||
	    (rc = db_run(d, "DELETE FROM session_instructors WHERE session_id = $1", "i", c->id)) <
	        0 ||
	    (rc = db_run(d, "DELETE FROM course_sessions WHERE id = $1", "i", c->id)) < 0)
		return rc;
	json_t *detail = json_pack("{s:I, s:I, s:I, s:s}", "course_id", (json_int_t)old.course_id,
	                           "starts_at", (json_int_t)old.starts_at, "ends_at",
	                           (json_int_t)old.ends_at, "room", old.room);
	return audit_append(d, c->actor, "session.delete", "session", auth_id_text(c->a, c->id),
	                    AUDIT_SUCCESS, auth_json_text(c->a, detail));
}

int course_session_delete(db *d, arena *a, const principal *actor, int64_t session_id)
{
	if (!auth_allowed(actor, PERM_COURSES_WRITE))
		return CK_E_FORBIDDEN;
	delete_ctx c = {a, actor, session_id};
	return audit_tx(d, delete_in_tx, &c);
}
