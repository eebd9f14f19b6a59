/* runs.h: the HTTP tests of scenario runs (runs.c), run by test_http.c's
 * main on both engines. */
#ifndef CITKIT_HTTP_RUNS_H
#define CITKIT_HTTP_RUNS_H

void test_runs_api(void **state);
void test_runs_events(void **state);

#endif
