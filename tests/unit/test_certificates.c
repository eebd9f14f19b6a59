/* test_certificates.c: the certificate service on SQLite and PostgreSQL:
 * issuing only when the completion rule passes, serials, expiry and
 * refresher dates, revocation (audited), who may read what, the public
 * lookup; and the PDF and ZIP checked with real tools (pdftotext,
 * pdftoppm + zbarimg, unzip). */
#include "auth_fixture.h"
#include "runs_fixture.h"

#include "auth/settings.h"
#include "credentials/certificate_pdf.h"
#include "credentials/certificate_zip.h"
#include "credentials/certificates.h"
#include "credentials/transcript_pdf.h"
#include "credentials/transcripts.h"

typedef struct course_fx {
	int64_t org, other_org, coordinator, supervisor, other_supervisor, officer, officer2,
	    stranger, course, instructor;
	int64_t enrollment, enrollment2;
} course_fx;

/* One required module of 40 hours, taught in one session that is over;
 * two officers enrolled (no attendance rows: present by default). */
static void course_setup(authfx *f, course_fx *c)
{
	c->org = fx_org(f, "Pine Belt Police", "law_enforcement");
	c->other_org = fx_org(f, "Hattiesburg Sheriff", "law_enforcement");
	c->coordinator = fx_user(f, c->org, "coord@pb.test", "Cora Coordinator", "coordinator", NULL);
	c->supervisor = fx_user(f, c->org, "sup@pb.test", "Sam Supervisor", "supervisor", NULL);
	c->other_supervisor =
	    fx_user(f, c->other_org, "sup@hs.test", "Hal Supervisor", "supervisor", NULL);
	c->officer = fx_user(f, c->org, "jose@pb.test", "José Núñez", "officer", NULL);
	c->officer2 = fx_user(f, c->org, "ann@pb.test", "Ann Officer", "officer", NULL);
	c->stranger = fx_user(f, c->org, "bob@pb.test", "Bob Officer", "officer", NULL);
	c->instructor = fx_user(f, c->org, "cli@pb.test", "Dr Clara Clinician", "instructor,clinician", NULL);
	int64_t now = fx_now_cs / 100, v = 0, m = 0, s = 0;
	assert_int_equal(db_query_int(f->d, &v,
	                              "INSERT INTO curricula (name, kind, created_at) VALUES "
	                              "('Local', 'local', $1) RETURNING id",
	                              "i", now),
	                 DB_ROW);
	assert_int_equal(db_query_int(f->d, &v,
	                              "INSERT INTO curriculum_versions (curriculum_id, version, title, "
	                              "status, created_at, updated_at) VALUES ($1, 1, 'Local v1', "
	                              "'approved', $2, $2) RETURNING id",
	                              "ii", v, now),
	                 DB_ROW);
	assert_int_equal(db_query_int(f->d, &m,
	                              "INSERT INTO curriculum_modules (version_id, code, position, "
	                              "title, component, minutes, is_required, model_minutes) VALUES "
	                              "($1, 'all', 1, 'Everything', 'deescalation', 2400, 1, 2400) "
	                              "RETURNING id",
	                              "i", v),
	                 DB_ROW);
	assert_int_equal(db_query_int(f->d, &c->course,
	                              "INSERT INTO courses (version_id, title, starts_on, ends_on, "
	                              "capacity, status, created_at, updated_at) VALUES ($1, "
	                              "'CIT 40-hour, spring', $2, $2, 20, 'in_progress', $2, $2) "
	                              "RETURNING id",
	                              "ii", v, now - 86400 * 10),
	                 DB_ROW);
	assert_int_equal(db_query_int(f->d, &s,
	                              "INSERT INTO course_sessions (course_id, starts_at, ends_at, "
	                              "created_at, updated_at) VALUES ($1, $2, $3, $2, $2) RETURNING id",
	                              "iii", c->course, now - 86400 * 10, now - 86400 * 10 + 2400 * 60),
	                 DB_ROW);
	assert_int_equal(db_run(f->d, "INSERT INTO session_modules VALUES ($1, $2, 2400)", "ii", s, m),
	                 1);
	assert_int_equal(db_run(f->d, "INSERT INTO session_instructors VALUES ($1, $2)", "ii", s,
	                        c->instructor),
	                 1);
	int64_t *slots[] = {&c->enrollment, &c->enrollment2};
	int64_t users[] = {c->officer, c->officer2};
	for (int i = 0; i < 2; i++)
		assert_int_equal(db_query_int(f->d, slots[i],
		                              "INSERT INTO enrollments (course_id, user_id, status, "
		                              "created_at, updated_at) VALUES ($1, $2, 'enrolled', $3, $3) "
		                              "RETURNING id",
		                              "iii", c->course, users[i], now),
		                 DB_ROW);
}

/* The scenario assessment met: two passed runs. */
static void pass_runs(authfx *f, int64_t enrollment)
{
	fx_closed_runs(f, enrollment, 2, "pass", fx_now_cs / 100);
}

static int64_t issue_ok(authfx *f, const course_fx *c, int64_t enrollment)
{
	principal coord = fx_as(f, c->coordinator);
	field_errors errs = {0};
	int64_t id = 0;
	int rc = certificate_issue(f->d, f->a, &coord, enrollment, &id, &errs);
	if (rc < 0)
		fail_msg("certificate_issue: %d %s", rc, errs.len ? errs.items[0].message : "");
	return id;
}

static void issue_refused_until_complete(void **state)
{
	authfx *f = *state;
	course_fx c;
	course_setup(f, &c);
	principal coord = fx_as(f, c.coordinator), officer = fx_as(f, c.officer);
	field_errors errs = {0};
	int64_t id = 0;
	/* No passed scenario runs yet: refused, saying so, nothing written. */
	assert_int_equal(certificate_issue(f->d, f->a, &coord, c.enrollment, &id, &errs),
	                 CK_E_INVALID);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.items[0].field, "enrollment");
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM certificates"), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.issue'"), 0);
	/* An officer may not issue at all. */
	pass_runs(f, c.enrollment);
	assert_int_equal(certificate_issue(f->d, f->a, &officer, c.enrollment, &id, &errs),
	                 CK_E_FORBIDDEN);
	id = issue_ok(f, &c, c.enrollment);
	assert_true(id > 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM enrollments WHERE status = 'completed'"), 1);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.issue'"), 1);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'enrollment.complete'"), 1);
	certificate cert;
	assert_int_equal(certificate_get(f->d, f->a, &coord, id, &cert), 0);
	assert_string_equal(cert.holder_name, "José Núñez");
	assert_int_equal(cert.minutes, 2400);
	assert_int_equal(cert.issued_at, fx_now_cs / 100);
	/* Twice: a conflict. Unknown enrollment: not found. */
	errs.len = 0;
	assert_int_equal(certificate_issue(f->d, f->a, &coord, c.enrollment, &id, &errs),
	                 CK_E_CONFLICT);
	errs.len = 0;
	assert_int_equal(certificate_issue(f->d, f->a, &coord, 9999, &id, &errs), CK_E_NOT_FOUND);
	/* A withdrawn trainee gets none, complete or not. */
	pass_runs(f, c.enrollment2);
	fx_exec(f, "UPDATE enrollments SET status = 'withdrawn' WHERE status = 'enrolled'");
	errs.len = 0;
	assert_int_equal(certificate_issue(f->d, f->a, &coord, c.enrollment2, &id, &errs),
	                 CK_E_CONFLICT);
	assert_string_equal(errs.items[0].message, "is withdrawn, not enrolled");
}

static void serials_sequential_and_dates(void **state)
{
	authfx *f = *state;
	course_fx c;
	course_setup(f, &c);
	assert_int_equal(settings_set(f->d, SETTING_PROGRAM_NAME, "Pine Belt Regional CIT"), 0);
	const char *prefix;
	assert_int_equal(certificate_prefix(f->d, f->a, &prefix), 0);
	assert_string_equal(prefix, "PBRC");
	assert_int_equal(settings_set(f->d, CERT_SETTING_PREFIX, "PB"), 0);
	assert_int_equal(settings_set(f->d, CERT_SETTING_VALID_MONTHS, "24"), 0);
	assert_int_equal(settings_set(f->d, CERT_SETTING_REFRESHER_MONTHS, "12"), 0);
	pass_runs(f, c.enrollment);
	pass_runs(f, c.enrollment2);
	principal coord = fx_as(f, c.coordinator);
	int issued = 0;
	assert_int_equal(certificate_issue_course(f->d, f->a, &coord, c.course, &issued), 0);
	assert_int_equal(issued, 2);
	certificate *items;
	size_t n;
	assert_int_equal(certificate_list_course(f->d, f->a, &coord, c.course, &items, &n), 0);
	assert_int_equal(n, 2);
	/* By holder name: Ann first; José's enrollment came first, so his serial. */
	const certificate *ann = &items[0], *jose = &items[1];
	assert_string_equal(jose->serial, "PB-2023-0001");
	assert_string_equal(ann->serial, "PB-2023-0002");
	assert_string_not_equal(jose->verify_code, ann->verify_code);
	int64_t now = fx_now_cs / 100;
	/* 2023-11-14 + 24 months = 2025-11-14; + 12 months = 2024-11-14. */
	assert_int_equal(jose->expires_at, now + (366 + 365) * 86400);
	assert_int_equal(jose->refresher_due_at, now + 366 * 86400);
	assert_int_equal(certificate_status(jose, now), CERT_VALID);
	assert_int_equal(certificate_status(jose, jose->expires_at), CERT_EXPIRED);
	/* Month ends clamp: 31 January + 1 month is 28/29 February. */
	assert_int_equal(certificate_add_months(1706659200 /* 2024-01-31 */, 1),
	                 1709164800 /* 2024-02-29 */);
	/* Nothing left to issue. */
	assert_int_equal(certificate_issue_course(f->d, f->a, &coord, c.course, &issued), 0);
	assert_int_equal(issued, 0);
	/* After expiry the public view says so. */
	cert_public pub;
	fx_advance((366 + 365) * 86400);
	assert_int_equal(certificate_verify(f->d, f->a, jose->verify_code, &pub), 0);
	assert_int_equal(pub.status, CERT_EXPIRED);
}

static void revoke_is_audited(void **state)
{
	authfx *f = *state;
	course_fx c;
	course_setup(f, &c);
	pass_runs(f, c.enrollment);
	int64_t id = issue_ok(f, &c, c.enrollment);
	principal coord = fx_as(f, c.coordinator), officer = fx_as(f, c.officer);
	field_errors errs = {0};
	assert_int_equal(certificate_revoke(f->d, f->a, &officer, id, "no", &errs), CK_E_FORBIDDEN);
	assert_int_equal(certificate_revoke(f->d, f->a, &coord, id, "  ", &errs), CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "reason");
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM certificates WHERE revoked_at IS NOT NULL"), 0);
	errs.len = 0;
	assert_int_equal(certificate_revoke(f->d, f->a, &coord, id, "Issued in error", &errs), 0);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.revoke' "
	                             "AND outcome = 'success' AND detail LIKE '%Issued in error%'"),
	                 1);
	errs.len = 0;
	assert_int_equal(certificate_revoke(f->d, f->a, &coord, id, "again", &errs), CK_E_CONFLICT);
	certificate cert;
	assert_int_equal(certificate_get(f->d, f->a, &coord, id, &cert), 0);
	assert_string_equal(cert.revoked_reason, "Issued in error");
	assert_int_equal(cert.revoked_by, c.coordinator);
	cert_public pub;
	assert_int_equal(certificate_verify(f->d, f->a, cert.verify_code, &pub), 0);
	assert_int_equal(pub.status, CERT_REVOKED);
	assert_int_equal(certificate_revoke(f->d, f->a, &coord, 9999, "x", &errs), CK_E_NOT_FOUND);
	audit_report rep;
	assert_int_equal(audit_verify(f->d, f->a, &rep), 0);
	assert_true(rep.ok);
}

static void scopes(void **state)
{
	authfx *f = *state;
	course_fx c;
	course_setup(f, &c);
	pass_runs(f, c.enrollment);
	int64_t id = issue_ok(f, &c, c.enrollment);
	certificate cert;
	int64_t allowed[] = {c.officer, c.supervisor, c.coordinator};
	for (size_t i = 0; i < 3; i++) {
		principal p = fx_as(f, allowed[i]);
		assert_int_equal(certificate_get(f->d, f->a, &p, id, &cert), 0);
	}
	int64_t refused[] = {c.officer2, c.other_supervisor, c.instructor};
	for (size_t i = 0; i < 3; i++) {
		principal p = fx_as(f, refused[i]);
		assert_int_equal(certificate_get(f->d, f->a, &p, id, &cert), CK_E_NOT_FOUND);
		certificate *items;
		size_t n;
		const char *next;
		assert_int_equal(certificate_list(f->d, f->a, &p, NULL, 50, NULL, &items, &n, &next), 0);
		assert_int_equal(n, 0);
	}
	principal sup = fx_as(f, c.supervisor);
	certificate *items;
	size_t n;
	const char *next;
	cert_filter revoked = {.status = "revoked"}, valid = {.course_id = c.course, .status = "valid"};
	assert_int_equal(certificate_list(f->d, f->a, &sup, &valid, 50, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_int_equal(certificate_list(f->d, f->a, &sup, &revoked, 50, NULL, &items, &n, &next), 0);
	assert_int_equal(n, 0);
	principal nobody = {0};
	assert_int_equal(certificate_get(f->d, f->a, &nobody, id, &cert), CK_E_UNAUTHORIZED);
	assert_int_equal(certificate_list_course(f->d, f->a, &sup, c.course, &items, &n),
	                 CK_E_FORBIDDEN);
}

static void verify_reveals_nothing_for_bad_codes(void **state)
{
	authfx *f = *state;
	course_fx c;
	course_setup(f, &c);
	pass_runs(f, c.enrollment);
	int64_t id = issue_ok(f, &c, c.enrollment);
	certificate cert;
	assert_int_equal(certificate_get(f->d, f->a, &f->sys, id, &cert), 0);
	cert_public pub;
	assert_int_equal(certificate_verify(f->d, f->a, cert.verify_code, &pub), 0);
	assert_int_equal(pub.status, CERT_VALID);
	assert_string_equal(pub.holder_name, "José Núñez");
	assert_string_equal(pub.course_title, "CIT 40-hour, spring");
	char forged[CRYPTO_TOKEN_LEN];
	crypto_random_token(forged);
	assert_int_equal(certificate_verify(f->d, f->a, forged, &pub), CK_E_NOT_FOUND);
	assert_int_equal(certificate_verify(f->d, f->a, "' OR 1=1 --", &pub), CK_E_NOT_FOUND);
	assert_int_equal(certificate_verify(f->d, f->a, "", &pub), CK_E_NOT_FOUND);
	assert_int_equal(certificate_verify(f->d, f->a, NULL, &pub), CK_E_NOT_FOUND);
}

/* Runs cmd and returns its standard output (from a). */
static char *run(authfx *f, const char *cmd)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	buf b;
	buf_init(&b, f->a);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(&b, chunk, got);
	assert_int_equal(pclose(p), 0);
	return b.data ? b.data : arena_strdup(f->a, "");
}

static void write_file(const char *path, const buf *b)
{
	FILE *out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(b->data, 1, b->len, out), b->len);
	assert_int_equal(fclose(out), 0);
}

static void pdf_and_zip_read_by_real_tools(void **state)
{
	authfx *f = *state;
	course_fx c;
	course_setup(f, &c);
	pass_runs(f, c.enrollment);
	int64_t id = issue_ok(f, &c, c.enrollment);
	certificate cert;
	assert_int_equal(certificate_get(f->d, f->a, &f->sys, id, &cert), 0);
	cert_pdf_page page = {&cert, NULL, NULL};
	assert_int_equal(certificate_signers(f->d, f->a, &cert, &page.coordinator, &page.instructor), 0);
	assert_string_equal(page.coordinator, "Cora Coordinator");
	assert_string_equal(page.instructor, "Dr Clara Clinician");
	buf pdf;
	buf_init(&pdf, f->a);
	assert_int_equal(certificate_pdf(f->a, &page, 1, "Pine Belt Regional CIT",
	                                 "https://cit.example.org", &pdf),
	                 0);
	assert_memory_equal(pdf.data, "%PDF-", 5);
	char dir[] = "/tmp/citkit-test-cert.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof path, "%s/c.pdf", dir);
	write_file(path, &pdf);
	char *text = run(f, arena_printf(f->a, "pdftotext -enc UTF-8 %s -", path));
	assert_non_null(strstr(text, "José Núñez"));
	assert_non_null(strstr(text, "40 h of instruction (2400 minutes)"));
	assert_non_null(strstr(text, cert.serial));
	assert_non_null(strstr(text, "Cora Coordinator"));
	assert_non_null(strstr(text, "Pine Belt Regional CIT"));
	char *qr = run(f, arena_printf(f->a, "pdftoppm -r 150 -png %s %s/page && zbarimg -q --raw %s/page-1.png 2>/dev/null",
	                               path, dir, dir));
	assert_string_equal(qr, arena_printf(f->a, "https://cit.example.org/verify/%s\n",
	                                     cert.verify_code));
	/* Two pages in one document. */
	cert_pdf_page two[2] = {page, page};
	buf both;
	buf_init(&both, f->a);
	assert_int_equal(certificate_pdf(f->a, two, 2, "P", "http://x", &both), 0);
	write_file(path, &both);
	assert_non_null(strstr(run(f, arena_printf(f->a, "pdfinfo %s", path)), "Pages:           2"));
	/* A ZIP of two members, listed by unzip. */
	zip_member members[2] = {{"PB-1.pdf", pdf.data, pdf.len}, {"PB-2.pdf", both.data, both.len}};
	buf zip;
	buf_init(&zip, f->a);
	assert_int_equal(certificate_zip(f->a, members, 2, &zip), 0);
	snprintf(path, sizeof path, "%s/c.zip", dir);
	write_file(path, &zip);
	char *list = run(f, arena_printf(f->a, "unzip -l %s", path));
	assert_non_null(strstr(list, "PB-1.pdf"));
	assert_non_null(strstr(list, "PB-2.pdf"));
	assert_non_null(strstr(list, "2 files"));
	run(f, arena_printf(f->a, "unzip -tq %s && rm -rf %s", path, dir));
}

static void winansi_names(void **state)
{
	authfx *f = *state;
	assert_string_equal(certificate_pdf_winansi(f->a, "Zoë O’Brien"), "Zo\xeb O\x92" "Brien");
	assert_string_equal(certificate_pdf_winansi(f->a, "Łukasz Żak"), "?ukasz ?ak");
	assert_string_equal(certificate_pdf_winansi(f->a, "\xff bad"), "? bad");
}

static void transcript_and_agency_status(void **state)
{
	authfx *f = *state;
	course_fx c;
	course_setup(f, &c);
	assert_int_equal(settings_set(f->d, CERT_SETTING_VALID_MONTHS, "24"), 0);
	pass_runs(f, c.enrollment);
	int64_t id = issue_ok(f, &c, c.enrollment);
	principal officer = fx_as(f, c.officer), sup = fx_as(f, c.supervisor),
	          other = fx_as(f, c.other_supervisor), coord = fx_as(f, c.coordinator),
	          officer2 = fx_as(f, c.officer2);
	transcript t;
	assert_int_equal(transcript_get(f->d, f->a, &officer, c.officer, &t), 0);
	assert_int_equal(t.n_courses, 1);
	assert_int_equal(t.courses[0].prog.total_minutes, 2400);
	assert_int_equal(t.n_certs, 1);
	assert_int_equal(t.certs[0].id, id);
	assert_int_equal(transcript_get(f->d, f->a, &sup, c.officer, &t), 0);
	assert_int_equal(transcript_get(f->d, f->a, &coord, c.officer, &t), 0);
	assert_int_equal(transcript_get(f->d, f->a, &other, c.officer, &t), CK_E_NOT_FOUND);
	assert_int_equal(transcript_get(f->d, f->a, &officer2, c.officer, &t), CK_E_NOT_FOUND);
	assert_int_equal(transcript_get(f->d, f->a, &coord, c.officer, &t), 0);
	buf csv;
	buf_init(&csv, f->a);
	transcript_csv(f->a, &t, fx_now_cs / 100, &csv);
	assert_non_null(strstr(csv.data, "\"certificate\",\"CIT 40-hour, spring\",\"\",\"\",\"\",\"\",\"2400\",\"\","));
	assert_non_null(strstr(csv.data, "\"hours\",\"CIT 40-hour, spring\",\"completed\","));
	buf pdf;
	buf_init(&pdf, f->a);
	assert_int_equal(transcript_pdf(f->a, &t, "Pine Belt", fx_now_cs / 100, &pdf), 0);
	assert_memory_equal(pdf.data, "%PDF-", 5);

	/* José certified, Ann in training, Bob none (supervisor Sam: none). */
	officer_status *items;
	size_t n;
	int64_t now = fx_now_cs / 100;
	assert_int_equal(agency_status(f->d, f->a, &sup, c.org, now, &items, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(items[0].name, "Ann Officer");
	assert_int_equal(items[0].status, CIT_IN_TRAINING);
	assert_string_equal(items[1].name, "Bob Officer");
	assert_int_equal(items[1].status, CIT_NONE);
	assert_string_equal(items[2].name, "José Núñez");
	assert_int_equal(items[2].status, CIT_CERTIFIED);
	assert_false(items[2].is_refresher_due);
	/* Twenty-two months on: expiring, refresher due; after 24: expired. */
	assert_int_equal(agency_status(f->d, f->a, &sup, c.org, certificate_add_months(now, 22), &items, &n), 0);
	assert_int_equal(items[2].status, CIT_EXPIRING);
	assert_true(items[2].is_refresher_due);
	assert_int_equal(agency_status(f->d, f->a, &sup, c.org, certificate_add_months(now, 25), &items, &n), 0);
	assert_int_equal(items[2].status, CIT_EXPIRED);
	/* Another agency's supervisor: not found; an officer: forbidden. */
	assert_int_equal(agency_status(f->d, f->a, &other, c.org, now, &items, &n), CK_E_NOT_FOUND);
	assert_int_equal(agency_status(f->d, f->a, &officer, c.org, now, &items, &n), CK_E_FORBIDDEN);
	assert_int_equal(agency_status(f->d, f->a, &coord, c.org, now, &items, &n), 0);
	/* Revoked: no longer counts. */
	field_errors errs = {0};
	assert_int_equal(certificate_revoke(f->d, f->a, &coord, id, "error", &errs), 0);
	assert_int_equal(agency_status(f->d, f->a, &sup, c.org, now, &items, &n), 0);
	assert_int_equal(items[2].status, CIT_NONE);
}

static void settings_form_values(void **state)
{
	authfx *f = *state;
	course_fx c;
	course_setup(f, &c);
	principal coord = fx_as(f, c.coordinator), officer = fx_as(f, c.officer);
	field_errors errs = {0};
	assert_int_equal(certificate_settings_set(f->d, f->a, &officer,
	                                          fx_kv(f, "prefix", "PB", NULL), &errs),
	                 CK_E_FORBIDDEN);
	assert_int_equal(certificate_settings_set(f->d, f->a, &coord,
	                                          fx_kv(f, "prefix", "P B\"", "valid_months", "-1",
	                                                "refresher_months", "x", NULL),
	                                          &errs),
	                 CK_E_INVALID);
	assert_int_equal(errs.len, 2); /* the two numbers; the prefix is checked after */
	errs.len = 0;
	assert_int_equal(certificate_settings_set(f->d, f->a, &coord,
	                                          fx_kv(f, "prefix", "P B", NULL), &errs),
	                 CK_E_INVALID);
	assert_string_equal(errs.items[0].field, "prefix");
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM settings WHERE name LIKE 'certificate_%'"), 0);
	errs.len = 0;
	assert_int_equal(certificate_settings_set(f->d, f->a, &coord,
	                                          fx_kv(f, "prefix", "PB-CIT", "valid_months", "36",
	                                                "refresher_months", "", NULL),
	                                          &errs),
	                 0);
	cert_settings v;
	assert_int_equal(certificate_settings_get(f->d, f->a, &v), 0);
	assert_string_equal(v.prefix, "PB-CIT");
	assert_string_equal(v.valid_months, "36");
	assert_string_equal(v.refresher_months, "");
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.settings'"), 1);
	pass_runs(f, c.enrollment);
	issue_ok(f, &c, c.enrollment);
	certificate *items;
	size_t n;
	assert_int_equal(certificate_list_course(f->d, f->a, &coord, c.course, &items, &n), 0);
	assert_string_equal(items[0].serial, "PB-CIT-2023-0001");
	assert_int_equal(items[0].expires_at, certificate_add_months(items[0].issued_at, 36));
	assert_int_equal(items[0].refresher_due_at, certificate_add_months(items[0].issued_at, 24));
}

/* The signer is certificates.issued_by, set on issue; a certificate from
 * before that column (issued_by NULL) falls back to the audit log's
 * certificate.issue row; one issued by a system actor has none. */
static void signer_is_issued_by(void **state)
{
	authfx *f = *state;
	course_fx c;
	course_setup(f, &c);
	pass_runs(f, c.enrollment);
	int64_t id = issue_ok(f, &c, c.enrollment);
	certificate cert;
	const char *coordinator, *instructor;
	assert_int_equal(certificate_get(f->d, f->a, &f->sys, id, &cert), 0);
	assert_int_equal(cert.issued_by, c.coordinator);
	assert_string_equal(cert.issued_by_name, "Cora Coordinator");
	/* issued_by, not the audit log, names the signer. */
	fx_exec(f, arena_printf(f->a, "UPDATE certificates SET issued_by = %lld",
	                        (long long)c.supervisor));
	assert_int_equal(certificate_get(f->d, f->a, &f->sys, id, &cert), 0);
	assert_int_equal(certificate_signers(f->d, f->a, &cert, &coordinator, &instructor), 0);
	assert_string_equal(coordinator, "Sam Supervisor");
	assert_string_equal(instructor, "Dr Clara Clinician");
	/* A row from before the column: the audit log's issuer. */
	fx_exec(f, "UPDATE certificates SET issued_by = NULL");
	assert_int_equal(certificate_get(f->d, f->a, &f->sys, id, &cert), 0);
	assert_int_equal(cert.issued_by, 0);
	assert_null(cert.issued_by_name);
	assert_int_equal(certificate_signers(f->d, f->a, &cert, &coordinator, &instructor), 0);
	assert_string_equal(coordinator, "Cora Coordinator");
	/* Issued by the system (the CLI): no signer, none invented. */
	pass_runs(f, c.enrollment2);
	field_errors errs = {0};
	int64_t id2 = 0;
	assert_int_equal(certificate_issue(f->d, f->a, &f->sys, c.enrollment2, &id2, &errs), 0);
	assert_int_equal(certificate_get(f->d, f->a, &f->sys, id2, &cert), 0);
	assert_int_equal(cert.issued_by, 0);
	assert_int_equal(certificate_signers(f->d, f->a, &cert, &coordinator, &instructor), 0);
	assert_string_equal(coordinator, "");
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(issue_refused_until_complete),
	    CASE(serials_sequential_and_dates),
	    CASE(revoke_is_audited),
	    CASE(signer_is_issued_by),
	    CASE(scopes),
	    CASE(verify_reveals_nothing_for_bad_codes),
	    CASE(pdf_and_zip_read_by_real_tools),
	    CASE(winansi_names),
	    CASE(transcript_and_agency_status),
	    CASE(settings_form_values),
	};
	int failed = cmocka_run_group_tests_name("certificates on sqlite", cases,
	                                         fx_sqlite_group_setup, fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("certificates on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
