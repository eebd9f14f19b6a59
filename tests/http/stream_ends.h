/* stream_ends.h: the HTTP tests of event streams ending with the sign-in
 * that opened them (stream_ends.c), run by test_http.c's main on both
 * engines. */
#ifndef CITKIT_HTTP_STREAM_ENDS_H
#define CITKIT_HTTP_STREAM_ENDS_H

void test_streams_end_with_their_sign_in(void **state);
void test_streams_end_when_checked_again(void **state);

#endif
