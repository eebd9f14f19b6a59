/* test_conflicts.c: the conflict report, computed from sessions and
 * modules in memory: each kind of conflict, and the edges (sessions that
 * touch do not overlap; a room named differently in case is the same). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "auth/roles.h"
#include "base/arena.h"
#include "base/clock.h"
#include "training/conflicts.h"

/* 2026-03-02, a Monday; Chicago is UTC-6 then. */
enum { MON = 1772409600, H = 3600 };

static course_module modules[] = {
    {.id = 1, .title = "Program overview", .minutes = 60, .instructor_kinds = "officer"},
    {.id = 2,
     .title = "Verbal de-escalation",
     .minutes = 120,
     .instructor_kinds = "officer,clinician"},
    {.id = 3,
     .title = "Living with mental illness",
     .minutes = 90,
     .instructor_kinds = "presenter"},
};

static course_session_instructor sgt = {
    .user_id = 10, .name = "Sgt. Long", .roles = ROLE_INSTRUCTOR | ROLE_OFFICER};
static course_session_instructor doc = {.user_id = 11, .name = "Dr. Cole", .roles = ROLE_CLINICIAN};

/* A session of course 1 from local hours on day d (0 = Monday). */
static course_session at(arena *a, int64_t id, int d, int from, int to, const char *room)
{
	return (course_session){
	    .id = id,
	    .course_id = 1,
	    .starts_at = MON + d * 86400 + (from + 6) * H,
	    .ends_at = MON + d * 86400 + (to + 6) * H,
	    .room = room,
	    .modules = arena_array(a, 4, sizeof(course_session_module)),
	    .instructors = arena_array(a, 4, sizeof(course_session_instructor)),
	};
}

static void teach(course_session *s, int64_t module_id, int64_t minutes)
{
	for (size_t i = 0; i < 3; i++)
		if (modules[i].id == module_id)
			s->modules[s->module_count++] = (course_session_module){
			    .module_id = module_id,
			    .title = modules[i].title,
			    .instructor_kinds = modules[i].instructor_kinds,
			    .minutes = minutes,
			};
}

static void by(course_session *s, course_session_instructor who)
{
	s->instructors[s->instructor_count++] = who;
}

static size_t count(const course_conflict *c, size_t n, conflict_kind k)
{
	size_t found = 0;
	for (size_t i = 0; i < n; i++)
		found += c[i].kind == k;
	return found;
}

static const course_conflict *first(const course_conflict *c, size_t n, conflict_kind k)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].kind == k)
			return &c[i];
	fail_msg("no %s conflict", conflict_kind_name(k));
	return NULL;
}

static conflict_input input(course_session *s, size_t n)
{
	return (conflict_input){.starts_on = MON,
	                        .ends_on = MON + 4 * 86400,
	                        .sessions = s,
	                        .session_count = n,
	                        .modules = modules,
	                        .module_count = 3};
}

static int setup(void **state)
{
	assert_true(clock_set_zone("America/Chicago"));
	*state = arena_new();
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static void complete_schedule_has_none(void **state)
{
	arena *a = *state;
	course_session s[3] = {at(a, 1, 0, 8, 9, "A"), at(a, 2, 0, 9, 11, "A"),
	                       at(a, 3, 1, 8, 10, "A")};
	teach(&s[0], 1, 60);
	by(&s[0], sgt);
	teach(&s[1], 2, 120);
	by(&s[1], doc);
	by(&s[1], sgt);
	teach(&s[2], 3, 90);
	course_conflict *c;
	size_t n;
	conflict_input in = input(s, 3);
	assert_int_equal(conflicts_check(a, &in, &c, &n), 0);
	assert_int_equal(n, 0); /* 08–09 and 09–11 touch: no overlap */
}

static void modules_unscheduled_and_short(void **state)
{
	arena *a = *state;
	course_session s[1] = {at(a, 1, 0, 8, 10, "A")};
	teach(&s[0], 1, 60);
	teach(&s[0], 2, 60);
	course_conflict *c;
	size_t n;
	conflict_input in = input(s, 1);
	conflicts_check(a, &in, &c, &n);
	assert_int_equal(n, 2);
	const course_conflict *x = first(c, n, CONFLICT_MODULE_SHORT);
	assert_int_equal(x->module_id, 2);
	assert_true(x->is_warning);
	assert_string_equal(x->message,
	                    "Verbal de-escalation is scheduled for 60 of its 120 minutes.");
	x = first(c, n, CONFLICT_MODULE_UNSCHEDULED);
	assert_int_equal(x->module_id, 3);
	assert_string_equal(x->message,
	                    "Living with mental illness (90 min) is not scheduled yet.");
}

static void own_sessions_overlap_and_outside(void **state)
{
	arena *a = *state;
	course_session s[3] = {at(a, 1, 0, 8, 10, "A"), at(a, 2, 0, 9, 11, "B"),
	                       at(a, 3, 5, 8, 9, "A")};
	course_conflict *c;
	size_t n;
	conflict_input in = input(s, 3);
	in.module_count = 0;
	conflicts_check(a, &in, &c, &n);
	assert_int_equal(count(c, n, CONFLICT_SESSIONS_OVERLAP), 1);
	const course_conflict *x = first(c, n, CONFLICT_SESSIONS_OVERLAP);
	assert_int_equal(x->session_id, 1);
	assert_int_equal(x->other_session_id, 2);
	assert_false(x->is_warning);
	assert_string_equal(
	    x->message, "The sessions of Mon 2 Mar 08:00–10:00 and Mon 2 Mar 09:00–11:00 overlap.");
	x = first(c, n, CONFLICT_OUTSIDE_DATES);
	assert_int_equal(x->session_id, 3);
	assert_int_equal(count(c, n, CONFLICT_OUTSIDE_DATES), 1);
	/* 23:30 local on the last day is still inside (05:30 UTC the next day). */
	course_session late[1] = {at(a, 4, 4, 22, 23, "")};
	late[0].starts_at += 1800;
	late[0].ends_at += 1800;
	in = input(late, 1);
	in.module_count = 0;
	conflicts_check(a, &in, &c, &n);
	assert_int_equal(n, 0);
}

static void instructor_and_room_across_courses(void **state)
{
	arena *a = *state;
	course_session s[1] = {at(a, 1, 0, 8, 10, "Room A")};
	by(&s[0], sgt);
	by(&s[0], doc);
	conflict_other o[3] = {
	    {at(a, 7, 0, 9, 12, "room a"), "CIT Basic, April", NULL},
	    {at(a, 8, 0, 10, 12, "Room A"), "Refresher", NULL}, /* touches: no clash */
	    {at(a, 9, 0, 7, 9, "Gym"), "Refresher", NULL},
	};
	o[0].session.course_id = 2;
	by(&o[0].session, sgt);
	o[1].session.course_id = 3;
	by(&o[1].session, sgt);
	o[2].session.course_id = 3;
	by(&o[2].session, doc);
	course_conflict *c;
	size_t n;
	conflict_input in = input(s, 1);
	in.module_count = 0;
	in.others = o;
	in.other_count = 3;
	conflicts_check(a, &in, &c, &n);
	assert_int_equal(count(c, n, CONFLICT_INSTRUCTOR_BUSY), 2);
	assert_int_equal(count(c, n, CONFLICT_ROOM_BUSY), 1);
	const course_conflict *x = first(c, n, CONFLICT_INSTRUCTOR_BUSY);
	assert_int_equal(x->user_id, 10);
	assert_int_equal(x->other_session_id, 7);
	assert_false(x->is_warning);
	assert_string_equal(x->message, "Sgt. Long teaches Mon 2 Mar 08:00–10:00 here and in CIT "
	                                "Basic, April (Mon 2 Mar 09:00–12:00) at the same time.");
	x = first(c, n, CONFLICT_ROOM_BUSY);
	assert_int_equal(x->other_session_id, 7);
	assert_string_equal(x->message, "Room Room A is booked for Mon 2 Mar 08:00–10:00 here and "
	                                "by CIT Basic, April (Mon 2 Mar 09:00–12:00).");
	/* The same room name at another location is another room; a location
	 * left blank on either side may be the same place. */
	in.location = "Police academy";
	o[0].course_location = "Pine Belt Crisis Center";
	conflicts_check(a, &in, &c, &n);
	assert_int_equal(count(c, n, CONFLICT_ROOM_BUSY), 0);
	assert_int_equal(count(c, n, CONFLICT_INSTRUCTOR_BUSY), 2);
	o[0].course_location = "police ACADEMY";
	conflicts_check(a, &in, &c, &n);
	assert_int_equal(count(c, n, CONFLICT_ROOM_BUSY), 1);
	o[0].course_location = "";
	conflicts_check(a, &in, &c, &n);
	assert_int_equal(count(c, n, CONFLICT_ROOM_BUSY), 1);
	/* Rooms left blank never clash. */
	s[0].room = "";
	o[0].session.room = "";
	conflicts_check(a, &in, &c, &n);
	assert_int_equal(count(c, n, CONFLICT_ROOM_BUSY), 0);
}

static void instructor_kind_is_a_warning(void **state)
{
	arena *a = *state;
	course_session s[2] = {at(a, 1, 0, 8, 10, "A"), at(a, 2, 1, 8, 10, "A")};
	teach(&s[0], 3, 90); /* lived experience, taught by a clinician */
	by(&s[0], doc);
	teach(&s[1], 2, 120); /* de-escalation: a clinician fits */
	by(&s[1], doc);
	course_conflict *c;
	size_t n;
	conflict_input in = input(s, 2);
	in.module_count = 0;
	conflicts_check(a, &in, &c, &n);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].kind, CONFLICT_INSTRUCTOR_KIND);
	assert_true(c[0].is_warning);
	assert_int_equal(c[0].user_id, 11);
	assert_int_equal(c[0].module_id, 3);
	assert_string_equal(c[0].message, "Dr. Cole teaches Living with mental illness (Mon 2 Mar "
	                                  "08:00–10:00), which is taught by a presenter.");
	assert_string_equal(conflict_kind_name(c[0].kind), "instructor_kind");
}

int main(void)
{
	const struct CMUnitTest cases[] = {
	    cmocka_unit_test_setup_teardown(complete_schedule_has_none, setup, teardown),
	    cmocka_unit_test_setup_teardown(modules_unscheduled_and_short, setup, teardown),
	    cmocka_unit_test_setup_teardown(own_sessions_overlap_and_outside, setup, teardown),
	    cmocka_unit_test_setup_teardown(instructor_and_room_across_courses, setup, teardown),
	    cmocka_unit_test_setup_teardown(instructor_kind_is_a_warning, setup, teardown),
	};
	return cmocka_run_group_tests_name("conflicts", cases, NULL, NULL);
}
