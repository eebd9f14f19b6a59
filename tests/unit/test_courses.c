/* test_courses.c: course offerings and their sessions on SQLite and
 * PostgreSQL: create, read, list, update with status transitions, who
 * sees planned courses, sessions read back with modules and instructors,
 * and bad input that writes nothing. */
#include "training_fixture.h"
#include "training/conflicts.h"
#include "training/enrollments.h"

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

static void create_and_read(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	course c;
	assert_int_equal(course_get(f->d, f->a, &f->sys, t.course_id, &c), 0);
	assert_string_equal(c.title, "CIT Basic, March");
	assert_string_equal(c.location, "Training Center");
	assert_string_equal(c.status, "planned");
	assert_string_equal(course_status_label(c.status), "Planned");
	assert_string_equal(c.curriculum_title, "Pine Belt CIT 2026");
	assert_int_equal(c.curriculum_version, 1);
	assert_int_equal(c.starts_on, TFX_MON);
	assert_int_equal(c.ends_on, TFX_MON + 4 * TFX_DAY);
	assert_int_equal(c.capacity, 24);
	assert_int_equal(c.scenario_runs_required, 2); /* the default */
	assert_int_equal(c.session_count, 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'course.create'"),
	                 1);
	assert_int_equal(course_get(f->d, f->a, &f->sys, t.course_id + 1, &c), CK_E_NOT_FOUND);
}

static void bad_course_writes_nothing(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	field_errors errs = {0};
	int64_t id = 0;
	/* A draft version, last day before the first, capacity 0. */
	assert_int_equal(course_create(f->d, f->a, &f->sys,
	                               fx_kv(f, "version_id", tfx_id(f, t.draft_id), "title", "X",
	                                     "starts_on", "2026-03-06", "ends_on", "2026-03-02",
	                                     "capacity", "0", NULL),
	                               &id, &errs),
	                 CK_E_INVALID);
	assert_int_equal(errs.len, 2);
	assert_string_equal(errs.items[0].field, "capacity");
	assert_string_equal(errs.items[1].field, "ends_on");
	errs.len = 0;
	assert_int_equal(course_create(f->d, f->a, &f->sys,
	                               fx_kv(f, "version_id", tfx_id(f, t.draft_id), "title", "X",
	                                     "starts_on", "2026-03-02", "ends_on", "2026-03-06",
	                                     "capacity", "10", NULL),
	                               &id, &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "version_id");
	assert_non_null(strstr(errs.items[0].message, "approved"));
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM courses"), 1);
}

static void status_transitions(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	assert_true(course_status_can_change("planned", "open"));
	assert_true(course_status_can_change("open", "in_progress"));
	assert_true(course_status_can_change("in_progress", "completed"));
	assert_true(course_status_can_change("open", "open"));
	assert_false(course_status_can_change("planned", "completed"));
	assert_false(course_status_can_change("completed", "open"));
	assert_false(course_status_can_change("cancelled", "planned"));
	field_errors errs = {0};
	assert_int_equal(course_update(f->d, f->a, &f->sys, t.course_id,
	                               fx_kv(f, "status", "completed", NULL), &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "status");
	assert_string_equal(errs.items[0].message, "cannot change from Planned to Completed");
	errs.len = 0;
	assert_int_equal(course_update(f->d, f->a, &f->sys, t.course_id,
	                               fx_kv(f, "status", "open", "capacity", "30", NULL), &errs),
	                 0);
	course c;
	assert_int_equal(course_get(f->d, f->a, &f->sys, t.course_id, &c), 0);
	assert_string_equal(c.status, "open");
	assert_int_equal(c.capacity, 30);
	assert_string_equal(c.title, "CIT Basic, March");
	/* The scenario runs the completion rule asks for: 0–20. */
	assert_int_equal(course_update(f->d, f->a, &f->sys, t.course_id,
	                               fx_kv(f, "scenario_runs_required", "21", NULL), &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "scenario_runs_required");
	errs.len = 0;
	assert_int_equal(course_update(f->d, f->a, &f->sys, t.course_id,
	                               fx_kv(f, "scenario_runs_required", "3", NULL), &errs),
	                 0);
	assert_int_equal(course_get(f->d, f->a, &f->sys, t.course_id, &c), 0);
	assert_int_equal(c.scenario_runs_required, 3);
	assert_int_equal(c.capacity, 30); /* the rest kept */
}

/* Raising a course's capacity seats the waitlisted in order, in the same
 * transaction (seated_at now, audited as promotions are); a newcomer
 * never takes a free seat while someone waits; lowering the capacity
 * below those seated is refused on "capacity" and writes nothing. */
static void capacity_serves_the_waitlist_first(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	principal coord = fx_as(f, t.coordinator);
	field_errors errs = {0};
	fx_exec(f, "UPDATE courses SET status = 'open', capacity = 1");
	enrollment e[5];
	for (int i = 0; i < 5; i++) {
		char email[32];
		snprintf(email, sizeof email, "o%d@example.org", i);
		int64_t uid = fx_user(f, t.org_id, email, email, "officer", NULL);
		assert_int_equal(enrollment_enroll(f->d, f->a, &coord, t.course_id, uid, &e[i], &errs),
		                 0);
		fx_advance(1);
	}
	assert_string_equal(e[0].status, "enrolled");
	assert_string_equal(e[4].status, "waitlisted");
	assert_int_equal(e[4].position, 4);

	/* 1 -> 3: the first two waiting are seated, in order, now. */
	fx_advance(60);
	int64_t now = fx_now_cs / 100;
	assert_int_equal(course_update(f->d, f->a, &coord, t.course_id,
	                               fx_kv(f, "capacity", "3", NULL), &errs),
	                 0);
	assert_int_equal(errs.len, 0);
	enrollment got;
	for (int i = 1; i < 3; i++) {
		assert_int_equal(enrollment_get(f->d, f->a, &coord, e[i].id, &got), 0);
		assert_string_equal(got.status, "enrolled");
		assert_int_equal(got.seated_at, now);
	}
	assert_int_equal(enrollment_get(f->d, f->a, &coord, e[3].id, &got), 0);
	assert_string_equal(got.status, "waitlisted");
	assert_int_equal(got.position, 1);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = "
	                             "'enrollment.promote'"),
	                 2);

	/* A seat free with someone waiting (a capacity raised before this
	 * rule): a newcomer joins the end of the line. */
	fx_exec(f, "UPDATE courses SET capacity = 4");
	int64_t late = fx_user(f, t.org_id, "late@example.org", "Late Comer", "officer", NULL);
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, t.course_id, late, &got, &errs), 0);
	assert_string_equal(got.status, "waitlisted");
	assert_int_equal(got.position, 3);
	fx_exec(f, "UPDATE courses SET capacity = 3");

	/* Below the three seated: refused, nothing written. */
	int64_t audit = fx_count(f, "SELECT COUNT(*) FROM audit_log");
	errs = (field_errors){0};
	assert_int_equal(course_update(f->d, f->a, &coord, t.course_id,
	                               fx_kv(f, "capacity", "2", "title", "Renamed", NULL), &errs),
	                 CK_E_INVALID);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.items[0].field, "capacity");
	assert_string_equal(errs.items[0].message,
	                    "cannot be less than the 3 people already seated (withdraw someone first)");
	assert_int_equal(fx_count(f, "SELECT capacity FROM courses"), 3);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM courses WHERE title = 'Renamed'"), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log"), audit);
	/* Exactly those seated is fine and promotes nobody. */
	errs = (field_errors){0};
	assert_int_equal(course_update(f->d, f->a, &coord, t.course_id,
	                               fx_kv(f, "capacity", "3", NULL), &errs),
	                 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM enrollments WHERE status = "
	                             "'waitlisted'"),
	                 3);
	/* A cancelled course seats nobody however large. */
	assert_int_equal(course_update(f->d, f->a, &coord, t.course_id,
	                               fx_kv(f, "capacity", "10", "status", "cancelled", NULL), &errs),
	                 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM enrollments WHERE status = "
	                             "'waitlisted'"),
	                 3);
}

static void officers_do_not_see_planned(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	principal officer = fx_as(f, t.officer);
	principal coordinator = fx_as(f, t.coordinator);
	course c, *items;
	size_t n;
	const char *next;
	assert_int_equal(course_get(f->d, f->a, &officer, t.course_id, &c), CK_E_NOT_FOUND);
	assert_int_equal(course_list(f->d, f->a, &officer, NULL, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 0);
	assert_int_equal(course_list(f->d, f->a, &coordinator, NULL, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 1);
	field_errors errs = {0};
	int64_t id;
	assert_int_equal(course_create(f->d, f->a, &officer,
	                               fx_kv(f, "title", "X", NULL), &id, &errs),
	                 CK_E_FORBIDDEN);
	assert_int_equal(course_update(f->d, f->a, &coordinator, t.course_id,
	                               fx_kv(f, "status", "open", NULL), &errs),
	                 0);
	assert_int_equal(course_get(f->d, f->a, &officer, t.course_id, &c), 0);
	course_filter open = {.status = "open"};
	assert_int_equal(course_list(f->d, f->a, &officer, &open, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 1);
	principal nobody = {0};
	assert_int_equal(course_get(f->d, f->a, &nobody, t.course_id, &c), CK_E_FORBIDDEN);
}

static void list_pages(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	for (int i = 0; i < 4; i++) {
		field_errors errs = {0};
		int64_t id;
		const char *day = arena_printf(f->a, "2026-04-0%d", i + 1);
		assert_int_equal(course_create(f->d, f->a, &f->sys,
		                               fx_kv(f, "version_id", tfx_id(f, t.version_id), "title",
		                                     "More", "starts_on", day, "ends_on", day,
		                                     "capacity", "5", NULL),
		                               &id, &errs),
		                 0);
	}
	course *items;
	size_t n, total = 0;
	const char *next = NULL;
	int64_t last_start = INT64_MAX;
	do {
		assert_int_equal(course_list(f->d, f->a, &f->sys, NULL, 2, next, &items, &n, &next),
		                 0);
		for (size_t i = 0; i < n; i++) {
			assert_true(items[i].starts_on <= last_start);
			last_start = items[i].starts_on;
		}
		total += n;
	} while (next);
	assert_int_equal(total, 5);
	assert_int_equal(last_start, TFX_MON);
}

static void sessions_read_back(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	/* Monday 08:00–10:00 Chicago (CST, UTC-6) = 14:00–16:00 UTC. */
	int64_t start = TFX_MON + 14 * 3600;
	assert_int_equal(db_run(f->d,
	                        "INSERT INTO course_sessions (course_id, starts_at, ends_at, room, "
	                        "created_at, updated_at) VALUES ($1, $2, $3, 'Room A', 1, 1)",
	                        "iii", t.course_id, start, start + 7200),
	                 1);
	assert_int_equal(db_run(f->d,
	                        "INSERT INTO session_modules (session_id, module_id, minutes) "
	                        "VALUES (1, $1, 60), (1, $2, 60)",
	                        "ii", t.mod_deesc, t.mod_intro),
	                 2);
	assert_int_equal(db_run(f->d,
	                        "INSERT INTO session_instructors (session_id, user_id) "
	                        "VALUES (1, $1), (1, $2)",
	                        "ii", t.instructor, t.clinician),
	                 2);
	course_session *items;
	size_t n;
	assert_int_equal(course_sessions_list(f->d, f->a, &f->sys, t.course_id, &items, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].room, "Room A");
	assert_int_equal(items[0].starts_at, start);
	assert_int_equal(items[0].module_count, 2);
	assert_string_equal(items[0].modules[0].code, "intro"); /* curriculum order */
	assert_int_equal(items[0].modules[1].minutes, 60);
	assert_string_equal(items[0].modules[1].instructor_kinds, "officer,clinician");
	assert_int_equal(items[0].instructor_count, 2);
	assert_string_equal(items[0].instructors[0].name, "Dr. Cole");
	course_session one;
	assert_int_equal(course_session_get(f->d, f->a, &f->sys, 1, &one), 0);
	assert_int_equal(one.course_id, t.course_id);
	assert_int_equal(one.module_count, 2);
	assert_int_equal(one.instructor_count, 2);
	course c;
	assert_int_equal(course_get(f->d, f->a, &f->sys, t.course_id, &c), 0);
	assert_int_equal(c.session_count, 1);
	assert_int_equal(c.scheduled_minutes, 120);
	principal officer = fx_as(f, t.officer);
	assert_int_equal(course_session_get(f->d, f->a, &officer, 1, &one), CK_E_NOT_FOUND);
	assert_int_equal(course_session_get(f->d, f->a, &f->sys, 2, &one), CK_E_NOT_FOUND);
}

/* A session from name/value pairs; CK_E_INVALID leaves errs filled. */
static int add_session(authfx *f, trainfx *t, field_errors *errs, int64_t *id, kv *in)
{
	errs->len = 0;
	return course_session_create(f->d, f->a, &f->sys, t->course_id, in, id, errs);
}

static void sessions_create_and_touch(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	field_errors errs = {0};
	int64_t s1 = 0, s2 = 0;
	kv *in = fx_kv(f, "date", "2026-03-02", "start", "08:00", "end", "10:00", "room", "A",
	               "module", arena_printf(f->a, "%lld:60", (long long)t.mod_intro), "module",
	               tfx_id(f, t.mod_deesc), "instructor", tfx_id(f, t.instructor), "instructor",
	               tfx_id(f, t.clinician), NULL);
	assert_int_equal(add_session(f, &t, &errs, &s1, in), 0);
	course_session one;
	assert_int_equal(course_session_get(f->d, f->a, &f->sys, s1, &one), 0);
	assert_int_equal(one.starts_at, TFX_MON + 14 * 3600); /* 08:00 CST = 14:00 UTC */
	assert_int_equal(one.ends_at, TFX_MON + 16 * 3600);
	assert_int_equal(one.module_count, 2);
	assert_int_equal(one.modules[1].minutes, 60); /* the rest of the session */
	assert_int_equal(one.instructor_count, 2);
	/* 10:00–11:00 touches 08:00–10:00: no overlap. */
	in = fx_kv(f, "date", "2026-03-02", "start", "10:00", "end", "11:00", "room", "A", NULL);
	assert_int_equal(add_session(f, &t, &errs, &s2, in), 0);
	/* After the change to daylight time (2026-03-08) nothing moves: the
	 * course ends on 03-06, so a date past it is refused. */
	in = fx_kv(f, "date", "2026-03-02", "start", "09:30", "end", "10:30", NULL);
	assert_int_equal(add_session(f, &t, &errs, &s2, in), CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "start");
	assert_non_null(strstr(errs.items[0].message, "overlaps"));
	assert_non_null(strstr(errs.items[0].message, "Mon 2 Mar 08:00"));
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM course_sessions"), 2);
	assert_int_equal(
	    fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'session.create'"), 2);
	course_module *mods;
	size_t n;
	assert_int_equal(course_modules(f->d, f->a, &f->sys, t.course_id, &mods, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(mods[0].scheduled_minutes, 60);
	assert_int_equal(mods[1].scheduled_minutes, 60);
	assert_int_equal(mods[2].scheduled_minutes, 0);
}

static void bad_sessions_write_nothing(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	field_errors errs = {0};
	int64_t id = 0;
	kv *in = fx_kv(f, "date", "2026-03-02", "start", "10:00", "end", "10:00", NULL);
	assert_int_equal(add_session(f, &t, &errs, &id, in), CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "end");
	assert_string_equal(errs.items[0].message, "must be after the start");
	in = fx_kv(f, "date", "2026-03-02", "start", "10:00", "end", "09:00", NULL);
	assert_int_equal(add_session(f, &t, &errs, &id, in), CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "end");
	in = fx_kv(f, "date", "2026-03-07", "start", "08:00", "end", "09:00", NULL);
	assert_int_equal(add_session(f, &t, &errs, &id, in), CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "date");
	assert_string_equal(errs.items[0].message,
	                    "is outside the course dates (2026-03-02 to 2026-03-06)");
	in = fx_kv(f, "date", "2026-03-03", "start", "08:00", "end", "09:00", "module",
	           arena_printf(f->a, "%lld:45", (long long)t.mod_intro), "module",
	           arena_printf(f->a, "%lld:30", (long long)t.mod_deesc), NULL);
	assert_int_equal(add_session(f, &t, &errs, &id, in), CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "module");
	assert_string_equal(errs.items[0].message,
	                    "module minutes add up to 75, more than the session's 60");
	in = fx_kv(f, "date", "2026-03-03", "start", "08:00", "end", "09:00", "module",
	           tfx_id(f, t.mod_other), NULL);
	assert_int_equal(add_session(f, &t, &errs, &id, in), CK_E_INVALID);
	assert_non_null(strstr(errs.items[0].message, "not in this course's curriculum version"));
	in = fx_kv(f, "date", "2026-03-03", "start", "08:00", "end", "09:00", "instructor", "999",
	           NULL);
	assert_int_equal(add_session(f, &t, &errs, &id, in), CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "instructor");
	assert_string_equal(errs.items[0].message, "user 999 does not exist");
	in = fx_kv(f, "date", "2026-03-03", "start", "8 am", "end", "", NULL);
	assert_int_equal(add_session(f, &t, &errs, &id, in), CK_E_INVALID);
	assert_int_equal(errs.len, 2);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM course_sessions"), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM session_modules"), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'session.%'"),
	                 0);
	principal officer = fx_as(f, t.officer);
	in = fx_kv(f, "date", "2026-03-03", "start", "08:00", "end", "09:00", NULL);
	assert_int_equal(course_session_create(f->d, f->a, &officer, t.course_id, in, &id, &errs),
	                 CK_E_FORBIDDEN);
	assert_int_equal(course_session_create(f->d, f->a, &f->sys, t.course_id + 9, in, &id, &errs),
	                 CK_E_NOT_FOUND);
}

/* Once attendance was taken in a session (a roll-call row, or make-up
 * credit given from it), new times are refused with CK_E_CONFLICT on
 * "date", saying why, and nothing is written; the same times sent again
 * with a new room, and new instructors, still save. */
static void session_times_stay_after_roll_call(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	field_errors errs = {0};
	int64_t id = 0, other = 0;
	kv *in = fx_kv(f, "date", "2026-03-02", "start", "08:00", "end", "10:00", "room", "A",
	               "module", tfx_id(f, t.mod_deesc), NULL);
	assert_int_equal(add_session(f, &t, &errs, &id, in), 0);
	in = fx_kv(f, "date", "2026-03-03", "start", "08:00", "end", "10:00", NULL);
	assert_int_equal(add_session(f, &t, &errs, &other, in), 0);
	int64_t eid = tfx_insert(
	    f, arena_printf(f->a,
	                    "INSERT INTO enrollments (course_id, user_id, status, created_at, "
	                    "updated_at) VALUES (%lld, %lld, 'enrolled', 1, 1) RETURNING id",
	                    (long long)t.course_id, (long long)t.officer));
	fx_exec(f, arena_printf(f->a,
	                        "INSERT INTO attendance (session_id, enrollment_id, status, "
	                        "minutes_late, minutes_left_early, credited_minutes, recorded_at) "
	                        "VALUES (%lld, %lld, 'late', 100, 0, 20, 1)",
	                        (long long)id, (long long)eid));
	/* Make-up credit from `other` for someone of another course. */
	fx_exec(f, arena_printf(f->a,
	                        "INSERT INTO makeup_credits (enrollment_id, module_code, session_id, "
	                        "minutes, created_at) VALUES (%lld, 'deesc', %lld, 60, 1)",
	                        (long long)eid, (long long)other));
	int64_t audit = fx_count(f, "SELECT COUNT(*) FROM audit_log");
	struct {
		int64_t session;
		const char *date, *start, *end;
	} moves[] = {
	    {id, "2026-03-02", "08:00", "09:00"},  /* shorter than a mark of 100 min late */
	    {id, "2026-03-04", "08:00", "10:00"},  /* another day, same length */
	    {id, "2026-03-02", "07:00", "10:00"},  /* longer */
	    {other, "2026-03-03", "09:00", "11:00"}, /* make-up credit given from it */
	};
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
		errs = (field_errors){0};
		assert_int_equal(course_session_update(f->d, f->a, &f->sys, moves[i].session,
		                                       fx_kv(f, "date", moves[i].date, "start",
		                                             moves[i].start, "end", moves[i].end,
		                                             "room", "Moved", NULL),
		                                       &errs),
		                 CK_E_CONFLICT);
		assert_int_equal(errs.len, 1);
		assert_string_equal(errs.items[0].field, "date");
		assert_non_null(strstr(errs.items[0].message,
		                       "cannot change once attendance was taken in this session"));
	}
	course_session s;
	assert_int_equal(course_session_get(f->d, f->a, &f->sys, id, &s), 0);
	assert_int_equal(s.starts_at, TFX_MON + 14 * 3600);
	assert_int_equal(s.ends_at, TFX_MON + 16 * 3600);
	assert_string_equal(s.room, "A");
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM course_sessions WHERE room = 'Moved'"),
	                 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log"), audit);
	/* The form sends the same times with a new room: saved. */
	errs = (field_errors){0};
	assert_int_equal(course_session_update(f->d, f->a, &f->sys, id,
	                                       fx_kv(f, "date", "2026-03-02", "start", "08:00",
	                                             "end", "10:00", "room", "B", "instructor",
	                                             tfx_id(f, t.instructor), NULL),
	                                       &errs),
	                 0);
	assert_int_equal(course_session_get(f->d, f->a, &f->sys, id, &s), 0);
	assert_string_equal(s.room, "B");
	assert_int_equal(s.instructor_count, 1);
	assert_int_equal(s.starts_at, TFX_MON + 14 * 3600);
	/* Without attendance the times move as before. */
	fx_exec(f, "DELETE FROM makeup_credits");
	errs = (field_errors){0};
	assert_int_equal(course_session_update(f->d, f->a, &f->sys, other,
	                                       fx_kv(f, "date", "2026-03-03", "start", "09:00",
	                                             "end", "11:00", NULL),
	                                       &errs),
	                 0);
	assert_int_equal(course_session_delete(f->d, f->a, &f->sys, id), CK_E_CONFLICT);
}

static void session_update_and_delete(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	field_errors errs = {0};
	int64_t id = 0, other = 0;
	kv *in = fx_kv(f, "date", "2026-03-02", "start", "08:00", "end", "10:00", "room", "A",
	               "module", tfx_id(f, t.mod_deesc), "instructor", tfx_id(f, t.instructor),
	               NULL);
	assert_int_equal(add_session(f, &t, &errs, &id, in), 0);
	in = fx_kv(f, "date", "2026-03-02", "start", "13:00", "end", "14:00", NULL);
	assert_int_equal(add_session(f, &t, &errs, &other, in), 0);
	/* Only the room: times, modules and instructors stay. */
	assert_int_equal(course_session_update(f->d, f->a, &f->sys, id,
	                                       fx_kv(f, "room", "B", NULL), &errs),
	                 0);
	course_session s;
	assert_int_equal(course_session_get(f->d, f->a, &f->sys, id, &s), 0);
	assert_string_equal(s.room, "B");
	assert_int_equal(s.starts_at, TFX_MON + 14 * 3600);
	assert_int_equal(s.module_count, 1);
	assert_int_equal(s.modules[0].minutes, 120);
	assert_int_equal(s.instructor_count, 1);
	/* Moving onto the afternoon session is refused; nothing changes. */
	assert_int_equal(course_session_update(f->d, f->a, &f->sys, id,
	                                       fx_kv(f, "date", "2026-03-02", "start", "12:00",
	                                             "end", "13:30", NULL),
	                                       &errs),
	                 CK_E_INVALID);
	errs.len = 0;
	/* Shorter than its module minutes: refused too. */
	assert_int_equal(course_session_update(f->d, f->a, &f->sys, id,
	                                       fx_kv(f, "date", "2026-03-02", "start", "08:00",
	                                             "end", "09:00", NULL),
	                                       &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "module");
	errs.len = 0;
	assert_int_equal(course_session_update(f->d, f->a, &f->sys, id,
	                                       fx_kv(f, "start", "09:00", NULL), &errs),
	                 CK_E_INVALID);
	errs.len = 0;
	/* New modules and no instructors. */
	assert_int_equal(course_session_update(
	                     f->d, f->a, &f->sys, id,
	                     fx_kv(f, "module", arena_printf(f->a, "%lld:30", (long long)t.mod_intro),
	                           "instructors_set", "1", NULL),
	                     &errs),
	                 0);
	assert_int_equal(course_session_get(f->d, f->a, &f->sys, id, &s), 0);
	assert_int_equal(s.starts_at, TFX_MON + 14 * 3600);
	assert_int_equal(s.module_count, 1);
	assert_string_equal(s.modules[0].code, "intro");
	assert_int_equal(s.instructor_count, 0);
	assert_int_equal(course_session_delete(f->d, f->a, &f->sys, other), 0);
	assert_int_equal(course_session_get(f->d, f->a, &f->sys, other, &s), CK_E_NOT_FOUND);
	assert_int_equal(course_session_delete(f->d, f->a, &f->sys, other), CK_E_NOT_FOUND);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM course_sessions"), 1);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'session.delete'"),
	                 1);
	/* A course's dates cannot move away from its sessions. */
	assert_int_equal(course_update(f->d, f->a, &f->sys, t.course_id,
	                               fx_kv(f, "starts_on", "2026-03-03", NULL), &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "starts_on");
}

/* The report from the database: another course's session sharing an
 * instructor and a room at the same time; gone once that course is
 * cancelled. */
static void conflicts_across_courses(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	field_errors errs = {0};
	int64_t other = 0, sid = 0;
	assert_int_equal(course_create(f->d, f->a, &f->sys,
	                               fx_kv(f, "version_id", tfx_id(f, t.version_id), "title",
	                                     "Refresher", "starts_on", "2026-03-02", "ends_on",
	                                     "2026-03-02", "capacity", "10", NULL),
	                               &other, &errs),
	                 0);
	kv *in = fx_kv(f, "date", "2026-03-02", "start", "08:00", "end", "10:00", "room", "Room A",
	               "module", tfx_id(f, t.mod_lived), "instructor", tfx_id(f, t.instructor), NULL);
	assert_int_equal(course_session_create(f->d, f->a, &f->sys, t.course_id, in, &sid, &errs), 0);
	in = fx_kv(f, "date", "2026-03-02", "start", "09:00", "end", "11:00", "room", "room a",
	           "instructor", tfx_id(f, t.instructor), NULL);
	assert_int_equal(course_session_create(f->d, f->a, &f->sys, other, in, &sid, &errs), 0);
	course_conflict *c;
	size_t n;
	assert_int_equal(course_conflicts(f->d, f->a, &f->sys, t.course_id, &c, &n), 0);
	int busy = 0, room = 0, kind = 0, unscheduled = 0;
	for (size_t i = 0; i < n; i++) {
		busy += c[i].kind == CONFLICT_INSTRUCTOR_BUSY;
		room += c[i].kind == CONFLICT_ROOM_BUSY;
		kind += c[i].kind == CONFLICT_INSTRUCTOR_KIND;
		unscheduled += c[i].kind == CONFLICT_MODULE_UNSCHEDULED;
		if (c[i].kind == CONFLICT_INSTRUCTOR_BUSY)
			assert_int_equal(c[i].other_session_id, sid);
	}
	assert_int_equal(busy, 1);
	assert_int_equal(room, 1);
	assert_int_equal(kind, 1);        /* an officer teaching the presenter's module */
	assert_int_equal(unscheduled, 2); /* intro and de-escalation */
	assert_int_equal(course_update(f->d, f->a, &f->sys, other,
	                               fx_kv(f, "status", "cancelled", NULL), &errs),
	                 0);
	assert_int_equal(course_conflicts(f->d, f->a, &f->sys, t.course_id, &c, &n), 0);
	for (size_t i = 0; i < n; i++)
		assert_true(c[i].kind != CONFLICT_INSTRUCTOR_BUSY && c[i].kind != CONFLICT_ROOM_BUSY);
	principal officer = fx_as(f, t.officer);
	assert_int_equal(course_conflicts(f->d, f->a, &officer, t.course_id, &c, &n),
	                 CK_E_NOT_FOUND);
}

static void instructor_kinds(void **state)
{
	(void)state;
	assert_int_equal(course_instructor_kinds(ROLE_CLINICIAN), COURSE_KIND_CLINICIAN);
	assert_int_equal(course_instructor_kinds(ROLE_PRESENTER),
	                 COURSE_KIND_PRESENTER | COURSE_KIND_ROLE_PLAYER);
	assert_int_equal(course_instructor_kinds(ROLE_INSTRUCTOR | ROLE_OFFICER),
	                 COURSE_KIND_OFFICER | COURSE_KIND_ROLE_PLAYER);
	assert_int_equal(course_instructor_kinds(ROLE_INSTRUCTOR),
	                 COURSE_KIND_OFFICER | COURSE_KIND_ROLE_PLAYER);
	assert_int_equal(course_instructor_kinds(ROLE_INSTRUCTOR | ROLE_CLINICIAN),
	                 COURSE_KIND_CLINICIAN);
	assert_int_equal(course_instructor_kinds(ROLE_COORDINATOR | ROLE_OFFICER), 0);
	assert_int_equal(course_kinds_parse("officer, clinician,zoo"),
	                 COURSE_KIND_OFFICER | COURSE_KIND_CLINICIAN);
	assert_int_equal(course_kinds_parse(""), 0);
}

/* The list of "open, and those I teach": an instructor's course in
 * progress shows beside the open ones; a course in progress they do not
 * teach, and a planned one even if they teach it, do not. */
static void open_or_taught(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t); /* t.course_id: planned */
	principal instructor = fx_as(f, t.instructor);
	int64_t ids[3];
	const char *statuses[] = {"open", "in_progress", "in_progress"};
	for (int i = 0; i < 3; i++)
		ids[i] = tfx_insert(f, arena_printf(f->a,
		                                    "INSERT INTO courses (version_id, title, starts_on, "
		                                    "ends_on, capacity, status, created_at, updated_at) "
		                                    "VALUES (%lld, 'Course %d', 1775433600, 1775779200, "
		                                    "20, '%s', 1, 1) RETURNING id",
		                                    (long long)t.version_id, i, statuses[i]));
	int64_t taught = tfx_insert(f, arena_printf(f->a,
	                                            "INSERT INTO course_sessions (course_id, starts_at, "
	                                            "ends_at, room, created_at, updated_at) VALUES "
	                                            "(%lld, 1775487600, 1775491200, 'A', 1, 1) "
	                                            "RETURNING id",
	                                            (long long)ids[1]));
	int64_t planned = tfx_insert(f, arena_printf(f->a,
	                                             "INSERT INTO course_sessions (course_id, starts_at, "
	                                             "ends_at, room, created_at, updated_at) VALUES "
	                                             "(%lld, 1772452800, 1772456400, 'A', 1, 1) "
	                                             "RETURNING id",
	                                             (long long)t.course_id));
	fx_exec(f, arena_printf(f->a, "INSERT INTO session_instructors VALUES (%lld, %lld), "
	                              "(%lld, %lld)",
	                        (long long)taught, (long long)t.instructor, (long long)planned,
	                        (long long)t.instructor));
	course *items;
	size_t n;
	const char *next;
	course_filter mine = {.status = "open", .or_taught_by = t.instructor};
	assert_int_equal(course_list(f->d, f->a, &instructor, &mine, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 2);
	bool has_open = false, has_taught = false;
	for (size_t i = 0; i < n; i++) {
		has_open |= items[i].id == ids[0];
		has_taught |= items[i].id == ids[1];
		assert_int_not_equal(items[i].id, ids[2]);
		assert_int_not_equal(items[i].id, t.course_id);
	}
	assert_true(has_open && has_taught);
	/* Someone who teaches nothing: just the open ones. */
	mine.or_taught_by = t.officer;
	assert_int_equal(course_list(f->d, f->a, &instructor, &mine, 0, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, ids[0]);
}

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(create_and_read),   CASE(bad_course_writes_nothing),
	    CASE(status_transitions), CASE(capacity_serves_the_waitlist_first),
	    CASE(officers_do_not_see_planned), CASE(open_or_taught),
	    CASE(list_pages),        CASE(sessions_read_back),
	    CASE(instructor_kinds),  CASE(sessions_create_and_touch),
	    CASE(bad_sessions_write_nothing), CASE(session_update_and_delete),
	    CASE(session_times_stay_after_roll_call), CASE(conflicts_across_courses),
	};
	int failed = cmocka_run_group_tests_name("courses on sqlite", cases, fx_sqlite_group_setup,
	                                         fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("courses on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
