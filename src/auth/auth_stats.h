/* auth_stats.h: the counts an administrator's or coordinator's dashboard
 * shows: organizations, people by state, accounts that need attention. */
#ifndef CITKIT_AUTH_STATS_H
#define CITKIT_AUTH_STATS_H

#include <stdint.h>

#include "../db/db.h"
#include "principal.h"

typedef struct auth_stats {
	int64_t orgs;
	int64_t users_active, users_disabled;
	int64_t users_locked;      /* active and locked by failed sign-ins */
	int64_t users_no_password; /* active, no password yet (roster imports) */
	int64_t users_no_totp;     /* active, a role requires TOTP, none enrolled */
} auth_stats;

/* Program-wide counts. Only for those who see every organization's
 * people (roles_see_all_orgs and PERM_USERS_READ); anyone else gets
 * CK_E_FORBIDDEN. */
int auth_stats_get(db *d, const principal *actor, auth_stats *out);

#endif
