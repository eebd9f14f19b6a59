/* demo_training.c: the demo program's training: the national model, the
 * program's approved local curriculum derived from it, a course that ran
 * two months ago (completed, certificates issued) and one in progress
 * this week (sessions, roll call for the sessions already held).
 *
 * Everything goes through the training services as a coordinator would
 * do it, so the demo obeys every rule (guidelines, session conflicts,
 * capacity, the completion rule) and is audited. Each step looks first
 * and adds only what is missing: running the demo again changes nothing. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../auth/auth.h"
#include "../auth/users.h"
#include "../base/errors.h"
#include "../credentials/certificates.h"
#include "../scenarios/scenario_json.h"
#include "../training/attendance.h"
#include "../training/courses.h"
#include "../training/curricula.h"
#include "../training/curricula_model.h"
#include "../training/enrollments.h"
#include "demo_internal.h"

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* clang-format off */
#define DEMO_CURRICULUM "Pine Belt CIT 2026"

/* What the program changed from the model: one local module and two
 * modules re-timed within the guidelines. */
static const struct demo_local_module {
	const char *code, *title, *component, *minutes, *day, *kinds, *objectives;
} local_modules[] = {
	{"pine-belt-crisis-center-visit", "Site visit: Pine Belt crisis stabilization unit", "resources",
	 "90", "4", "clinician",
	 "See the drop-off entrance and the intake process\n"
	 "Meet the crisis center's night staff\n"
	 "Know the unit's admission criteria and how to call ahead"},
};
static const struct demo_retime {
	const char *code, *minutes;
} retimes[] = {
	{"verbal-deescalation", "270"},
	{"welcome", "30"},
};

/* The two courses. weeks_ago 0: the current one, started two days ago. */
static const struct demo_course {
	const char *title, *location;
	int days_ago;     /* first day, counted back from today */
	bool is_complete; /* completed, certificates issued */
	const char *trainees[4];
} courses[] = {
	{"CIT 40-hour course, class 1 of 2026", "Hattiesburg Police Training Center", 63, true,
	 {"officer@pinebeltcit.example", "d.wallace@pinebeltcit.example", "l.romero@pinebeltcit.example", NULL}},
	{"CIT 40-hour course, class 2 of 2026", "Forrest County Sheriff's Office, Room 2", 2, false,
	 {"b.carter@pinebeltcit.example", "j.price@pinebeltcit.example", "m.delgado@pinebeltcit.example",
	  "h.cole@pinebeltcit.example"}},
};

/* Who teaches a module, by the first instructor kind it names; the
 * program's lead instructor sits in every session of the courses too. */
static const struct demo_teacher {
	const char *kind, *email;
} teachers[] = {
	{"clinician", "clinician@pinebeltcit.example"},
	{"officer", "a.tran@pinebeltcit.example"},
	{"presenter", "presenter@pinebeltcit.example"},
	{"role_player", "presenter@pinebeltcit.example"},
};
#define DEMO_LEAD_INSTRUCTOR "instructor@pinebeltcit.example"

/* Roll call in the course in progress: who was late or left early, by
 * how many minutes, in which session (its index among the held ones). */
static const struct demo_roll {
	const char *email;
	int session;
	const char *status;
	int minutes;
} roll[] = {
	{"j.price@pinebeltcit.example", 0, "late", 15},
	{"m.delgado@pinebeltcit.example", 2, "left_early", 20},
	{"h.cole@pinebeltcit.example", 3, "absent", 0},
};
/* clang-format on */

static const char *num(demo_run *r, int64_t v)
{
	return arena_printf(r->a, "%lld", (long long)v);
}

static int fail(demo_run *r, const char *item, int rc)
{
	snprintf(r->err, r->errlen, "%s: %s", item, ck_error_title(rc));
	return rc;
}

/* The national model: `citkit init` loads it; the demo makes sure. */
int demo_load_model(demo_run *r)
{
	bool loaded = false;
	int rc = curriculum_model_ensure(r->d, &loaded);
	if (rc)
		return fail(r, "national model", rc);
	r->result->created += loaded;
	r->result->existing += !loaded;
	return 0;
}

/* The starter scenario library: `citkit init` loads it; the demo makes
 * sure (the scenario runs of the demo course need it). */
int demo_load_library(demo_run *r)
{
	int added = 0;
	int rc = scenario_library_ensure(r->d, &added);
	if (rc)
		return fail(r, "scenario library", rc);
	r->result->created += added;
	r->result->existing += added == 0;
	return 0;
}

/* The approved version of the program's curriculum, 0 when none. */
static int find_curriculum(demo_run *r, curriculum *out)
{
	curriculum *items;
	size_t n;
	int rc = curriculum_list(r->d, r->a, r->actor, &items, &n);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(items[i].name, DEMO_CURRICULUM)) {
			*out = items[i];
			return 0;
		}
	return CK_E_NOT_FOUND;
}

/* The draft's local module and re-timings. */
static int adapt(demo_run *r, int64_t version_id)
{
	field_errors errs = {0};
	for (size_t i = 0; i < COUNT(local_modules); i++) {
		const struct demo_local_module *m = &local_modules[i];
		kv in;
		kv_init(&in, r->a);
		demo_add(&in, "code", m->code);
		demo_add(&in, "title", m->title);
		demo_add(&in, "component", m->component);
		demo_add(&in, "minutes", m->minutes);
		demo_add(&in, "day", m->day);
		demo_add(&in, "instructor_kinds", m->kinds);
		demo_add(&in, "objectives", m->objectives);
		int64_t id;
		int rc = curriculum_module_add(r->d, r->a, r->actor, version_id, &in, &id, &errs);
		if (rc) {
			demo_explain(r, m->title, rc, &errs);
			return rc;
		}
	}
	curriculum_module *mods;
	size_t n;
	int rc = curriculum_modules_list(r->d, r->a, version_id, &mods, &n);
	if (rc)
		return fail(r, "curriculum modules", rc);
	for (size_t i = 0; i < COUNT(retimes); i++)
		for (size_t j = 0; j < n; j++) {
			if (strcmp(mods[j].code, retimes[i].code))
				continue;
			kv in;
			kv_init(&in, r->a);
			demo_add(&in, "minutes", retimes[i].minutes);
			rc = curriculum_module_update(r->d, r->a, r->actor, mods[j].id, &in, &errs);
			if (rc) {
				demo_explain(r, mods[j].title, rc, &errs);
				return rc;
			}
		}
	return 0;
}

/* "Pine Belt CIT 2026": derived from the model, adapted, approved. A
 * draft left by an interrupted run is adapted already: it is approved. */
int demo_load_curriculum(demo_run *r)
{
	curriculum c;
	field_errors errs = {0};
	int rc = find_curriculum(r, &c);
	if (rc == 0 && c.approved_version_id) {
		r->result->existing++;
		return 0;
	}
	if (rc && rc != CK_E_NOT_FOUND)
		return fail(r, DEMO_CURRICULUM, rc);
	int64_t version_id = rc == 0 ? c.latest_version_id : 0;
	if (!version_id) {
		int64_t model_id;
		rc = curriculum_model_version(r->d, &model_id);
		if (rc)
			return fail(r, "national model", rc);
		kv in;
		kv_init(&in, r->a);
		demo_add(&in, "from_version_id", num(r, model_id));
		demo_add(&in, "name", DEMO_CURRICULUM);
		demo_add(&in, "title", DEMO_CURRICULUM ": the 40-hour course");
		rc = curriculum_derive(r->d, r->a, r->actor, &in, &version_id, &errs);
		if (rc) {
			demo_explain(r, DEMO_CURRICULUM, rc, &errs);
			return rc;
		}
		if ((rc = adapt(r, version_id)))
			return rc;
	}
	rc = curriculum_approve(r->d, r->a, r->actor, version_id, &errs);
	if (rc) {
		demo_explain(r, DEMO_CURRICULUM, rc, &errs);
		return rc;
	}
	r->result->created++;
	return 0;
}

/* "YYYY-MM-DD" of the local date days after (or before) today, by the
 * services' clock (auth_now), so a test that sets it gets a demo whose
 * held sessions are over by that same clock. */
static const char *local_date(demo_run *r, int days)
{
	time_t now = (time_t)auth_now();
	struct tm tm;
	localtime_r(&now, &tm);
	tm.tm_mday += days;
	tm.tm_hour = 12; /* noon: no daylight-saving edge moves the date */
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	mktime(&tm);
	return arena_printf(r->a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int user_id(demo_run *r, const char *email, int64_t *id)
{
	user u;
	int rc = user_get_by_email(r->d, r->a, r->actor, email, &u);
	if (rc)
		return fail(r, email, rc);
	*id = u.id;
	return 0;
}

/* The course of that title, if the demo made it before. */
static int find_course(demo_run *r, const char *title, course *out)
{
	const char *cursor = NULL;
	do {
		course *items;
		size_t n;
		const char *next = NULL;
		int rc = course_list(r->d, r->a, r->actor, NULL, 100, cursor, &items, &n, &next);
		if (rc)
			return rc;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(items[i].title, title)) {
				*out = items[i];
				return 0;
			}
		cursor = next;
	} while (cursor && *cursor);
	return CK_E_NOT_FOUND;
}

static int set_status(demo_run *r, course *c, const char *status)
{
	if (!strcmp(c->status, status))
		return 0;
	kv in;
	kv_init(&in, r->a);
	demo_add(&in, "status", status);
	field_errors errs = {0};
	int rc = course_update(r->d, r->a, r->actor, c->id, &in, &errs);
	if (rc) {
		demo_explain(r, c->title, rc, &errs);
		return rc;
	}
	c->status = status;
	return 0;
}

/* The teacher for a module's instructor kinds (first kind that has one). */
static const char *teacher_for(const char *kinds)
{
	for (size_t i = 0; i < COUNT(teachers); i++) {
		size_t n = strlen(teachers[i].kind);
		const char *k = kinds;
		while ((k = strstr(k, teachers[i].kind)) != NULL) {
			if ((k == kinds || k[-1] == ',') && (k[n] == '\0' || k[n] == ','))
				return teachers[i].email;
			k += n;
		}
	}
	return NULL;
}

/* One session a module on the module's day, in curriculum order from
 * 08:00, with a quarter of an hour between sessions. */
static int schedule(demo_run *r, const struct demo_course *dc, course *c)
{
	course_module *mods;
	size_t n;
	int rc = course_modules(r->d, r->a, r->actor, c->id, &mods, &n);
	if (rc)
		return fail(r, dc->title, rc);
	int64_t lead;
	if ((rc = user_id(r, DEMO_LEAD_INSTRUCTOR, &lead)))
		return rc;
	int next[6] = {0}; /* the next free minute of each day, 1–5 */
	for (size_t i = 0; i < n; i++) {
		int64_t day = mods[i].day >= 1 && mods[i].day <= 5 ? mods[i].day : 5;
		int minute = next[day] ? next[day] : 8 * 60;
		int end = minute + (int)mods[i].minutes;
		kv in;
		kv_init(&in, r->a);
		demo_add(&in, "date", local_date(r, (int)day - 1 - dc->days_ago));
		demo_add(&in, "start", arena_printf(r->a, "%02d:%02d", minute / 60, minute % 60));
		demo_add(&in, "end", arena_printf(r->a, "%02d:%02d", end / 60, end % 60));
		demo_add(&in, "room", "Classroom A");
		demo_add(&in, "module", num(r, mods[i].id));
		demo_add(&in, "instructor", num(r, lead));
		const char *t = teacher_for(mods[i].instructor_kinds);
		int64_t tid;
		if (t) {
			if ((rc = user_id(r, t, &tid)))
				return rc;
			demo_add(&in, "instructor", num(r, tid));
		}
		int64_t sid;
		field_errors errs = {0};
		rc = course_session_create(r->d, r->a, r->actor, c->id, &in, &sid, &errs);
		if (rc) {
			demo_explain(r, mods[i].title, rc, &errs);
			return rc;
		}
		next[day] = end + 15;
	}
	return 0;
}

/* The course, planned with every module scheduled, then open. */
static int create_course(demo_run *r, const struct demo_course *dc, int64_t version_id, course *out)
{
	kv in;
	kv_init(&in, r->a);
	demo_add(&in, "version_id", num(r, version_id));
	demo_add(&in, "title", dc->title);
	demo_add(&in, "location", dc->location);
	demo_add(&in, "starts_on", local_date(r, -dc->days_ago));
	demo_add(&in, "ends_on", local_date(r, 4 - dc->days_ago));
	demo_add(&in, "capacity", "24");
	int64_t id;
	field_errors errs = {0};
	int rc = course_create(r->d, r->a, r->actor, &in, &id, &errs);
	if (rc) {
		demo_explain(r, dc->title, rc, &errs);
		return rc;
	}
	if ((rc = course_get(r->d, r->a, r->actor, id, out)))
		return fail(r, dc->title, rc);
	if ((rc = schedule(r, dc, out)))
		return rc;
	r->result->created++;
	return set_status(r, out, "open");
}

/* The trainees enrolled while the course was open, a week before its
 * first day. A seat counts from when it was given (enrollments.seated_at):
 * enrolled today, they would need make-up for every session already held.
 * So the demo enrolls with the clock set back to then; it runs on one
 * thread, before any server. */
static auth_clock_fn demo_base_clock;
static int64_t demo_shift_cs;

static int64_t demo_shifted_clock(void)
{
	return demo_base_clock() - demo_shift_cs;
}

static int enroll_at_open(demo_run *r, const struct demo_course *dc, course *c,
                          int64_t *added);

/* Each trainee enrolled (while the course was open). */
static int enroll(demo_run *r, const struct demo_course *dc, course *c)
{
	int64_t added[COUNT(dc->trainees)] = {0};
	auth_policy saved = *auth_policy_get(), shifted = saved;
	demo_base_clock = saved.clock_cs;
	demo_shift_cs = ((int64_t)dc->days_ago + 7) * 86400 * 100;
	shifted.clock_cs = demo_shifted_clock;
	auth_policy_set(&shifted);
	int rc = enroll_at_open(r, dc, c, added);
	auth_policy_set(&saved);
	return rc;
}

static int enroll_at_open(demo_run *r, const struct demo_course *dc, course *c,
                          int64_t *added)
{
	size_t n_added = 0;
	enrollment *have;
	size_t n;
	int rc = enrollment_list_for_course(r->d, r->a, r->actor, c->id, &have, &n);
	if (rc)
		return fail(r, dc->title, rc);
	for (size_t i = 0; i < COUNT(dc->trainees) && dc->trainees[i]; i++) {
		int64_t uid;
		if ((rc = user_id(r, dc->trainees[i], &uid)))
			return rc;
		bool is_in = false;
		for (size_t j = 0; j < n; j++)
			is_in |= have[j].user_id == uid;
		if (is_in)
			continue;
		if ((rc = set_status(r, c, "open")))
			return rc;
		enrollment e;
		field_errors errs = {0};
		rc = enrollment_enroll(r->d, r->a, r->actor, c->id, uid, &e, &errs);
		if (rc) {
			demo_explain(r, dc->trainees[i], rc, &errs);
			return rc;
		}
		added[n_added++] = e.id;
		r->result->created++;
	}
	return 0;
}

/* Roll call for the sessions already held: everyone present but those in
 * roll[]. A session with any mark recorded is left alone. */
static int take_roll(demo_run *r, const struct demo_course *dc, course *c)
{
	int64_t roll_user[COUNT(roll)];
	int rc;
	for (size_t k = 0; k < COUNT(roll); k++)
		if ((rc = user_id(r, roll[k].email, &roll_user[k])))
			return rc;
	course_session *sessions;
	size_t n;
	if ((rc = course_sessions_list(r->d, r->a, r->actor, c->id, &sessions, &n)))
		return fail(r, dc->title, rc);
	int64_t now = auth_now();
	for (size_t i = 0; i < n && sessions[i].ends_at <= now; i++) {
		roll_call sheet;
		if ((rc = attendance_roll(r->d, r->a, r->actor, sessions[i].id, &sheet)))
			return fail(r, dc->title, rc);
		bool is_taken = false;
		for (size_t j = 0; j < sheet.n; j++)
			is_taken |= sheet.items[j].is_recorded;
		if (is_taken || !sheet.n) {
			r->result->existing += is_taken;
			continue;
		}
		attendance_mark *marks = arena_array(r->a, sheet.n, sizeof *marks);
		for (size_t j = 0; j < sheet.n; j++) {
			marks[j] = (attendance_mark){.enrollment_id = sheet.items[j].enrollment_id,
			                             .status = "present"};
			for (size_t k = 0; k < COUNT(roll); k++) {
				if ((size_t)roll[k].session != i || roll_user[k] != sheet.items[j].user_id)
					continue;
				marks[j].status = roll[k].status;
				if (!strcmp(roll[k].status, "late"))
					marks[j].minutes_late = roll[k].minutes;
				if (!strcmp(roll[k].status, "left_early"))
					marks[j].minutes_left_early = roll[k].minutes;
			}
		}
		field_errors errs = {0};
		rc = attendance_record(r->d, r->a, r->actor, sessions[i].id, marks, sheet.n, &errs);
		if (rc) {
			demo_explain(r, dc->title, rc, &errs);
			return rc;
		}
		r->result->created++;
	}
	return 0;
}

static int64_t demo_fixed_cs;

static int64_t demo_fixed_clock(void)
{
	return demo_fixed_cs;
}

/* The certificates of a completed course, issued by the program's
 * coordinator (their name is the PDF's signature) when its last session
 * ended: issue, expiry and refresher dates count from the course's end,
 * not from the day the demo was loaded. */
static int issue_at_end(demo_run *r, course *c, int *issued)
{
	principal coordinator;
	course_session *sessions;
	size_t n;
	int rc = demo_as_user(r, DEMO_COORDINATOR, &coordinator);
	if (rc || (rc = course_sessions_list(r->d, r->a, r->actor, c->id, &sessions, &n)))
		return rc;
	int64_t end = 0;
	for (size_t i = 0; i < n; i++)
		end = sessions[i].ends_at > end ? sessions[i].ends_at : end;
	auth_policy saved = *auth_policy_get(), fixed = saved;
	if (end) {
		demo_fixed_cs = end * 100;
		fixed.clock_cs = demo_fixed_clock;
	}
	auth_policy_set(&fixed);
	rc = certificate_issue_course(r->d, r->a, &coordinator, c->id, issued);
	auth_policy_set(&saved);
	return rc;
}

static int load_course(demo_run *r, const struct demo_course *dc, int64_t version_id)
{
	course c;
	int rc = find_course(r, dc->title, &c);
	if (rc == CK_E_NOT_FOUND)
		rc = create_course(r, dc, version_id, &c);
	else if (rc == 0)
		r->result->existing++;
	else
		return fail(r, dc->title, rc);
	if (rc)
		return rc;
	if (strcmp(c.status, "completed")) {
		if ((rc = enroll(r, dc, &c)) || (rc = set_status(r, &c, "in_progress")))
			return rc;
		if (!dc->is_complete)
			return (rc = take_roll(r, dc, &c))
			           ? rc
			           : demo_load_runs(r, &c, dc->trainees, COUNT(dc->trainees), false);
		/* The scenario runs, on the fourth day: the completion rule asks
		 * for two passed a trainee. */
		if ((rc = demo_load_runs(r, &c, dc->trainees, COUNT(dc->trainees), true)))
			return rc;
	}
	if (!dc->is_complete)
		return 0;
	int issued = 0;
	if ((rc = issue_at_end(r, &c, &issued)))
		return fail(r, dc->title, rc);
	r->result->created += issued;
	return set_status(r, &c, "completed");
}

int demo_load_courses(demo_run *r)
{
	curriculum cur;
	int rc = find_curriculum(r, &cur);
	if (rc)
		return fail(r, DEMO_CURRICULUM, rc);
	for (size_t i = 0; i < COUNT(courses); i++)
		if ((rc = load_course(r, &courses[i], cur.approved_version_id)))
			return rc;
	return 0;
}
