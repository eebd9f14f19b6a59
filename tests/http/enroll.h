/* enroll.h: the HTTP tests of enrollment, roll call and progress
 * (enroll.c), run by test_http.c's main on both engines. */
#ifndef CITKIT_HTTP_ENROLL_H
#define CITKIT_HTTP_ENROLL_H

#include "harness.h"

void test_enroll_api(void **state);
void test_attendance_api(void **state);
void test_enroll_pages(void **state);
void test_training_lists_paged(void **state);
void test_courses_default_filter(void **state);
void test_capacity_api(void **state);
void test_enrollment_forms(void **state);
void test_sessions_to_come_api(void **state);
void test_session_times_after_roll_call(void **state);
void test_completion_total_setting(void **state);

/* Runs sql (ending in a statement whose first column of the first row is
 * returned, or any statement: 0) against the suite's database (also for
 * the runs tests). */
long long sql_int(const char *sql);
/* u teaches course: a one-hour session on the course's first day, taught
 * by u (for the runs tests: only who teaches a course runs scenarios in
 * it). Returns the session's id. */
long long course_teacher(long long course, tuser *u);

#endif
