/* transcripts_api.c: an officer's transcript and an agency's CIT status
 * as JSON, the same records the pages show (transcripts_pages.c) with
 * the same scope: the service answers CK_E_NOT_FOUND outside it. */
#include <string.h>

#include "../auth/auth_web.h"
#include "../base/clock.h"
#include "../base/errors.h"
#include "../training/enroll_web.h"
#include "certificates_web.h"
#include "transcripts.h"

/* A course's first or last day ("2027-03-01"): stored as midnight UTC of
 * the local date. */
static void day_out(json_out *o, int64_t day)
{
	char iso[CLOCK_RFC3339_LEN];
	clock_rfc3339(day, iso);
	iso[10] = '\0';
	json_out_string(o, iso);
}

static void course_out(json_out *o, const transcript_course *c)
{
	json_out_object(o);
	json_out_key(o, "enrollment_id");
	json_out_int(o, c->enrollment_id);
	json_out_key(o, "course_id");
	json_out_int(o, c->course_id);
	json_out_key(o, "course_title");
	json_out_string(o, c->course_title);
	json_out_key(o, "enrollment_status");
	json_out_string(o, c->enrollment_status);
	json_out_key(o, "starts_on");
	day_out(o, c->starts_on);
	json_out_key(o, "ends_on");
	day_out(o, c->ends_on);
	/* Minutes by module and component, and what completion still lacks,
	 * as GET /api/v1/enrollments/{id} has them. */
	json_out_key(o, "progress");
	json_t *p = enroll_progress_json(&c->prog);
	json_out_value(o, p);
	json_decref(p);
	json_out_end(o);
}

/* The transcript of user id as JSON, with status; the service's error
 * otherwise. */
static int reply_transcript(request *req, db *d, int64_t id, int status)
{
	transcript t;
	int rc = transcript_get(d, req->arena, &req->who, id, &t);
	if (!auth_api_ok(req, rc, NULL))
		return 0;
	int64_t now = clock_now();
	json_out o;
	resp_json_stream(req, status, 4096, &o);
	json_out_object(&o);
	json_out_key(&o, "user_id");
	json_out_int(&o, t.user_id);
	json_out_key(&o, "name");
	json_out_string(&o, t.name);
	json_out_key(&o, "email");
	json_out_string(&o, t.email);
	json_out_key(&o, "org_id");
	json_out_int(&o, t.org_id);
	json_out_key(&o, "org_name");
	json_out_string(&o, t.org_name);
	json_out_key(&o, "courses");
	json_out_array(&o);
	for (size_t i = 0; i < t.n_courses; i++)
		course_out(&o, &t.courses[i]);
	json_out_end(&o);
	json_out_key(&o, "certificates");
	json_out_array(&o);
	for (size_t i = 0; i < t.n_certs; i++)
		certificates_json_out(&o, &t.certs[i], now);
	json_out_end(&o);
	json_out_end(&o);
	return 0;
}

/* GET /api/v1/users/{id}/transcript: courses (newest first) with hours
 * by module and component, and certificates with their status. The
 * person themself, supervisors of their agency, coordinators and admins;
 * 404 for anyone else. */
static int transcript_get_json(request *req)
{
	return auth_api_get(req, reply_transcript);
}

/* GET /api/v1/training/status?org=ID: each active officer and supervisor
 * of an agency with their CIT status, and whose refresher is due within
 * 90 days. Supervisors their own agency (the default), coordinators and
 * admins any; another agency is 404, as on /training/status; an org that
 * is not a number is 422. */
static int status_get_json(request *req)
{
	int64_t org_id = auth_query_id(req, "org");
	if (org_id < 0) {
		field_errors errs = {0};
		field_errors_add(&errs, "org", "is not an organization's id");
		auth_api_fail(req, CK_E_INVALID, &errs);
		return 0;
	}
	db *d = auth_db(req);
	if (!d)
		return 0;
	int64_t now = clock_now();
	officer_status *items;
	size_t n;
	org g;
	if (!auth_api_ok(req, transcripts_agency(req, d, org_id, now, &g, &items, &n), NULL))
		return 0;
	size_t counts[CIT_NONE + 1] = {0}, due = 0;
	for (size_t i = 0; i < n; i++) {
		counts[items[i].status]++;
		due += items[i].is_refresher_due;
	}
	json_out o;
	resp_json_stream(req, 200, 256 + n * 256, &o);
	json_out_object(&o);
	json_out_key(&o, "org_id");
	json_out_int(&o, g.id);
	json_out_key(&o, "org_name");
	json_out_string(&o, g.name);
	json_out_key(&o, "as_of");
	json_out_time(&o, now);
	json_out_key(&o, "refresher_window_days");
	json_out_int(&o, TRANSCRIPT_SOON_DAYS);
	json_out_key(&o, "counts");
	json_out_object(&o);
	for (int s = CIT_CERTIFIED; s <= CIT_NONE; s++) {
		json_out_key(&o, cit_status_name((cit_status)s));
		json_out_int(&o, (int64_t)counts[s]);
	}
	json_out_key(&o, "refresher_due");
	json_out_int(&o, (int64_t)due);
	json_out_end(&o);
	json_out_key(&o, "items");
	json_out_array(&o);
	for (size_t i = 0; i < n; i++) {
		const officer_status *s = &items[i];
		json_out_object(&o);
		json_out_key(&o, "user_id");
		json_out_int(&o, s->user_id);
		json_out_key(&o, "name");
		json_out_string(&o, s->name);
		json_out_key(&o, "email");
		json_out_string(&o, s->email);
		json_out_key(&o, "status");
		json_out_string(&o, cit_status_name(s->status));
		json_out_key(&o, "certificate_id");
		if (s->certificate_id)
			json_out_int(&o, s->certificate_id);
		else
			json_out_null(&o);
		json_out_key(&o, "expires_at");
		json_out_time(&o, s->expires_at);
		json_out_key(&o, "refresher_due_at");
		json_out_time(&o, s->refresher_due_at);
		json_out_key(&o, "is_refresher_due");
		json_out_bool(&o, s->is_refresher_due);
		json_out_end(&o);
	}
	json_out_end(&o);
	json_out_end(&o);
	return 0;
}

static const route transcripts_api_routes[] = {
    {"GET", "/api/v1/users/{id}/transcript", transcript_get_json, PERM_SIGNED_IN, ROUTE_API,
     "An officer's transcript: courses with hours by module and component, certificates and "
     "their status (oneself, supervisors of the agency, coordinators)"},
    {"GET", "/api/v1/training/status", status_get_json, PERM_TRAINING_STATUS, ROUTE_API,
     "Each officer of an agency (org=ID; default one's own) with CIT status, expiry and "
     "refreshers due within 90 days"},
};

void transcripts_api_register(void)
{
	ROUTES_ADD(transcripts_api_routes);
}
