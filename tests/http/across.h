/* across.h: live events across two serve processes on one PostgreSQL
 * (across.c), listed by test_http.c's main on PostgreSQL only. */
#ifndef CITKIT_HTTP_ACROSS_H
#define CITKIT_HTTP_ACROSS_H

void test_events_across_processes(void **state);

#endif
