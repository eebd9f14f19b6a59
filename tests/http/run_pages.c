/* run_pages.c: HTTP tests of the scenario run pages, walked as the room
 * walks them: the instructor starts a run from the course's page (bad
 * input first), classmates join by code (too many wrong codes: 429 with
 * Retry-After) and score on the rubric form (bad scores, revisions), the
 * trainee cannot score and sees the debrief without classmates' names,
 * the instructor ends and closes the run and sees the result; people
 * outside the course get 404 or 403. The course,
 * its enrollments, a rubric and two scenarios are written by SQL so the
 * test stands on the schema, not on the library pages. */
#include "enroll.h"
#include "harness.h"
#include "run_pages.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ORG_A = 1 };

typedef struct run_fixture {
	long long course, scenario, bare_scenario, e_trainee;
	tuser ins, trainee, c1, c2, outsider;
	agent ia, ta, c1a, c2a, oa;
} run_fixture;

static int fixture_seq;

static long long enroll_row(long long course, tuser *u, const char *status)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO enrollments (course_id, user_id, status, created_at, updated_at) "
	         "VALUES (%lld, %lld, '%s', 1, 1) RETURNING id",
	         course, (long long)user_id_of(u), status);
	return sql_int(sql);
}

/* A course in progress with the trainee and two classmates enrolled, an
 * instructor, an officer outside the course, a two-skill rubric (one
 * critical), a scenario on it and one without a rubric. Everyone signs in. */
static void fixture(run_fixture *f)
{
	memset(f, 0, sizeof *f);
	fixture_seq++;
	long pid = (long)getpid();
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "INSERT INTO curricula (name, kind, created_at) VALUES ('HTTP run pages %d %ld', "
	         "'local', 1) RETURNING id",
	         fixture_seq, pid);
	long long cur = sql_int(sql);
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO curriculum_versions (curriculum_id, version, title, status, approved_at, "
	    "created_at, updated_at) VALUES (%lld, 1, 'HTTP run pages', 'approved', 1, 1, 1) "
	    "RETURNING id",
	    cur);
	long long version = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO courses (version_id, title, location, starts_on, ends_on, capacity, "
	         "status, created_at, updated_at) VALUES (%lld, 'Run pages course %d', 'Hall', "
	         "1600000000, 1600345600, 20, 'in_progress', 1, 1) RETURNING id",
	         version, fixture_seq);
	f->course = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO rubrics (code, title, description, pass_mean_x100, created_at, "
	         "updated_at) VALUES ('rp-rubric-%d-%ld', 'HTTP rubric', '', 300, 1, 1) "
	         "RETURNING id",
	         fixture_seq, pid);
	long long rubric = sql_int(sql);
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO rubric_skills (rubric_id, position, code, title, anchor_1, anchor_3, "
	    "anchor_5, weight, is_critical) VALUES (%lld, 1, 'calm-voice', 'Calm voice and pace', "
	    "'Shouts or rushes', 'Mostly calm', 'Low, slow and steady throughout', 1, 1)",
	    rubric);
	sql_int(sql);
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO rubric_skills (rubric_id, position, code, title, anchor_1, anchor_3, "
	    "anchor_5, weight, is_critical) VALUES (%lld, 2, 'offers-choices', 'Offers choices', "
	    "'Gives orders only', 'Offers one choice', 'Offers real choices', 1, 0)",
	    rubric);
	sql_int(sql);
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO scenarios (code, title, crisis_type, difficulty, dispatch_brief, "
	    "rp_character, minutes, rubric_id, created_at, updated_at) VALUES "
	    "('rp-bridge-%d-%ld', 'Man on the bridge %d', 'suicidal', 'intermediate', 'A caller "
	    "reports a man standing outside the bridge railing.', 'Stands with his back to the "
	    "rail.', 8, %lld, 1, 1) RETURNING id",
	    fixture_seq, pid, fixture_seq, rubric);
	f->scenario = sql_int(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO scenarios (code, title, crisis_type, difficulty, dispatch_brief, "
	         "minutes, created_at, updated_at) VALUES ('rp-norubric-%d-%ld', "
	         "'Unscored corner store %d', 'psychosis', 'introductory', 'A store clerk calls.', "
	         "6, 1, 1) RETURNING id",
	         fixture_seq, pid, fixture_seq);
	f->bare_scenario = sql_int(sql);

	user_make(&f->ins, "instructor", ORG_A);
	user_make(&f->trainee, "officer", ORG_A);
	user_make(&f->c1, "officer", ORG_A);
	user_make(&f->c2, "officer", ORG_A);
	user_make(&f->outsider, "officer", ORG_A);
	course_teacher(f->course, &f->ins);
	f->e_trainee = enroll_row(f->course, &f->trainee, "enrolled");
	enroll_row(f->course, &f->c1, "enrolled");
	enroll_row(f->course, &f->c2, "completed");
	login(&f->ia, &f->ins);
	login(&f->ta, &f->trainee);
	login(&f->c1a, &f->c1);
	login(&f->c2a, &f->c2);
	login(&f->oa, &f->outsider);
}

static void expect_body(const hresp *r, const char *text)
{
	if (!strstr(r->body, text)) {
		const char *main_el = strstr(r->body, "<main");
		fail_msg("want \"%s\" in the page (%ld):\n%.4000s", text, r->status,
		         main_el ? main_el : r->body);
	}
}

static void expect_no_body(const hresp *r, const char *text)
{
	if (strstr(r->body, text))
		fail_msg("did not want \"%s\" in the page (%ld)", text, r->status);
}

static void get_status(agent *a, const char *path, long want)
{
	hresp r;
	http_get(a, path, &r);
	expect_status(&r, want);
	hresp_free(&r);
}

__attribute__((format(printf, 1, 2))) static long long count_of(const char *fmt, ...)
{
	char sql[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return sql_int(sql);
}

/* The join code the run's console shows its instructor, into code[7]. */
static void console_code(run_fixture *f, long long run, char code[7])
{
	char path[64];
	hresp r;
	snprintf(path, sizeof path, "/runs/%lld", run);
	http_get(&f->ia, path, &r);
	expect_status(&r, 200);
	const char *at = strstr(r.body, "<p class=\"join-code\">");
	if (!at)
		fail_msg("no join code on the console:\n%.3000s", r.body);
	snprintf(code, 7, "%s", at + strlen("<p class=\"join-code\">"));
	hresp_free(&r);
}

/* Starts a run as the instructor by the course's form; returns its id. */
static long long start_run(run_fixture *f)
{
	char path[128], fields[256];
	hresp r;
	snprintf(path, sizeof path, "/courses/%lld/runs", f->course);
	snprintf(fields, sizeof fields,
	         "scenario_id=%lld&enrollment_id=%lld&role_player_id=&role_player_name=%s",
	         f->scenario, f->e_trainee, form_enc("Jordan Actor"));
	http_post_form(&f->ia, path, fields, &r);
	expect_redirect(&r, "/runs/");
	long long id = strtoll(r.location + strlen("/runs/"), NULL, 10);
	if (id <= 0 || !strstr(r.location, "done=started"))
		fail_msg("want /runs/{id}?done=started, got %s", r.location);
	hresp_free(&r);
	return id;
}

void test_run_pages_start(void **state)
{
	(void)state;
	run_fixture f;
	fixture(&f);
	char path[128], fields[512], text[256];
	hresp r;

	/* The course page links its runs for the instructor. */
	snprintf(path, sizeof path, "/courses/%lld", f.course);
	http_get(&f.ia, path, &r);
	expect_status(&r, 200);
	snprintf(text, sizeof text, "href=\"/courses/%lld/runs\"", f.course);
	expect_body(&r, text);
	hresp_free(&r);

	/* The runs page: the start form offers the scenario with a rubric and
	 * the seated trainees, not the scenario without a rubric. */
	snprintf(path, sizeof path, "/courses/%lld/runs", f.course);
	http_get(&f.ia, path, &r);
	expect_status(&r, 200);
	expect_body(&r, "Start a run");
	snprintf(text, sizeof text, "Man on the bridge %d", fixture_seq);
	expect_body(&r, text);
	snprintf(text, sizeof text, "Unscored corner store %d", fixture_seq);
	expect_no_body(&r, text);
	expect_body(&r, f.trainee.name);
	expect_body(&r, "No runs in this course yet.");
	expect_body(&r, "Trainees and skills");
	hresp_free(&r);

	/* Officers (the trainee and a classmate) cannot open it or start one. */
	get_status(&f.ta, path, 403);
	http_post_form(&f.c1a, path, "scenario_id=1", &r);
	expect_status(&r, 403);
	hresp_free(&r);

	/* Bad input: nothing chosen; the scenario without a rubric; a trainee
	 * not enrolled (the outsider has no enrollment: a made-up id). Each
	 * re-shows the form with its message and writes nothing. */
	long long before =
	    count_of("SELECT COUNT(*) FROM scenario_runs WHERE course_id = %lld", f.course);
	http_post_form(&f.ia, path, "scenario_id=&enrollment_id=", &r);
	expect_status(&r, 422);
	expect_body(&r, "There is a problem");
	expect_body(&r, "href=\"#f-scenario_id\"");
	hresp_free(&r);
	snprintf(fields, sizeof fields, "scenario_id=%lld&enrollment_id=%lld", f.bare_scenario,
	         f.e_trainee);
	http_post_form(&f.ia, path, fields, &r);
	expect_status(&r, 422);
	expect_body(&r, "href=\"#f-scenario_id\"");
	expect_body(&r, "aria-invalid=\"true\"");
	hresp_free(&r);
	snprintf(fields, sizeof fields, "scenario_id=%lld&enrollment_id=%lld", f.scenario,
	         f.e_trainee + 100000);
	http_post_form(&f.ia, path, fields, &r);
	expect_status(&r, 422);
	expect_body(&r, "href=\"#f-enrollment_id\"");
	hresp_free(&r);
	assert_int_equal(
	    before,
	    count_of("SELECT COUNT(*) FROM scenario_runs WHERE course_id = %lld", f.course));

	/* Started: the console shows the join code large, its QR code, the
	 * dispatch brief and the two buttons. */
	long long run = start_run(&f);
	char code[7];
	console_code(&f, run, code);
	snprintf(text, sizeof text,
	         "SELECT COUNT(*) FROM scenario_runs WHERE id = %lld AND "
	         "join_code = '%s'",
	         run, code);
	assert_int_equal(sql_int(text), 1);
	snprintf(path, sizeof path, "/runs/%lld", run);
	http_get(&f.ia, path, &r);
	expect_status(&r, 200);
	snprintf(text, sizeof text, "class=\"join-code\"");
	expect_body(&r, text);
	snprintf(text, sizeof text, ">%s</p>", code);
	expect_body(&r, text);
	expect_body(&r, "<svg");
	expect_body(&r, "outside the bridge railing");
	expect_body(&r, ">End scenario</button>");
	expect_body(&r, ">Close run</button>");
	expect_body(&r, "Jordan Actor");
	expect_body(&r, "href=\"#rp-brief\"");
	expect_body(&r, "Stands with his back to the rail");
	/* The run is anonymous: the screen button opens the copy without
	 * classmates' names, the named one is a separate link. */
	snprintf(text, sizeof text,
	         "class=\"button button-secondary\" href=\"/runs/%lld/debrief?view=projector\">"
	         "Debrief screen</a>",
	         run);
	expect_body(&r, text);
	snprintf(text, sizeof text, "href=\"/runs/%lld/debrief\">Debrief with classmates' names",
	         run);
	expect_body(&r, text);
	hresp_free(&r);

	/* The trainee sees the run (no code, no buttons, no role-player
	 * brief link); the outsider does not see it at all. */
	http_get(&f.ta, path, &r);
	expect_status(&r, 200);
	expect_no_body(&r, code);
	expect_no_body(&r, "End scenario");
	expect_no_body(&r, "rp-brief");
	expect_no_body(&r, "Stands with his back to the rail");
	hresp_free(&r);
	get_status(&f.oa, path, 404);
	snprintf(path, sizeof path, "/runs/%lld/debrief", run);
	get_status(&f.oa, path, 404);
	snprintf(path, sizeof path, "/runs/%lld/score", run);
	get_status(&f.oa, path, 404);
	/* Only those who run runs end or close them. */
	snprintf(path, sizeof path, "/runs/%lld/end", run);
	http_post_form(&f.c1a, path, "", &r);
	expect_status(&r, 403);
	hresp_free(&r);

	/* The runs list now has it. */
	snprintf(path, sizeof path, "/courses/%lld/runs", f.course);
	http_get(&f.ia, path, &r);
	expect_status(&r, 200);
	snprintf(text, sizeof text, "href=\"/runs/%lld\"", run);
	expect_body(&r, text);
	hresp_free(&r);
}

void test_run_pages_join(void **state)
{
	(void)state;
	run_fixture f;
	fixture(&f);
	long long run = start_run(&f);
	char code[7], fields[128], want[128];
	console_code(&f, run, code);
	hresp r;

	http_get(&f.c1a, "/join", &r);
	expect_status(&r, 200);
	expect_body(&r, "Join code");
	expect_body(&r, "name=\"csrf\"");
	hresp_free(&r);

	/* Empty and malformed codes: 422 with the field's message. */
	http_post_form(&f.c1a, "/join", "code=", &r);
	expect_status(&r, 422);
	expect_body(&r, "Enter the join code");
	expect_body(&r, "aria-invalid=\"true\"");
	hresp_free(&r);
	http_post_form(&f.c1a, "/join", "code=ab", &r);
	expect_status(&r, 422);
	expect_body(&r, "6 letters and digits");
	hresp_free(&r);

	/* A well-formed code of no run: 404, the form again with a clear
	 * message. The code differs from the run's in its last character,
	 * within the alphabet. */
	char wrong[16];
	snprintf(wrong, sizeof wrong, "%s", code);
	wrong[5] = wrong[5] == 'A' ? 'C' : 'A';
	snprintf(fields, sizeof fields, "code=%s", wrong);
	http_post_form(&f.c1a, "/join", fields, &r);
	expect_status(&r, 404);
	expect_body(&r, "No run you can join has this code");
	hresp_free(&r);

	/* The right code, typed in lower case with a dash: to the score page. */
	char typed[16];
	snprintf(typed, sizeof typed, "%c%c%c-%c%c%c", code[0] | 0x20, code[1] | 0x20,
	         code[2] | 0x20, code[3] | 0x20, code[4] | 0x20, code[5] | 0x20);
	snprintf(fields, sizeof fields, "code=%s", form_enc(typed));
	http_post_form(&f.c1a, "/join", fields, &r);
	snprintf(want, sizeof want, "/runs/%lld/score", run);
	expect_redirect(&r, want);
	hresp_free(&r);
	/* The QR code's link does the same. */
	snprintf(want, sizeof want, "/runs/join/%s", code);
	http_get(&f.c2a, want, &r);
	snprintf(want, sizeof want, "/runs/%lld/score", run);
	expect_redirect(&r, want);
	hresp_free(&r);
	/* The trainee joining goes to the debrief (they do not score). */
	snprintf(fields, sizeof fields, "code=%s", code);
	http_post_form(&f.ta, "/join", fields, &r);
	snprintf(want, sizeof want, "/runs/%lld/debrief", run);
	expect_redirect(&r, want);
	hresp_free(&r);
	/* An officer not enrolled who was given the right code: 403. */
	http_post_form(&f.oa, "/join", fields, &r);
	expect_status(&r, 403);
	expect_body(&r, "not enrolled");
	hresp_free(&r);

	/* Ten wrong codes from one person, then 429 with Retry-After and the
	 * form saying so, even for the right code; another person at that
	 * address (the same classroom) still joins. From an address of its
	 * own (the limiter also counts per address), so the rest of the
	 * suite is not near that limit. */
	snprintf(f.oa.from_ip, sizeof f.oa.from_ip, "127.0.0.11");
	snprintf(f.c1a.from_ip, sizeof f.c1a.from_ip, "127.0.0.11");
	snprintf(fields, sizeof fields, "code=%s", wrong);
	for (int i = 0; i < 10; i++) {
		http_post_form(&f.oa, "/join", fields, &r);
		expect_status(&r, 404);
		hresp_free(&r);
	}
	snprintf(fields, sizeof fields, "code=%s", code);
	http_post_form(&f.oa, "/join", fields, &r);
	expect_status(&r, 429);
	const char *retry = hresp_header(&r, "Retry-After");
	long wait = retry ? strtol(retry, NULL, 10) : 0;
	if (wait < 1 || wait > 600)
		fail_msg("Retry-After %s", retry ? retry : "(none)");
	expect_body(&r, "Too many wrong codes");
	expect_body(&r, "aria-invalid=\"true\"");
	hresp_free(&r);
	http_post_form(&f.c1a, "/join", fields, &r);
	snprintf(want, sizeof want, "/runs/%lld/score", run);
	expect_redirect(&r, want);
	hresp_free(&r);
}

/* Posts a score form as a; returns the status. */
static long post_scores(agent *a, long long run, const char *fields, hresp *r)
{
	char path[128];
	snprintf(path, sizeof path, "/runs/%lld/score", run);
	http_post_form(a, path, fields, r);
	return r->status;
}

void test_run_pages_feedback(void **state)
{
	(void)state;
	run_fixture f;
	fixture(&f);
	long long run = start_run(&f);
	char path[128], text[256];
	hresp r;

	/* The trainee cannot open the score page, nor post to it. */
	snprintf(path, sizeof path, "/runs/%lld/score", run);
	get_status(&f.ta, path, 403);
	post_scores(&f.ta, run, "score.calm-voice=5", &r);
	expect_status(&r, 403);
	hresp_free(&r);

	/* A classmate's form: each skill's anchors and a 1..5 radio group. */
	http_get(&f.c1a, path, &r);
	expect_status(&r, 200);
	expect_body(&r, "Calm voice and pace (critical)");
	expect_body(&r, "Low, slow and steady throughout");
	expect_body(&r,
	            "type=\"radio\" id=\"s-calm-voice-5\" name=\"score.calm-voice\" value=\"5\"");
	expect_body(&r, "name=\"comment\"");
	expect_body(&r, ">Send feedback</button>");
	hresp_free(&r);

	/* Out of the scale; a skill not in the rubric: 422, nothing written. */
	assert_int_equal(post_scores(&f.c1a, run, "score.calm-voice=7&score.offers-choices=3", &r),
	                 422);
	expect_body(&r, "There is a problem");
	expect_body(&r, "href=\"#f-score.calm-voice\"");
	/* What was typed comes back checked. */
	expect_body(&r,
	            "id=\"s-offers-choices-3\" name=\"score.offers-choices\" value=\"3\" checked");
	hresp_free(&r);
	assert_int_equal(post_scores(&f.c1a, run, "score.no-such-skill=3", &r), 422);
	hresp_free(&r);
	assert_int_equal(count_of("SELECT COUNT(*) FROM run_feedback WHERE run_id = %lld", run), 0);

	/* Good feedback, then a revision: one row, revision 2, the form
	 * pre-filled with the latest. */
	snprintf(text, sizeof text, "score.calm-voice=4&score.offers-choices=2&comment=%s",
	         form_enc("Good low voice; offer more choices."));
	assert_int_equal(post_scores(&f.c1a, run, text, &r), 303);
	hresp_free(&r);
	snprintf(text, sizeof text, "score.calm-voice=5&score.offers-choices=3&comment=%s",
	         form_enc("Calm throughout <b>really</b>."));
	assert_int_equal(post_scores(&f.c1a, run, text, &r), 303);
	if (!strstr(r.location, "done=saved"))
		fail_msg("want done=saved, got %s", r.location);
	hresp_free(&r);
	assert_int_equal(count_of("SELECT COUNT(*) FROM run_feedback WHERE run_id = %lld", run), 1);
	assert_int_equal(count_of("SELECT revision FROM run_feedback WHERE run_id = %lld", run), 2);
	snprintf(path, sizeof path, "/runs/%lld/score?done=saved", run);
	http_get(&f.c1a, path, &r);
	expect_status(&r, 200);
	expect_body(&r, "Your feedback is saved (revision 2).");
	expect_body(&r, "id=\"s-calm-voice-5\" name=\"score.calm-voice\" value=\"5\" checked");
	expect_body(&r, "Calm throughout &lt;b&gt;really&lt;/b&gt;.");
	expect_body(&r, ">Update your feedback</button>");
	hresp_free(&r);
	/* The second classmate, scores only. */
	assert_int_equal(post_scores(&f.c2a, run, "score.calm-voice=3&score.offers-choices=1", &r),
	                 303);
	hresp_free(&r);

	/* The debrief: the instructor sees the classmate's name; the trainee
	 * (the run is anonymous by default) and the projector view do not. */
	char named[128];
	snprintf(named, sizeof named, "%s (classmate)", f.c1.name);
	snprintf(path, sizeof path, "/runs/%lld/debrief", run);
	http_get(&f.ia, path, &r);
	expect_status(&r, 200);
	expect_body(&r, named);
	expect_body(&r, "Calm throughout &lt;b&gt;really&lt;/b&gt;.");
	expect_body(&r, "<tr data-skill=\"calm-voice\">");
	/* Classmates' mean of 5 and 3 is 4.00; spread 2; nobody instructs yet. */
	expect_body(&r, "class=\"num classmate\">4.00</td>");
	expect_body(&r, "class=\"num spread\">2</td>");
	expect_body(&r, "class=\"num instructor\">–</td>");
	snprintf(text, sizeof text, "data-events=\"/api/v1/runs/%lld/events?after=", run);
	expect_body(&r, text);
	expect_body(&r, "/assets/debrief.js?v=");
	expect_body(&r, "id=\"refresh\"");
	expect_no_body(&r, "<script>");
	expect_no_body(&r, "http-equiv=\"refresh\"");
	hresp_free(&r);
	http_get(&f.ta, path, &r);
	expect_status(&r, 200);
	expect_body(&r, "Calm throughout");
	expect_no_body(&r, named);
	expect_body(&r, "<p class=\"who\">Classmate · revised</p>");
	hresp_free(&r);
	snprintf(path, sizeof path, "/runs/%lld/debrief?view=projector", run);
	http_get(&f.ia, path, &r);
	expect_status(&r, 200);
	expect_no_body(&r, named);
	hresp_free(&r);
	/* The live part is served as an asset. */
	http_get(&f.ia, "/assets/debrief.js", &r);
	expect_status(&r, 200);
	if (!strstr(r.content_type, "javascript"))
		fail_msg("debrief.js as %s", r.content_type);
	expect_body(&r, "EventSource");
	hresp_free(&r);

	/* End scenario; again is a conflict. */
	snprintf(path, sizeof path, "/runs/%lld/end", run);
	http_post_form(&f.ia, path, "", &r);
	snprintf(text, sizeof text, "/runs/%lld?done=ended", run);
	expect_redirect(&r, text);
	hresp_free(&r);
	http_post_form(&f.ia, path, "", &r);
	expect_status(&r, 409);
	expect_body(&r, "already ended");
	hresp_free(&r);

	/* Close without any instructor score: 422, the run stays open. */
	snprintf(path, sizeof path, "/runs/%lld/close", run);
	http_post_form(&f.ia, path, "", &r);
	expect_status(&r, 422);
	expect_body(&r, "cannot be closed yet");
	hresp_free(&r);
	assert_int_equal(count_of("SELECT COUNT(*) FROM scenario_runs WHERE id = %lld AND status = "
	                          "'ended'",
	                          run),
	                 1);
	/* Feedback is still open after "end scenario": the instructor scores. */
	assert_int_equal(
	    post_scores(&f.ia, run, "score.calm-voice=4&score.offers-choices=3&comment=ok", &r),
	    303);
	hresp_free(&r);
	http_post_form(&f.ia, path, "", &r);
	snprintf(text, sizeof text, "/runs/%lld?done=closed", run);
	expect_redirect(&r, text);
	hresp_free(&r);
	snprintf(path, sizeof path, "/runs/%lld", run);
	http_get(&f.ia, path, &r);
	expect_status(&r, 200);
	expect_body(&r, "<strong>Passed</strong>");
	expect_no_body(&r, ">Close run</button>");
	hresp_free(&r);
	snprintf(path, sizeof path, "/runs/%lld/close", run);
	http_post_form(&f.ia, path, "", &r);
	expect_status(&r, 409);
	hresp_free(&r);

	/* Closed: the form is shown disabled, and a late post is a conflict
	 * that changes nothing. */
	snprintf(path, sizeof path, "/runs/%lld/score", run);
	http_get(&f.c1a, path, &r);
	expect_status(&r, 200);
	expect_body(&r, "This run is closed");
	expect_body(&r, "disabled");
	expect_no_body(&r, ">Update your feedback</button>");
	hresp_free(&r);
	assert_int_equal(post_scores(&f.c1a, run, "score.calm-voice=1", &r), 409);
	expect_body(&r, "was not saved");
	hresp_free(&r);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT revision FROM run_feedback WHERE run_id = %lld AND author_id = %lld", run,
	         (long long)user_id_of(&f.c1));
	assert_int_equal(sql_int(sql), 2);

	/* The debrief shows the result; the trainee's history lists the run
	 * and the trend; the dashboard links joining and the history. */
	snprintf(path, sizeof path, "/runs/%lld/debrief", run);
	http_get(&f.ta, path, &r);
	expect_status(&r, 200);
	expect_body(&r, "Result: Passed");
	hresp_free(&r);
	http_get(&f.ta, "/me/runs", &r);
	expect_status(&r, 200);
	snprintf(text, sizeof text, "Man on the bridge %d", fixture_seq);
	expect_body(&r, text);
	expect_body(&r, "Calm voice and pace");
	expect_body(&r, "<svg class=\"spark\"");
	hresp_free(&r);
	http_get(&f.c1a, "/me/runs", &r);
	expect_status(&r, 200);
	expect_body(&r, "You have not played a scenario yet.");
	hresp_free(&r);
	http_get(&f.ta, "/", &r);
	expect_status(&r, 200);
	expect_body(&r, "href=\"/join\"");
	expect_body(&r, "href=\"/me/runs\"");
	hresp_free(&r);
	/* The course matrix has the trainee's skills from the closed run. */
	snprintf(path, sizeof path, "/courses/%lld/runs", f.course);
	http_get(&f.ia, path, &r);
	expect_status(&r, 200);
	expect_body(&r, "1 / 2</td>");
	hresp_free(&r);
}

/* A program that shows names (scenario_feedback_anonymous off): a run
 * started then shows the trainee which classmate said what, and its
 * console offers no names-hidden projector copy. */
void test_run_pages_named(void **state)
{
	(void)state;
	agent admin = {0};
	snprintf(admin.bearer, sizeof admin.bearer, "%s", admin_token());
	hresp r;
	http_json(&admin, "PUT", "/api/v1/settings/runs", "{\"feedback_anonymous\": false}", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	run_fixture f;
	fixture(&f);
	long long run = start_run(&f);
	/* Back to the default at once, for the tests after this one. */
	http_json(&admin, "PUT", "/api/v1/settings/runs", "{\"feedback_anonymous\": true}", &r);
	expect_status(&r, 200);
	hresp_free(&r);
	char text[256], named[128], path[128];
	snprintf(text, sizeof text, "score.calm-voice=4&comment=%s", form_enc("Named, kindly."));
	assert_int_equal(post_scores(&f.c1a, run, text, &r), 303);
	hresp_free(&r);
	snprintf(named, sizeof named, "%s (classmate)", f.c1.name);
	snprintf(path, sizeof path, "/runs/%lld/debrief", run);
	http_get(&f.ta, path, &r);
	expect_status(&r, 200);
	expect_body(&r, named);
	hresp_free(&r);
	/* The console offers no separate projector copy for such a run. */
	snprintf(path, sizeof path, "/runs/%lld", run);
	http_get(&f.ia, path, &r);
	expect_status(&r, 200);
	expect_no_body(&r, "view=projector");
	hresp_free(&r);
}

/* A role player with an account (a presenter): picked on the start form,
 * they see the run and its role-player brief, join to the debrief, and
 * cannot score; the trainee never sees the brief. */
void test_run_pages_role_player(void **state)
{
	(void)state;
	run_fixture f;
	fixture(&f);
	tuser rp;
	user_make(&rp, "presenter", ORG_A);
	agent ra = {0};
	login(&ra, &rp);
	char path[128], fields[256], want[128];
	hresp r;
	snprintf(path, sizeof path, "/courses/%lld/runs", f.course);
	http_get(&f.ia, path, &r);
	expect_status(&r, 200);
	snprintf(want, sizeof want, "<option value=\"%lld\">%s (Lived-experience presenter)",
	         (long long)user_id_of(&rp), rp.name);
	expect_body(&r, want);
	hresp_free(&r);
	snprintf(fields, sizeof fields, "scenario_id=%lld&enrollment_id=%lld&role_player_id=%lld",
	         f.scenario, f.e_trainee, (long long)user_id_of(&rp));
	http_post_form(&f.ia, path, fields, &r);
	expect_redirect(&r, "/runs/");
	long long run = strtoll(r.location + strlen("/runs/"), NULL, 10);
	hresp_free(&r);

	snprintf(path, sizeof path, "/runs/%lld", run);
	http_get(&ra, path, &r);
	expect_status(&r, 200);
	expect_body(&r, "href=\"#rp-brief\"");
	expect_body(&r, "Stands with his back to the rail");
	expect_body(&r, rp.name);
	expect_no_body(&r, ">Score this run<");
	hresp_free(&r);
	snprintf(path, sizeof path, "/runs/%lld/score", run);
	get_status(&ra, path, 403);
	char code[7];
	console_code(&f, run, code);
	snprintf(fields, sizeof fields, "code=%s", code);
	http_post_form(&ra, "/join", fields, &r);
	snprintf(want, sizeof want, "/runs/%lld/debrief", run);
	expect_redirect(&r, want);
	hresp_free(&r);
	/* A role player is not a classmate: a bad score post is refused
	 * before it is read. */
	http_post_form(&ra, path, "score.calm-voice=9", &r);
	expect_status(&r, 403);
	hresp_free(&r);

	/* A trainee whose roles could read briefs elsewhere (an officer who
	 * also instructs) still never sees the brief of their own run. */
	tuser dual;
	user_make(&dual, "officer,instructor", ORG_A);
	long long e_dual = enroll_row(f.course, &dual, "enrolled");
	agent da = {0};
	login(&da, &dual);
	snprintf(path, sizeof path, "/courses/%lld/runs", f.course);
	snprintf(fields, sizeof fields, "scenario_id=%lld&enrollment_id=%lld&role_player_id=%lld",
	         f.scenario, e_dual, (long long)user_id_of(&rp));
	http_post_form(&f.ia, path, fields, &r);
	expect_redirect(&r, "/runs/");
	long long dual_run = strtoll(r.location + strlen("/runs/"), NULL, 10);
	hresp_free(&r);
	snprintf(path, sizeof path, "/runs/%lld", dual_run);
	http_get(&da, path, &r);
	expect_status(&r, 200);
	expect_body(&r, "Dispatch brief");
	expect_no_body(&r, "rp-brief");
	expect_no_body(&r, "Stands with his back to the rail");
	hresp_free(&r);
	/* Instructing is by course: in a course they sit, they are a
	 * classmate, not an instructor who could start runs there. */
	snprintf(path, sizeof path, "/courses/%lld/runs", f.course);
	get_status(&da, path, 403);
}
