/* enrollments.c: enroll with capacity and waitlist, withdraw with
 * promotion, and completion (see enrollments.h).
 * Each write runs in one transaction with its audit row, so a refused
 * request leaves nothing behind. */
#include "enrollments.h"

#include <string.h>

#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../auth/roles.h"
#include "../base/errors.h"
#include "courses.h"

#define ENROLLMENT_COLUMNS                                                                         \
	"e.id, e.course_id, e.user_id, e.status, e.enrolled_by, e.waitlisted_at, "                 \
	"e.created_at, e.updated_at, u.name, u.email, "                                            \
	"u.org_id, o.name, c.title, c.status, c.starts_on, c.ends_on, e.seated_at, "               \
	"CASE WHEN e.status = 'waitlisted' THEN (SELECT COUNT(*) FROM enrollments w "              \
	"WHERE w.course_id = e.course_id AND w.status = 'waitlisted' AND (w.waitlisted_at < "      \
	"e.waitlisted_at OR (w.waitlisted_at = e.waitlisted_at AND w.id <= e.id))) ELSE 0 END "
#define ENROLLMENT_FROM                                                                            \
	"FROM enrollments e JOIN users u ON u.id = e.user_id JOIN orgs o ON o.id = u.org_id "      \
	"JOIN courses c ON c.id = e.course_id "

static void read_enrollment(arena *a, db_stmt *s, enrollment *e)
{
	*e = (enrollment){
	    .id = db_col_int(s, 0),
	    .course_id = db_col_int(s, 1),
	    .user_id = db_col_int(s, 2),
	    .status = db_col_dup(a, s, 3),
	    .enrolled_by = db_col_int(s, 4),
	    .waitlisted_at = db_col_int(s, 5),
	    .created_at = db_col_int(s, 6),
	    .updated_at = db_col_int(s, 7),
	    .user_name = db_col_dup(a, s, 8),
	    .user_email = db_col_dup(a, s, 9),
	    .org_id = db_col_int(s, 10),
	    .org_name = db_col_dup(a, s, 11),
	    .course_title = db_col_dup(a, s, 12),
	    .course_status = db_col_dup(a, s, 13),
	    .course_starts_on = db_col_int(s, 14),
	    .course_ends_on = db_col_int(s, 15),
	    .seated_at = db_col_int(s, 16),
	    .position = db_col_int(s, 17),
	};
}

/* The scope as a filter: *org (0 = any) and *user (0 = any). */
static void scope_of(const principal *actor, int64_t *org, int64_t *user)
{
	*org = 0;
	*user = 0;
	if (auth_is_system(actor) || roles_see_all_orgs(actor->roles) ||
	    (actor->roles & ROLE_INSTRUCTOR))
		return;
	if (auth_allowed(actor, PERM_ENROLL) || auth_allowed(actor, PERM_TRAINING_STATUS))
		*org = actor->org_id;
	else
		*user = actor->user_id;
}

bool enrollment_sees(const principal *actor, int64_t user_id, int64_t org_id)
{
	if (!actor || (!auth_signed_in(actor) && !auth_is_system(actor)))
		return false;
	if (actor->user_id && actor->user_id == user_id)
		return true;
	int64_t org, user;
	scope_of(actor, &org, &user);
	return (org == 0 || org == org_id) && (user == 0 || user == user_id);
}

static int load(db *d, arena *a, int64_t id, enrollment *out)
{
	db_stmt *s;
	int rc = db_prepare(d, "SELECT " ENROLLMENT_COLUMNS ENROLLMENT_FROM "WHERE e.id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW)
		read_enrollment(a, s, out);
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

int enrollment_get(db *d, arena *a, const principal *actor, int64_t id, enrollment *out)
{
	enrollment e;
	int rc = load(d, a, id, &e);
	if (rc < 0)
		return rc;
	if (!enrollment_sees(actor, e.user_id, e.org_id))
		return CK_E_NOT_FOUND;
	*out = e;
	return 0;
}

/* One page of enrollments: sql binds $1 key, $2 org (0 = any), $3 user
 * (0 = any), $4 the id after which to continue (0 = from the start) and
 * $5 the row limit; limit 0 means every row (pages held in full). */
static int list(db *d, arena *a, const char *sql, int64_t key, int64_t org, int64_t user, int limit,
                const char *cursor, enrollment **items, size_t *n, const char **next_cursor)
{
	int64_t after = 0;
	if (next_cursor)
		*next_cursor = NULL;
	int rc = auth_cursor_parse(cursor, &after);
	if (rc < 0)
		return rc;
	db_stmt *s;
	rc = db_prepare(d, sql, &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, key);
	db_bind_int(s, 2, org);
	db_bind_int(s, 3, user);
	db_bind_int(s, 4, after);
	db_bind_int(s, 5, limit ? (int64_t)limit + 1 : INT32_MAX);
	size_t cap = 16, count = 0;
	enrollment *out = arena_array(a, cap, sizeof *out);
	while ((rc = db_step(s)) == DB_ROW) {
		if (limit && count == (size_t)limit) {
			*next_cursor = auth_cursor_make(a, out[count - 1].id);
			break;
		}
		if (count == cap) {
			enrollment *grown = arena_array(a, cap * 2, sizeof *grown);
			memcpy(grown, out, cap * sizeof *out);
			out = grown;
			cap *= 2;
		}
		read_enrollment(a, s, &out[count++]);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}

/* A course's order: seated by name, the waitlist in order, the withdrawn
 * by name; the same key for the row the cursor names (keyset paging). */
#define COURSE_ORDER(e, u)                                                                         \
	"CASE " e ".status WHEN 'waitlisted' THEN 1 WHEN 'withdrawn' THEN 2 ELSE 0 END, "          \
	"CASE WHEN " e ".status = 'waitlisted' THEN " e ".waitlisted_at ELSE 0 END, "              \
	"CASE WHEN " e ".status = 'waitlisted' THEN '' ELSE " u ".name END, " e ".id"

static int course_page(db *d, arena *a, const principal *actor, int64_t course_id, int limit,
                       const char *cursor, enrollment **items, size_t *n, const char **next_cursor)
{
	*items = NULL;
	*n = 0;
	if (!auth_allowed(actor, PERM_COURSES_READ))
		return CK_E_FORBIDDEN;
	course c; /* a course the actor may not see is not found (a planned one) */
	int rc = course_get(d, a, actor, course_id, &c);
	if (rc < 0)
		return rc;
	int64_t org, user;
	scope_of(actor, &org, &user);
	return list(
	    d, a,
	    "SELECT " ENROLLMENT_COLUMNS ENROLLMENT_FROM
	    "WHERE e.course_id = $1 AND (CAST($2 AS BIGINT) = 0 OR u.org_id = $2) "
	    "AND (CAST($3 AS BIGINT) = 0 OR e.user_id = $3) "
	    "AND (CAST($4 AS BIGINT) = 0 OR (" COURSE_ORDER("e", "u") ") > (SELECT " COURSE_ORDER(
	        "k", "ku") " FROM enrollments k JOIN users ku ON ku.id = k.user_id "
	                   "WHERE k.id = $4)) "
	                   "ORDER BY " COURSE_ORDER("e", "u") " LIMIT $5",
	    course_id, org, user, limit, cursor, items, n, next_cursor);
}

int enrollment_list_for_course(db *d, arena *a, const principal *actor, int64_t course_id,
                               enrollment **items, size_t *n)
{
	return course_page(d, a, actor, course_id, 0, NULL, items, n, NULL);
}

int enrollment_page_for_course(db *d, arena *a, const principal *actor, int64_t course_id,
                               int limit, const char *cursor, enrollment **items, size_t *n,
                               const char **next_cursor)
{
	return course_page(d, a, actor, course_id, auth_limit(limit), cursor, items, n,
	                   next_cursor);
}

static int user_page(db *d, arena *a, const principal *actor, int64_t user_id, int limit,
                     const char *cursor, enrollment **items, size_t *n, const char **next_cursor)
{
	*items = NULL;
	*n = 0;
	int64_t org_id = 0;
	int rc = db_query_int(d, &org_id, "SELECT org_id FROM users WHERE id = $1", "i", user_id);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || !enrollment_sees(actor, user_id, org_id))
		return CK_E_NOT_FOUND;
	return list(
	    d, a,
	    "SELECT " ENROLLMENT_COLUMNS ENROLLMENT_FROM
	    "WHERE e.user_id = $1 AND CAST($2 AS BIGINT) >= 0 AND CAST($3 AS BIGINT) >= 0 "
	    "AND (CAST($4 AS BIGINT) = 0 OR (c.starts_on, e.id) < (SELECT kc.starts_on, k.id "
	    "FROM enrollments k JOIN courses kc ON kc.id = k.course_id WHERE k.id = $4)) "
	    "ORDER BY c.starts_on DESC, e.id DESC LIMIT $5",
	    user_id, 0, 0, limit, cursor, items, n, next_cursor);
}

int enrollment_list_for_user(db *d, arena *a, const principal *actor, int64_t user_id,
                             enrollment **items, size_t *n)
{
	return user_page(d, a, actor, user_id, 0, NULL, items, n, NULL);
}

int enrollment_page_for_user(db *d, arena *a, const principal *actor, int64_t user_id, int limit,
                             const char *cursor, enrollment **items, size_t *n,
                             const char **next_cursor)
{
	return user_page(d, a, actor, user_id, auth_limit(limit), cursor, items, n, next_cursor);
}

const char *enrollment_status_text(arena *a, const enrollment *e)
{
	if (!strcmp(e->status, "waitlisted"))
		return arena_printf(a, "Waitlisted, position %lld", (long long)e->position);
	if (!strcmp(e->status, "enrolled"))
		return "Enrolled";
	if (!strcmp(e->status, "completed"))
		return "Completed";
	if (!strcmp(e->status, "withdrawn"))
		return "Withdrawn";
	return e->status;
}

static int audit_enrollment(db *d, arena *a, const principal *actor, const char *action, int64_t id,
                            json_t *detail)
{
	return audit_append(d, actor, action, "enrollment", auth_id_text(a, id), AUDIT_SUCCESS,
	                    auth_json_text(a, detail));
}

int enrollment_seat_counts(db *d, int64_t course_id, int64_t *seated, int64_t *waiting)
{
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT COALESCE(SUM(CASE WHEN status IN ('enrolled', 'completed') "
	                    "THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN status = 'waitlisted' "
	                    "THEN 1 ELSE 0 END), 0) FROM enrollments WHERE course_id = $1",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, course_id);
	rc = db_step(s);
	*seated = rc == DB_ROW ? db_col_int(s, 0) : 0;
	*waiting = rc == DB_ROW ? db_col_int(s, 1) : 0;
	db_finish(s);
	return rc < 0 ? rc : 0;
}

typedef struct enroll_ctx {
	arena *a;
	const principal *actor;
	int64_t course_id, user_id, id;
	field_errors *errs;
} enroll_ctx;

/* The course must exist and take enrollments; *capacity out. */
static int check_course(db *d, enroll_ctx *c, int64_t *capacity)
{
	db_stmt *s;
	int rc = db_prepare(d, "SELECT status, capacity FROM courses WHERE id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, c->course_id);
	rc = db_step(s);
	const char *status = rc == DB_ROW ? arena_strdup(c->a, db_col_text(s, 0)) : NULL;
	*capacity = rc == DB_ROW ? db_col_int(s, 1) : 0;
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return CK_E_NOT_FOUND;
	if (strcmp(status, "open") && strcmp(status, "in_progress")) {
		field_errors_add(
		    c->errs, "course_id",
		    arena_printf(c->a, "is not open for enrollment (it is %s)", status));
		return CK_E_INVALID;
	}
	return 0;
}

/* The person must exist in the actor's agency (else 404) and be an
 * active officer. */
static int check_person(db *d, enroll_ctx *c)
{
	db_stmt *s;
	int rc = db_prepare(d, "SELECT org_id, roles, is_active FROM users WHERE id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, c->user_id);
	rc = db_step(s);
	int64_t org_id = rc == DB_ROW ? db_col_int(s, 0) : 0;
	int64_t roles = rc == DB_ROW ? db_col_int(s, 1) : 0;
	bool is_active = rc == DB_ROW && db_col_int(s, 2) != 0;
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || !auth_sees_org(c->actor, org_id))
		return CK_E_NOT_FOUND;
	if (!is_active || !(roles & ROLE_OFFICER)) {
		field_errors_add(c->errs, "user_id",
		                 is_active ? "is not an officer"
		                           : "is disabled and cannot be enrolled");
		return CK_E_INVALID;
	}
	return 0;
}

/* An existing row for the pair: 0 with *id = 0 (none) or a withdrawn row
 * to reuse, or CK_E_CONFLICT. */
static int check_twice(db *d, enroll_ctx *c, int64_t *id)
{
	db_stmt *s;
	int rc = db_prepare(
	    d, "SELECT id, status FROM enrollments WHERE course_id = $1 AND user_id = $2", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, c->course_id);
	db_bind_int(s, 2, c->user_id);
	rc = db_step(s);
	*id = rc == DB_ROW ? db_col_int(s, 0) : 0;
	const char *status = rc == DB_ROW ? arena_strdup(c->a, db_col_text(s, 1)) : "";
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || !strcmp(status, "withdrawn"))
		return 0;
	field_errors_add(c->errs, "user_id",
	                 !strcmp(status, "waitlisted")  ? "is already on this course's waitlist"
	                 : !strcmp(status, "completed") ? "has already completed this course"
	                                                : "is already enrolled in this course");
	return CK_E_CONFLICT;
}

static int enroll_in_tx(db *d, void *vctx)
{
	enroll_ctx *c = vctx;
	int64_t capacity, seated, waiting, old_id;
	int rc = check_course(d, c, &capacity);
	if (rc == 0)
		rc = check_person(d, c);
	if (rc == 0)
		rc = check_twice(d, c, &old_id);
	if (rc == 0)
		rc = enrollment_seat_counts(d, c->course_id, &seated, &waiting);
	if (rc < 0)
		return rc;
	int64_t now = auth_now();
	/* A free seat goes to the waitlist first: a newcomer takes one only
	 * when nobody is waiting, else joins the end of the line. */
	bool has_seat = seated < capacity && waiting == 0;
	const char *status = has_seat ? "enrolled" : "waitlisted";
	db_stmt *s;
	rc =
	    db_prepare(d,
	               old_id ? "UPDATE enrollments SET status = $3, enrolled_by = $4, "
	                        "waitlisted_at = $5, seated_at = $7, updated_at = $6 "
	                        "WHERE course_id = $1 AND user_id = $2 RETURNING id"
	                      : "INSERT INTO enrollments (course_id, user_id, status, enrolled_by, "
	                        "waitlisted_at, seated_at, created_at, updated_at) "
	                        "VALUES ($1, $2, $3, $4, $5, $7, $6, $6) RETURNING id",
	               &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, c->course_id);
	db_bind_int(s, 2, c->user_id);
	db_bind_text(s, 3, status);
	if (c->actor->user_id)
		db_bind_int(s, 4, c->actor->user_id);
	else
		db_bind_null(s, 4);
	/* Seated now (seated_at), or waiting from now (waitlisted_at). */
	if (has_seat) {
		db_bind_null(s, 5);
		db_bind_int(s, 7, now);
	} else {
		db_bind_int(s, 5, now);
		db_bind_null(s, 7);
	}
	db_bind_int(s, 6, now);
	rc = db_step(s);
	if (rc == DB_ROW)
		c->id = db_col_int(s, 0);
	db_finish(s);
	if (rc == DB_DONE)
		rc = CK_E_INTERNAL;
	if (rc < 0)
		return rc;
	return audit_enrollment(d, c->a, c->actor, "enrollment.create", c->id,
	                        json_pack("{s:I, s:I, s:s}", "course_id", (json_int_t)c->course_id,
	                                  "user_id", (json_int_t)c->user_id, "status", status));
}

int enrollment_enroll(db *d, arena *a, const principal *actor, int64_t course_id, int64_t user_id,
                      enrollment *out, field_errors *errs)
{
	if (!auth_allowed(actor, PERM_ENROLL))
		return CK_E_FORBIDDEN;
	enroll_ctx c = {a, actor, course_id, user_id, 0, errs};
	int rc = audit_tx(d, enroll_in_tx, &c);
	if (rc < 0)
		return rc;
	return out ? load(d, a, c.id, out) : 0;
}

int enrollment_enroll_kv(db *d, arena *a, const principal *actor, int64_t course_id, const kv *in,
                         enrollment *out, field_errors *errs)
{
	static const field_spec specs[] = {
	    {"user_id", FIELD_INT, false, 1, INT64_MAX, NULL, "Officer"},
	    {"email", FIELD_EMAIL, false, 3, 254, NULL, "Email"},
	};
	field_value v[2];
	if (!auth_allowed(actor, PERM_ENROLL))
		return CK_E_FORBIDDEN;
	int rc = validate_fields(a, in, specs, 2, v, errs);
	if (rc < 0)
		return rc;
	int64_t user_id = v[0].present ? v[0].number : 0;
	if (!user_id && v[1].present) {
		rc = auth_user_id_by_email(d, v[1].text, &user_id);
		if (rc < 0)
			return rc;
		if (!user_id)
			return CK_E_NOT_FOUND;
	}
	if (!user_id) {
		field_errors_add(errs, "user_id", "is required (or an email)");
		return CK_E_INVALID;
	}
	return enrollment_enroll(d, a, actor, course_id, user_id, out, errs);
}

typedef struct change_ctx {
	arena *a;
	const principal *actor;
	int64_t id, promoted_id;
	progress *prog;
	field_errors *errs;
} change_ctx;

/* Loads the enrollment for a write by actor; CK_E_NOT_FOUND when outside
 * the scope given by write_scope (agency for enrolling, any for
 * instructors' and coordinators' acts). */
static int load_for_write(db *d, change_ctx *c, bool agency_scope, enrollment *e)
{
	int rc = load(d, c->a, c->id, e);
	if (rc < 0)
		return rc;
	bool sees = agency_scope ? auth_sees_org(c->actor, e->org_id)
	                         : enrollment_sees(c->actor, e->user_id, e->org_id);
	return sees ? 0 : CK_E_NOT_FOUND;
}

int enrollment_promote_waiting(db *d, arena *a, const principal *actor, int64_t course_id,
                               int64_t *first_id)
{
	int64_t capacity = 0, seated = 0, waiting = 0;
	if (first_id)
		*first_id = 0;
	int rc = db_query_int(d, &capacity, "SELECT capacity FROM courses WHERE id = $1", "i",
	                      course_id);
	if (rc < 0)
		return rc;
	rc = enrollment_seat_counts(d, course_id, &seated, &waiting);
	if (rc < 0)
		return rc;
	int64_t now = auth_now();
	for (; seated < capacity && waiting > 0; seated++, waiting--) {
		int64_t next = 0;
		rc = db_query_int(d, &next,
		                  "SELECT id FROM enrollments WHERE course_id = $1 "
		                  "AND status = 'waitlisted' ORDER BY waitlisted_at, id LIMIT 1",
		                  "i", course_id);
		if (rc <= 0)
			return rc;
		/* The seat starts now: sessions already over need make-up. */
		rc = db_run(d,
		            "UPDATE enrollments SET status = 'enrolled', seated_at = $1, "
		            "updated_at = $1 WHERE id = $2",
		            "ii", now, next);
		if (rc < 0)
			return rc;
		if (first_id && !*first_id)
			*first_id = next;
		rc = audit_enrollment(d, a, actor, "enrollment.promote", next,
		                      json_pack("{s:I}", "course_id", (json_int_t)course_id));
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int withdraw_in_tx(db *d, void *vctx)
{
	change_ctx *c = vctx;
	enrollment e;
	int rc = load_for_write(d, c, true, &e);
	if (rc < 0)
		return rc;
	if (strcmp(e.status, "enrolled") && strcmp(e.status, "waitlisted"))
		return CK_E_CONFLICT;
	rc = db_run(d, "UPDATE enrollments SET status = 'withdrawn', updated_at = $1 WHERE id = $2",
	            "ii", auth_now(), c->id);
	if (rc < 0)
		return rc;
	rc = audit_enrollment(
	    d, c->a, c->actor, "enrollment.withdraw", c->id,
	    json_pack("{s:I, s:s}", "course_id", (json_int_t)e.course_id, "was", e.status));
	if (rc < 0 || strcmp(e.status, "enrolled"))
		return rc;
	return enrollment_promote_waiting(d, c->a, c->actor, e.course_id, &c->promoted_id);
}

int enrollment_withdraw(db *d, arena *a, const principal *actor, int64_t id, int64_t *promoted_id)
{
	if (promoted_id)
		*promoted_id = 0;
	if (!auth_allowed(actor, PERM_ENROLL))
		return CK_E_FORBIDDEN;
	change_ctx c = {.a = a, .actor = actor, .id = id};
	int rc = audit_tx(d, withdraw_in_tx, &c);
	if (rc == 0 && promoted_id)
		*promoted_id = c.promoted_id;
	return rc;
}

static int complete_in_tx(db *d, void *vctx)
{
	change_ctx *c = vctx;
	enrollment e;
	int rc = load_for_write(d, c, false, &e);
	if (rc == 0)
		rc = training_progress(d, c->a, c->id, c->prog);
	if (rc < 0)
		return rc;
	if (!strcmp(e.status, "completed"))
		return 0;
	if (strcmp(e.status, "enrolled")) {
		field_errors_add(c->errs, "status",
		                 arena_printf(c->a, "is %s, not enrolled", e.status));
		return CK_E_CONFLICT;
	}
	if (!c->prog->is_complete) {
		for (size_t i = 0; i < c->prog->n_missing; i++)
			field_errors_add(c->errs, "progress", c->prog->missing[i].text);
		return CK_E_INVALID;
	}
	rc = db_run(d, "UPDATE enrollments SET status = 'completed', updated_at = $1 WHERE id = $2",
	            "ii", auth_now(), c->id);
	if (rc < 0)
		return rc;
	c->prog->status = "completed";
	return audit_enrollment(d, c->a, c->actor, "enrollment.complete", c->id,
	                        json_pack("{s:I, s:I}", "course_id", (json_int_t)e.course_id,
	                                  "minutes", (json_int_t)c->prog->total_minutes));
}

int enrollment_complete(db *d, arena *a, const principal *actor, int64_t id, progress *out,
                        field_errors *errs)
{
	progress local;
	field_errors local_errs = {0};
	if (!auth_allowed(actor, PERM_CERTS_ISSUE) && !auth_allowed(actor, PERM_ATTENDANCE_WRITE))
		return CK_E_FORBIDDEN;
	change_ctx c = {.a = a,
	                .actor = actor,
	                .id = id,
	                .prog = out ? out : &local,
	                .errs = errs ? errs : &local_errs};
	return auth_in_tx(d, complete_in_tx, &c);
}

int enrollment_progress(db *d, arena *a, const principal *actor, int64_t id, progress *out)
{
	enrollment e;
	int rc = enrollment_get(d, a, actor, id, &e);
	if (rc < 0)
		return rc;
	return training_progress(d, a, id, out);
}
