/* courses_http.h: the HTTP tests of courses, sessions and calendar feeds
 * (courses_http.c), run by test_http.c's main on both engines. */
#ifndef CITKIT_TEST_COURSES_HTTP_H
#define CITKIT_TEST_COURSES_HTTP_H

void test_courses_api(void **state);
void test_courses_pages(void **state);
void test_course_calendar(void **state);
void test_course_forms(void **state);

#endif
