/* curricula_tests.h: the curriculum cases of the HTTP suite (curricula.c),
 * listed in test_http.c's main. */
#ifndef CITKIT_HTTP_CURRICULA_TESTS_H
#define CITKIT_HTTP_CURRICULA_TESTS_H

#include "harness.h"

void test_curricula_pages(void **state);
void test_curricula_api(void **state);
void test_curricula_permissions(void **state);
void test_guideline_settings(void **state);
void test_curricula_title(void **state);

#endif
