/* courses_internal.h: what courses.c, sessions.c, conflicts and the
 * calendar share and nobody else needs: loading without the permission
 * check, visibility, and the program-time-zone conversions of dates. */
#ifndef CITKIT_COURSES_INTERNAL_H
#define CITKIT_COURSES_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "courses.h"

/* The course by id, no permission check (CK_E_NOT_FOUND). */
int courses_load(db *d, arena *a, int64_t id, course *out);
/* Sessions of one course in time order, modules and instructors attached. */
int courses_load_sessions(db *d, arena *a, int64_t course_id, course_session **items, size_t *n);
/* One session, no permission check. */
int courses_load_session(db *d, arena *a, int64_t session_id, course_session *out);
/* Whether actor may see a course in this status (planned: writers only). */
bool courses_visible(const principal *actor, const char *status);

/* Midnight UTC of the local (program time zone) date of instant t. */
int64_t courses_local_day(int64_t t);
/* The instant of local date day (midnight UTC of it) at minute_of_day
 * (0–1439) in the program's time zone. */
int64_t courses_local_instant(int64_t day, int minute_of_day);
/* Minutes since local midnight of instant t. */
int courses_local_minute(int64_t t);

/* "Mon 2 Mar 08:00–10:00" in the program's time zone, from a. */
const char *courses_span_text(arena *a, int64_t start, int64_t end);
/* The modules of a curriculum version, scheduled minutes counted over the
 * sessions of course_id (no permission check). */
int courses_load_modules(db *d, arena *a, int64_t version_id, int64_t course_id,
                         course_module **items, size_t *n);

#endif
