/* clock.h: time is int64 seconds since the epoch, UTC, everywhere inside
 * citkit; these convert at the edges. */
#ifndef CITKIT_CLOCK_H
#define CITKIT_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

int64_t clock_now(void);
/* Hundredths of a second since the epoch (audit precision, CJIS). */
int64_t clock_now_cs(void);
/* Monotonic microseconds, for measuring durations. */
int64_t clock_mono_us(void);

enum { CLOCK_RFC3339_LEN = 32 };
/* "2026-11-26T14:40:54Z" */
void clock_rfc3339(int64_t t, char out[CLOCK_RFC3339_LEN]);
/* "2026-11-26T14:40:54.25Z" from centiseconds. */
void clock_rfc3339_cs(int64_t cs, char out[CLOCK_RFC3339_LEN]);
enum { CLOCK_LOCAL_LEN = 48 };
/* The program's time zone (IANA name, "America/Chicago") for times shown
 * to people; set once at start, before any thread. False when the zone is
 * not installed (then times show in UTC). */
bool clock_set_zone(const char *iana_name);
/* "2026-11-26 08:40 CST" in the program's time zone. */
void clock_local(int64_t t, char out[CLOCK_LOCAL_LEN]);

/* Accepts RFC 3339 with Z or an offset, or a bare YYYY-MM-DD (midnight
 * UTC). Returns false for anything else. */
bool clock_parse(const char *s, int64_t *out);

#endif
