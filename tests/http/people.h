/* people.h: the HTTP tests of organizations and people (people.c), run by
 * test_http.c's main on both engines. */
#ifndef CITKIT_HTTP_PEOPLE_H
#define CITKIT_HTTP_PEOPLE_H

void test_orgs_api(void **state);
void test_orgs_pages(void **state);
void test_users_api(void **state);
void test_users_pages(void **state);
void test_users_page_actions(void **state);
void test_account_password_and_sessions(void **state);

#endif
