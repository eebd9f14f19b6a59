/* certificates.h: CIT certificates: issuing one when an enrollment meets
 * the completion rule (src/training/progress.h), revoking, reading within
 * the caller's scope, and the public verification lookup behind
 * /verify/{code}.
 *
 * A certificate is issued by a coordinator (PERM_CERTS_ISSUE), never by
 * itself: the rule passing makes the "Issue" button available, the
 * coordinator decides. Its serial is PREFIX-YEAR-NNNN, numbered in order
 * within the year; its verify code is a random 256-bit token.
 *
 * Program settings (settings table, src/auth/settings.h), all optional:
 *   certificate_prefix           serial prefix ("PB"); default: the
 *                                initials of the program's name, else "CIT"
 *   certificate_valid_months     expiry after issue; absent or 0 = none
 *   certificate_refresher_months refresher due after issue; default 24
 *
 * Who may read a certificate: its holder, a supervisor of the holder's
 * organization, coordinators and admins (PERM_CERTS_ISSUE). Anyone else
 * gets CK_E_NOT_FOUND, as for one that does not exist. */
#ifndef CITKIT_CERTIFICATES_H
#define CITKIT_CERTIFICATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../base/kv.h"
#include "../base/validate.h"
#include "../db/db.h"

#define CERT_SETTING_PREFIX "certificate_prefix"
#define CERT_SETTING_VALID_MONTHS "certificate_valid_months"
#define CERT_SETTING_REFRESHER_MONTHS "certificate_refresher_months"

enum { CERT_DEFAULT_REFRESHER_MONTHS = 24 };

typedef enum cert_status { CERT_VALID, CERT_EXPIRED, CERT_REVOKED } cert_status;

typedef struct certificate {
	int64_t id, enrollment_id, user_id, course_id, org_id;
	const char *serial, *verify_code;
	const char *holder_name;  /* as printed at issue */
	const char *course_title;
	const char *org_name;     /* the holder's agency now */
	int64_t minutes;
	int64_t issued_at, expires_at, refresher_due_at; /* 0 = none */
	int64_t revoked_at, revoked_by;                  /* 0 = not revoked */
	const char *revoked_reason;                      /* NULL unless revoked */
	int64_t issued_by;          /* the issuing user (the signer); 0 when unknown */
	const char *issued_by_name; /* their name; NULL when issued_by is 0 */
} certificate;

/* "valid", "expired", "revoked". */
const char *cert_status_name(cert_status s);
/* Revoked wins over expired; expired when expires_at <= now. */
cert_status certificate_status(const certificate *c, int64_t now);

/* Issues the certificate of enrollment_id. Needs PERM_CERTS_ISSUE.
 * CK_E_NOT_FOUND for no such enrollment; CK_E_CONFLICT when it already
 * has one; CK_E_INVALID with errs saying, item by item, what the
 * completion rule still misses (field "enrollment"); CK_E_CONFLICT too
 * for a trainee who is withdrawn or waitlisted. Completes the enrollment
 * through enrollment_complete in the same transaction; audited as
 * certificate.issue (and enrollment.complete). */
int certificate_issue(db *d, arena *a, const principal *actor, int64_t enrollment_id,
                      int64_t *id, field_errors *errs);
/* Issues a certificate to every enrollment of course_id that meets the
 * rule and has none yet; *issued counts them. Needs PERM_CERTS_ISSUE. */
int certificate_issue_course(db *d, arena *a, const principal *actor, int64_t course_id,
                             int *issued);
/* Revokes with a reason (1-500 characters, field "reason"). Needs
 * PERM_CERTS_ISSUE. CK_E_CONFLICT when already revoked. Audited as
 * certificate.revoke with the reason. */
int certificate_revoke(db *d, arena *a, const principal *actor, int64_t id, const char *reason,
                       field_errors *errs);

/* One certificate within the actor's scope (see above). */
int certificate_get(db *d, arena *a, const principal *actor, int64_t id, certificate *out);

typedef struct cert_filter {
	int64_t course_id, user_id, org_id; /* 0 = any */
	const char *status;                 /* "valid", "expired", "revoked" or NULL */
} cert_filter;
/* Newest first, within the actor's scope; paged by an opaque cursor. */
int certificate_list(db *d, arena *a, const principal *actor, const cert_filter *f, int limit,
                     const char *cursor, certificate **items, size_t *n,
                     const char **next_cursor);
/* Every certificate of a course by holder name (bulk downloads). Needs
 * PERM_CERTS_ISSUE. */
int certificate_list_course(db *d, arena *a, const principal *actor, int64_t course_id,
                            certificate **items, size_t *n);

/* Records a bulk download (an export) in the audit log as
 * certificate.export: the course, the format ("zip", "pdf") and how many. */
int certificate_audit_export(db *d, arena *a, const principal *actor, int64_t course_id,
                             const char *format, size_t count);

/* A trainee of a course as the coordinator's issue list shows them. */
typedef struct cert_candidate {
	int64_t enrollment_id, user_id;
	const char *name;
	const char *enrollment_status;
	int64_t certificate_id;       /* 0 when none yet */
	struct progress *prog;        /* hours and exactly what is missing */
} cert_candidate;
/* Every enrolled or completed trainee of course_id, by name, with their
 * progress. Needs PERM_CERTS_ISSUE. */
int certificate_candidates(db *d, arena *a, const principal *actor, int64_t course_id,
                           cert_candidate **items, size_t *n);

/* The public view of a certificate: only what /verify shows (holder,
 * course, issue date, status; the program's name comes from the config).
 * The course title is the course's current one: certificates do not keep
 * the title at issue. */
typedef struct cert_public {
	const char *holder_name, *course_title;
	int64_t issued_at;
	cert_status status;
} cert_public;
/* No permission needed. CK_E_NOT_FOUND for a code that is malformed or
 * unknown, with nothing else said. */
int certificate_verify(db *d, arena *a, const char *code, cert_public *out);

/* Names printed as signatures: the coordinator who issued it
 * (certificates.issued_by; for a certificate issued before that column,
 * the actor of its certificate.issue audit row) and an instructor of the
 * course (a clinician when one taught). Either may be "" when unknown. */
int certificate_signers(db *d, arena *a, const certificate *c, const char **coordinator,
                        const char **instructor);

/* The three program settings as a form shows them ("" when unset). */
typedef struct cert_settings {
	const char *prefix, *valid_months, *refresher_months;
} cert_settings;
int certificate_settings_get(db *d, arena *a, cert_settings *out);
/* Fields: prefix (1-12 letters, digits or "-"; blank = the default),
 * valid_months (0-600; 0 or blank = no expiry), refresher_months (0-600;
 * blank = 24). Needs PERM_CERTS_ISSUE; CK_E_INVALID with errs; audited as
 * certificate.settings. */
int certificate_settings_set(db *d, arena *a, const principal *actor, const kv *in,
                             field_errors *errs);

/* The serial prefix in force (setting, else initials of program_name). */
int certificate_prefix(db *d, arena *a, const char **out);
/* t plus months on the calendar (UTC), the day clamped to the month's end. */
int64_t certificate_add_months(int64_t t, int months);

#endif
