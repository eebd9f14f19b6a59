/* export.c: `citkit export users [--org ORG]`: the people as CSV on
 * stdout, in the roster's columns (email, name, roles; roles separated by
 * ";") so an export can be imported elsewhere, then organization and
 * active. Exports are audited. */
#include <csv.h>
#include <stdio.h>
#include <string.h>

#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/orgs.h"
#include "../auth/roles.h"
#include "../auth/users.h"
#include "../base/buf.h"
#include "../base/errors.h"
#include "cli.h"

/* One CSV field, quoted by libcsv. A cell a spreadsheet would run as a
 * formula gets a leading apostrophe (OWASP "CSV injection"). */
static void put_field(arena *a, const char *s, bool is_last)
{
	if (s[0] && strchr("=+-@\t\r", s[0]))
		s = arena_printf(a, "'%s", s);
	csv_fwrite(stdout, s, strlen(s));
	fputc(is_last ? '\n' : ',', stdout);
}

static const char *role_text(arena *a, unsigned mask)
{
	buf b;
	buf_init(&b, a);
	for (unsigned bit = 1; bit <= mask && bit < (1u << ROLE_COUNT); bit <<= 1)
		if (mask & bit)
			buf_printf(&b, "%s%s", b.len ? ";" : "", role_name((role)bit));
	return buf_str(&b);
}

/* Every user in filter f, page by page, gathered before anything is
 * written so the audit row (with the count) comes first. */
static int gather_users(cli_ctx *c, db *d, const user_filter *f, buf *rows, size_t *count)
{
	const char *cursor = NULL;
	*count = 0;
	do {
		user *items;
		size_t n;
		int rc = user_list(d, c->arena, &c->actor, f, AUTH_LIST_MAX, cursor, &items, &n,
		                   &cursor);
		if (rc)
			return rc;
		buf_append(rows, items, n * sizeof *items);
		*count += n;
	} while (cursor);
	return 0;
}

static void write_users(cli_ctx *c, const user *items, size_t n)
{
	printf("email,name,roles,organization,active\n");
	for (size_t i = 0; i < n; i++) {
		put_field(c->arena, items[i].email, false);
		put_field(c->arena, items[i].name, false);
		put_field(c->arena, role_text(c->arena, items[i].roles), false);
		put_field(c->arena, items[i].org_name ? items[i].org_name : "", false);
		put_field(c->arena, items[i].is_active ? "yes" : "no", true);
	}
}

/* citkit export users [--org ORG] */
int cli_export_users(cli_ctx *c)
{
	db *d = NULL;
	int status = CLI_FAIL;
	if (cli_open_services(c, &d))
		goto done;
	user_filter f = {.active = -1};
	org o = {0};
	int rc;
	if (cli_opt(c, "org")) {
		rc = org_find(d, c->arena, cli_opt(c, "org"), &o);
		if (rc) {
			cli_fail("no organization '%s' (by id or exact name)", cli_opt(c, "org"));
			goto done;
		}
		f.org_id = o.id;
	}
	size_t rows;
	buf users;
	buf_init(&users, c->arena);
	rc = gather_users(c, d, &f, &users, &rows);
	if (rc) {
		cli_fail("export stopped: %s", ck_error_title(rc));
		goto done;
	}
	const char *detail = arena_printf(c->arena, "{\"rows\":%zu}", rows);
	rc = audit_append(d, &c->actor, "export.users", o.id ? "org" : NULL,
	                  o.id ? arena_printf(c->arena, "%lld", (long long)o.id) : NULL,
	                  AUDIT_SUCCESS, detail);
	if (rc) {
		cli_fail("export not audited, so not written: %s", ck_error_title(rc));
		goto done;
	}
	write_users(c, (const user *)(const void *)users.data, rows);
	status = CLI_OK;
done:
	if (d)
		db_close(d);
	return status;
}
