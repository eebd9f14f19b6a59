/* courses.h: course offerings of an approved curriculum version, their
 * sessions (when, where, which modules for how many minutes, who teaches)
 * and the reads the rest of training builds on (enrollment, attendance,
 * certificates, calendar feeds).
 *
 * Dates: a course's starts_on / ends_on are midnight UTC of the local
 * calendar date (the program's time zone), as the schema says. Session
 * times are real instants (epoch seconds UTC); "the session's date" is its
 * local date in the program's time zone.
 *
 * Who sees what: PERM_COURSES_READ reads courses. Those who may not write
 * courses (officers, supervisors, instructors …) do not see planned
 * courses: a planned course is a coordinator's draft, so it answers
 * CK_E_NOT_FOUND to them. */
#ifndef CITKIT_COURSES_H
#define CITKIT_COURSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "../db/db.h"

enum { COURSE_RUNS_REQUIRED_DEFAULT = 2 }; /* the schema's default */

typedef struct course {
	int64_t id;
	int64_t version_id;            /* the approved curriculum version it keeps */
	const char *curriculum_title;  /* that version's title */
	int64_t curriculum_version;    /* that version's number */
	const char *title, *location;
	int64_t starts_on, ends_on;    /* midnight UTC of the first / last local date */
	int64_t capacity;
	const char *status;            /* one of course_statuses() */
	int64_t session_count;
	int64_t scheduled_minutes;     /* sum of the sessions' module minutes */
	int64_t scenario_runs_required; /* passed scenario runs for completion (0–20) */
	int64_t calendar_generation;   /* how often its feed link was replaced */
	int64_t created_at, updated_at;
} course;

/* One module a session covers, for how many of the session's minutes. */
typedef struct course_session_module {
	int64_t module_id;
	const char *code, *title, *component;
	const char *instructor_kinds; /* comma list: clinician,officer,presenter,role_player */
	int64_t minutes;
} course_session_module;

typedef struct course_session_instructor {
	int64_t user_id;
	const char *name;
	unsigned roles; /* for the instructor kind (course_instructor_kinds) */
} course_session_instructor;

typedef struct course_session {
	int64_t id, course_id;
	int64_t starts_at, ends_at; /* epoch seconds UTC */
	const char *room;
	course_session_module *modules;
	size_t module_count;
	course_session_instructor *instructors;
	size_t instructor_count;
	int64_t created_at, updated_at;
} course_session;

/* "planned", "open", "in_progress", "completed", "cancelled", NULL. */
const char *const *course_statuses(void);
/* "Planned", "Open for enrollment", "In progress", "Completed",
 * "Cancelled"; "Unknown" otherwise. */
const char *course_status_label(const char *status);
/* The allowed transitions: planned → open | cancelled; open → planned |
 * in_progress | cancelled; in_progress → completed | cancelled; completed
 * and cancelled are final. Staying in the same status is allowed. */
bool course_status_can_change(const char *from, const char *to);

/* Instructor kinds a user's roles qualify for, as a bit mask of
 * COURSE_KIND_*: clinician role → clinician; presenter role → presenter
 * and role player; instructor role held with officer (or alone: the
 * program's instructors are experienced CIT officers) → officer. A
 * coordinator or admin teaching gets no kind: the fit check warns. */
enum {
	COURSE_KIND_CLINICIAN = 1u << 0,
	COURSE_KIND_OFFICER = 1u << 1,
	COURSE_KIND_PRESENTER = 1u << 2,
	COURSE_KIND_ROLE_PLAYER = 1u << 3,
};
unsigned course_instructor_kinds(unsigned roles);
/* The mask of a module's comma list ("clinician,officer"); unknown words
 * are ignored. */
unsigned course_kinds_parse(const char *list);

/* Filter for course_list: status NULL = all the caller may see. */
typedef struct course_filter {
	const char *status; /* NULL: any */
	int64_t or_taught_by; /* a user id: also every course with a session they teach */
} course_filter;

/* Courses by start date (newest first), then id. Needs PERM_COURSES_READ. */
int course_list(db *d, arena *a, const principal *actor, const course_filter *f, int limit,
                const char *cursor, course **items, size_t *n, const char **next_cursor);
/* CK_E_NOT_FOUND when there is none or the caller may not see it. */
int course_get(db *d, arena *a, const principal *actor, int64_t id, course *out);

/* Every session of a course in time order, with modules and instructors.
 * Same visibility as course_get. */
int course_sessions_list(db *d, arena *a, const principal *actor, int64_t course_id,
                         course_session **items, size_t *n);
/* One session (out->course_id names its course); same visibility. */
int course_session_get(db *d, arena *a, const principal *actor, int64_t session_id,
                       course_session *out);

/* Fields: version_id (int, an approved curriculum version), title (1–200),
 * location (0–200), starts_on, ends_on (YYYY-MM-DD, ends_on ≥ starts_on,
 * at most 60 days), capacity (1–500), status (optional, default planned),
 * scenario_runs_required (0–20, optional, default 2: the passed scenario
 * runs the completion rule asks for). Needs PERM_COURSES_WRITE. CK_E_INVALID with errs; audited course.create. */
int course_create(db *d, arena *a, const principal *actor, const kv *in, int64_t *id,
                  field_errors *errs);
/* The fields present replace the stored ones. version_id may change only
 * while no session is scheduled; status follows course_status_can_change;
 * new dates may not leave a session outside them; capacity may not go
 * below the people already seated (CK_E_INVALID, errs on "capacity").
 * Audited course.update. A raised capacity seats the waitlisted in order
 * in the same transaction (enrollment_promote_waiting), unless the course
 * is completed or cancelled. */
int course_update(db *d, arena *a, const principal *actor, int64_t id, const kv *in,
                  field_errors *errs);

/* A module of the course's curriculum version and the minutes the
 * course's sessions give it so far. */
typedef struct course_module {
	int64_t id;
	const char *code, *title, *component, *instructor_kinds;
	int64_t position, day, minutes, scheduled_minutes;
	bool is_required;
} course_module;

/* The modules of the course's curriculum version, in curriculum order.
 * Same visibility as course_get. */
int course_modules(db *d, arena *a, const principal *actor, int64_t course_id,
                   course_module **items, size_t *n);

/* Session fields: date (YYYY-MM-DD, local), start, end (HH:MM, local),
 * room (0–100), module (repeated: "ID" or "ID:MINUTES"; a form may send
 * the minutes as minutes_ID; a module without minutes gets an equal share
 * of what the others leave of the session), instructor (repeated user
 * ids).
 * Refused with a field error and nothing written: end ≤ start, a date
 * outside the course's dates, module minutes summing past the session's
 * length, a module not in the course's curriculum version, an unknown or
 * inactive instructor, a session overlapping another of the same course.
 * Cross-course instructor or room clashes are allowed and reported by the
 * conflict report (conflicts.h). Needs PERM_COURSES_WRITE. */
int course_session_create(db *d, arena *a, const principal *actor, int64_t course_id,
                          const kv *in, int64_t *id, field_errors *errs);
/* Fields present replace the stored ones: date/start/end together, room,
 * module set (when any "module" is sent, or modules_set=1 for none),
 * instructor set (likewise, instructors_set=1). Once attendance was taken
 * in the session (roll-call rows or make-up credit from it), new times
 * are CK_E_CONFLICT with errs on "date" and nothing is written; the same
 * times sent again, the room, modules and instructors still change. */
int course_session_update(db *d, arena *a, const principal *actor, int64_t session_id,
                          const kv *in, field_errors *errs);
int course_session_delete(db *d, arena *a, const principal *actor, int64_t session_id);

/* Active people who may teach (instructor, clinician or presenter role),
 * by name: the choices of the session form and of a scenario run's role
 * player. Needs PERM_COURSES_WRITE or PERM_RUNS_MANAGE. */
int course_instructor_choices(db *d, arena *a, const principal *actor,
                              course_session_instructor **items, size_t *n);

#endif
