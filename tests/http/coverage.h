/* coverage.h: the HTTP suite's check that it requested every route of the
 * server's route table (coverage.c); test_http.c's main runs it last. */
#ifndef CITKIT_HTTP_COVERAGE_H
#define CITKIT_HTTP_COVERAGE_H

void test_every_route_requested(void **state);

#endif
