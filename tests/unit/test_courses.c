/* test_courses.c: course offerings and their sessions on SQLite and
 * PostgreSQL: create, read, list, update with status transitions, who
 * sees planned courses, sessions read back with modules and instructors,
 * and bad input that writes nothing. */
#include "training_fixture.h"

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

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(create_and_read),   CASE(bad_course_writes_nothing),
	    CASE(status_transitions), CASE(officers_do_not_see_planned),
	    CASE(list_pages),        CASE(sessions_read_back),
	    CASE(instructor_kinds),
	};
	int failed = cmocka_run_group_tests_name("courses on sqlite", cases, fx_sqlite_group_setup,
	                                         fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("courses on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
