/* auth_stats.c: program-wide counts for the dashboard, in one statement
 * so the numbers agree with each other. */
#include "auth_stats.h"

#include <string.h>

#include "../base/errors.h"
#include "auth.h"
#include "roles.h"

int auth_stats_get(db *d, const principal *actor, auth_stats *out)
{
	memset(out, 0, sizeof *out);
	if (!actor || !roles_see_all_orgs(actor->roles) ||
	    !perm_granted(actor->roles, PERM_USERS_READ))
		return CK_E_FORBIDDEN;
	db_stmt *s = NULL;
	int rc = db_prepare(
	    d,
	    "SELECT (SELECT count(*) FROM orgs),"
	    " (SELECT count(*) FROM users WHERE is_active = 1),"
	    " (SELECT count(*) FROM users WHERE is_active = 0),"
	    " (SELECT count(*) FROM users WHERE is_active = 1 AND locked_at IS NOT NULL),"
	    " (SELECT count(*) FROM users WHERE is_active = 1 AND password_hash IS NULL),"
	    " (SELECT count(*) FROM users WHERE is_active = 1 AND (roles & $1) <> 0"
	    "  AND totp_enabled_at IS NULL)",
	    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, (int64_t)auth_policy_get()->totp_required_roles);
	rc = db_step(s);
	if (rc == DB_ROW) {
		out->orgs = db_col_int(s, 0);
		out->users_active = db_col_int(s, 1);
		out->users_disabled = db_col_int(s, 2);
		out->users_locked = db_col_int(s, 3);
		out->users_no_password = db_col_int(s, 4);
		out->users_no_totp = db_col_int(s, 5);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = CK_E_INTERNAL;
	}
	db_finish(s);
	return rc;
}
