/* test_enrollments.c: enrolling with capacity and waitlist, withdrawal
 * and promotion in order, twice, other agency, scope, sign-off and
 * completion, on SQLite and PostgreSQL. Nothing is written on an error. */
#include "auth_fixture.h"
#include "enroll_fixture.h"

#include "training/enrollments.h"

typedef struct people {
	int64_t pd, so;            /* two agencies */
	int64_t coord, sup, instr; /* coordinator (crisis center), PD supervisor, instructor */
	int64_t ofc[5];            /* PD officers */
	int64_t so_ofc;            /* a sheriff's officer */
	int64_t clerk;             /* PD, not an officer */
} people;

static people make_people(authfx *f)
{
	people p;
	int64_t cc = fx_org(f, "Crisis Center", "mental_health");
	p.pd = fx_org(f, "Pine Belt PD", "law_enforcement");
	p.so = fx_org(f, "Sheriff's Office", "law_enforcement");
	p.coord = fx_user(f, cc, "coord@pb.test", "Cory Coordinator", "coordinator", NULL);
	p.sup = fx_user(f, p.pd, "sup@pb.test", "Sam Supervisor", "supervisor", NULL);
	p.instr = fx_user(f, cc, "instr@pb.test", "Ivy Instructor", "instructor", NULL);
	const char *names[] = {"Ada", "Bo", "Cy", "Di", "Ed"};
	for (int i = 0; i < 5; i++) {
		char email[64];
		snprintf(email, sizeof email, "%s@pd.test", names[i]);
		p.ofc[i] = fx_user(f, p.pd, email, names[i], "officer", NULL);
	}
	p.so_ofc = fx_user(f, p.so, "deputy@so.test", "Dee Deputy", "officer", NULL);
	p.clerk = fx_user(f, p.pd, "clerk@pd.test", "Cal Clerk", "dispatcher", NULL);
	return p;
}

static int64_t open_course(authfx *f, int64_t capacity)
{
	int64_t v = tf_version(f);
	tf_module(f, v, "A", "clinical", 60, true);
	return tf_course(f, v, capacity, "open");
}

static void waitlist_in_order_and_promotion(void **state)
{
	authfx *f = *state;
	people p = make_people(f);
	int64_t course = open_course(f, 2);
	principal sup = fx_as(f, p.sup);
	enrollment e[4];
	field_errors errs = {0};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(enrollment_enroll(f->d, f->a, &sup, course, p.ofc[i], &e[i], &errs), 0);
		fx_advance(1);
	}
	assert_string_equal(e[0].status, "enrolled");
	assert_string_equal(e[1].status, "enrolled");
	assert_string_equal(e[2].status, "waitlisted");
	assert_int_equal(e[2].position, 1);
	assert_string_equal(e[3].status, "waitlisted");
	assert_int_equal(e[3].position, 2);
	assert_string_equal(enrollment_status_text(f->a, &e[3]), "Waitlisted, position 2");
	assert_int_equal(e[0].enrolled_by, p.sup);

	/* Withdrawing a waitlisted person promotes nobody. */
	int64_t promoted = -1;
	assert_int_equal(enrollment_withdraw(f->d, f->a, &sup, e[3].id, &promoted), 0);
	assert_int_equal(promoted, 0);
	/* Withdrawing an enrolled one promotes the first waitlisted. */
	assert_int_equal(enrollment_enroll(f->d, f->a, &sup, course, p.ofc[4], &e[3], &errs), 0);
	assert_int_equal(e[3].position, 2);
	assert_int_equal(enrollment_withdraw(f->d, f->a, &sup, e[0].id, &promoted), 0);
	assert_int_equal(promoted, e[2].id);
	enrollment now;
	assert_int_equal(enrollment_get(f->d, f->a, &f->sys, e[2].id, &now), 0);
	assert_string_equal(now.status, "enrolled");
	assert_int_equal(enrollment_get(f->d, f->a, &f->sys, e[3].id, &now), 0);
	assert_int_equal(now.position, 1);
	assert_int_equal(enrollment_withdraw(f->d, f->a, &sup, e[0].id, &promoted),
	                 CK_E_CONFLICT);

	enrollment *items;
	size_t n;
	assert_int_equal(enrollment_list_for_course(f->d, f->a, &sup, course, &items, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(items[0].status, "enrolled");
	assert_string_equal(items[2].status, "waitlisted");
	assert_int_equal(items[2].user_id, p.ofc[4]);
	assert_string_equal(items[3].status, "withdrawn");
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = "
	                             "'enrollment.promote'"),
	                 1);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = "
	                             "'enrollment.create'"),
	                 5);

	/* A withdrawn person enrolls again, at the back of the waitlist. */
	fx_advance(60);
	assert_int_equal(enrollment_enroll(f->d, f->a, &sup, course, p.ofc[0], &now, &errs), 0);
	assert_int_equal(now.id, e[0].id);
	assert_string_equal(now.status, "waitlisted");
	assert_int_equal(now.position, 2);
}

static void twice_is_a_conflict_and_writes_nothing(void **state)
{
	authfx *f = *state;
	people p = make_people(f);
	int64_t course = open_course(f, 1);
	principal coord = fx_as(f, p.coord);
	enrollment e;
	field_errors errs = {0};
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, course, p.ofc[0], &e, &errs), 0);
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, course, p.ofc[1], &e, &errs), 0);
	int64_t audit = fx_count(f, "SELECT COUNT(*) FROM audit_log");
	errs = (field_errors){0};
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, course, p.ofc[0], &e, &errs),
	                 CK_E_CONFLICT);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.items[0].field, "user_id");
	assert_string_equal(errs.items[0].message, "is already enrolled in this course");
	errs = (field_errors){0};
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, course, p.ofc[1], &e, &errs),
	                 CK_E_CONFLICT);
	assert_string_equal(errs.items[0].message, "is already on this course's waitlist");
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM enrollments"), 2);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log"), audit);
}

static void other_agency_is_not_found(void **state)
{
	authfx *f = *state;
	people p = make_people(f);
	int64_t course = open_course(f, 5);
	principal sup = fx_as(f, p.sup), coord = fx_as(f, p.coord);
	enrollment e;
	field_errors errs = {0};
	assert_int_equal(enrollment_enroll(f->d, f->a, &sup, course, p.so_ofc, &e, &errs),
	                 CK_E_NOT_FOUND);
	assert_int_equal(enrollment_enroll(f->d, f->a, &sup, course, 9999, &e, &errs),
	                 CK_E_NOT_FOUND);
	assert_int_equal(enrollment_enroll(f->d, f->a, &sup, 9999, p.ofc[0], &e, &errs),
	                 CK_E_NOT_FOUND);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM enrollments"), 0);
	/* A coordinator enrolls anyone; the supervisor still cannot see or
	 * withdraw the sheriff's officer. */
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, course, p.so_ofc, &e, &errs), 0);
	enrollment got;
	assert_int_equal(enrollment_get(f->d, f->a, &sup, e.id, &got), CK_E_NOT_FOUND);
	assert_int_equal(enrollment_withdraw(f->d, f->a, &sup, e.id, NULL), CK_E_NOT_FOUND);
	enrollment *items;
	size_t n;
	assert_int_equal(enrollment_list_for_course(f->d, f->a, &sup, course, &items, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(enrollment_list_for_course(f->d, f->a, &coord, course, &items, &n), 0);
	assert_int_equal(n, 1);
}

static void bad_enrollments_write_nothing(void **state)
{
	authfx *f = *state;
	people p = make_people(f);
	int64_t course = open_course(f, 5);
	principal coord = fx_as(f, p.coord), officer = fx_as(f, p.ofc[0]);
	enrollment e;
	field_errors errs = {0};
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, course, p.clerk, &e, &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].message, "is not an officer");
	const char *statuses[] = {"planned", "completed", "cancelled"};
	for (int i = 0; i < 3; i++) {
		char sql[120];
		snprintf(sql, sizeof sql, "UPDATE courses SET status = '%s'", statuses[i]);
		fx_exec(f, sql);
		errs = (field_errors){0};
		assert_int_equal(enrollment_enroll(f->d, f->a, &coord, course, p.ofc[0], &e, &errs),
		                 CK_E_INVALID);
		assert_string_equal(errs.items[0].field, "course_id");
	}
	fx_exec(f, "UPDATE courses SET status = 'in_progress'");
	assert_int_equal(enrollment_enroll(f->d, f->a, &officer, course, p.ofc[0], &e, &errs),
	                 CK_E_FORBIDDEN);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM enrollments"), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action LIKE "
	                             "'enrollment.%'"),
	                 0);
	errs = (field_errors){0};
	assert_int_equal(enrollment_enroll_kv(f->d, f->a, &coord, course,
	                                      fx_kv(f, "email", "ada@pd.test", NULL), &e, &errs),
	                 0);
	assert_int_equal(e.user_id, p.ofc[0]);
	assert_int_equal(enrollment_enroll_kv(f->d, f->a, &coord, course, fx_kv(f, NULL), &e, &errs),
	                 CK_E_INVALID);
}

static void officers_see_their_own(void **state)
{
	authfx *f = *state;
	people p = make_people(f);
	int64_t c1 = open_course(f, 5), c2 = open_course(f, 5);
	principal coord = fx_as(f, p.coord), ada = fx_as(f, p.ofc[0]), instr = fx_as(f, p.instr);
	enrollment e1, e2, other;
	field_errors errs = {0};
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, c1, p.ofc[0], &e1, &errs), 0);
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, c2, p.ofc[0], &e2, &errs), 0);
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, c1, p.ofc[1], &other, &errs), 0);
	enrollment *items;
	size_t n;
	assert_int_equal(enrollment_list_for_user(f->d, f->a, &ada, p.ofc[0], &items, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(enrollment_list_for_user(f->d, f->a, &ada, p.ofc[1], &items, &n),
	                 CK_E_NOT_FOUND);
	assert_int_equal(enrollment_list_for_course(f->d, f->a, &ada, c1, &items, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].user_id, p.ofc[0]);
	enrollment got;
	assert_int_equal(enrollment_get(f->d, f->a, &ada, other.id, &got), CK_E_NOT_FOUND);
	assert_int_equal(enrollment_get(f->d, f->a, &instr, other.id, &got), 0);
	assert_int_equal(enrollment_list_for_course(f->d, f->a, &instr, c1, &items, &n), 0);
	assert_int_equal(n, 2);
}

static void sign_off_and_complete(void **state)
{
	authfx *f = *state;
	people p = make_people(f);
	int64_t v = tf_version(f);
	int64_t m = tf_module(f, v, "A", "clinical", 2400, true);
	int64_t course = tf_course(f, v, 5, "in_progress");
	int64_t s = tf_session(f, course, 0, 2400);
	tf_cover(f, s, m, 2400);
	principal coord = fx_as(f, p.coord), instr = fx_as(f, p.instr), sup = fx_as(f, p.sup);
	enrollment e;
	field_errors errs = {0};
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, course, p.ofc[0], &e, &errs), 0);
	progress pr;
	assert_int_equal(enrollment_complete(f->d, f->a, &instr, e.id, &pr, &errs), CK_E_CONFLICT);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.items[0].message, "Scenario assessment not signed off");
	assert_int_equal(enrollment_sign_off(f->d, f->a, &sup, e.id, true), CK_E_FORBIDDEN);
	assert_int_equal(enrollment_sign_off(f->d, f->a, &instr, e.id, true), 0);
	assert_int_equal(enrollment_get(f->d, f->a, &coord, e.id, &e), 0);
	assert_int_equal(e.assessment_by, p.instr);
	errs = (field_errors){0};
	assert_int_equal(enrollment_complete(f->d, f->a, &instr, e.id, &pr, &errs), 0);
	assert_true(pr.is_complete);
	assert_int_equal(pr.total_minutes, 2400);
	assert_int_equal(enrollment_get(f->d, f->a, &coord, e.id, &e), 0);
	assert_string_equal(e.status, "completed");
	/* Again: nothing changes. */
	assert_int_equal(enrollment_complete(f->d, f->a, &coord, e.id, NULL, NULL), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = "
	                             "'enrollment.complete'"),
	                 1);
	assert_int_equal(enrollment_withdraw(f->d, f->a, &coord, e.id, NULL), CK_E_CONFLICT);
	assert_int_equal(enrollment_complete(f->d, f->a, &sup, e.id, NULL, NULL), CK_E_FORBIDDEN);
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(waitlist_in_order_and_promotion),
	    CASE(twice_is_a_conflict_and_writes_nothing),
	    CASE(other_agency_is_not_found),
	    CASE(bad_enrollments_write_nothing),
	    CASE(officers_see_their_own),
	    CASE(sign_off_and_complete),
	};
	int failed = cmocka_run_group_tests_name("enrollments on sqlite", cases,
	                                         fx_sqlite_group_setup, fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("enrollments on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
