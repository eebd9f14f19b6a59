/* run_pages.h: the HTTP tests of the scenario run pages (run_pages.c),
 * run by test_http.c's main on both engines. */
#ifndef CITKIT_HTTP_RUN_PAGES_H
#define CITKIT_HTTP_RUN_PAGES_H

void test_run_pages_start(void **state);
void test_run_pages_join(void **state);
void test_run_pages_feedback(void **state);
void test_run_pages_named(void **state);
void test_run_pages_role_player(void **state);

#endif
