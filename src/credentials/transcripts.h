/* transcripts.h: an officer's training record (courses, hours by
 * component, certificates and their status) and an agency's CIT status
 * (each officer certified, expiring, expired, in training or none, and
 * refreshers coming due).
 *
 * Who may see them: an officer their own transcript; holders of
 * PERM_TRAINING_STATUS the people of organizations they see (supervisors
 * their own agency, coordinators and admins every one). Anyone else gets
 * CK_E_NOT_FOUND. */
#ifndef CITKIT_TRANSCRIPTS_H
#define CITKIT_TRANSCRIPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../db/db.h"
#include "../training/progress.h"
#include "certificates.h"

enum { TRANSCRIPT_SOON_DAYS = 90 }; /* "expiring" and "refresher due" horizon */

typedef struct transcript_course {
	int64_t enrollment_id, course_id;
	const char *course_title;
	const char *enrollment_status; /* enrolled, waitlisted, withdrawn, completed */
	int64_t starts_on, ends_on;
	progress prog;                 /* minutes by module and component */
} transcript_course;

typedef struct transcript {
	int64_t user_id, org_id;
	const char *name, *email, *org_name;
	transcript_course *courses; /* newest course first */
	size_t n_courses;
	certificate *certs;         /* newest first */
	size_t n_certs;
} transcript;

int transcript_get(db *d, arena *a, const principal *actor, int64_t user_id, transcript *out);

typedef enum cit_status {
	CIT_CERTIFIED,
	CIT_EXPIRING,   /* a valid certificate expiring within 90 days */
	CIT_EXPIRED,
	CIT_IN_TRAINING, /* no valid certificate, enrolled in a current course */
	CIT_NONE,
} cit_status;

/* "certified", "expiring", "expired", "in_training", "none". */
const char *cit_status_name(cit_status s);
/* "Certified", "Expiring", "Expired", "In training", "None". */
const char *cit_status_label(cit_status s);

typedef struct officer_status {
	int64_t user_id;
	const char *name, *email;
	cit_status status;
	int64_t certificate_id;                /* newest unrevoked, 0 = none */
	int64_t expires_at, refresher_due_at;  /* of that certificate, 0 = none */
	bool is_refresher_due;                 /* refresher due within 90 days (or overdue) */
} officer_status;

/* Every active officer and supervisor of org_id, by name, as of now.
 * Needs PERM_TRAINING_STATUS and sight of the organization. */
int agency_status(db *d, arena *a, const principal *actor, int64_t org_id, int64_t now,
                  officer_status **items, size_t *n);

#endif
