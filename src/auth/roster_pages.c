/* roster_pages.c: importing an agency's roster from a CSV upload. All
 * rows or none: a file with any bad row imports nothing and the page
 * lists every bad row by line number, so the file can be fixed and sent
 * again. The file format itself is roster.h's. */
#include <stdlib.h>
#include <string.h>

#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "auth.h"
#include "auth_web.h"
#include "orgs.h"
#include "roster.h"

#define PATH_IMPORT "/users/import"

static void format_help(buf *b)
{
	html_raw(
	    b,
	    "<details><summary>What the file looks like</summary>"
	    "<p>A CSV file (UTF-8, as spreadsheets save it) with a header row. "
	    "Columns <code>email</code>, <code>name</code> and <code>roles</code> are required, "
	    "in any order; <code>title</code> and <code>badge</code> may be there and are ignored. "
	    "Separate several roles with <code>;</code>.</p>"
	    "<pre>email,name,roles\n"
	    "jdoe@pinebeltpd.example,Jordan Doe,officer\n"
	    "asmith@pinebeltpd.example,Alex Smith,officer;supervisor</pre>"
	    "<p>Roles: admin, coordinator, instructor, officer, supervisor, clinician, "
	    "presenter, dispatcher, analyst. Imported people have no password until one is set.</p>"
	    "</details>");
}

static void report(request *req, const roster_report *rep)
{
	buf *b = &req->resp.body;
	html_printf(
	    b,
	    "<section aria-labelledby=\"report-h\"><h2 id=\"report-h\">Nothing was imported</h2>"
	    "<p>The file has %zu data %s. Fix the problems below and upload it again; "
	    "no one is added until every row is right.</p>",
	    rep->rows, rep->rows == 1 ? "row" : "rows");
	static const char *const headers[] = {"Line", "Column", "Problem", NULL};
	page_table_begin(req, "Problems in the file", headers);
	for (size_t i = 0; i < rep->n_problems; i++) {
		const roster_problem *p = &rep->problems[i];
		if (p->line)
			html_printf(b, "<tr><td data-label=\"Line\" class=\"num\">%lld</td>",
			            (long long)p->line);
		else
			html_raw(b, "<tr><td data-label=\"Line\">whole file</td>");
		html_printf(
		    b, "<td data-label=\"Column\">%s</td><td data-label=\"Problem\">%s</td></tr>",
		    p->field ? p->field : "", p->message);
	}
	page_table_end(req);
	if (rep->more_problems)
		html_printf(b, "<p>…and %zu more problems not listed.</p>", rep->more_problems);
	html_raw(b, "</section>");
}

static int render_import(request *req, const char *org_sel, const roster_report *rep,
                         const field_errors *errs)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	org *items = NULL;
	size_t n = 0;
	const char *next = NULL;
	int rc = org_list(d, req->arena, &req->who, AUTH_LIST_MAX, NULL, &items, &n, &next);
	if (!auth_ok(req, rc))
		return 0;
	const char **ids = arena_array(req->arena, n + 2, sizeof *ids);
	const char **names = arena_array(req->arena, n + 2, sizeof *names);
	ids[0] = "";
	names[0] = "Choose…";
	for (size_t i = 0; i < n; i++) {
		ids[i + 1] = arena_printf(req->arena, "%lld", (long long)items[i].id);
		names[i + 1] = items[i].name;
	}

	buf *b = &req->resp.body;
	page_begin(req, "Import a roster");
	html_raw(b, "<p>Add an agency's people from a spreadsheet in one step.</p>");
	if (rep && rep->n_problems)
		report(req, rep);
	form_errors_summary(req, errs);
	form_begin(req, PATH_IMPORT, "multipart/form-data");
	form_select(req, "org_id", "Organization they belong to", ids, names, org_sel, errs);
	form_text(req, "file", "Roster file (CSV)", "file", NULL, errs,
	          "required accept=\".csv,text/csv\"");
	form_submit(req, "Import");
	form_end(req);
	format_help(b);
	page_end(req);
	return 0;
}

/* GET /users/import?org=ID: the upload form. org: the organization to
 * preselect. */
static int import_page(request *req)
{
	return render_import(req, kv_get(&req->query, "org"), NULL, NULL);
}

/* POST /users/import: multipart fields org_id and file. Success goes to
 * the organization's people with the count; any bad row re-shows the
 * form with every problem and imports nothing. */
static int import_submit(request *req)
{
	const char *org_sel = kv_get(&req->form, "org_id");
	const upload *file = request_upload(req, "file");
	field_errors errs = {0};
	char *end = NULL;
	long long org_id = org_sel ? strtoll(org_sel, &end, 10) : 0;
	if (!org_sel || !*org_sel || *end || org_id < 1)
		field_errors_add(&errs, "org_id", "Choose the organization");
	if (!file || file->len == 0)
		field_errors_add(&errs, "file", "Choose a CSV file to upload");
	if (errs.len || !file) {
		req->resp.status = ck_error_status(CK_E_INVALID);
		return render_import(req, org_sel, NULL, &errs);
	}
	db *d = auth_db(req);
	if (!d)
		return 0;
	roster_report rep = {0};
	int rc =
	    roster_import(d, req->arena, &req->who, (int64_t)org_id, file->data, file->len, &rep);
	if (rc == CK_E_NOT_FOUND) {
		field_errors_add(&errs, "org_id", "Choose the organization");
		req->resp.status = ck_error_status(CK_E_INVALID);
		return render_import(req, NULL, NULL, &errs);
	}
	if (rc == CK_E_INVALID) {
		req->resp.status = ck_error_status(rc);
		return render_import(req, org_sel, &rep, NULL);
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(
	    req, arena_printf(req->arena, "/users?org=%lld&imported=%zu", org_id, rep.imported));
	return 0;
}

static const route roster_routes[] = {
    {"GET", PATH_IMPORT, import_page, PERM_ROSTER_IMPORT, 0, "Roster upload form"},
    {"POST", PATH_IMPORT, import_submit, PERM_ROSTER_IMPORT, 0,
     "Import a roster CSV: all rows or none, with every bad row reported"},
};

void roster_pages_register(void)
{
	ROUTES_ADD(roster_routes);
}
