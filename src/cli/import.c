/* import.c: `citkit import roster FILE --org ORG`. All rows or none; when
 * any row is bad, every problem is printed as FILE:LINE: field: message
 * (the form compilers use, so editors can jump to it) and nothing is
 * imported. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../auth/orgs.h"
#include "../auth/roster.h"
#include "../base/buf.h"
#include "../base/errors.h"
#include "cli.h"

/* The whole file into a, refusing files over limit bytes. */
static int read_file(const char *path, size_t limit, buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return cli_fail("cannot read %s: %s", path, strerror(errno));
	int status = CLI_OK;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (out->len + n > limit) {
			status = cli_fail("%s is larger than %zu bytes ([server] max_upload_bytes)",
			                  path, limit);
			break;
		}
		buf_append(out, chunk, n);
	}
	if (status == CLI_OK && ferror(f))
		status = cli_fail("cannot read %s: %s", path, strerror(errno));
	fclose(f);
	return status;
}

static void print_report(const char *path, const roster_report *rep)
{
	fflush(stdout);
	for (size_t i = 0; i < rep->n_problems; i++) {
		const roster_problem *p = &rep->problems[i];
		if (p->line)
			fprintf(stderr, "citkit: %s:%lld: %s: %s\n", path, (long long)p->line,
			        p->field, p->message);
		else
			fprintf(stderr, "citkit: %s: %s: %s\n", path, p->field, p->message);
	}
	if (rep->more_problems)
		fprintf(stderr, "citkit: %s: %zu more problems not listed\n", path,
		        rep->more_problems);
	fprintf(stderr, "citkit: %s: nothing imported (%zu problems in %zu rows)\n", path,
	        rep->n_problems + rep->more_problems, rep->rows);
}

int cli_import_roster(cli_ctx *c)
{
	db *d = NULL;
	int status = CLI_FAIL;
	buf data;
	buf_init(&data, c->arena);
	if (read_file(c->operand, c->cfg.max_upload_bytes, &data))
		return CLI_FAIL;
	if (cli_open_services(c, &d))
		goto done;
	org o;
	int rc = org_find(d, c->arena, cli_opt(c, "org"), &o);
	if (rc) {
		cli_fail(rc == CK_E_NOT_FOUND ? "no organization '%s' (by id or exact name)"
		                              : "cannot look up organization '%s'",
		         cli_opt(c, "org"));
		goto done;
	}
	roster_report rep = {0};
	rc =
	    roster_import(d, c->arena, &c->actor, o.id, data.data ? data.data : "", data.len, &rep);
	if (rc == CK_E_INVALID) {
		print_report(c->operand, &rep);
		goto done;
	}
	if (rc) {
		cli_fail("roster not imported: %s", ck_error_title(rc));
		goto done;
	}
	printf("imported %zu user%s into %s\n", rep.imported, rep.imported == 1 ? "" : "s", o.name);
	status = CLI_OK;
done:
	if (d)
		db_close(d);
	return status;
}
