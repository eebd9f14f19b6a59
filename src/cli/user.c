/* user.c: `citkit user add|passwd|disable|unlock`. Each calls the users
 * service as the "cli:<unix user>" actor, so the change is checked by the
 * same rules as the pages and audited like them. */
#include <stdio.h>
#include <string.h>

#include "../auth/orgs.h"
#include "../auth/users.h"
#include "../base/errors.h"
#include "../base/kv.h"
#include "cli.h"

/* The user with --email, or a one-line failure. */
static int find_user(cli_ctx *c, db *d, user *u)
{
	const char *email = cli_opt(c, "email");
	int rc = user_get_by_email(d, c->arena, &c->actor, email, u);
	if (rc == CK_E_NOT_FOUND)
		return cli_fail("no user with email %s", email);
	if (rc)
		return cli_fail("cannot look up %s: %s", email, ck_error_title(rc));
	return CLI_OK;
}

/* citkit user add --email E --name N --org ORG --role R[,R] [--password-stdin] */
int cli_user_add(cli_ctx *c)
{
	db *d = NULL;
	int status = CLI_FAIL;
	const char *password = NULL;
	if (cli_flag(c, "password-stdin") && cli_read_password(c, &password))
		return CLI_FAIL;
	if (cli_open_services(c, &d))
		return CLI_FAIL;
	org o;
	int rc = org_find(d, c->arena, cli_opt(c, "org"), &o);
	if (rc) {
		cli_fail(rc == CK_E_NOT_FOUND ? "no organization '%s' (by id or exact name)"
		                              : "cannot look up organization '%s'",
		         cli_opt(c, "org"));
		goto done;
	}
	kv in;
	kv_init(&in, c->arena);
	const char *org_id = arena_printf(c->arena, "%lld", (long long)o.id);
	kv_add(&in, "email", cli_opt(c, "email"), strlen(cli_opt(c, "email")));
	kv_add(&in, "name", cli_opt(c, "name"), strlen(cli_opt(c, "name")));
	kv_add(&in, "org_id", org_id, strlen(org_id));
	kv_add(&in, "roles", cli_opt(c, "role"), strlen(cli_opt(c, "role")));
	if (password)
		kv_add(&in, "password", password, strlen(password));
	int64_t id = 0;
	field_errors errs = {0};
	rc = user_create(d, c->arena, &c->actor, &in, &id, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		cli_fail_fields("user not added", &errs);
		goto done;
	}
	if (rc) {
		cli_fail("user not added: %s", ck_error_title(rc));
		goto done;
	}
	printf("added user %lld %s (%s)%s\n", (long long)id, cli_opt(c, "email"), o.name,
	       password ? "" : ", no password yet");
	status = CLI_OK;
done:
	if (d)
		db_close(d);
	return status;
}

/* citkit user passwd --email E --password-stdin */
int cli_user_passwd(cli_ctx *c)
{
	db *d = NULL;
	int status = CLI_FAIL;
	const char *password;
	if (cli_read_password(c, &password) || cli_open_services(c, &d))
		goto done;
	user u;
	if (find_user(c, d, &u))
		goto done;
	field_errors errs = {0};
	int rc = user_set_password(d, c->arena, &c->actor, u.id, NULL, password, &errs);
	if (rc == CK_E_INVALID) {
		cli_fail_fields("password not changed", &errs);
		goto done;
	}
	if (rc) {
		cli_fail("password not changed: %s", ck_error_title(rc));
		goto done;
	}
	printf("password changed for %s\n", u.email);
	status = CLI_OK;
done:
	if (d)
		db_close(d);
	return status;
}

/* disable and unlock: one user by email, one service call. */
static int act_on_user(cli_ctx *c, int (*act)(db *, const principal *, int64_t),
                       const char *done_word)
{
	db *d = NULL;
	int status = CLI_FAIL;
	if (cli_open_services(c, &d))
		goto done;
	user u;
	if (find_user(c, d, &u))
		goto done;
	int rc = act(d, &c->actor, u.id);
	if (rc) {
		cli_fail("%s not %s: %s", u.email, done_word, ck_error_title(rc));
		goto done;
	}
	printf("%s %s\n", u.email, done_word);
	status = CLI_OK;
done:
	if (d)
		db_close(d);
	return status;
}

/* citkit user disable --email E */
int cli_user_disable(cli_ctx *c)
{
	return act_on_user(c, user_disable, "disabled");
}

/* citkit user unlock --email E */
int cli_user_unlock(cli_ctx *c)
{
	return act_on_user(c, user_unlock, "unlocked");
}
