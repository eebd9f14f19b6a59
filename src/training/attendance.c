/* attendance.c: roll call (present by default, late, left early, absent,
 * credited minutes) and make-up credit from another course's session.
 * Every mark is checked before anything is written; a batch is one
 * transaction with one audit row. */
#include "attendance.h"

#include <string.h>

#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../auth/roles.h"
#include "../base/clock.h"
#include "../base/errors.h"
#include "enrollments.h"

static const char *const statuses[] = {"present", "late", "left_early", "absent", NULL};

const char *attendance_status_text(arena *a, const roll_entry *e)
{
	if (!strcmp(e->status, "absent"))
		return "Absent";
	if (e->minutes_late && e->minutes_left_early)
		return arena_printf(a, "Late %lld, left %lld min early", (long long)e->minutes_late,
		                    (long long)e->minutes_left_early);
	if (e->minutes_late)
		return arena_printf(a, "Late %lld min", (long long)e->minutes_late);
	if (e->minutes_left_early)
		return arena_printf(a, "Left early %lld min", (long long)e->minutes_left_early);
	return "Present";
}

typedef struct session_info {
	int64_t course_id, starts_at, ends_at, length;
	const char *course_title, *room;
} session_info;

static int load_session(db *d, arena *a, int64_t id, session_info *out)
{
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT cs.course_id, cs.starts_at, cs.ends_at, c.title, cs.room "
	                    "FROM course_sessions cs JOIN courses c ON c.id = cs.course_id "
	                    "WHERE cs.id = $1",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW) {
		const char *title = db_col_text(s, 3), *room = db_col_text(s, 4);
		*out = (session_info){
		    .course_id = db_col_int(s, 0),
		    .starts_at = db_col_int(s, 1),
		    .ends_at = db_col_int(s, 2),
		    .length = (db_col_int(s, 2) - db_col_int(s, 1)) / 60,
		    .course_title = arena_strdup(a, title ? title : ""),
		    .room = arena_strdup(a, room ? room : ""),
		};
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

/* Nobody is marked or credited for a session still to come: a field error
 * on session_id saying when it starts, CK_E_INVALID; 0 once it has. */
static int check_started(arena *a, const session_info *si, field_errors *errs)
{
	if (si->starts_at <= auth_now())
		return 0;
	char at[CLOCK_LOCAL_LEN];
	clock_local(si->starts_at, at);
	field_errors_add(errs, "session_id",
	                 arena_printf(a, "has not started yet (it starts %s)", at));
	return CK_E_INVALID;
}

int attendance_takes_roll(db *d, const principal *actor, int64_t session_id, bool *out)
{
	*out = false;
	if (!auth_allowed(actor, PERM_ATTENDANCE_WRITE))
		return 0;
	if (auth_is_system(actor) || auth_allowed(actor, PERM_COURSES_WRITE)) {
		*out = true;
		return 0;
	}
	int64_t one = 0;
	int rc = db_query_int(d, &one,
	                      "SELECT 1 FROM session_instructors WHERE session_id = $1 "
	                      "AND user_id = $2",
	                      "ii", session_id, actor->user_id);
	if (rc < 0)
		return rc;
	*out = rc == DB_ROW;
	return 0;
}

int attendance_roll(db *d, arena *a, const principal *actor, int64_t session_id, roll_call *out)
{
	*out = (roll_call){0};
	if (!auth_allowed(actor, PERM_ATTENDANCE_WRITE) &&
	    !auth_allowed(actor, PERM_TRAINING_STATUS))
		return CK_E_FORBIDDEN;
	session_info si;
	bool may_mark = false;
	int rc = load_session(d, a, session_id, &si);
	if (rc == 0)
		rc = attendance_takes_roll(d, actor, session_id, &may_mark);
	if (rc < 0)
		return rc;
	db_stmt *s;
	rc = db_prepare(d,
	                "SELECT e.id, e.user_id, u.name, o.name, a.status, a.minutes_late, "
	                "a.minutes_left_early, a.credited_minutes, "
	                "CASE WHEN a.id IS NULL THEN 0 ELSE 1 END, u.org_id "
	                "FROM enrollments e JOIN users u ON u.id = e.user_id "
	                "JOIN orgs o ON o.id = u.org_id "
	                "LEFT JOIN attendance a ON a.session_id = $2 AND a.enrollment_id = e.id "
	                "WHERE e.course_id = $1 AND e.status IN ('enrolled', 'completed') "
	                "AND COALESCE(e.seated_at, 0) < $3 "
	                "ORDER BY u.name, e.id",
	                &s);
	if (rc < 0)
		return rc;
	/* Someone seated after the session was over was not there: not on
	 * its roll (no absence), their progress asks for make-up instead. */
	db_bind_int(s, 1, si.course_id);
	db_bind_int(s, 2, session_id);
	db_bind_int(s, 3, si.ends_at);
	size_t cap = 16, n = 0;
	roll_entry *items = arena_array(a, cap, sizeof *items);
	while ((rc = db_step(s)) == DB_ROW) {
		if (!enrollment_sees(actor, db_col_int(s, 1), db_col_int(s, 9)) && !may_mark)
			continue;
		if (n == cap) {
			roll_entry *grown = arena_array(a, cap * 2, sizeof *grown);
			memcpy(grown, items, cap * sizeof *items);
			items = grown;
			cap *= 2;
		}
		bool is_recorded = db_col_int(s, 8) != 0;
		const char *name = db_col_text(s, 2), *org = db_col_text(s, 3),
		           *status = db_col_text(s, 4);
		items[n++] = (roll_entry){
		    .enrollment_id = db_col_int(s, 0),
		    .user_id = db_col_int(s, 1),
		    .name = arena_strdup(a, name ? name : ""),
		    .org_name = arena_strdup(a, org ? org : ""),
		    .status = is_recorded && status ? arena_strdup(a, status) : "present",
		    .minutes_late = db_col_int(s, 5),
		    .minutes_left_early = db_col_int(s, 6),
		    .credited_minutes = is_recorded ? db_col_int(s, 7) : si.length,
		    .is_recorded = is_recorded,
		};
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*out = (roll_call){
	    .session_id = session_id,
	    .course_id = si.course_id,
	    .course_title = si.course_title,
	    .room = si.room,
	    .starts_at = si.starts_at,
	    .ends_at = si.ends_at,
	    .length = si.length,
	    .items = items,
	    .n = n,
	    .may_mark = may_mark,
	    .has_started = si.starts_at <= auth_now(),
	};
	return 0;
}

typedef struct record_ctx {
	arena *a;
	const principal *actor;
	int64_t session_id;
	const attendance_mark *marks;
	size_t n;
	field_errors *errs;
	/* Filled by the checks. */
	const char **status;
	int64_t *credited;
} record_ctx;

static const char *field_name(record_ctx *c, size_t i, const char *name)
{
	return c->n == 1 ? name : arena_printf(c->a, "marks[%zu].%s", i, name);
}

static bool is_status(const char *s)
{
	for (size_t i = 0; statuses[i]; i++)
		if (!strcmp(statuses[i], s))
			return true;
	return false;
}

/* Checks mark i against the session's length; sets its status and
 * credited minutes. */
static void check_mark(record_ctx *c, size_t i, int64_t length)
{
	const attendance_mark *m = &c->marks[i];
	const char *status = m->status;
	int64_t late = m->minutes_late, early = m->minutes_left_early;
	size_t before = c->errs->len;
	if (status && !is_status(status))
		field_errors_add(c->errs, field_name(c, i, "status"),
		                 "must be present, late, left_early or absent");
	if (late < 0)
		field_errors_add(c->errs, field_name(c, i, "minutes_late"), "must be 0 or more");
	if (early < 0)
		field_errors_add(c->errs, field_name(c, i, "minutes_left_early"),
		                 "must be 0 or more");
	if (c->errs->len > before)
		return;
	if (status && !strcmp(status, "late") && late == 0)
		field_errors_add(c->errs, field_name(c, i, "minutes_late"),
		                 "is needed for a late arrival");
	else if (status && !strcmp(status, "left_early") && early == 0)
		field_errors_add(c->errs, field_name(c, i, "minutes_left_early"),
		                 "is needed for an early departure");
	else if (late + early > length)
		field_errors_add(
		    c->errs, field_name(c, i, late ? "minutes_late" : "minutes_left_early"),
		    arena_printf(c->a,
		                 "is more than the session: %lld min late and %lld min "
		                 "early of a %lld-minute session",
		                 (long long)late, (long long)early, (long long)length));
	bool absent = status && !strcmp(status, "absent");
	c->status[i] = absent ? "absent" : late ? "late" : early ? "left_early" : "present";
	c->credited[i] = absent ? 0 : length - late - early;
}

/* The person must hold a seat in the session's course, one they had
 * before the session was over. */
static int check_enrolled(db *d, record_ctx *c, size_t i, const session_info *si)
{
	int64_t seated_at = 0;
	int rc = db_query_int(d, &seated_at,
	                      "SELECT COALESCE(seated_at, 0) FROM enrollments WHERE id = $1 "
	                      "AND course_id = $2 AND status IN ('enrolled', 'completed')",
	                      "ii", c->marks[i].enrollment_id, si->course_id);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		field_errors_add(c->errs, field_name(c, i, "enrollment_id"),
		                 "is not enrolled in this course");
	else if (seated_at >= si->ends_at)
		field_errors_add(
		    c->errs, field_name(c, i, "enrollment_id"),
		    "got a seat after this session was over: give make-up credit instead");
	for (size_t j = 0; j < i; j++)
		if (c->marks[j].enrollment_id == c->marks[i].enrollment_id) {
			field_errors_add(c->errs, field_name(c, i, "enrollment_id"),
			                 "is marked twice");
			break;
		}
	return 0;
}

static int write_mark(db *d, record_ctx *c, size_t i, int64_t now)
{
	const attendance_mark *m = &c->marks[i];
	bool absent = !strcmp(c->status[i], "absent");
	db_stmt *s;
	int rc =
	    db_prepare(d,
	               "INSERT INTO attendance (session_id, enrollment_id, status, minutes_late, "
	               "minutes_left_early, credited_minutes, recorded_by, recorded_at) "
	               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
	               "ON CONFLICT (session_id, enrollment_id) DO UPDATE SET "
	               "status = excluded.status, minutes_late = excluded.minutes_late, "
	               "minutes_left_early = excluded.minutes_left_early, "
	               "credited_minutes = excluded.credited_minutes, "
	               "recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
	               &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, c->session_id);
	db_bind_int(s, 2, m->enrollment_id);
	db_bind_text(s, 3, c->status[i]);
	db_bind_int(s, 4, absent ? 0 : m->minutes_late);
	db_bind_int(s, 5, absent ? 0 : m->minutes_left_early);
	db_bind_int(s, 6, c->credited[i]);
	if (c->actor->user_id)
		db_bind_int(s, 7, c->actor->user_id);
	else
		db_bind_null(s, 7);
	db_bind_int(s, 8, now);
	rc = db_step(s);
	db_finish(s);
	return rc < 0 ? rc : 0;
}

static int record_in_tx(db *d, void *vctx)
{
	record_ctx *c = vctx;
	session_info si;
	bool may_mark = false;
	int rc = load_session(d, c->a, c->session_id, &si);
	if (rc == 0)
		rc = attendance_takes_roll(d, c->actor, c->session_id, &may_mark);
	if (rc < 0)
		return rc;
	if (!may_mark)
		return CK_E_FORBIDDEN;
	if ((rc = check_started(c->a, &si, c->errs)) < 0)
		return rc;
	for (size_t i = 0; i < c->n; i++) {
		check_mark(c, i, si.length);
		rc = check_enrolled(d, c, i, &si);
		if (rc < 0)
			return rc;
	}
	if (c->errs->len)
		return CK_E_INVALID;
	int64_t now = auth_now();
	json_t *marks = json_array();
	for (size_t i = 0; i < c->n && rc == 0; i++) {
		rc = write_mark(d, c, i, now);
		json_array_append_new(marks, json_pack("{s:I, s:s, s:I}", "enrollment_id",
		                                       (json_int_t)c->marks[i].enrollment_id,
		                                       "status", c->status[i], "credited_minutes",
		                                       (json_int_t)c->credited[i]));
	}
	if (rc < 0) {
		json_decref(marks);
		return rc;
	}
	return audit_append(d, c->actor, "attendance.record", "session",
	                    auth_id_text(c->a, c->session_id), AUDIT_SUCCESS,
	                    auth_json_text(c->a, json_pack("{s:o}", "marks", marks)));
}

int attendance_record(db *d, arena *a, const principal *actor, int64_t session_id,
                      const attendance_mark *marks, size_t n, field_errors *errs)
{
	if (!auth_allowed(actor, PERM_ATTENDANCE_WRITE))
		return CK_E_FORBIDDEN;
	if (n == 0)
		return 0;
	record_ctx c = {
	    .a = a,
	    .actor = actor,
	    .session_id = session_id,
	    .marks = marks,
	    .n = n,
	    .errs = errs,
	    .status = arena_array(a, n, sizeof(const char *)),
	    .credited = arena_array(a, n, sizeof(int64_t)),
	};
	return audit_tx(d, record_in_tx, &c);
}

int attendance_record_kv(db *d, arena *a, const principal *actor, int64_t session_id, const kv *in,
                         field_errors *errs)
{
	enum { F_ENROLLMENT, F_STATUS, F_LATE, F_EARLY, F_MINUTES, F_COUNT };
	static const field_spec specs[F_COUNT] = {
	    [F_ENROLLMENT] = {"enrollment_id", FIELD_INT, true, 1, INT64_MAX, NULL, "Trainee"},
	    [F_STATUS] = {"status", FIELD_ENUM, true, 0, 0, statuses, "Status"},
	    [F_LATE] = {"minutes_late", FIELD_INT, false, 0, 100000, NULL, "Minutes late"},
	    [F_EARLY] = {"minutes_left_early", FIELD_INT, false, 0, 100000, NULL,
	                 "Minutes left early"},
	    [F_MINUTES] = {"minutes", FIELD_INT, false, 0, 100000, NULL, "Minutes"},
	};
	field_value v[F_COUNT];
	if (!auth_allowed(actor, PERM_ATTENDANCE_WRITE))
		return CK_E_FORBIDDEN;
	int rc = validate_fields(a, in, specs, F_COUNT, v, errs);
	if (rc < 0)
		return rc;
	attendance_mark m = {
	    .enrollment_id = v[F_ENROLLMENT].number,
	    .status = v[F_STATUS].text,
	    .minutes_late = v[F_LATE].number,
	    .minutes_left_early = v[F_EARLY].number,
	};
	if (!strcmp(m.status, "absent") || !strcmp(m.status, "present"))
		m.minutes_late = m.minutes_left_early = 0;
	else if (!strcmp(m.status, "late") && !v[F_LATE].present)
		m.minutes_late = v[F_MINUTES].number;
	else if (!strcmp(m.status, "left_early") && !v[F_EARLY].present)
		m.minutes_left_early = v[F_MINUTES].number;
	return attendance_record(d, a, actor, session_id, &m, 1, errs);
}

typedef struct makeup_ctx {
	arena *a;
	const principal *actor;
	int64_t enrollment_id, session_id, minutes, id;
	const char *code;
	field_errors *errs;
} makeup_ctx;

/* The minutes session_id gives the module with this code (0: none). */
static int covered_minutes(db *d, int64_t session_id, const char *code, int64_t *minutes)
{
	*minutes = 0;
	int rc = db_query_int(d, minutes,
	                      "SELECT sm.minutes FROM session_modules sm "
	                      "JOIN curriculum_modules m ON m.id = sm.module_id "
	                      "WHERE sm.session_id = $1 AND m.code = $2",
	                      "it", session_id, code);
	return rc < 0 ? rc : 0;
}

static int makeup_checks(db *d, makeup_ctx *c, int64_t course_id, int64_t version_id)
{
	session_info si;
	int rc = load_session(d, c->a, c->session_id, &si);
	if (rc == CK_E_NOT_FOUND) {
		field_errors_add(c->errs, "session_id", "is not a session");
		return CK_E_INVALID;
	}
	if (rc < 0)
		return rc;
	if (si.course_id == course_id) {
		field_errors_add(c->errs, "session_id",
		                 "is a session of the person's own course: record it at roll call");
		return CK_E_INVALID;
	}
	/* An instructor vouches only for a session they taught. */
	bool may_mark = false;
	rc = attendance_takes_roll(d, c->actor, c->session_id, &may_mark);
	if (rc < 0)
		return rc;
	if (!may_mark)
		return CK_E_FORBIDDEN;
	if ((rc = check_started(c->a, &si, c->errs)) < 0)
		return rc;

	int64_t in_curriculum = 0, covered = 0;
	rc = db_query_int(d, &in_curriculum,
	                  "SELECT id FROM curriculum_modules WHERE version_id = $1 AND code = $2",
	                  "it", version_id, c->code);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE) {
		field_errors_add(c->errs, "module_code", "is not a module of the person's course");
		return CK_E_INVALID;
	}
	rc = covered_minutes(d, c->session_id, c->code, &covered);
	if (rc < 0)
		return rc;
	if (covered == 0) {
		field_errors_add(c->errs, "module_code", "is not covered by that session");
		return CK_E_INVALID;
	}
	if (c->minutes == 0)
		c->minutes = covered;
	if (c->minutes > covered) {
		field_errors_add(c->errs, "minutes",
		                 arena_printf(c->a,
		                              "is more than the %lld minutes that session gives "
		                              "the module",
		                              (long long)covered));
		return CK_E_INVALID;
	}
	int64_t dup = 0;
	rc = db_query_int(d, &dup,
	                  "SELECT id FROM makeup_credits WHERE enrollment_id = $1 "
	                  "AND module_code = $2 AND session_id = $3",
	                  "iti", c->enrollment_id, c->code, c->session_id);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW) {
		field_errors_add(c->errs, "session_id", "is already credited for this module");
		return CK_E_CONFLICT;
	}
	return 0;
}

static int makeup_in_tx(db *d, void *vctx)
{
	makeup_ctx *c = vctx;
	enrollment e;
	int rc = enrollment_get(d, c->a, c->actor, c->enrollment_id, &e);
	if (rc < 0)
		return rc;
	if (strcmp(e.status, "enrolled") && strcmp(e.status, "completed")) {
		field_errors_add(c->errs, "enrollment_id", "is not enrolled");
		return CK_E_INVALID;
	}
	int64_t version_id = 0;
	rc = db_query_int(d, &version_id, "SELECT version_id FROM courses WHERE id = $1", "i",
	                  e.course_id);
	if (rc < 0)
		return rc;
	rc = makeup_checks(d, c, e.course_id, version_id);
	if (rc < 0)
		return rc;
	db_stmt *s;
	rc = db_prepare(
	    d,
	    "INSERT INTO makeup_credits (enrollment_id, module_code, session_id, minutes, "
	    "recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
	    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, c->enrollment_id);
	db_bind_text(s, 2, c->code);
	db_bind_int(s, 3, c->session_id);
	db_bind_int(s, 4, c->minutes);
	if (c->actor->user_id)
		db_bind_int(s, 5, c->actor->user_id);
	else
		db_bind_null(s, 5);
	db_bind_int(s, 6, auth_now());
	rc = db_step(s);
	if (rc == DB_ROW)
		c->id = db_col_int(s, 0);
	db_finish(s);
	if (rc < 0)
		return rc;
	return audit_append(
	    d, c->actor, "attendance.makeup", "enrollment", auth_id_text(c->a, c->enrollment_id),
	    AUDIT_SUCCESS,
	    auth_json_text(c->a, json_pack("{s:s, s:I, s:I}", "module_code", c->code, "session_id",
	                                   (json_int_t)c->session_id, "minutes",
	                                   (json_int_t)c->minutes)));
}

int attendance_makeup(db *d, arena *a, const principal *actor, int64_t enrollment_id, const kv *in,
                      int64_t *id, field_errors *errs)
{
	enum { F_SESSION, F_CODE, F_MINUTES, F_COUNT };
	static const field_spec specs[F_COUNT] = {
	    [F_SESSION] = {"session_id", FIELD_INT, true, 1, INT64_MAX, NULL, "Session"},
	    [F_CODE] = {"module_code", FIELD_TEXT, true, 1, 100, NULL, "Module"},
	    [F_MINUTES] = {"minutes", FIELD_INT, false, 1, 100000, NULL, "Minutes"},
	};
	field_value v[F_COUNT];
	if (!auth_allowed(actor, PERM_ATTENDANCE_WRITE))
		return CK_E_FORBIDDEN;
	int rc = validate_fields(a, in, specs, F_COUNT, v, errs);
	if (rc < 0)
		return rc;
	makeup_ctx c = {
	    .a = a,
	    .actor = actor,
	    .enrollment_id = enrollment_id,
	    .session_id = v[F_SESSION].number,
	    .minutes = v[F_MINUTES].present ? v[F_MINUTES].number : 0,
	    .code = v[F_CODE].text,
	    .errs = errs,
	};
	rc = audit_tx(d, makeup_in_tx, &c);
	if (rc == 0 && id)
		*id = c.id;
	return rc;
}
