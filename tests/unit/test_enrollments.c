/* test_enrollments.c: enrolling with capacity and waitlist, withdrawal
 * and promotion in order, twice, other agency, scope, passed scenario runs
 * and completion, on SQLite and PostgreSQL. Nothing is written on an error. */
#include "auth_fixture.h"
#include "enroll_fixture.h"

#include "training/attendance.h"
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

static const char *tfx_text(authfx *f, int64_t id)
{
	return arena_printf(f->a, "%lld", (long long)id);
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

static void passed_runs_and_complete(void **state)
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
	tf_clock_before_course();
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, course, p.ofc[0], &e, &errs), 0);
	tf_clock_back();
	progress pr;
	assert_int_equal(enrollment_complete(f->d, f->a, &instr, e.id, &pr, &errs), CK_E_INVALID);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.items[0].message, "Scenario assessment: 0 of 2 runs passed");
	/* A failed run and one passed are not enough; a second pass is. */
	fx_closed_runs(f, e.id, 1, "fail", 5);
	fx_closed_runs(f, e.id, 1, "pass", 6);
	errs = (field_errors){0};
	assert_int_equal(enrollment_complete(f->d, f->a, &instr, e.id, &pr, &errs), CK_E_INVALID);
	assert_string_equal(errs.items[0].message, "Scenario assessment: 1 of 2 runs passed");
	assert_int_equal(enrollment_complete(f->d, f->a, &sup, e.id, &pr, &errs), CK_E_FORBIDDEN);
	fx_closed_runs(f, e.id, 1, "pass", 7);
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


/* A course with one 60-minute session covering module A, two trainees
 * enrolled and one waitlisted. */
typedef struct roll_fx {
	int64_t course, session, module, e[3];
} roll_fx;

static roll_fx make_roll(authfx *f, const people *p)
{
	roll_fx r;
	int64_t v = tf_version(f);
	r.module = tf_module(f, v, "A", "clinical", 60, true);
	r.course = tf_course(f, v, 2, "in_progress");
	r.session = tf_session(f, r.course, 0, 60);
	tf_cover(f, r.session, r.module, 60);
	tf_teach(f, r.session, p->instr);
	principal coord = fx_as(f, p->coord);
	field_errors errs = {0};
	tf_clock_before_course();
	for (int i = 0; i < 3; i++) {
		enrollment e;
		assert_int_equal(enrollment_enroll(f->d, f->a, &coord, r.course, p->ofc[i], &e, &errs),
		                 0);
		r.e[i] = e.id;
		fx_advance(1);
	}
	tf_clock_back();
	return r;
}

static void roll_call_marks_and_bounds(void **state)
{
	authfx *f = *state;
	people p = make_people(f);
	roll_fx r = make_roll(f, &p);
	principal instr = fx_as(f, p.instr), sup = fx_as(f, p.sup), ada = fx_as(f, p.ofc[0]);
	roll_call roll;
	assert_int_equal(attendance_roll(f->d, f->a, &instr, r.session, &roll), 0);
	assert_int_equal(roll.length, 60);
	assert_int_equal(roll.n, 2); /* the waitlisted person is not on the roll */
	assert_string_equal(roll.items[0].status, "present");
	assert_false(roll.items[0].is_recorded);
	assert_int_equal(roll.items[0].credited_minutes, 60);

	attendance_mark marks[2] = {
	    {.enrollment_id = r.e[0], .minutes_late = 10, .minutes_left_early = 5},
	    {.enrollment_id = r.e[1], .status = "absent"},
	};
	field_errors errs = {0};
	assert_int_equal(attendance_record(f->d, f->a, &instr, r.session, marks, 2, &errs), 0);
	assert_int_equal(attendance_roll(f->d, f->a, &instr, r.session, &roll), 0);
	assert_string_equal(roll.items[0].status, "late");
	assert_int_equal(roll.items[0].credited_minutes, 45);
	assert_string_equal(attendance_status_text(f->a, &roll.items[0]),
	                    "Late 10, left 5 min early");
	assert_string_equal(roll.items[1].status, "absent");
	assert_int_equal(roll.items[1].credited_minutes, 0);
	int64_t rows = fx_count(f, "SELECT COUNT(*) FROM attendance");
	int64_t audit = fx_count(f, "SELECT COUNT(*) FROM audit_log");
	assert_int_equal(rows, 2);

	/* Minutes past the session, a person not enrolled (waitlisted), a
	 * negative number: every error at once, nothing written. */
	attendance_mark bad[3] = {
	    {.enrollment_id = r.e[0], .minutes_late = 50, .minutes_left_early = 11},
	    {.enrollment_id = r.e[2]},
	    {.enrollment_id = r.e[1], .minutes_late = -1},
	};
	errs = (field_errors){0};
	assert_int_equal(attendance_record(f->d, f->a, &instr, r.session, bad, 3, &errs),
	                 CK_E_INVALID);
	assert_int_equal(errs.len, 3);
	assert_string_equal(errs.items[0].field, "marks[0].minutes_late");
	assert_non_null(strstr(errs.items[0].message, "more than the session"));
	assert_string_equal(errs.items[1].field, "marks[1].enrollment_id");
	assert_string_equal(errs.items[1].message, "is not enrolled in this course");
	assert_string_equal(errs.items[2].field, "marks[2].minutes_late");
	/* 61 minutes late in one form: the single-mark names. */
	errs = (field_errors){0};
	assert_int_equal(attendance_record_kv(f->d, f->a, &instr, r.session,
	                                      fx_kv(f, "enrollment_id", tfx_text(f, r.e[1]), "status",
	                                            "late", "minutes", "61", NULL),
	                                      &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "minutes_late");
	errs = (field_errors){0};
	assert_int_equal(attendance_record_kv(f->d, f->a, &instr, r.session,
	                                      fx_kv(f, "enrollment_id", "99999", "status", "absent",
	                                            NULL),
	                                      &errs),
	                 CK_E_INVALID);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM attendance"), rows);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log"), audit);
	assert_int_equal(fx_count(f, "SELECT SUM(credited_minutes) FROM attendance"), 45);

	/* One tap: the late mark on the absent person; 60 exactly is allowed. */
	errs = (field_errors){0};
	assert_int_equal(attendance_record_kv(f->d, f->a, &instr, r.session,
	                                      fx_kv(f, "enrollment_id", tfx_text(f, r.e[1]), "status",
	                                            "late", "minutes", "60", NULL),
	                                      &errs),
	                 0);
	assert_int_equal(attendance_roll(f->d, f->a, &instr, r.session, &roll), 0);
	assert_int_equal(roll.items[1].credited_minutes, 0);
	assert_string_equal(roll.items[1].status, "late");

	/* Who may: supervisors read their agency's roll, never write;
	 * officers neither. */
	assert_int_equal(attendance_roll(f->d, f->a, &sup, r.session, &roll), 0);
	assert_int_equal(attendance_record(f->d, f->a, &sup, r.session, marks, 1, &errs),
	                 CK_E_FORBIDDEN);
	assert_int_equal(attendance_roll(f->d, f->a, &ada, r.session, &roll), CK_E_FORBIDDEN);
	assert_int_equal(attendance_roll(f->d, f->a, &instr, r.session + 100, &roll),
	                 CK_E_NOT_FOUND);
}

static void makeup_from_another_course(void **state)
{
	authfx *f = *state;
	people p = make_people(f);
	roll_fx r = make_roll(f, &p);
	principal instr = fx_as(f, p.instr);
	int64_t v2 = tf_version(f);
	int64_t a2 = tf_module(f, v2, "A", "clinical", 60, true);
	int64_t b2 = tf_module(f, v2, "B", "legal", 30, true);
	int64_t other = tf_course(f, v2, 10, "in_progress");
	int64_t s2 = tf_session(f, other, 2000, 90);
	tf_cover(f, s2, a2, 60);
	tf_cover(f, s2, b2, 30);
	tf_teach(f, s2, p.instr);
	attendance_mark absent = {.enrollment_id = r.e[0], .status = "absent"};
	field_errors errs = {0};
	assert_int_equal(attendance_record(f->d, f->a, &instr, r.session, &absent, 1, &errs), 0);

	const char *s2_text = tfx_text(f, s2);
	struct {
		const char *session, *code, *minutes, *field;
		int rc;
	} bad[] = {
	    {tfx_text(f, r.session), "A", NULL, "session_id", CK_E_INVALID}, /* own course */
	    {s2_text, "B", NULL, "module_code", CK_E_INVALID},   /* not in their curriculum */
	    {s2_text, "C", NULL, "module_code", CK_E_INVALID},   /* nowhere */
	    {s2_text, "A", "61", "minutes", CK_E_INVALID},       /* more than covered */
	    {"99999", "A", NULL, "session_id", CK_E_INVALID},    /* no such session */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errs = (field_errors){0};
		kv *in = fx_kv(f, "session_id", bad[i].session, "module_code", bad[i].code, NULL);
		if (bad[i].minutes)
			kv_add(in, "minutes", bad[i].minutes, strlen(bad[i].minutes));
		assert_int_equal(attendance_makeup(f->d, f->a, &instr, r.e[0], in, NULL, &errs),
		                 bad[i].rc);
		assert_string_equal(errs.items[0].field, bad[i].field);
	}
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM makeup_credits"), 0);
	int64_t id = 0;
	errs = (field_errors){0};
	assert_int_equal(attendance_makeup(f->d, f->a, &instr, r.e[0],
	                                   fx_kv(f, "session_id", s2_text, "module_code", "A", NULL),
	                                   &id, &errs),
	                 0);
	assert_true(id > 0);
	assert_int_equal(fx_count(f, "SELECT minutes FROM makeup_credits"), 60);
	progress pr;
	assert_int_equal(training_progress(f->d, f->a, r.e[0], &pr), 0);
	assert_int_equal(pr.modules[0].attended, 60);
	assert_int_equal(pr.modules[0].makeup, 60);
	errs = (field_errors){0};
	assert_int_equal(attendance_makeup(f->d, f->a, &instr, r.e[0],
	                                   fx_kv(f, "session_id", s2_text, "module_code", "A", NULL),
	                                   &id, &errs),
	                 CK_E_CONFLICT);
	principal sup = fx_as(f, p.sup);
	assert_int_equal(attendance_makeup(f->d, f->a, &sup, r.e[0],
	                                   fx_kv(f, "session_id", s2_text, "module_code", "A", NULL),
	                                   &id, &errs),
	                 CK_E_FORBIDDEN);
}

/* A trainee promoted from the waitlist mid-course: the session that was
 * over before the seat gives no credit, is no absence (not on its roll,
 * no mark accepted) and its module shows as make-up needed; the session
 * after the seat counts; make-up credit then fills the module. */
static void promoted_trainee_not_credited_before_the_seat(void **state)
{
	authfx *f = *state;
	people p = make_people(f);
	int64_t v = tf_version(f);
	int64_t ma = tf_module(f, v, "A", "clinical", 60, true);
	int64_t mb = tf_module(f, v, "B", "legal", 60, true);
	int64_t course = tf_course(f, v, 1, "in_progress");
	int64_t early = tf_session(f, course, 0, 60); /* 2023-11-01, before the seat */
	tf_cover(f, early, ma, 60);
	principal coord = fx_as(f, p.coord), instr = fx_as(f, p.instr);
	enrollment first, second;
	field_errors errs = {0};
	tf_clock_before_course();
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, course, p.ofc[0], &first, &errs), 0);
	assert_int_equal(first.seated_at, TF_DAY0 - 86400);
	fx_advance(1);
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, course, p.ofc[1], &second, &errs),
	                 0);
	assert_string_equal(second.status, "waitlisted");
	assert_int_equal(second.seated_at, 0);
	tf_clock_back();
	/* A session an hour from now, after the promotion below. */
	int64_t now = fx_now_cs / 100;
	int64_t later = tf_session(f, course, (now - TF_DAY0) / 60 + 60, 60);
	tf_cover(f, later, mb, 60);
	int64_t promoted = 0;
	assert_int_equal(enrollment_withdraw(f->d, f->a, &coord, first.id, &promoted), 0);
	assert_int_equal(promoted, second.id);
	assert_int_equal(enrollment_get(f->d, f->a, &coord, second.id, &second), 0);
	assert_string_equal(second.status, "enrolled");
	assert_int_equal(second.seated_at, now);
	fx_advance(3 * 3600); /* both sessions over */

	progress pr;
	assert_int_equal(training_progress(f->d, f->a, second.id, &pr), 0);
	assert_int_equal(pr.seated_at, now);
	assert_int_equal(pr.modules[0].attended, 0);     /* A: before the seat */
	assert_int_equal(pr.modules[0].before_seat, 60);
	assert_int_equal(pr.modules[1].attended, 60);    /* B: after it */
	assert_int_equal(pr.modules[1].before_seat, 0);
	assert_int_equal(pr.total_minutes, 60);
	assert_true(pr.n_missing >= 1);
	assert_int_equal(pr.missing[0].kind, PROGRESS_GAP_MODULE);
	assert_string_equal(pr.missing[0].code, "A");
	assert_true(pr.missing[0].is_makeup_needed);
	assert_string_equal(pr.missing[0].text, "A: 0 of 60 min (54 needed), make-up needed: 60 min "
	                                        "held before the seat");

	/* Not on the early session's roll, no absence; on the later one. */
	roll_call roll;
	assert_int_equal(attendance_roll(f->d, f->a, &coord, early, &roll), 0);
	assert_int_equal(roll.n, 0);
	assert_int_equal(attendance_roll(f->d, f->a, &coord, later, &roll), 0);
	assert_int_equal(roll.n, 1);
	assert_int_equal(roll.items[0].enrollment_id, second.id);
	attendance_mark absent = {.enrollment_id = second.id, .status = "absent"};
	errs = (field_errors){0};
	assert_int_equal(attendance_record(f->d, f->a, &coord, early, &absent, 1, &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "enrollment_id");
	assert_non_null(strstr(errs.items[0].message, "make-up"));
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM attendance"), 0);
	/* A roll-call row from before the seat (written directly) still
	 * gives nothing. */
	tf_attend(f, early, second.id, "present", 0, 0, 60);
	assert_int_equal(training_progress(f->d, f->a, second.id, &pr), 0);
	assert_int_equal(pr.modules[0].attended, 0);

	/* Make-up credit from another course's session fills module A. */
	int64_t v2 = tf_version(f);
	int64_t a2 = tf_module(f, v2, "A", "clinical", 60, true);
	int64_t other = tf_course(f, v2, 10, "in_progress");
	int64_t s2 = tf_session(f, other, 2000, 60);
	tf_cover(f, s2, a2, 60);
	tf_teach(f, s2, p.instr);
	errs = (field_errors){0};
	assert_int_equal(attendance_makeup(f->d, f->a, &instr, second.id,
	                                   fx_kv(f, "session_id", tfx_text(f, s2), "module_code", "A",
	                                         NULL),
	                                   NULL, &errs),
	                 0);
	assert_int_equal(training_progress(f->d, f->a, second.id, &pr), 0);
	assert_int_equal(pr.modules[0].attended, 60);
	assert_true(pr.modules[0].is_met);
	for (size_t i = 0; i < pr.n_missing; i++)
		assert_int_not_equal(pr.missing[i].kind, PROGRESS_GAP_MODULE);
}

/* Instructors take the roll (and give make-up credit) only for the
 * sessions they teach; coordinators for any. Another instructor reads the
 * roll (their scope) but may not mark it: 403, nothing written. */
static void instructors_take_only_their_sessions(void **state)
{
	authfx *f = *state;
	people p = make_people(f);
	roll_fx r = make_roll(f, &p); /* p.instr teaches r.session */
	int64_t cc = fx_org(f, "College", "mental_health");
	int64_t other_instr = fx_user(f, cc, "oi@pb.test", "Otto Other", "instructor", NULL);
	principal instr = fx_as(f, p.instr), other = fx_as(f, other_instr),
	          coord = fx_as(f, p.coord), sup = fx_as(f, p.sup);
	bool takes = true;
	assert_int_equal(attendance_takes_roll(f->d, &instr, r.session, &takes), 0);
	assert_true(takes);
	assert_int_equal(attendance_takes_roll(f->d, &other, r.session, &takes), 0);
	assert_false(takes);
	assert_int_equal(attendance_takes_roll(f->d, &coord, r.session, &takes), 0);
	assert_true(takes);
	assert_int_equal(attendance_takes_roll(f->d, &sup, r.session, &takes), 0);
	assert_false(takes);
	assert_int_equal(attendance_takes_roll(f->d, &f->sys, r.session, &takes), 0);
	assert_true(takes);

	roll_call roll;
	assert_int_equal(attendance_roll(f->d, f->a, &other, r.session, &roll), 0);
	assert_false(roll.may_mark);
	assert_int_equal(roll.n, 2);
	assert_int_equal(attendance_roll(f->d, f->a, &instr, r.session, &roll), 0);
	assert_true(roll.may_mark);
	int64_t audit = fx_count(f, "SELECT COUNT(*) FROM audit_log");
	attendance_mark absent = {.enrollment_id = r.e[0], .status = "absent"};
	field_errors errs = {0};
	assert_int_equal(attendance_record(f->d, f->a, &other, r.session, &absent, 1, &errs),
	                 CK_E_FORBIDDEN);
	assert_int_equal(attendance_record_kv(f->d, f->a, &other, r.session,
	                                      fx_kv(f, "enrollment_id", tfx_text(f, r.e[0]), "status",
	                                            "absent", NULL),
	                                      &errs),
	                 CK_E_FORBIDDEN);
	/* An unknown session is still 404 for them. */
	assert_int_equal(attendance_record(f->d, f->a, &other, r.session + 100, &absent, 1, &errs),
	                 CK_E_NOT_FOUND);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM attendance"), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log"), audit);
	/* The coordinator marks any session; so does its instructor. */
	assert_int_equal(attendance_record(f->d, f->a, &coord, r.session, &absent, 1, &errs), 0);
	absent.enrollment_id = r.e[1];
	assert_int_equal(attendance_record(f->d, f->a, &instr, r.session, &absent, 1, &errs), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM attendance"), 2);

	/* Make-up credit from a session of another course: only its own
	 * instructor (or a coordinator) vouches for it. */
	int64_t v2 = tf_version(f);
	int64_t a2 = tf_module(f, v2, "A", "clinical", 60, true);
	int64_t course2 = tf_course(f, v2, 10, "in_progress");
	int64_t s2 = tf_session(f, course2, 2000, 60);
	tf_cover(f, s2, a2, 60);
	tf_teach(f, s2, other_instr);
	kv *in = fx_kv(f, "session_id", tfx_text(f, s2), "module_code", "A", NULL);
	errs = (field_errors){0};
	assert_int_equal(attendance_makeup(f->d, f->a, &instr, r.e[0], in, NULL, &errs),
	                 CK_E_FORBIDDEN);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM makeup_credits"), 0);
	assert_int_equal(attendance_makeup(f->d, f->a, &other, r.e[0], in, NULL, &errs), 0);
	assert_int_equal(attendance_makeup(f->d, f->a, &coord, r.e[1], in, NULL, &errs), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM makeup_credits"), 2);
}

/* Roll call and make-up credit for a session that has not started yet
 * are refused on session_id, saying so, and write nothing; once it has
 * started (still running) its roll is taken. */
static void sessions_to_come_take_no_marks(void **state)
{
	authfx *f = *state;
	people p = make_people(f);
	roll_fx r = make_roll(f, &p);
	principal instr = fx_as(f, p.instr), coord = fx_as(f, p.coord);
	int64_t now = fx_now_cs / 100;
	int64_t soon = tf_session(f, r.course, (now - TF_DAY0) / 60 + 30, 60);
	tf_cover(f, soon, r.module, 60);
	tf_teach(f, soon, p.instr);
	roll_call roll;
	assert_int_equal(attendance_roll(f->d, f->a, &instr, soon, &roll), 0);
	assert_true(roll.may_mark);
	assert_false(roll.has_started);
	assert_int_equal(attendance_roll(f->d, f->a, &instr, r.session, &roll), 0);
	assert_true(roll.has_started);

	int64_t audit = fx_count(f, "SELECT COUNT(*) FROM audit_log");
	attendance_mark marks[2] = {
	    {.enrollment_id = r.e[0], .status = "absent"},
	    {.enrollment_id = r.e[1], .minutes_late = 10},
	};
	field_errors errs = {0};
	assert_int_equal(attendance_record(f->d, f->a, &coord, soon, marks, 2, &errs),
	                 CK_E_INVALID);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.items[0].field, "session_id");
	assert_non_null(strstr(errs.items[0].message, "has not started yet"));
	errs = (field_errors){0};
	assert_int_equal(attendance_record_kv(f->d, f->a, &instr, soon,
	                                      fx_kv(f, "enrollment_id", tfx_text(f, r.e[0]), "status",
	                                            "present", NULL),
	                                      &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "session_id");

	/* Make-up credit from another course's session still to come. */
	int64_t v2 = tf_version(f);
	int64_t a2 = tf_module(f, v2, "A", "clinical", 60, true);
	int64_t other = tf_course(f, v2, 10, "in_progress");
	int64_t later = tf_session(f, other, (now - TF_DAY0) / 60 + 24 * 60, 60);
	tf_cover(f, later, a2, 60);
	tf_teach(f, later, p.instr);
	errs = (field_errors){0};
	assert_int_equal(attendance_makeup(f->d, f->a, &instr, r.e[0],
	                                   fx_kv(f, "session_id", tfx_text(f, later), "module_code",
	                                         "A", NULL),
	                                   NULL, &errs),
	                 CK_E_INVALID);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.items[0].field, "session_id");
	assert_non_null(strstr(errs.items[0].message, "has not started yet"));
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM attendance"), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM makeup_credits"), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log"), audit);

	/* Half an hour on, the session is running: its roll is taken. */
	fx_advance(31 * 60);
	assert_int_equal(attendance_roll(f->d, f->a, &instr, soon, &roll), 0);
	assert_true(roll.has_started);
	errs = (field_errors){0};
	assert_int_equal(attendance_record(f->d, f->a, &coord, soon, marks, 2, &errs), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM attendance"), 2);
}

/* Keyset pages of a course's enrollments walk the same order as the full
 * list (seated by name, waitlist in order, withdrawn), each row once;
 * the edges: limit 0 (the default), a huge limit (clamped), a malformed
 * cursor, a well-formed unknown one (an empty page). */
static void enrollment_pages_walk_the_list(void **state)
{
	authfx *f = *state;
	people p = make_people(f);
	int64_t course = open_course(f, 2);
	principal coord = fx_as(f, p.coord);
	field_errors errs = {0};
	enrollment e;
	for (int i = 4; i >= 0; i--) {
		assert_int_equal(enrollment_enroll(f->d, f->a, &coord, course, p.ofc[i], &e, &errs), 0);
		fx_advance(1);
	}
	assert_int_equal(enrollment_withdraw(f->d, f->a, &coord, e.id, NULL), 0);
	enrollment *all, *page;
	size_t n_all, n;
	const char *next = NULL;
	assert_int_equal(enrollment_list_for_course(f->d, f->a, &coord, course, &all, &n_all), 0);
	assert_int_equal(n_all, 5);
	assert_string_equal(all[4].status, "withdrawn");
	for (int limit = 1; limit <= 3; limit++) {
		size_t seen = 0;
		const char *cursor = NULL;
		do {
			assert_int_equal(enrollment_page_for_course(f->d, f->a, &coord, course, limit,
			                                            cursor, &page, &n, &next),
			                 0);
			assert_true(n <= (size_t)limit);
			for (size_t i = 0; i < n; i++)
				assert_int_equal(page[i].id, all[seen++].id);
			cursor = next;
		} while (next);
		assert_int_equal(seen, n_all);
	}
	assert_int_equal(enrollment_page_for_course(f->d, f->a, &coord, course, 0, NULL, &page, &n,
	                                            &next),
	                 0);
	assert_int_equal(n, 5);
	assert_null(next);
	assert_int_equal(enrollment_page_for_course(f->d, f->a, &coord, course, 1000000, NULL,
	                                            &page, &n, &next),
	                 0);
	assert_int_equal(n, 5);
	const char *bad[] = {"x", "-3", "0", "12abc", " 5", "+5", "99999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(enrollment_page_for_course(f->d, f->a, &coord, course, 2, bad[i],
		                                            &page, &n, &next),
		                 CK_E_MALFORMED);
	assert_int_equal(enrollment_page_for_course(f->d, f->a, &coord, course, 2, "999999", &page,
	                                            &n, &next),
	                 0);
	assert_int_equal(n, 0);
	assert_null(next);
	/* A person's own list, newest course first. */
	int64_t other = open_course(f, 5);
	assert_int_equal(enrollment_enroll(f->d, f->a, &coord, other, p.ofc[0], &e, &errs), 0);
	enrollment_list_for_user(f->d, f->a, &coord, p.ofc[0], &all, &n_all);
	assert_int_equal(n_all, 2);
	assert_int_equal(enrollment_page_for_user(f->d, f->a, &coord, p.ofc[0], 1, NULL, &page, &n,
	                                          &next),
	                 0);
	assert_int_equal(n, 1);
	assert_int_equal(page[0].id, all[0].id);
	assert_non_null(next);
	assert_int_equal(enrollment_page_for_user(f->d, f->a, &coord, p.ofc[0], 1, next, &page, &n,
	                                          &next),
	                 0);
	assert_int_equal(n, 1);
	assert_int_equal(page[0].id, all[1].id);
	assert_null(next);
	assert_int_equal(enrollment_page_for_user(f->d, f->a, &coord, p.ofc[0], 1, "zz", &page, &n,
	                                          &next),
	                 CK_E_MALFORMED);
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
	    CASE(passed_runs_and_complete),
	    CASE(roll_call_marks_and_bounds),
	    CASE(makeup_from_another_course),
	    CASE(promoted_trainee_not_credited_before_the_seat),
	    CASE(instructors_take_only_their_sessions),
	    CASE(enrollment_pages_walk_the_list),
	    CASE(sessions_to_come_take_no_marks),
	};
	int failed = cmocka_run_group_tests_name("enrollments on sqlite", cases,
	                                         fx_sqlite_group_setup, fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("enrollments on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
