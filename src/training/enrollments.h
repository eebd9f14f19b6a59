/* enrollments.h: who takes a course. Supervisors enroll officers of their
 * own agency, coordinators and admins anyone. A course has a capacity;
 * past it people are waitlisted in order (waitlisted_at, id), and when an
 * enrolled person withdraws or the capacity is raised the waitlisted are
 * promoted in order in the same transaction. Completion follows the rule in progress.h.
 *
 * Scope: an officer sees their own enrollments; supervisors those of
 * their agency; coordinators, admins, analysts and instructors everyone's.
 * Outside the actor's scope is CK_E_NOT_FOUND, as if it did not exist.
 * Every write is one transaction with its audit row. */
#ifndef CITKIT_ENROLLMENTS_H
#define CITKIT_ENROLLMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../base/validate.h"
#include "../db/db.h"
#include "progress.h"

typedef struct enrollment {
	int64_t id, course_id, user_id;
	const char *status;      /* enrolled, waitlisted, withdrawn, completed */
	int64_t position;        /* waitlist position from 1; 0 when not waitlisted */
	const char *user_name, *user_email;
	int64_t org_id;
	const char *org_name;
	const char *course_title;
	const char *course_status;
	int64_t course_starts_on, course_ends_on;
	int64_t enrolled_by;          /* 0 when unknown */
	int64_t waitlisted_at;        /* 0 when never waitlisted */
	int64_t seated_at;            /* when the seat began (enrolled or promoted); 0 when none */
	int64_t created_at, updated_at;
} enrollment;

/* Every enrollment of a course the actor may see (withdrawn included),
 * seated first by name, then the waitlist in order, then the withdrawn.
 * CK_E_NOT_FOUND when the course does not exist. Needs PERM_COURSES_READ. */
int enrollment_list_for_course(db *d, arena *a, const principal *actor, int64_t course_id,
                               enrollment **items, size_t *n);
/* A person's enrollments, newest course first. The person themselves, or
 * someone whose scope holds them (else CK_E_NOT_FOUND). */
int enrollment_list_for_user(db *d, arena *a, const principal *actor, int64_t user_id,
                             enrollment **items, size_t *n);
/* The same two lists a page at a time (keyset): limit 0 is the default
 * (AUTH_LIST_DEFAULT), larger than AUTH_LIST_MAX is clamped; cursor is
 * NULL or the next_cursor of the page before (CK_E_MALFORMED when it is
 * not a positive id); *next_cursor is NULL on the last page. */
int enrollment_page_for_course(db *d, arena *a, const principal *actor, int64_t course_id,
                               int limit, const char *cursor, enrollment **items, size_t *n,
                               const char **next_cursor);
int enrollment_page_for_user(db *d, arena *a, const principal *actor, int64_t user_id,
                             int limit, const char *cursor, enrollment **items, size_t *n,
                             const char **next_cursor);
/* CK_E_NOT_FOUND when missing or outside the actor's scope. */
int enrollment_get(db *d, arena *a, const principal *actor, int64_t id, enrollment *out);

/* Enrolls user_id in course_id; needs PERM_ENROLL. A full course, or one
 * with anyone already waiting, waitlists (out->status "waitlisted",
 * out->position N): a newcomer never takes a seat ahead of the line. Errors, none of
 * which writes anything: CK_E_NOT_FOUND for an unknown course or a person
 * outside the actor's agency; CK_E_INVALID (errs) for someone who is not an
 * active officer or a course not open for enrollment; CK_E_CONFLICT (errs
 * on "user_id") when the person is already enrolled or waitlisted. A
 * withdrawn person enrolls again in their old row. Audited as
 * enrollment.create. */
int enrollment_enroll(db *d, arena *a, const principal *actor, int64_t course_id,
                      int64_t user_id, enrollment *out, field_errors *errs);
/* The same from form or JSON fields: user_id (integer) or email. */
int enrollment_enroll_kv(db *d, arena *a, const principal *actor, int64_t course_id,
                         const kv *in, enrollment *out, field_errors *errs);

/* Withdraws an enrolled or waitlisted person; needs PERM_ENROLL and the
 * person in scope. When a seat frees, the first waitlisted is promoted in
 * the same transaction (*promoted_id, else 0). CK_E_CONFLICT when already
 * withdrawn or completed. Audited as enrollment.withdraw (and
 * enrollment.promote). */
int enrollment_withdraw(db *d, arena *a, const principal *actor, int64_t id,
                        int64_t *promoted_id);

/* Seats the waitlisted of course_id in order (waitlisted_at, id) while
 * the course has free seats, each seated now (seated_at) and audited as
 * enrollment.promote by actor; *first_id (may be NULL) gets the first one
 * promoted, else 0. Runs inside the caller's transaction: a withdrawal
 * and a raised capacity call it. */
int enrollment_promote_waiting(db *d, arena *a, const principal *actor, int64_t course_id,
                               int64_t *first_id);
/* The course's seated (enrolled or completed) and waitlisted counts. */
int enrollment_seat_counts(db *d, int64_t course_id, int64_t *seated, int64_t *waiting);

/* Completes an enrollment whose progress meets the rule: sets status
 * completed. Needs PERM_CERTS_ISSUE or PERM_ATTENDANCE_WRITE. Runs inside
 * the caller's transaction when there is one, so the certificate service
 * can complete and issue in one. CK_E_INVALID (422, as a certificate's
 * issue answers; errs: one line per gap in "progress") when something is
 * missing; CK_E_CONFLICT ("status") when the person is not enrolled;
 * completing a completed enrollment is 0 and changes nothing. out (may be
 * NULL) gets the progress. Audited as enrollment.complete. */
int enrollment_complete(db *d, arena *a, const principal *actor, int64_t id, progress *out,
                        field_errors *errs);

/* Progress of one enrollment the actor may see (enrollment_get's scope). */
int enrollment_progress(db *d, arena *a, const principal *actor, int64_t id, progress *out);

/* "Enrolled", "Waitlisted, position 3", "Withdrawn", "Completed". */
const char *enrollment_status_text(arena *a, const enrollment *e);

/* Whether actor may see training records of a person of org_id (the
 * scope rule above); exported for attendance and certificates. */
bool enrollment_sees(const principal *actor, int64_t user_id, int64_t org_id);

#endif
