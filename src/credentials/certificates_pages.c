/* certificates_pages.c: certificate pages: the public verification page,
 * one certificate (with revocation for coordinators), the list in the
 * caller's scope, the PDF, and a course's certificates for coordinators
 * (issue all who completed, download all as one ZIP or one PDF). */
#include <string.h>

#include "../auth/auth_web.h"
#include "../base/clock.h"
#include "../base/errors.h"
#include "../base/html.h"
#include "../base/qr_svg.h"
#include "../training/progress.h"
#include "../web/layout.h"
#include "../web/web_internal.h"
#include "certificate_zip.h"
#include "certificates_web.h"

static void date_html(buf *b, int64_t t)
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

static const char *status_label(cert_status s)
{
	return s == CERT_VALID ? "Valid" : s == CERT_EXPIRED ? "Expired" : "Revoked";
}

/* GET /verify/{code}: public. Holder, program, course, issue date and
 * status (valid, expired, revoked), nothing more (no expiry date, serial,
 * agency or hours); an unknown or malformed code is a plain 404. */
static int verify_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	cert_public v;
	int rc = certificate_verify(d, req->arena, req->path_params[0], &v);
	if (!auth_ok(req, rc))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, "Certificate verification");
	html_printf(b, "<p class=\"status status-%s\"><strong>%s</strong></p>",
	            cert_status_name(v.status), status_label(v.status));
	html_raw(b, "<dl class=\"facts\">");
	html_printf(b, "<dt>Holder</dt><dd>%s</dd>", v.holder_name);
	html_raw(b, "<dt>Program</dt><dd>");
	html_text(b, web_program_name(req));
	html_raw(b, "</dd>");
	html_printf(b, "<dt>Course</dt><dd>%s</dd><dt>Issued</dt><dd>", v.course_title);
	date_html(b, v.issued_at);
	html_printf(b, "</dd><dt>Status</dt><dd>%s</dd></dl>", cert_status_name(v.status));
	page_end(req);
	return 0;
}

static void cert_row(request *req, const certificate *c, int64_t now)
{
	buf *b = &req->resp.body;
	html_printf(b,
	            "<tr><td><a href=\"/certificates/%lld\">%s</a></td><td>%s</td><td>%s</td>"
	            "<td>%s</td><td>",
	            (long long)c->id, c->serial, c->holder_name, c->org_name, c->course_title);
	date_html(b, c->issued_at);
	html_raw(b, "</td><td>");
	date_html(b, c->refresher_due_at);
	html_printf(b, "</td><td>%s</td></tr>", status_label(certificate_status(c, now)));
}

static const char *const list_headers[] = {"Serial", "Holder",        "Agency", "Course",
                                           "Issued", "Refresher due", "Status", NULL};

/* GET /certificates?cursor=C: certificates in the caller's scope (their
 * own; a supervisor's agency; all for coordinators), newest first. */
static int certs_list_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	certificate *items;
	size_t n;
	const char *next;
	int rc = certificate_list(d, req->arena, &req->who, NULL, 50, kv_get(&req->query, "cursor"),
	                          &items, &n, &next);
	if (!auth_ok(req, rc))
		return 0;
	page_begin(req, "Certificates");
	if (perm_granted(req->who.roles, PERM_CERTS_ISSUE))
		html_raw(&req->resp.body,
		         "<p><a href=\"/certificates/settings\">Certificate settings</a></p>");
	if (!n)
		page_flash(req, FLASH_INFO, "No certificates to show.");
	page_table_begin(req, "Certificates", list_headers);
	int64_t now = clock_now();
	for (size_t i = 0; i < n; i++)
		cert_row(req, &items[i], now);
	page_table_end(req);
	page_next_link(req, next);
	page_end(req);
	return 0;
}

/* signer: who issued it (certificate_signers), "" when unknown. */
static void cert_page(request *req, const certificate *c, const char *signer,
                      const field_errors *errs, const char *reason)
{
	buf *b = &req->resp.body;
	int64_t now = clock_now();
	page_begin(req, arena_printf(req->arena, "Certificate %s", c->serial));
	if (kv_get(&req->query, "revoked"))
		page_flash(req, FLASH_SUCCESS, "The certificate is revoked.");
	html_raw(b, "<dl class=\"facts\">");
	html_printf(b, "<dt>Holder</dt><dd>%s</dd><dt>Agency</dt><dd>%s</dd>", c->holder_name,
	            c->org_name);
	html_printf(b, "<dt>Course</dt><dd>%s</dd><dt>Hours</dt><dd>%s</dd>", c->course_title,
	            progress_hours_text(req->arena, c->minutes));
	html_raw(b, "<dt>Issued</dt><dd>");
	date_html(b, c->issued_at);
	if (*signer)
		html_printf(b, "</dd><dt>Issued by</dt><dd>%s", signer);
	html_raw(b, "</dd><dt>Valid until</dt><dd>");
	date_html(b, c->expires_at);
	html_raw(b, "</dd><dt>Refresher due</dt><dd>");
	date_html(b, c->refresher_due_at);
	html_printf(b, "</dd><dt>Status</dt><dd>%s</dd>", status_label(certificate_status(c, now)));
	if (c->revoked_at) {
		html_raw(b, "<dt>Revoked</dt><dd>");
		date_html(b, c->revoked_at);
		html_printf(b, ": %s</dd>", c->revoked_reason);
	}
	html_raw(b, "</dl>");
	html_printf(b,
	            "<p><a href=\"/certificates/%lld/pdf\">Download the certificate (PDF)</a></p>",
	            (long long)c->id);
	const char *url =
	    arena_printf(req->arena, "%s/verify/%s", certificates_verify_base(req), c->verify_code);
	html_printf(b, "<p>Public verification: <a href=\"/verify/%s\">%s</a></p>", c->verify_code,
	            url);
	qr_svg(b, url, "QR code of the verification link");
	if (perm_granted(req->who.roles, PERM_CERTS_ISSUE) && !c->revoked_at) {
		html_raw(b, "<h2>Revoke</h2>");
		form_errors_summary(req, errs);
		form_begin(req,
		           arena_printf(req->arena, "/certificates/%lld/revoke", (long long)c->id),
		           NULL);
		form_text(req, "reason", "Reason", "text", reason, errs,
		          "required maxlength=\"500\"");
		form_submit(req, "Revoke certificate");
		form_end(req);
	}
	page_end(req);
}

/* GET /certificates/{id}: one certificate; 404 outside the caller's scope. */
static int cert_show(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	certificate c;
	const char *signer = "", *instructor;
	int rc = certificate_get(d, req->arena, &req->who, id, &c);
	if (rc == 0)
		rc = certificate_signers(d, req->arena, &c, &signer, &instructor);
	if (!auth_ok(req, rc))
		return 0;
	cert_page(req, &c, signer, NULL, NULL);
	return 0;
}

/* GET /certificates/{id}/pdf: the printable certificate. */
static int cert_pdf(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	certificate c;
	buf pdf;
	buf_init(&pdf, req->arena);
	int rc = certificate_get(d, req->arena, &req->who, id, &c);
	if (rc == 0)
		rc = certificates_pdf_render(req, d, &c, 1, &pdf);
	if (!auth_ok(req, rc))
		return 0;
	certificates_send_file(req, "application/pdf", arena_printf(req->arena, "%s.pdf", c.serial),
	                       &pdf);
	return 0;
}

/* POST /certificates/{id}/revoke: reason. Back to the certificate. */
static int cert_revoke(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	const char *reason = kv_get(&req->form, "reason");
	int rc = certificate_revoke(d, req->arena, &req->who, id, reason, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		certificate c;
		const char *signer = "", *instructor;
		if ((rc = certificate_get(d, req->arena, &req->who, id, &c)) < 0 ||
		    (rc = certificate_signers(d, req->arena, &c, &signer, &instructor)) < 0) {
			auth_fail(req, rc);
			return 0;
		}
		static const field_label labels[] = {{"reason", "Reason"}};
		AUTH_NAME_ERRORS(req->arena, &errs, labels);
		req->resp.status = 422;
		cert_page(req, &c, signer, &errs, reason);
		return 0;
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/certificates/%lld?revoked=1", (long long)id));
	return 0;
}

/* The course's certificates, or the error response set. */
static bool course_certs(request *req, db **d, int64_t *course_id, certificate **items, size_t *n)
{
	if (!auth_path_id(req, 0, course_id))
		return false;
	*d = auth_db(req);
	if (!*d)
		return false;
	int rc = certificate_list_course(*d, req->arena, &req->who, *course_id, items, n);
	if (rc < 0) {
		auth_fail(req, rc);
		return false;
	}
	return true;
}

/* Each trainee with their hours and exactly what the completion rule
 * still misses, or an "Issue" button, or their certificate. */
static void candidates_table(request *req, db *d, int64_t course_id)
{
	cert_candidate *items;
	size_t n;
	if (certificate_candidates(d, req->arena, &req->who, course_id, &items, &n) < 0 || !n)
		return;
	buf *b = &req->resp.body;
	static const char *const headers[] = {"Trainee", "Hours", "Completion", NULL};
	html_raw(b, "<h2>Trainees</h2>");
	page_table_begin(req, "Trainees and what each still needs", headers);
	for (size_t i = 0; i < n; i++) {
		const cert_candidate *c = &items[i];
		html_printf(b, "<tr><td>%s</td><td>%s</td><td>", c->name,
		            progress_hours_text(req->arena, c->prog->total_minutes));
		if (c->certificate_id) {
			html_printf(b, "<a href=\"/certificates/%lld\">Certificate issued</a>",
			            (long long)c->certificate_id);
		} else if (c->prog->is_complete) {
			form_button(req,
			            arena_printf(req->arena, "/enrollments/%lld/certificate",
			                         (long long)c->enrollment_id),
			            "Issue certificate", NULL);
		} else {
			html_raw(b, "<ul class=\"plain\">");
			for (size_t k = 0; k < c->prog->n_missing; k++)
				html_printf(b, "<li>%s</li>", c->prog->missing[k].text);
			html_raw(b, "</ul>");
		}
		html_raw(b, "</td></tr>");
	}
	page_table_end(req);
}

/* GET /courses/{id}/certificates: a course's certificates for
 * coordinators, with "issue to everyone who completed" and the bulk
 * downloads. */
static int course_certs_page(request *req)
{
	db *d;
	int64_t course_id;
	certificate *items;
	size_t n;
	if (!course_certs(req, &d, &course_id, &items, &n))
		return 0;
	buf *b = &req->resp.body;
	page_begin(req, "Course certificates");
	const char *issued = kv_get(&req->query, "issued");
	if (issued)
		page_flash(req, FLASH_SUCCESS,
		           arena_printf(req->arena, "Certificates issued: %s.", issued));
	form_button(req,
	            arena_printf(req->arena, "/courses/%lld/certificates", (long long)course_id),
	            "Issue certificates to everyone who completed", NULL);
	if (n) {
		html_printf(
		    b,
		    "<p><a href=\"/courses/%lld/certificates.zip\">Download all (ZIP)</a> · "
		    "<a href=\"/courses/%lld/certificates.pdf\">Download all (one PDF)</a></p>",
		    (long long)course_id, (long long)course_id);
		/* Only with rows: an empty tbody is invalid markup. */
		page_table_begin(req, "Certificates of the course", list_headers);
		int64_t now = clock_now();
		for (size_t i = 0; i < n; i++)
			cert_row(req, &items[i], now);
		page_table_end(req);
	} else {
		page_flash(req, FLASH_INFO, "No certificates issued for this course yet.");
	}
	candidates_table(req, d, course_id);
	page_end(req);
	return 0;
}

/* POST /courses/{id}/certificates: issues a certificate to every trainee
 * who meets the completion rule and has none yet. */
static int course_certs_issue(request *req)
{
	int64_t course_id;
	db *d;
	if (!auth_path_id(req, 0, &course_id) || !auth_begin(req, NULL, &d))
		return 0;
	int issued = 0;
	int rc = certificate_issue_course(d, req->arena, &req->who, course_id, &issued);
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/courses/%lld/certificates?issued=%d",
	                                (long long)course_id, issued));
	return 0;
}

/* GET /courses/{id}/certificates.pdf: every certificate, one per page. */
static int course_certs_pdf(request *req)
{
	db *d;
	int64_t course_id;
	certificate *items;
	size_t n;
	if (!course_certs(req, &d, &course_id, &items, &n))
		return 0;
	if (!n) {
		resp_error(req, CK_E_NOT_FOUND, "This course has no certificates yet.");
		return 0;
	}
	buf pdf;
	buf_init(&pdf, req->arena);
	int rc = certificates_pdf_render(req, d, items, n, &pdf);
	if (rc == 0)
		rc = certificate_audit_export(d, req->arena, &req->who, course_id, "pdf", n);
	if (!auth_ok(req, rc))
		return 0;
	certificates_send_file(
	    req, "application/pdf",
	    arena_printf(req->arena, "course-%lld-certificates.pdf", (long long)course_id), &pdf);
	return 0;
}

/* GET /courses/{id}/certificates.zip: one PDF a certificate, by serial. */
static int course_certs_zip(request *req)
{
	db *d;
	int64_t course_id;
	certificate *items;
	size_t n;
	if (!course_certs(req, &d, &course_id, &items, &n))
		return 0;
	if (!n) {
		resp_error(req, CK_E_NOT_FOUND, "This course has no certificates yet.");
		return 0;
	}
	zip_member *members = arena_array(req->arena, n, sizeof *members);
	for (size_t i = 0; i < n; i++) {
		buf pdf;
		buf_init(&pdf, req->arena);
		int rc = certificates_pdf_render(req, d, &items[i], 1, &pdf);
		if (!auth_ok(req, rc))
			return 0;
		members[i] = (zip_member){arena_printf(req->arena, "%s.pdf", items[i].serial),
		                          pdf.data, pdf.len};
	}
	buf zip;
	buf_init(&zip, req->arena);
	int rc = certificate_zip(req->arena, members, n, &zip);
	if (rc == 0)
		rc = certificate_audit_export(d, req->arena, &req->who, course_id, "zip", n);
	if (!auth_ok(req, rc))
		return 0;
	certificates_send_file(
	    req, "application/zip",
	    arena_printf(req->arena, "course-%lld-certificates.zip", (long long)course_id), &zip);
	return 0;
}

/* POST /enrollments/{id}/certificate: issues one trainee's certificate;
 * when the rule is not met, a page lists exactly what is missing. */
static int enrollment_issue(request *req)
{
	int64_t enrollment_id;
	db *d;
	if (!auth_path_id(req, 0, &enrollment_id) || !auth_begin(req, NULL, &d))
		return 0;
	field_errors errs = {0};
	int64_t id = 0;
	int rc = certificate_issue(d, req->arena, &req->who, enrollment_id, &id, &errs);
	if (rc == CK_E_INVALID || rc == CK_E_CONFLICT) {
		buf *b = &req->resp.body;
		req->resp.status = rc == CK_E_INVALID ? 422 : 409;
		page_begin(req, "Certificate not issued");
		html_raw(b, rc == CK_E_INVALID ? "<p>The completion rule is not met yet:</p><ul>"
		                               : "<ul>");
		for (size_t i = 0; i < errs.len; i++)
			html_printf(b, "<li>%s</li>", errs.items[i].message);
		html_raw(b, "</ul>");
		page_end(req);
		return 0;
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, arena_printf(req->arena, "/certificates/%lld", (long long)id));
	return 0;
}

static void settings_form(request *req, const cert_settings *v, const field_errors *errs)
{
	page_begin(req, "Certificate settings");
	if (kv_get(&req->query, "saved"))
		page_flash(req, FLASH_SUCCESS, "Saved.");
	form_errors_summary(req, errs);
	form_begin(req, "/certificates/settings", NULL);
	form_text(req, "prefix", "Serial prefix (blank: the program's initials)", "text", v->prefix,
	          errs, "maxlength=\"12\"");
	form_text(req, "valid_months", "Valid for, in months (blank or 0: no expiry)", "number",
	          v->valid_months, errs, "min=\"0\" max=\"600\"");
	form_text(req, "refresher_months", "Refresher due after, in months (blank: 24)", "number",
	          v->refresher_months, errs, "min=\"0\" max=\"600\"");
	form_submit(req, "Save");
	form_end(req);
	page_end(req);
}

/* GET /certificates/settings: serial prefix, validity and refresher
 * interval for certificates issued from now on. */
static int settings_page(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	cert_settings v;
	int rc = certificate_settings_get(d, req->arena, &v);
	if (!auth_ok(req, rc))
		return 0;
	settings_form(req, &v, NULL);
	return 0;
}

/* POST /certificates/settings */
static int settings_save(request *req)
{
	db *d = auth_db(req);
	if (!d)
		return 0;
	field_errors errs = {0};
	int rc = certificate_settings_set(d, req->arena, &req->who, &req->form, &errs);
	if (rc == CK_E_INVALID) {
		cert_settings v = {kv_get(&req->form, "prefix"), kv_get(&req->form, "valid_months"),
		                   kv_get(&req->form, "refresher_months")};
		static const field_label labels[] = {{"prefix", "Serial prefix"},
		                                     {"valid_months", "Valid for"},
		                                     {"refresher_months", "Refresher due after"}};
		AUTH_NAME_ERRORS(req->arena, &errs, labels);
		req->resp.status = 422;
		settings_form(req, &v, &errs);
		return 0;
	}
	if (!auth_ok(req, rc))
		return 0;
	resp_redirect(req, "/certificates/settings?saved=1");
	return 0;
}

static const route certificates_page_routes[] = {
    {"GET", "/certificates/settings", settings_page, PERM_CERTS_ISSUE, 0,
     "Certificate settings: serial prefix, validity, refresher interval"},
    {"POST", "/certificates/settings", settings_save, PERM_CERTS_ISSUE, 0,
     "Save the certificate settings"},
    {"GET", "/verify/{code}", verify_page, PERM_PUBLIC, 0,
     "Public certificate verification: holder, program, course, date, status"},
    {"GET", "/certificates", certs_list_page, PERM_SIGNED_IN, 0, "Certificates in scope"},
    {"GET", "/certificates/{id}", cert_show, PERM_SIGNED_IN, 0, "One certificate"},
    {"GET", "/certificates/{id}/pdf", cert_pdf, PERM_SIGNED_IN, 0, "The certificate as PDF"},
    {"POST", "/certificates/{id}/revoke", cert_revoke, PERM_CERTS_ISSUE, 0, "Revoke a certificate"},
    {"GET", "/courses/{id}/certificates", course_certs_page, PERM_CERTS_ISSUE, 0,
     "A course's certificates"},
    {"POST", "/courses/{id}/certificates", course_certs_issue, PERM_CERTS_ISSUE, 0,
     "Issue certificates to everyone who completed the course"},
    {"GET", "/courses/{id}/certificates.zip", course_certs_zip, PERM_CERTS_ISSUE, 0,
     "All certificates of a course as a ZIP of PDFs"},
    {"GET", "/courses/{id}/certificates.pdf", course_certs_pdf, PERM_CERTS_ISSUE, 0,
     "All certificates of a course as one PDF"},
    {"POST", "/enrollments/{id}/certificate", enrollment_issue, PERM_CERTS_ISSUE, 0,
     "Issue one trainee's certificate"},
};

void certificates_pages_register(void)
{
	ROUTES_ADD(certificates_page_routes);
}
