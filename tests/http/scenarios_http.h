/* scenarios_http.h: the HTTP tests of the scenario library
 * (scenarios.c), run by test_http.c's main on both engines. */
#ifndef CITKIT_TEST_SCENARIOS_HTTP_H
#define CITKIT_TEST_SCENARIOS_HTTP_H

void test_scenarios_api(void **state);
void test_scenarios_permissions(void **state);
void test_scenarios_import_export(void **state);
void test_scenarios_pages(void **state);
void test_scenarios_briefs_hidden(void **state);

#endif
