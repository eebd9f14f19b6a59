/* password.h: the password rules (OWASP ASVS 4.0.3 level 2, CJIS):
 * at least 12 and at most 128 characters (characters, not bytes), no
 * composition rules, and not a common or guessable one: cracklib's
 * dictionary check, and not containing the user's email name or own name.
 * Hashing is Argon2id (crypto.h). */
#ifndef CITKIT_PASSWORD_H
#define CITKIT_PASSWORD_H

#include "../base/arena.h"

enum { PASSWORD_MIN_CHARS = 12, PASSWORD_MAX_CHARS = 128 };

/* NULL when password is acceptable for the user with this email and name
 * (either may be NULL), otherwise the reason in words, to follow the
 * field's label: "is a common password", "must be at least 12 characters",
 * "contains your name", … */
const char *password_check(arena *a, const char *password, const char *email, const char *name);

#endif
