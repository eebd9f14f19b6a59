/* login.h: signing in with email and password, then a TOTP code when one
 * is enrolled; the lockout (CJIS: 5 failures within 15 minutes lock the
 * account until an administrator unlocks it).
 *
 * What callers learn: an unknown email and a wrong password both give
 * CK_E_BAD_LOGIN ("Email or password is wrong"), and so does any attempt
 * with a wrong password on a locked or disabled account, so nobody can
 * probe which emails exist or which accounts are locked. Only someone who
 * gives the right password learns that the account is locked
 * (CK_E_LOCKED) or disabled (CK_E_DISABLED); the lockout holds either way:
 * the right password does not sign in a locked account. */
#ifndef CITKIT_LOGIN_H
#define CITKIT_LOGIN_H

#include "../base/arena.h"
#include "../db/db.h"
#include "principal.h"
#include "sessions.h"

/* 0 with a new session (out->mfa_pending when a TOTP code is owed), or
 * CK_E_BAD_LOGIN, CK_E_LOCKED, CK_E_DISABLED. Audited: login.ok,
 * login.fail (with the reason, never the password), account.locked. */
int login_password(db *d, arena *a, const char *email, const char *password, const char *ip,
                   const char *user_agent, session_new *out);

/* Completes the second factor for actor's session (mfa_pending). 0, or
 * CK_E_BAD_LOGIN for a wrong or reused code. Wrong codes count toward the
 * lockout like wrong passwords. Audited: login.totp / login.fail. */
int login_totp(db *d, const principal *actor, const char *code);

#endif
