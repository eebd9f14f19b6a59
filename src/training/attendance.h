/* attendance.h: roll call and make-up credit.
 *
 * Everyone with a seat in the course (enrolled or completed) is present
 * at each session by default; a roll-call row records what differs (late
 * arrival, early departure, absence) or what was confirmed. The credited
 * minutes are the session's length less the minutes late and the minutes
 * left early, 0 when absent. Make-up credit records a module missed in
 * one's own course and attended in a session of another course covering
 * the same module code. progress.h rolls both up.
 *
 * Who takes a session's roll (and gives make-up credit from it): the
 * program's coordinators and admins (PERM_COURSES_WRITE) for any session,
 * an instructor only for the sessions they teach (session_instructors).
 * The roll is in every instructor's read scope (PERM_TRAINING_STATUS), so
 * marking one they do not teach is CK_E_FORBIDDEN (403), not 404. */
#ifndef CITKIT_ATTENDANCE_H
#define CITKIT_ATTENDANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "../db/db.h"

typedef struct roll_entry {
	int64_t enrollment_id, user_id;
	const char *name, *org_name;
	const char *status;         /* present, late, left_early, absent */
	int64_t minutes_late, minutes_left_early, credited_minutes;
	bool is_recorded;           /* false: present by default, no row yet */
} roll_entry;

typedef struct roll_call {
	int64_t session_id, course_id;
	const char *course_title, *room;
	int64_t starts_at, ends_at;
	int64_t length;             /* minutes */
	roll_entry *items;          /* by name */
	size_t n;
	bool may_mark;              /* the actor takes this roll (see above) */
	bool has_started;           /* marks are taken only once it has */
} roll_call;

/* Whether actor takes session_id's roll: a coordinator or admin, or an
 * instructor of that session. */
int attendance_takes_roll(db *d, const principal *actor, int64_t session_id, bool *out);

/* The roll of a session: every person seated before it ended, with their
 * mark. Needs PERM_ATTENDANCE_WRITE or PERM_TRAINING_STATUS (supervisors
 * see their agency's people only). CK_E_NOT_FOUND for an unknown
 * session. */
int attendance_roll(db *d, arena *a, const principal *actor, int64_t session_id,
                    roll_call *out);

/* One person's mark. status: "present", "late", "left_early" or "absent";
 * NULL derives it from the minutes (absent only when said). */
typedef struct attendance_mark {
	int64_t enrollment_id;
	const char *status;
	int64_t minutes_late, minutes_left_early;
} attendance_mark;

/* Records marks for a session, all or nothing; needs
 * PERM_ATTENDANCE_WRITE and to take the session's roll (else
 * CK_E_FORBIDDEN). CK_E_INVALID with errs on "session_id" ("has not
 * started yet …") for a session still to come; with errs (field
 * "marks[i].…" for the API, or the plain name when n == 1) for: minutes
 * below 0, minutes late plus left early more than the session, a person
 * not enrolled in the session's course. CK_E_NOT_FOUND for an unknown session. Audited
 * as attendance.record with the marks. */
int attendance_record(db *d, arena *a, const principal *actor, int64_t session_id,
                      const attendance_mark *marks, size_t n, field_errors *errs);
/* One mark from form fields: enrollment_id, status (present, late,
 * left_early, absent), minutes_late, minutes_left_early (or "minutes",
 * meaning the one the status names). */
int attendance_record_kv(db *d, arena *a, const principal *actor, int64_t session_id,
                         const kv *in, field_errors *errs);

/* Make-up credit for enrollment_id from a session of another course.
 * Fields: session_id, module_code, minutes (optional: default the minutes
 * that session gives the module). Refused with a field error: a session
 * that has not started yet (on session_id), a session of the person's own
 * course, a session not covering the module, a module
 * not in the person's curriculum, minutes above the session's, a credit
 * already recorded. Needs PERM_ATTENDANCE_WRITE and, for an instructor,
 * to teach that session (else CK_E_FORBIDDEN); audited as
 * attendance.makeup. */
int attendance_makeup(db *d, arena *a, const principal *actor, int64_t enrollment_id,
                      const kv *in, int64_t *id, field_errors *errs);

/* "Present", "Late 10 min", "Left early 30 min", "Late 5, left 10 min
 * early", "Absent". */
const char *attendance_status_text(arena *a, const roll_entry *e);

#endif
