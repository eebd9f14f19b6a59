/* audit.c: `citkit audit verify`: walks the hash chain of the audit log. */
#include <stdio.h>

#include "../auth/audit.h"
#include "../base/errors.h"
#include "cli.h"

int cli_audit_verify(cli_ctx *c)
{
	db *d = NULL;
	int status = CLI_FAIL;
	if (cli_open_services(c, &d))
		goto done;
	audit_report r;
	int rc = audit_verify(d, c->arena, &r);
	if (rc) {
		cli_fail("cannot read the audit log: %s", ck_error_title(rc));
		goto done;
	}
	if (!r.ok) {
		if (r.first_bad_id)
			cli_fail("audit log damaged at entry %lld: %s", (long long)r.first_bad_id,
			         r.problem);
		else
			cli_fail("audit log damaged: %s", r.problem);
		goto done;
	}
	printf("audit log intact: %lld entries\n", (long long)r.rows);
	status = CLI_OK;
done:
	if (d)
		db_close(d);
	return status;
}
