/* conflicts.h: the conflict report of a course, listed at once on its
 * page: modules not yet scheduled or scheduled short of their minutes, an
 * instructor booked in two places at once (across all courses), a room
 * double-booked, sessions of the course overlapping each other, a session
 * outside the course dates, and an instructor whose kind does not fit the
 * module.
 *
 * What blocks and what is only shown: the session service refuses a
 * session that overlaps another of the same course or falls outside the
 * course dates, so those appear here only for data written before a rule
 * or by hand (severity "error"). An instructor or room booked twice across
 * courses is allowed to be saved (rescheduling passes through such
 * states) and shown as an "error" to resolve. Unscheduled or short
 * modules and an instructor kind that does not fit are "warning"s.
 *
 * conflicts_check is pure: it takes what was loaded and computes the
 * report; course_conflicts loads and calls it. */
#ifndef CITKIT_CONFLICTS_H
#define CITKIT_CONFLICTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "courses.h"

typedef enum conflict_kind {
	CONFLICT_MODULE_UNSCHEDULED, /* "module_unscheduled" */
	CONFLICT_MODULE_SHORT,       /* "module_short" */
	CONFLICT_INSTRUCTOR_BUSY,    /* "instructor_double_booked" */
	CONFLICT_ROOM_BUSY,          /* "room_double_booked" */
	CONFLICT_SESSIONS_OVERLAP,   /* "sessions_overlap" */
	CONFLICT_OUTSIDE_DATES,      /* "outside_course_dates" */
	CONFLICT_INSTRUCTOR_KIND,    /* "instructor_kind" */
} conflict_kind;

typedef struct course_conflict {
	conflict_kind kind;
	bool is_warning;          /* false: an error to resolve */
	int64_t session_id;       /* 0 for module conflicts */
	int64_t other_session_id; /* the clashing session, if any */
	int64_t module_id;        /* module conflicts and instructor kind */
	int64_t user_id;          /* instructor conflicts */
	const char *message;      /* a sentence for people */
} course_conflict;

/* A session of another course that shares time with one of this course's. */
typedef struct conflict_other {
	course_session session;
	const char *course_title;
	const char *course_location; /* NULL or "": unknown, taken as the same */
} conflict_other;

typedef struct conflict_input {
	int64_t starts_on, ends_on; /* the course's dates (midnight UTC of local dates) */
	const char *location;       /* the course's; rooms clash only at one location */
	const course_session *sessions;
	size_t session_count;
	const course_module *modules; /* the curriculum version's */
	size_t module_count;
	const conflict_other *others;
	size_t other_count;
} conflict_input;

/* "module_unscheduled", … as in the enum's comments. */
const char *conflict_kind_name(conflict_kind k);

/* The report: the course's own overlaps and sessions outside its dates,
 * then clashes with other courses, then modules, then instructor kinds. */
int conflicts_check(arena *a, const conflict_input *in, course_conflict **items, size_t *n);

/* Loads the course, its sessions and modules and the other courses'
 * sessions sharing time with them (cancelled courses left out), then
 * conflicts_check. Same visibility as course_get. */
int course_conflicts(db *d, arena *a, const principal *actor, int64_t course_id,
                     course_conflict **items, size_t *n);

#endif
