/* demo.h: the demo program, "Pine Belt Regional CIT": its partner
 * organizations and people of every role, loaded through the same
 * services as everything else. Later issues add steps (curriculum,
 * courses, scenarios, resources, encounters) to the table in demo.c. */
#ifndef CITKIT_DEMO_H
#define CITKIT_DEMO_H

#include <stdio.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../db/db.h"

#define DEMO_PROGRAM_NAME "Pine Belt Regional CIT"

typedef struct demo_result {
	int created;  /* rows the run added (0: it was all there) */
	int existing; /* rows already present and left alone */
} demo_result;

/* Adds whatever part of the demo program is missing, as actor. Safe to
 * run again. 0, or a CK_E_* error with err saying which item failed. */
int demo_load(db *d, arena *a, const principal *actor, demo_result *out, char *err, size_t errlen);

/* One demo sign-in. */
typedef struct demo_login {
	const char *email, *roles, *password;
} demo_login;

/* The i-th sign-in (0 ≤ i < demo_login_count()), one per demo user. */
size_t demo_login_count(void);
demo_login demo_login_at(size_t i);
/* The sign-ins as a table: email, roles, password, one per line. */
void demo_print_logins(FILE *out);

#endif
