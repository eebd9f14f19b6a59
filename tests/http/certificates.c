/* certificates.c: the HTTP suite's certificate walk, on whichever engine
 * the suite runs: issue refused until the completion rule passes, scopes
 * (holder, supervisor of the same agency, others 404), the PDF read by
 * pdftotext and its QR code decoded by zbarimg to a /verify URL that
 * answers "Valid", a forged code 404, the course ZIP listed by unzip,
 * revocation, the transcript and the agency status page.
 *
 * The course is written with SQL (the course and enrollment services
 * have their own suites); everything checked goes over HTTP. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "certificates.h"
#include "enroll.h"

enum { ORG_A = 1, ORG_B = 2 };

/* Runs SQL statements on the suite's database. */
static void sql(const char *statements)
{
	if (on_postgres()) {
		PGconn *c = PQconnectdb(db_url());
		if (PQstatus(c) != CONNECTION_OK)
			fail_msg("PostgreSQL: %s", PQerrorMessage(c));
		PGresult *r = PQexec(c, statements);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fail_msg("%s: %s", statements, PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
		return;
	}
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "sqlite3 -bail -cmd '.timeout 10000' '%s'", db_url());
	FILE *p = popen(cmd, "w");
	assert_non_null(p);
	fputs(statements, p);
	if (pclose(p) != 0)
		fail_msg("sqlite3 failed on: %s", statements);
}

/* Standard output of a shell command (malloc'd); fails on a non-zero exit. */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 16, len = 0, got;
	char *out = malloc(cap);
	assert_non_null(out);
	while ((got = fread(out + len, 1, cap - len - 1, p)) > 0)
		len += got;
	out[len] = '\0';
	if (pclose(p) != 0)
		fail_msg("%s failed", cmd);
	return out;
}

/* GETs path as a, which must answer 200 with ctype, into dir/name;
 * the file's path into file. */
static void download(agent *a, const char *path, const char *ctype, const char *dir,
                     const char *name, char file[128])
{
	hresp r;
	http_get(a, path, &r);
	expect_status(&r, 200);
	assert_string_equal(r.content_type, ctype);
	snprintf(file, 128, "%s/%s", dir, name);
	FILE *f = fopen(file, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(r.body, 1, r.len, f), r.len);
	assert_int_equal(fclose(f), 0);
	hresp_free(&r);
}

static void bearer(agent *a, const char *email)
{
	memset(a, 0, sizeof *a);
	harness_token_for(email, a->bearer, sizeof a->bearer);
}

static void get_status(agent *a, const char *path, long want)
{
	hresp r;
	http_get(a, path, &r);
	expect_status(&r, want);
	hresp_free(&r);
}

/* Two closed, passed scenario runs of an enrollment of course (the
 * completion rule's scenario assessment), of that course's scenario and
 * rubric (the same id). */
static void passed_runs_in(long course, long enrollment, long user, long at)
{
	char s[1024];
	snprintf(
	    s, sizeof s,
	    "INSERT INTO scenario_runs (course_id, scenario_id, rubric_id, enrollment_id, "
	    "trainee_id, join_code, status, started_by, started_at, closed_at, result, mean_x100) "
	    "VALUES (%ld, %ld, %ld, %ld, %ld, 'E%ld-1', 'closed', %ld, %ld, %ld, 'pass', 400), "
	    "(%ld, %ld, %ld, %ld, %ld, 'E%ld-2', 'closed', %ld, %ld, %ld, 'pass', 400);",
	    course, course, course, enrollment, user, enrollment, user, at, at, course, course,
	    course, enrollment, user, enrollment, user, at, at);
	sql(s);
}

static void passed_runs(long enrollment, long user, long at)
{
	passed_runs_in(90001, enrollment, user, at);
}

/* Course base (ids base.. of its curriculum, version, module, session,
 * rubric and scenario) with one required module of 40 hours in one
 * session that is over; user1 and user2 enrolled (enrollments base and
 * base + 1), present by default; no scenario run yet. */
static void seed_course(long base, const char *title, long user1, long user2)
{
	long now = (long)time(NULL), past = now - 10 * 86400, b = base;
	char s[4096];
	snprintf(
	    s, sizeof s,
	    "INSERT INTO curricula (id, name, kind, created_at) VALUES (%ld, 'HTTP cert %ld', "
	    "'local', %ld);"
	    "INSERT INTO curriculum_versions (id, curriculum_id, version, title, status, "
	    "created_at, updated_at) "
	    "VALUES (%ld, %ld, 1, 'HTTP v1', 'approved', %ld, %ld);"
	    "INSERT INTO curriculum_modules (id, version_id, code, position, title, component, "
	    "minutes, is_required, model_minutes) "
	    "VALUES (%ld, %ld, 'all', 1, 'Everything', 'deescalation', 2400, 1, 2400);"
	    "INSERT INTO courses (id, version_id, title, starts_on, ends_on, capacity, status, "
	    "created_at, updated_at) "
	    "VALUES (%ld, %ld, '%s', %ld, %ld, 20, 'in_progress', %ld, %ld);"
	    "INSERT INTO course_sessions (id, course_id, starts_at, ends_at, created_at, "
	    "updated_at) "
	    "VALUES (%ld, %ld, %ld, %ld, %ld, %ld);"
	    "INSERT INTO session_modules (session_id, module_id, minutes) VALUES (%ld, %ld, 2400);"
	    "INSERT INTO enrollments (id, course_id, user_id, status, created_at, updated_at) "
	    "VALUES (%ld, %ld, %ld, 'enrolled', %ld, %ld);"
	    "INSERT INTO enrollments (id, course_id, user_id, status, created_at, updated_at) "
	    "VALUES (%ld, %ld, %ld, 'enrolled', %ld, %ld);",
	    b, b, now, b, b, now, now, b, b, b, b, title, past, past, now, now, b, b, past,
	    past + 2400 * 60, now, now, b, b, b, b, user1, now, now, b + 1, b, user2, now, now);
	sql(s);
	/* A rubric and a scenario as the library would take them (the
	 * library's export and import tests read every row). */
	snprintf(
	    s, sizeof s,
	    "INSERT INTO rubrics (id, code, title, created_at, updated_at) "
	    "VALUES (%ld, 'http-cert-%ld', 'HTTP rubric %ld', 1, 1);"
	    "INSERT INTO rubric_skills (rubric_id, position, code, title, anchor_1, anchor_3, "
	    "anchor_5, is_critical) VALUES (%ld, 1, 'calm', 'Calm voice', 'Shouts', 'Mostly calm', "
	    "'Calm throughout', 1);"
	    "INSERT INTO scenarios (id, code, title, crisis_type, difficulty, dispatch_brief, "
	    "rp_character, minutes, rubric_id, created_at, updated_at) VALUES (%ld, "
	    "'http-cert-%ld', "
	    "'HTTP scenario %ld', 'other', 'introductory', 'A caller reports a man shouting.', "
	    "'A man in his forties, upset.', 10, %ld, 1, 1);",
	    b, b, b, b, b, b, b, b);
	sql(s);
}

void test_certificates_walk(void **state)
{
	(void)state;
	tuser coord, off, off2, sup, sup_b;
	user_make(&coord, "coordinator", ORG_A);
	user_make(&off, "officer", ORG_A);
	user_make(&off2, "officer", ORG_A);
	user_make(&sup, "supervisor", ORG_A);
	user_make(&sup_b, "supervisor", ORG_B);
	long off_id = (long)user_id_of(&off), off2_id = (long)user_id_of(&off2);
	long now = (long)time(NULL);
	char s[4096];
	/* Both officers enrolled; only off2 has passed the two scenario runs
	 * the course asks for. */
	seed_course(90001, "HTTP CIT course", off_id, off2_id);
	passed_runs(90002, off2_id, now);

	agent api_coord, api_off, api_off2, api_sup, api_sup_b, nobody = {0};
	bearer(&api_coord, coord.email);
	bearer(&api_off, off.email);
	bearer(&api_off2, off2.email);
	bearer(&api_sup, sup.email);
	bearer(&api_sup_b, sup_b.email);
	hresp r;

	/* Not complete: 422 saying what is missing; nothing issued. */
	http_json(&api_coord, "POST", "/api/v1/certificates", "{\"enrollment_id\": 90001}", &r);
	expect_status(&r, 422);
	if (!strstr(r.body, "\"field\":\"enrollment\"") && !strstr(r.body, "\"field\": \"enrollment\""))
		fail_msg("the 422 does not name the enrollment: %s", r.body);
	hresp_free(&r);
	/* An officer may not issue. */
	http_json(&api_off, "POST", "/api/v1/certificates", "{\"enrollment_id\": 90002}", &r);
	expect_status(&r, 403);
	hresp_free(&r);

	passed_runs(90001, off_id, now);
	http_json(&api_coord, "POST", "/api/v1/certificates", "{\"enrollment_id\": 90001}", &r);
	expect_status(&r, 201);
	json_t *j = hresp_json(&r);
	long id = (long)json_integer_value(json_object_get(j, "id"));
	char code[64], serial[64];
	snprintf(code, sizeof code, "%s", json_string_value(json_object_get(j, "verify_code")));
	snprintf(serial, sizeof serial, "%s", json_string_value(json_object_get(j, "serial")));
	assert_string_equal(json_string_value(json_object_get(j, "status")), "valid");
	assert_int_equal(json_integer_value(json_object_get(j, "minutes")), 2400);
	/* The issuer is stored as the signer. */
	assert_int_equal(json_integer_value(json_object_get(j, "issued_by")), user_id_of(&coord));
	assert_string_equal(json_string_value(json_object_get(j, "issued_by_name")), coord.name);
	json_decref(j);
	hresp_free(&r);
	http_json(&api_coord, "POST", "/api/v1/certificates", "{\"enrollment_id\": 90001}", &r);
	expect_status(&r, 409);
	hresp_free(&r);

	/* Scope: holder, their supervisor, coordinators; others 404. */
	char path[256];
	snprintf(path, sizeof path, "/api/v1/certificates/%ld", id);
	get_status(&api_off, path, 200);
	get_status(&api_sup, path, 200);
	get_status(&api_coord, path, 200);
	get_status(&api_off2, path, 404);
	get_status(&api_sup_b, path, 404);
	get_status(&nobody, path, 401);
	http_get(&api_coord, "/api/v1/certificates?course=90001&status=valid", &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
	hresp_free(&r);
	http_get(&api_off2, "/api/v1/certificates", &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
	json_decref(j);
	hresp_free(&r);

	/* The PDF, read by real tools. */
	char dir[] = "/tmp/citkit-http-cert.XXXXXX", file[128], cmd[512];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "/api/v1/certificates/%ld/pdf", id);
	get_status(&api_off2, path, 404);
	download(&api_off, path, "application/pdf", dir, "c.pdf", file);
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s -", file);
	char *text = run(cmd);
	if (!strstr(text, off.name) || !strstr(text, "40 h of instruction") || !strstr(text, serial))
		fail_msg("pdftotext lacks the holder, hours or serial:\n%s", text);
	if (!strstr(text, coord.name))
		fail_msg("pdftotext lacks the signer (the issuing coordinator):\n%s", text);
	free(text);
	snprintf(cmd, sizeof cmd, "pdftoppm -r 150 -png %s %s/p && zbarimg -q --raw %s/p-1.png 2>/dev/null",
	         file, dir, dir);
	char *qr = run(cmd);
	char want[512];
	snprintf(want, sizeof want, "%s/verify/%s\n", base_url(), code);
	assert_string_equal(qr, want);
	free(qr);
	snprintf(path, sizeof path, "/verify/%s", code);
	http_get(NULL, path, &r);
	expect_status(&r, 200);
	if (!strstr(r.body, "<strong>Valid</strong>") || !strstr(r.body, "HTTP CIT course"))
		fail_msg("the verify page does not say valid:\n%s", r.body);
	if (strstr(r.body, off.email) || strstr(r.body, serial))
		fail_msg("the verify page shows more than it should");
	hresp_free(&r);
	/* A forged code: 404 and nothing about anyone. */
	char forged[64];
	snprintf(forged, sizeof forged, "%s", code);
	forged[0] = forged[0] == 'A' ? 'B' : 'A';
	snprintf(path, sizeof path, "/verify/%s", forged);
	http_get(NULL, path, &r);
	expect_status(&r, 404);
	if (strstr(r.body, off.name) || strstr(r.body, "HTTP CIT course"))
		fail_msg("a forged code's 404 reveals something");
	hresp_free(&r);
	get_status(NULL, "/verify/not-a-code", 404);

	/* Pages: coordinators get the course's certificates as ZIP and PDF. */
	agent web_coord = {0}, web_off = {0}, web_sup = {0}, web_sup_b = {0};
	login(&web_coord, &coord);
	login(&web_off, &off);
	/* The coordinator's list: off2 is ready (an Issue button), off has one. */
	http_get(&web_coord, "/courses/90001/certificates", &r);
	expect_status(&r, 200);
	if (!strstr(r.body, "/enrollments/90002/certificate") || !strstr(r.body, "Certificate issued"))
		fail_msg("the course's trainee list is wrong:\n%s", r.body);
	hresp_free(&r);
	get_status(&web_off, "/courses/90001/certificates", 403);
	get_status(&web_off, "/courses/90001/certificates.zip", 403);
	download(&web_coord, "/courses/90001/certificates.zip", "application/zip", dir, "c.zip", file);
	snprintf(cmd, sizeof cmd, "unzip -l %s", file);
	char *list = run(cmd);
	char member[96];
	snprintf(member, sizeof member, "%s.pdf", serial);
	if (!strstr(list, member) || !strstr(list, "1 file"))
		fail_msg("unzip -l does not list %s:\n%s", member, list);
	free(list);
	http_get(&web_coord, "/courses/90001/certificates.pdf", &r);
	expect_status(&r, 200);
	assert_string_equal(r.content_type, "application/pdf");
	hresp_free(&r);
	/* Bulk downloads are exports: audited. */
	agent admin = {0};
	snprintf(admin.bearer, sizeof admin.bearer, "%s", admin_token());
	http_get(&admin, "/api/v1/audit?action=certificate.export", &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	json_decref(j);
	hresp_free(&r);
	snprintf(path, sizeof path, "/certificates/%ld", id);
	http_get(&web_off, path, &r);
	expect_status(&r, 200);
	char issued_by[256];
	snprintf(issued_by, sizeof issued_by, "<dt>Issued by</dt><dd>%s</dd>", coord.name);
	if (!strstr(r.body, issued_by))
		fail_msg("the certificate page does not name its signer %s", coord.name);
	hresp_free(&r);
	/* A certificate from before issued_by: the audit log names the signer. */
	snprintf(s, sizeof s, "UPDATE certificates SET issued_by = NULL WHERE id = %ld;", id);
	sql(s);
	http_get(&web_off, path, &r);
	expect_status(&r, 200);
	if (!strstr(r.body, issued_by))
		fail_msg("a certificate without issued_by does not name its signer");
	hresp_free(&r);
	snprintf(path, sizeof path, "/api/v1/certificates/%ld", id);
	http_get(&api_coord, path, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_true(json_is_null(json_object_get(j, "issued_by")));
	json_decref(j);
	hresp_free(&r);
	snprintf(path, sizeof path, "/certificates/%ld/pdf", id);
	get_status(&web_off, path, 200);
	get_status(&web_off, "/certificates", 200);
	/* The transcript files for API tokens: one's own, a supervisor's
	 * agency; another officer's is not found; no token, 401. */
	snprintf(path, sizeof path, "/api/v1/users/%ld/transcript.csv", off_id);
	http_get(&api_off, path, &r);
	expect_status(&r, 200);
	if (strncmp(r.content_type, "text/csv", 8) || !strstr(r.body, "HTTP CIT course"))
		fail_msg("the transcript CSV is wrong (%s):\n%s", r.content_type, r.body);
	hresp_free(&r);
	get_status(&api_sup, path, 200);
	get_status(&api_off2, path, 404);
	get_status(&api_sup_b, path, 404);
	get_status(&nobody, path, 401);
	snprintf(path, sizeof path, "/api/v1/users/%ld/transcript.pdf", off_id);
	http_get(&api_off, path, &r);
	expect_status(&r, 200);
	assert_string_equal(r.content_type, "application/pdf");
	hresp_free(&r);

	/* Certificate settings: coordinators only; bad input re-renders. */
	get_status(&web_coord, "/certificates/settings", 200);
	get_status(&web_off, "/certificates/settings", 403);
	http_post_form(&web_coord, "/certificates/settings", "prefix=A%20B&valid_months=700", &r);
	expect_status(&r, 422);
	hresp_free(&r);
	http_post_form(&web_coord, "/certificates/settings",
	               "prefix=&valid_months=24&refresher_months=12", &r);
	expect_redirect(&r, "/certificates/settings?saved=1");
	hresp_free(&r);

	/* Issue all: off2 completed and gets the next serial. */
	http_post_form(&web_coord, "/courses/90001/certificates", "", &r);
	expect_redirect(&r, "/courses/90001/certificates?issued=1");
	hresp_free(&r);

	/* The course's certificates as one PDF: a page per certificate, both
	 * holders on it (pdfinfo counts the pages). */
	download(&web_coord, "/courses/90001/certificates.pdf", "application/pdf", dir, "all.pdf",
	         file);
	snprintf(cmd, sizeof cmd, "pdfinfo %s | sed -n 's/^Pages: *//p'", file);
	char *pages = run(cmd);
	assert_string_equal(pages, "2\n");
	free(pages);
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s -", file);
	text = run(cmd);
	if (!strstr(text, off.name) || !strstr(text, off2.name))
		fail_msg("the course PDF lacks %s or %s:\n%s", off.name, off2.name, text);
	free(text);

	/* off2's certificate expires (24 months): its public page still
	 * shows only holder, program, course, issue date and status. */
	http_get(&api_off2, "/api/v1/certificates", &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	json_t *c2 = json_array_get(json_object_get(j, "items"), 0);
	if (!c2 || json_is_null(json_object_get(c2, "expires_at")))
		fail_msg("off2's certificate has no expiry: %s", r.body);
	char code2[64], expires2[16];
	snprintf(code2, sizeof code2, "%s", json_string_value(json_object_get(c2, "verify_code")));
	snprintf(expires2, sizeof expires2, "%.10s",
	         json_string_value(json_object_get(c2, "expires_at")));
	json_decref(j);
	hresp_free(&r);
	snprintf(path, sizeof path, "/verify/%s", code2);
	http_get(NULL, path, &r);
	expect_status(&r, 200);
	char terms[256] = "";
	for (const char *dt = strstr(r.body, "<dt>"); dt; dt = strstr(dt + 4, "<dt>")) {
		size_t n = strcspn(dt + 4, "<");
		snprintf(terms + strlen(terms), sizeof terms - strlen(terms), "%.*s|", (int)n, dt + 4);
	}
	assert_string_equal(terms, "Holder|Program|Course|Issued|Status|");
	if (strstr(r.body, expires2) || strstr(r.body, "Valid until"))
		fail_msg("the verify page shows the expiry date %s:\n%s", expires2, r.body);
	hresp_free(&r);

	/* Transcript and agency status. */
	snprintf(path, sizeof path, "/users/%ld/transcript", off_id);
	get_status(&web_off, path, 200);
	snprintf(path, sizeof path, "/users/%ld/transcript.csv", off_id);
	http_get(&web_off, path, &r);
	expect_status(&r, 200);
	if (!strstr(r.body, serial))
		fail_msg("the CSV transcript lacks the certificate:\n%s", r.body);
	hresp_free(&r);
	snprintf(path, sizeof path, "/users/%ld/transcript.pdf", off_id);
	get_status(&web_off, path, 200);
	login(&web_sup, &sup);
	login(&web_sup_b, &sup_b);
	snprintf(path, sizeof path, "/users/%ld/transcript", off_id);
	get_status(&web_sup, path, 200);
	get_status(&web_sup_b, path, 404);
	http_get(&web_sup, "/training/status", &r);
	expect_status(&r, 200);
	if (!strstr(r.body, "Certified"))
		fail_msg("the status page shows no certified officer");
	hresp_free(&r);
	get_status(&web_off, "/training/status", 403);
	get_status(&web_sup_b, "/training/status?org=1", 404);

	/* The same as JSON for API tokens, in the same scopes. */
	snprintf(path, sizeof path, "/api/v1/users/%ld/transcript", off_id);
	http_get(&api_off, path, &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "user_id")), off_id);
	assert_string_equal(json_string_value(json_object_get(j, "name")), off.name);
	json_t *tc = json_array_get(json_object_get(j, "courses"), 0);
	assert_string_equal(json_string_value(json_object_get(tc, "course_title")),
	                    "HTTP CIT course");
	json_t *tp = json_object_get(tc, "progress");
	assert_int_equal(json_integer_value(json_object_get(tp, "total_minutes")), 2400);
	json_t *comp;
	size_t k;
	long long deesc = -1;
	json_array_foreach(json_object_get(tp, "components"), k, comp)
	{
		if (!strcmp(json_string_value(json_object_get(comp, "component")), "deescalation"))
			deesc = (long long)json_integer_value(json_object_get(comp, "attended"));
	}
	assert_int_equal(deesc, 2400);
	json_t *tcert = json_array_get(json_object_get(j, "certificates"), 0);
	assert_string_equal(json_string_value(json_object_get(tcert, "serial")), serial);
	assert_string_equal(json_string_value(json_object_get(tcert, "status")), "valid");
	json_decref(j);
	hresp_free(&r);
	get_status(&api_sup, path, 200);
	get_status(&api_coord, path, 200);
	get_status(&api_off2, path, 404);
	get_status(&api_sup_b, path, 404);
	get_status(&nobody, path, 401);
	get_status(&api_off, "/api/v1/users/999999/transcript", 404);
	/* Agency status: a supervisor's own agency by default; a coordinator
	 * chooses; another agency 404; officers 403. */
	http_get(&api_sup, "/api/v1/training/status", &r);
	expect_status(&r, 200);
	j = hresp_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "org_id")), ORG_A);
	bool has_off = false;
	json_t *item;
	long long certified = 0;
	json_array_foreach(json_object_get(j, "items"), k, item)
	{
		certified += !strcmp(json_string_value(json_object_get(item, "status")), "certified");
		if (json_integer_value(json_object_get(item, "user_id")) != off_id)
			continue;
		has_off = true;
		assert_string_equal(json_string_value(json_object_get(item, "status")), "certified");
		assert_int_equal(json_integer_value(json_object_get(item, "certificate_id")), id);
	}
	if (!has_off)
		fail_msg("the status JSON lacks %s: %s", off.name, r.body);
	/* off and off2 at least (the demo's agency has its own too). */
	assert_true(certified >= 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "certified")),
	                 certified);
	json_decref(j);
	hresp_free(&r);
	get_status(&api_coord, "/api/v1/training/status?org=1", 200);
	get_status(&api_sup, "/api/v1/training/status?org=1", 200);
	get_status(&api_sup_b, "/api/v1/training/status?org=1", 404);
	get_status(&api_coord, "/api/v1/training/status?org=999999", 404);
	get_status(&api_off, "/api/v1/training/status", 403);
	get_status(&nobody, "/api/v1/training/status", 401);
	http_get(&api_coord, "/api/v1/training/status?org=abc", &r);
	expect_status(&r, 422);
	if (!strstr(r.body, "\"org\""))
		fail_msg("the 422 does not name org: %s", r.body);
	hresp_free(&r);

	/* Revocation: a reason is required; then the public page says so. */
	snprintf(path, sizeof path, "/api/v1/certificates/%ld/revoke", id);
	http_json(&api_coord, "POST", path, "{\"reason\": \"\"}", &r);
	expect_status(&r, 422);
	hresp_free(&r);
	http_json(&api_sup, "POST", path, "{\"reason\": \"no\"}", &r);
	expect_status(&r, 403);
	hresp_free(&r);
	http_json(&api_coord, "POST", path, "{\"reason\": \"Issued in error\"}", &r);
	expect_status(&r, 200);
	if (!strstr(r.body, "\"revoked\""))
		fail_msg("the revoked certificate does not say so: %s", r.body);
	hresp_free(&r);
	http_json(&api_coord, "POST", path, "{\"reason\": \"again\"}", &r);
	expect_status(&r, 409);
	hresp_free(&r);
	snprintf(path, sizeof path, "/verify/%s", code);
	http_get(NULL, path, &r);
	expect_status(&r, 200);
	if (!strstr(r.body, "<strong>Revoked</strong>"))
		fail_msg("the verify page does not say revoked");
	hresp_free(&r);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static long long cert_count(long enrollment)
{
	char q[128];
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM certificates WHERE enrollment_id = %ld",
	         enrollment);
	return sql_int(q);
}

/* 1 when enrollment id has status, else 0. */
static long long enrollment_is(long id, const char *status)
{
	char q[160];
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM enrollments WHERE id = %ld AND status = '%s'",
	         id, status);
	return sql_int(q);
}

/* A certificate's status over the API, into out. */
static void cert_status(agent *api, long id, char *out, size_t outlen)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/certificates/%ld", id);
	hresp r;
	http_get(api, path, &r);
	expect_status(&r, 200);
	json_t *j = hresp_json(&r);
	snprintf(out, outlen, "%s", json_string_value(json_object_get(j, "status")));
	json_decref(j);
	hresp_free(&r);
}

/* The page forms: POST /enrollments/{id}/certificate (one trainee's
 * certificate) and POST /certificates/{id}/revoke, and one's own
 * transcript at GET /transcript; each with who may. */
void test_certificate_pages(void **state)
{
	(void)state;
	tuser coord, off, off2, sup, ins;
	user_make(&coord, "coordinator", ORG_B);
	user_make(&off, "officer", ORG_A);
	user_make(&off2, "officer", ORG_A);
	user_make(&sup, "supervisor", ORG_A);
	user_make(&ins, "instructor", ORG_A);
	long off_id = (long)user_id_of(&off);
	seed_course(90101, "HTTP page-issued course", off_id, (long)user_id_of(&off2));
	agent web_coord = {0}, web_off = {0}, web_sup = {0}, web_ins = {0}, nobody = {0};
	login(&web_coord, &coord);
	login(&web_off, &off);
	login(&web_sup, &sup);
	login(&web_ins, &ins);
	agent api_coord;
	bearer(&api_coord, coord.email);
	hresp r;

	/* Not complete yet (no passed scenario run): 422 saying what is
	 * missing; nothing issued. */
	http_post_form(&web_coord, "/enrollments/90101/certificate", "", &r);
	expect_status(&r, 422);
	if (!strstr(r.body, "The completion rule is not met yet") ||
	    !strstr(r.body, "Scenario assessment"))
		fail_msg("the refusal does not say what is missing:\n%.2000s", r.body);
	hresp_free(&r);
	assert_int_equal(cert_count(90101), 0);
	/* Completing it is refused the same way, from the course's page;
	 * still enrolled. */
	http_post_form(&web_coord, "/enrollments/90101/complete", "", &r);
	expect_status(&r, 422);
	if (!strstr(r.body, "Scenario assessment: 0 of 2 runs passed"))
		fail_msg("the refusal to complete does not say what is missing:\n%.2000s", r.body);
	hresp_free(&r);
	assert_int_equal(enrollment_is(90101, "enrolled"), 1);
	passed_runs_in(90101, 90101, off_id, (long)time(NULL));
	/* Completed by an instructor (attendance.write); not by an officer or
	 * supervisor. */
	http_post_form(&web_off, "/enrollments/90101/complete", "", &r);
	expect_status(&r, 403);
	hresp_free(&r);
	http_post_form(&web_sup, "/enrollments/90101/complete", "", &r);
	expect_status(&r, 403);
	hresp_free(&r);
	http_post_form(&web_ins, "/enrollments/999999/complete", "", &r);
	expect_status(&r, 404);
	hresp_free(&r);
	assert_int_equal(enrollment_is(90101, "enrolled"), 1);
	http_post_form(&web_ins, "/enrollments/90101/complete", "", &r);
	expect_redirect(&r, "/courses/90101/enrollments?done=completed");
	hresp_free(&r);
	assert_int_equal(enrollment_is(90101, "completed"), 1);
	/* Again: already done, nothing more written (no second audit row). */
	long long audit = sql_int("SELECT COUNT(*) FROM audit_log");
	http_post_form(&web_ins, "/enrollments/90101/complete", "", &r);
	expect_redirect(&r, "/courses/90101/enrollments?done=completed");
	hresp_free(&r);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM audit_log"), audit);
	/* The same over the API for the other trainee. */
	passed_runs_in(90101, 90102, (long)user_id_of(&off2), (long)time(NULL));
	http_json(&api_coord, "POST", "/api/v1/enrollments/90102/complete", NULL, &r);
	expect_status(&r, 200);
	hresp_free(&r);
	assert_int_equal(enrollment_is(90102, "completed"), 1);
	/* Who may not: officers, supervisors, instructors (403), nobody. */
	agent *refused[] = {&web_off, &web_sup, &web_ins};
	for (size_t k = 0; k < 3; k++) {
		http_post_form(refused[k], "/enrollments/90101/certificate", "", &r);
		expect_status(&r, 403);
		hresp_free(&r);
	}
	http_post_form(&nobody, "/enrollments/90101/certificate", "", &r);
	if (r.status != 403 && !(r.status == 303 && !strncmp(r.location, "/login", 6)))
		fail_msg("issued signed out: %ld", r.status);
	hresp_free(&r);
	http_post_form(&web_coord, "/enrollments/999999/certificate", "", &r);
	expect_status(&r, 404);
	hresp_free(&r);
	assert_int_equal(cert_count(90101), 0);

	/* Issued: to the certificate's page; valid; a second time 409. */
	http_post_form(&web_coord, "/enrollments/90101/certificate", "", &r);
	expect_redirect(&r, "/certificates/");
	long id = strtol(r.location + strlen("/certificates/"), NULL, 10);
	hresp_free(&r);
	assert_int_equal(cert_count(90101), 1);
	char status[32];
	cert_status(&api_coord, id, status, sizeof status);
	assert_string_equal(status, "valid");
	http_post_form(&web_coord, "/enrollments/90101/certificate", "", &r);
	expect_status(&r, 409);
	hresp_free(&r);
	assert_int_equal(cert_count(90101), 1);

	/* One's own transcript lists the course and the certificate. */
	char mine[64];
	snprintf(mine, sizeof mine, "/users/%ld/transcript", off_id);
	http_get(&web_off, "/transcript", &r);
	expect_redirect(&r, mine);
	hresp_free(&r);
	http_get(&web_off, mine, &r);
	expect_status(&r, 200);
	if (!strstr(r.body, "HTTP page-issued course") || !strstr(r.body, off.name) ||
	    !strstr(r.body, "<td>valid</td>"))
		fail_msg("the transcript lacks the course or the name:\n%.2000s", r.body);
	hresp_free(&r);
	http_get(&nobody, "/transcript", &r);
	expect_redirect(&r, "/login");
	hresp_free(&r);

	/* Revoke: a reason is required (the page again, 422, still valid);
	 * only coordinators and admins; then revoked, and not twice. */
	char path[128], page[128];
	snprintf(page, sizeof page, "/certificates/%ld", id);
	snprintf(path, sizeof path, "/certificates/%ld/revoke", id);
	http_get(&web_coord, page, &r);
	expect_status(&r, 200);
	hresp_free(&r);
	http_post_form(&web_coord, path, "reason=", &r);
	expect_status(&r, 422);
	expect_form_error(&r, "reason");
	hresp_free(&r);
	cert_status(&api_coord, id, status, sizeof status);
	assert_string_equal(status, "valid");
	for (size_t k = 0; k < 3; k++) {
		http_post_form(refused[k], path, "reason=Not+yours", &r);
		expect_status(&r, 403);
		hresp_free(&r);
	}
	http_post_form(&web_coord, "/certificates/999999/revoke", "reason=None", &r);
	expect_status(&r, 404);
	hresp_free(&r);
	cert_status(&api_coord, id, status, sizeof status);
	assert_string_equal(status, "valid");
	http_post_form(&web_coord, path, "reason=Issued+in+error", &r);
	expect_redirect(&r, page);
	assert_non_null(strstr(r.location, "revoked=1"));
	hresp_free(&r);
	cert_status(&api_coord, id, status, sizeof status);
	assert_string_equal(status, "revoked");
	http_post_form(&web_coord, path, "reason=Again", &r);
	if (r.status != 409 && r.status != 422)
		fail_msg("revoked twice: %ld", r.status);
	hresp_free(&r);
	http_get(&web_off, mine, &r);
	expect_status(&r, 200);
	if (!strstr(r.body, "<td>revoked</td>"))
		fail_msg("the transcript does not show the certificate revoked:\n%s",
		         strstr(r.body, "<main") ? strstr(r.body, "<main") : r.body);
	hresp_free(&r);
}
