/* certificates_api.c: certificates as JSON: list (filters), one, its PDF,
 * issue and revoke. Reading follows the service's scope (holder,
 * supervisor of the holder's agency, coordinators and admins); anything
 * outside it is 404. */
#include <string.h>

#include "../auth/auth_web.h"
#include "../base/clock.h"
#include "../base/errors.h"
#include "certificates_web.h"

void certificates_json_out(json_out *o, const certificate *c, int64_t now)
{
	json_out_object(o);
	json_out_key(o, "id");
	json_out_int(o, c->id);
	json_out_key(o, "serial");
	json_out_string(o, c->serial);
	json_out_key(o, "status");
	json_out_string(o, cert_status_name(certificate_status(c, now)));
	json_out_key(o, "holder_name");
	json_out_string(o, c->holder_name);
	json_out_key(o, "user_id");
	json_out_int(o, c->user_id);
	json_out_key(o, "org_id");
	json_out_int(o, c->org_id);
	json_out_key(o, "enrollment_id");
	json_out_int(o, c->enrollment_id);
	json_out_key(o, "course_id");
	json_out_int(o, c->course_id);
	json_out_key(o, "course_title");
	json_out_string(o, c->course_title);
	json_out_key(o, "minutes");
	json_out_int(o, c->minutes);
	json_out_key(o, "issued_at");
	json_out_time(o, c->issued_at);
	json_out_key(o, "expires_at");
	json_out_time(o, c->expires_at);
	json_out_key(o, "refresher_due_at");
	json_out_time(o, c->refresher_due_at);
	json_out_key(o, "revoked_at");
	json_out_time(o, c->revoked_at);
	json_out_key(o, "revoked_reason");
	json_out_string(o, c->revoked_reason);
	json_out_key(o, "issued_by");
	if (c->issued_by)
		json_out_int(o, c->issued_by);
	else
		json_out_null(o);
	json_out_key(o, "issued_by_name");
	json_out_string(o, c->issued_by_name);
	json_out_key(o, "verify_code");
	json_out_string(o, c->verify_code);
	json_out_end(o);
}

static int reply_cert(request *req, db *d, int64_t id, int status)
{
	certificate c;
	int rc = certificate_get(d, req->arena, &req->who, id, &c);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	json_out o;
	resp_json_stream(req, status, 1024, &o);
	certificates_json_out(&o, &c, clock_now());
	return 0;
}

/* GET /api/v1/certificates?course=ID&user=ID&org=ID&status=S&limit=N&cursor=C:
 * certificates newest first, within the caller's scope. status: valid,
 * expired or revoked. */
static int certs_list(request *req)
{
	int limit;
	if (!auth_query_limit(req, 50, 200, &limit))
		return 0;
	field_errors errs = {0};
	cert_filter f = {0};
	const char *names[] = {"course", "user", "org"};
	int64_t *slots[] = {&f.course_id, &f.user_id, &f.org_id};
	for (size_t i = 0; i < 3; i++) {
		int64_t v = auth_query_id(req, names[i]);
		if (v < 0)
			field_errors_add(&errs, names[i], "must be a positive id");
		else
			*slots[i] = v;
	}
	const char *status = kv_get(&req->query, "status");
	if (status && *status) {
		if (strcmp(status, "valid") && strcmp(status, "expired") && strcmp(status, "revoked"))
			field_errors_add(&errs, "status", "must be valid, expired or revoked");
		f.status = status;
	}
	if (errs.len) {
		auth_api_fail(req, CK_E_INVALID, &errs);
		return 0;
	}
	db *d = auth_db(req);
	if (!d)
		return 0;
	certificate *items;
	size_t n;
	const char *next;
	int rc = certificate_list(d, req->arena, &req->who, &f, limit,
	                          kv_get(&req->query, "cursor"), &items, &n, &next);
	if (rc < 0) {
		auth_list_fail(req, rc);
		return 0;
	}
	json_out o;
	resp_json_stream(req, 200, 256 + n * 600, &o);
	int64_t now = clock_now();
	json_out_object(&o);
	json_out_key(&o, "items");
	json_out_array(&o);
	for (size_t i = 0; i < n; i++)
		certificates_json_out(&o, &items[i], now);
	json_out_end(&o);
	json_out_key(&o, "next_cursor");
	json_out_string(&o, next);
	json_out_end(&o);
	return 0;
}

/* GET /api/v1/certificates/{id}: one certificate. */
static int certs_get(request *req)
{
	return auth_api_get(req, reply_cert);
}

/* GET /api/v1/certificates/{id}/pdf: the printable certificate. */
static int certs_pdf(request *req)
{
	int64_t id;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, NULL, &d))
		return 0;
	certificate c;
	int rc = certificate_get(d, req->arena, &req->who, id, &c);
	buf pdf;
	buf_init(&pdf, req->arena);
	if (rc == 0)
		rc = certificates_pdf_render(req, d, &c, 1, &pdf);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	certificates_send_file(req, "application/pdf",
	                       arena_printf(req->arena, "%s.pdf", c.serial), &pdf);
	return 0;
}

/* POST /api/v1/certificates: JSON {enrollment_id}. 201 with the
 * certificate; 422 listing what the completion rule still misses; 409
 * when the enrollment already has one. */
static int certs_issue(request *req)
{
	static const field_spec specs[] = {
	    {"enrollment_id", FIELD_INT, true, 1, INT64_MAX, NULL, "Enrollment"},
	};
	const kv *in = NULL;
	if (request_fields(req, &in) < 0)
		return 0;
	field_errors errs = {0};
	field_value v[1];
	if (validate_fields(req->arena, in, specs, 1, v, &errs) < 0) {
		auth_api_fail(req, CK_E_INVALID, &errs);
		return 0;
	}
	db *d = auth_db(req);
	if (!d)
		return 0;
	int64_t id = 0;
	int rc = certificate_issue(d, req->arena, &req->who, v[0].number, &id, &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	auth_api_location(req, "/api/v1/certificates", id);
	return reply_cert(req, d, id, 201);
}

/* POST /api/v1/certificates/{id}/revoke: JSON {reason}. 200 with the
 * certificate; 409 when it is already revoked. */
static int certs_revoke(request *req)
{
	int64_t id;
	const kv *in = NULL;
	db *d;
	if (!auth_path_id(req, 0, &id) || !auth_begin(req, &in, &d))
		return 0;
	field_errors errs = {0};
	int rc = certificate_revoke(d, req->arena, &req->who, id, kv_get(in, "reason"), &errs);
	if (!auth_api_ok(req, rc, &errs))
		return 0;
	return reply_cert(req, d, id, 200);
}

static const route certificates_api_routes[] = {
    {"GET", "/api/v1/certificates", certs_list, PERM_SIGNED_IN, ROUTE_API,
     "Certificates in the caller's scope, newest first; filters course, user, org, status; "
     "paged by limit and cursor"},
    {"POST", "/api/v1/certificates", certs_issue, PERM_CERTS_ISSUE, ROUTE_API,
     "Issue the certificate of a completed enrollment"},
    {"GET", "/api/v1/certificates/{id}", certs_get, PERM_SIGNED_IN, ROUTE_API,
     "One certificate"},
    {"GET", "/api/v1/certificates/{id}/pdf", certs_pdf, PERM_SIGNED_IN, ROUTE_API,
     "The certificate as PDF"},
    {"POST", "/api/v1/certificates/{id}/revoke", certs_revoke, PERM_CERTS_ISSUE, ROUTE_API,
     "Revoke a certificate with a reason"},
};

void certificates_api_register(void)
{
	ROUTES_ADD(certificates_api_routes);
}
