/* transcripts_pages.c: an officer's transcript (page, PDF, CSV) and the
 * agency CIT status view for supervisors and coordinators. */
#include <string.h>

#include "../auth/auth_web.h"
#include "../auth/orgs.h"
#include "../base/clock.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../web/layout.h"
#include "../web/web_internal.h"
#include "certificates_web.h"
#include "transcript_pdf.h"
#include "transcripts.h"

static void day_html(buf *b, int64_t t)
{
	if (!t) {
		html_raw(b, "—");
		return;
	}
	char local[CLOCK_LOCAL_LEN], iso[CLOCK_RFC3339_LEN];
	clock_local(t, local);
	clock_rfc3339(t, iso);
	html_printf(b, "<time datetime=\"%s\">%.10s</time>", iso, local);
}

/* The transcript of path parameter 0, or the error response set. */
static bool load(request *req, db **d, transcript *t)
{
	int64_t id;
	if (!request_path_id(req, 0, &id)) {
		resp_error(req, CK_E_NOT_FOUND, NULL);
		return false;
	}
	*d = auth_db(req);
	if (!*d)
		return false;
	int rc = transcript_get(*d, req->arena, &req->who, id, t);
	if (rc < 0) {
		auth_fail(req, rc);
		return false;
	}
	return true;
}

static const char *const course_headers[] = {"Course", "Dates", "Enrollment", "Hours",
                                             "By component", NULL};
static const char *const cert_headers[] = {"Serial", "Course", "Status", "Issued",
                                           "Valid until", "Refresher due", NULL};

static void course_rows(request *req, const transcript *t)
{
	buf *b = &req->resp.body;
	for (size_t i = 0; i < t->n_courses; i++) {
		const transcript_course *c = &t->courses[i];
		html_printf(b, "<tr><td>%s</td><td>", c->course_title);
		day_html(b, c->starts_on);
		html_raw(b, " – ");
		day_html(b, c->ends_on);
		html_printf(b, "</td><td>%s</td><td>%s of %s</td><td><ul class=\"plain\">",
		            c->enrollment_status, progress_hours_text(req->arena, c->prog.total_minutes),
		            progress_hours_text(req->arena, c->prog.planned_minutes));
		for (size_t k = 0; k < c->prog.n_components; k++) {
			const progress_component *pc = &c->prog.components[k];
			if (pc->minutes || pc->attended)
				html_printf(b, "<li>%s: %s of %s</li>",
				            progress_component_label(pc->component),
				            progress_hours_text(req->arena, pc->attended),
				            progress_hours_text(req->arena, pc->minutes));
		}
		html_raw(b, "</ul></td></tr>");
	}
}

/* GET /users/{id}/transcript: courses, hours by component, certificates. */
static int transcript_page(request *req)
{
	db *d;
	transcript t;
	if (!load(req, &d, &t))
		return 0;
	buf *b = &req->resp.body;
	int64_t now = clock_now();
	page_begin(req, arena_printf(req->arena, "Transcript: %s", t.name));
	html_printf(b, "<p>%s · %s</p>", t.org_name, t.email);
	html_printf(b,
	            "<p><a href=\"/users/%lld/transcript.pdf\">PDF</a> · "
	            "<a href=\"/users/%lld/transcript.csv\">CSV</a></p>",
	            (long long)t.user_id, (long long)t.user_id);
	html_raw(b, "<h2>Courses</h2>");
	if (!t.n_courses)
		html_raw(b, "<p>No courses yet.</p>");
	else {
		page_table_begin(req, "Courses", course_headers);
		course_rows(req, &t);
		page_table_end(req);
	}
	html_raw(b, "<h2>Certificates</h2>");
	if (!t.n_certs)
		html_raw(b, "<p>No certificates yet.</p>");
	else {
		page_table_begin(req, "Certificates", cert_headers);
		for (size_t i = 0; i < t.n_certs; i++) {
			const certificate *c = &t.certs[i];
			html_printf(b, "<tr><td><a href=\"/certificates/%lld\">%s</a></td><td>%s</td>"
			               "<td>%s</td><td>",
			            (long long)c->id, c->serial, c->course_title,
			            cert_status_name(certificate_status(c, now)));
			day_html(b, c->issued_at);
			html_raw(b, "</td><td>");
			day_html(b, c->expires_at);
			html_raw(b, "</td><td>");
			day_html(b, c->refresher_due_at);
			html_raw(b, "</td></tr>");
		}
		page_table_end(req);
	}
	page_end(req);
	return 0;
}

/* GET /users/{id}/transcript.pdf, /api/v1/users/{id}/transcript.pdf */
static int transcript_pdf_get(request *req)
{
	db *d;
	transcript t;
	if (!load(req, &d, &t))
		return 0;
	buf pdf;
	buf_init(&pdf, req->arena);
	int rc = transcript_pdf(req->arena, &t, web_program_name(req), clock_now(), &pdf);
	if (!auth_ok(req, rc))
		return 0;
	certificates_send_file(req, "application/pdf",
	                       arena_printf(req->arena, "transcript-%lld.pdf", (long long)t.user_id),
	                       &pdf);
	return 0;
}

/* GET /users/{id}/transcript.csv, /api/v1/users/{id}/transcript.csv */
static int transcript_csv_get(request *req)
{
	db *d;
	transcript t;
	if (!load(req, &d, &t))
		return 0;
	buf csv;
	buf_init(&csv, req->arena);
	transcript_csv(req->arena, &t, clock_now(), &csv);
	certificates_send_file(req, "text/csv; charset=utf-8",
	                       arena_printf(req->arena, "transcript-%lld.csv", (long long)t.user_id),
	                       &csv);
	return 0;
}

/* GET /transcript: one's own transcript. */
static int my_transcript(request *req)
{
	resp_redirect(req, arena_printf(req->arena, "/users/%lld/transcript",
	                                (long long)req->who.user_id));
	return 0;
}

/* The organization chooser for those who see every agency. */
static void org_chooser(request *req, db *d, int64_t org_id)
{
	org *orgs;
	size_t n;
	const char *next;
	if (org_list(d, req->arena, &req->who, 200, NULL, &orgs, &n, &next) < 0 || !n)
		return;
	const char **values = arena_array(req->arena, n + 1, sizeof *values);
	const char **labels = arena_array(req->arena, n + 1, sizeof *labels);
	const char *selected = arena_printf(req->arena, "%lld", (long long)org_id);
	for (size_t i = 0; i < n; i++) {
		values[i] = arena_printf(req->arena, "%lld", (long long)orgs[i].id);
		labels[i] = orgs[i].name;
	}
	html_raw(&req->resp.body, "<form method=\"get\" action=\"/training/status\" role=\"search\">");
	form_select(req, "org", "Agency", values, labels, selected, NULL);
	html_raw(&req->resp.body, "<button type=\"submit\">Show</button></form>");
}

int transcripts_agency(request *req, db *d, int64_t org_id, int64_t now, org *o,
                       officer_status **items, size_t *n)
{
	if (!org_id)
		org_id = req->who.org_id;
	int rc = agency_status(d, req->arena, &req->who, org_id, now, items, n);
	return rc < 0 ? rc : org_get(d, req->arena, &req->who, org_id, o);
}

/* GET /training/status?org=ID: each officer of an agency with CIT status
 * and refreshers due in the next 90 days. Supervisors see their own
 * agency; coordinators and admins choose one. */
static int status_page(request *req)
{
	int64_t org_id = auth_query_id(req, "org");
	if (org_id < 0) {
		resp_error(req, CK_E_NOT_FOUND, NULL);
		return 0;
	}
	db *d = auth_db(req);
	if (!d)
		return 0;
	int64_t now = clock_now();
	officer_status *items;
	size_t n;
	org o;
	if (!auth_ok(req, transcripts_agency(req, d, org_id, now, &o, &items, &n)))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, "CIT status");
	if (roles_see_all_orgs(req->who.roles))
		org_chooser(req, d, org_id);
	size_t counts[CIT_NONE + 1] = {0}, due = 0;
	for (size_t i = 0; i < n; i++) {
		counts[items[i].status]++;
		due += items[i].is_refresher_due;
	}
	html_printf(b, "<h2>%s</h2><p>", o.name);
	for (int s = CIT_CERTIFIED; s <= CIT_NONE; s++)
		html_printf(b, "%s%s: %zu", s ? " · " : "", cit_status_label((cit_status)s), counts[s]);
	html_raw(b, "</p>");
	static const char *const headers[] = {"Officer", "CIT status", "Valid until",
	                                      "Refresher due", NULL};
	page_table_begin(req, "Officers", headers);
	for (size_t i = 0; i < n; i++) {
		const officer_status *s = &items[i];
		html_printf(b, "<tr><td><a href=\"/users/%lld/transcript\">%s</a></td>"
		               "<td class=\"cit-%s\">%s</td><td>",
		            (long long)s->user_id, s->name, cit_status_name(s->status),
		            cit_status_label(s->status));
		day_html(b, s->expires_at);
		html_raw(b, "</td><td>");
		day_html(b, s->refresher_due_at);
		html_raw(b, "</td></tr>");
	}
	page_table_end(req);
	html_printf(b, "<h2>Refreshers due in the next %d days</h2>", TRANSCRIPT_SOON_DAYS);
	if (!due)
		html_raw(b, "<p>None.</p>");
	else {
		html_raw(b, "<ul>");
		for (size_t i = 0; i < n; i++) {
			if (!items[i].is_refresher_due)
				continue;
			html_printf(b, "<li><a href=\"/users/%lld/transcript\">%s</a>: ",
			            (long long)items[i].user_id, items[i].name);
			day_html(b, items[i].refresher_due_at);
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	page_end(req);
	return 0;
}

static const route transcripts_page_routes[] = {
    {"GET", "/transcript", my_transcript, PERM_SIGNED_IN, 0, "One's own transcript"},
    {"GET", "/users/{id}/transcript", transcript_page, PERM_SIGNED_IN, 0,
     "An officer's transcript: courses, hours by component, certificates"},
    {"GET", "/users/{id}/transcript.pdf", transcript_pdf_get, PERM_SIGNED_IN, 0,
     "An officer's transcript as PDF"},
    {"GET", "/users/{id}/transcript.csv", transcript_csv_get, PERM_SIGNED_IN, 0,
     "An officer's transcript as CSV"},
    /* The same files for API tokens. */
    {"GET", "/api/v1/users/{id}/transcript.pdf", transcript_pdf_get, PERM_SIGNED_IN, ROUTE_API,
     "An officer's transcript as PDF"},
    {"GET", "/api/v1/users/{id}/transcript.csv", transcript_csv_get, PERM_SIGNED_IN, ROUTE_API,
     "An officer's transcript as CSV: courses, hours by component, certificates"},
    {"GET", "/training/status", status_page, PERM_TRAINING_STATUS, 0,
     "Each officer of an agency with CIT status and refreshers due"},
};

void transcripts_pages_register(void)
{
	ROUTES_ADD(transcripts_page_routes);
}
