/* org.c: `citkit org add`: the first partner organization of a fresh
 * install (its first admin must belong to one), or any later one from a
 * script. Goes through the orgs service, so it is checked and audited like
 * the page. */
#include <stdio.h>
#include <string.h>

#include "../auth/orgs.h"
#include "../base/errors.h"
#include "../base/kv.h"
#include "cli.h"

/* citkit org add --name N --kind K */
int cli_org_add(cli_ctx *c)
{
	db *d = NULL;
	int status = CLI_FAIL;
	if (cli_open_services(c, &d))
		return CLI_FAIL;
	kv in;
	kv_init(&in, c->arena);
	kv_add(&in, "name", cli_opt(c, "name"), strlen(cli_opt(c, "name")));
	kv_add(&in, "kind", cli_opt(c, "kind"), strlen(cli_opt(c, "kind")));
	int64_t id = 0;
	field_errors errs = {0};
	int rc = org_create(d, c->arena, &c->actor, &in, &id, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		cli_fail_fields("organization not added", &errs);
		goto done;
	}
	if (rc) {
		cli_fail("organization not added: %s", ck_error_title(rc));
		goto done;
	}
	printf("added organization %lld %s\n", (long long)id, cli_opt(c, "name"));
	status = CLI_OK;
done:
	db_close(d);
	return status;
}
