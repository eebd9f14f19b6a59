/* token.c: `citkit token create|revoke`: API tokens for integrations. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../auth/tokens.h"
#include "../auth/users.h"
#include "../base/errors.h"
#include "../base/kv.h"
#include "cli.h"

/* citkit token create --email E [--name NAME]: prints only the token, the
 * one time it is ever shown, so scripts can capture it. */
int cli_token_create(cli_ctx *c)
{
	db *d = NULL;
	int status = CLI_FAIL;
	const char *email = cli_opt(c, "email");
	const char *name = cli_opt(c, "name") ? cli_opt(c, "name") : "cli";
	if (cli_open_services(c, &d))
		goto done;
	user u;
	int rc = user_get_by_email(d, c->arena, &c->actor, email, &u);
	if (rc) {
		cli_fail(rc == CK_E_NOT_FOUND ? "no user with email %s" : "cannot look up %s",
		         email);
		goto done;
	}
	kv in;
	kv_init(&in, c->arena);
	kv_add(&in, "name", name, strlen(name));
	int64_t id;
	const char *plaintext;
	field_errors errs = {0};
	rc = token_create(d, c->arena, &c->actor, u.id, &in, &id, &plaintext, &errs);
	if (rc == CK_E_INVALID) {
		cli_fail_fields("token not created", &errs);
		goto done;
	}
	if (rc) {
		cli_fail("token not created: %s", ck_error_title(rc));
		goto done;
	}
	printf("%s\n", plaintext);
	status = CLI_OK;
done:
	if (d)
		db_close(d);
	return status;
}

/* citkit token revoke --id ID */
int cli_token_revoke(cli_ctx *c)
{
	db *d = NULL;
	int status = CLI_FAIL;
	const char *text = cli_opt(c, "id");
	char *end;
	errno = 0;
	long long id = strtoll(text, &end, 10);
	if (errno || *end || id <= 0)
		return cli_usage("--id must be a token id (a positive whole number), not '%s'",
		                 text);
	if (cli_open_services(c, &d))
		goto done;
	int rc = token_revoke(d, &c->actor, id);
	if (rc) {
		cli_fail(rc == CK_E_NOT_FOUND ? "no token with id %lld" : "token %lld not revoked",
		         id);
		goto done;
	}
	printf("token %lld revoked\n", id);
	status = CLI_OK;
done:
	if (d)
		db_close(d);
	return status;
}
