/* totp.h: the second factor, RFC 6238 (liboath): 30-second steps, 6
 * digits, one step of clock drift either way, and each code accepted once
 * (users.totp_last_step). Enrolment is pending until the user confirms it
 * with a code from their app. */
#ifndef CITKIT_TOTP_H
#define CITKIT_TOTP_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../db/db.h"
#include "principal.h"

typedef struct totp_enrolment {
	const char *secret; /* base32, for typing into an app by hand */
	const char *uri;    /* otpauth://totp/…: put it in the QR code */
} totp_enrolment;

/* Starts (or restarts) actor's enrolment with a fresh secret.
 * CK_E_CONFLICT when a second factor is already confirmed. */
int totp_enrol_start(db *d, arena *a, const principal *actor, totp_enrolment *out);
/* The pending enrolment's secret and URI again (re-rendering the page);
 * CK_E_NOT_FOUND when none is pending. */
int totp_enrol_pending(db *d, arena *a, const principal *actor, totp_enrolment *out);
/* Confirms with a current code: CK_E_BAD_LOGIN when it is wrong,
 * CK_E_NOT_FOUND with no pending enrolment. Audited as totp.enrol. */
int totp_enrol_confirm(db *d, const principal *actor, const char *code);
/* True, and the code's step recorded, when code is right for user_id's
 * confirmed secret and newer than the last accepted one. Must run inside
 * the caller's transaction. 0 = checked (see *ok), or an error. */
int totp_check(db *d, int64_t user_id, const char *code, bool *ok);
/* Removes a user's second factor (lost phone). Needs PERM_USERS_UNLOCK.
 * Audited as totp.reset. */
int totp_reset(db *d, const principal *actor, int64_t user_id);

/* otpauth://totp/ISSUER:EMAIL?secret=…&issuer=ISSUER&algorithm=SHA1&digits=6&period=30 */
const char *totp_uri(arena *a, const char *issuer, const char *email, const char *secret);

#endif
