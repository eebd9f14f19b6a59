/* demo.c: `citkit demo [--logins]`: loads the demo program (src/demo/)
 * into a database, creating and migrating it first like init, and prints
 * the sign-ins. --logins prints only the sign-ins (make run uses it). */
#include <stdio.h>

#include "../demo/demo.h"
#include "cli.h"

int cli_demo(cli_ctx *c)
{
	if (cli_flag(c, "logins")) {
		demo_print_logins(stdout);
		return CLI_OK;
	}
	db *d = NULL;
	int status = CLI_FAIL;
	if (cli_init_database(c, &d))
		return CLI_FAIL;
	if (cli_setup_services(c))
		goto done;
	demo_result r = {0};
	char err[512] = "";
	if (demo_load(d, c->arena, &c->actor, &r, err, sizeof err)) {
		cli_fail("demo not loaded: %s", err);
		goto done;
	}
	if (r.created == 0)
		printf("the demo program %s is already loaded\n", DEMO_PROGRAM_NAME);
	else
		printf("loaded the demo program %s (%d items added, %d already there)\n\n",
		       DEMO_PROGRAM_NAME, r.created, r.existing);
	if (r.created)
		demo_print_logins(stdout);
	status = CLI_OK;
done:
	db_close(d);
	return status;
}
