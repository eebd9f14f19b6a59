/* progress.c: a trainee's minutes per module, component and in total, and
 * the completion rule (see progress.h). Minutes inside a session are laid
 * out in module order from its start: a late arrival misses the first
 * modules' minutes, an early departure the last ones', so per-module
 * credit is exact to the minute. A module's credit never exceeds its
 * curriculum minutes, so a make-up on top of attendance does not count
 * twice towards the total. */
#include "progress.h"

#include <string.h>

#include "../auth/auth.h"
#include "../base/errors.h"
#include "guidelines.h"

static const char *const components[] = {
    "clinical", "lived_experience", "deescalation", "scenarios",
    "legal",    "resources",        "program",      NULL,
};
static const char *const component_labels[] = {
    "Clinical", "Lived experience",          "De-escalation", "Scenarios",
    "Legal",    "Resources and site visits", "Program",
};

const char *const *progress_components(void)
{
	return components;
}

const char *progress_component_label(const char *component)
{
	for (size_t i = 0; component && components[i]; i++)
		if (!strcmp(components[i], component))
			return component_labels[i];
	return component ? component : "";
}

const char *progress_hours_text(arena *a, int64_t minutes)
{
	long long h = (long long)(minutes / 60), m = (long long)(minutes % 60);
	if (h && m)
		return arena_printf(a, "%lld h %lld min", h, m);
	if (h)
		return arena_printf(a, "%lld h", h);
	return arena_printf(a, "%lld min", m);
}

int progress_assessment(db *d, int64_t enrollment_id, int64_t *passed, int64_t *required,
                        int64_t *at)
{
	*passed = 0;
	*required = 0;
	*at = 0;
	int rc = db_query_int(d, required,
	                      "SELECT c.scenario_runs_required FROM enrollments e "
	                      "JOIN courses c ON c.id = e.course_id WHERE e.id = $1",
	                      "i", enrollment_id);
	if (rc < 0)
		return rc;
	rc = db_query_int(d, passed,
	                  "SELECT COUNT(*) FROM scenario_runs WHERE enrollment_id = $1 "
	                  "AND status = 'closed' AND result = 'pass'",
	                  "i", enrollment_id);
	if (rc < 0)
		return rc;
	if (*passed < *required || *required == 0)
		return 0;
	/* When it was met: the closing of the required-th passed run. */
	rc = db_query_int(d, at,
	                  "SELECT closed_at FROM scenario_runs WHERE enrollment_id = $1 "
	                  "AND status = 'closed' AND result = 'pass' "
	                  "ORDER BY closed_at, id LIMIT 1 OFFSET $2",
	                  "ii", enrollment_id, *required - 1);
	return rc < 0 ? rc : 0;
}

static int load_enrollment(db *d, arena *a, int64_t id, progress *p, int64_t *version_id)
{
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT e.course_id, e.user_id, e.status, c.version_id, "
	                    "COALESCE(e.seated_at, 0) FROM enrollments e JOIN courses c ON c.id = "
	                    "e.course_id WHERE e.id = $1",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW) {
		const char *status = db_col_text(s, 2);
		p->enrollment_id = id;
		p->course_id = db_col_int(s, 0);
		p->user_id = db_col_int(s, 1);
		p->status = arena_strdup(a, status ? status : "");
		*version_id = db_col_int(s, 3);
		p->seated_at = db_col_int(s, 4);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

static int load_modules(db *d, arena *a, int64_t version_id, progress *p)
{
	int64_t count = 0;
	int rc =
	    db_query_int(d, &count, "SELECT COUNT(*) FROM curriculum_modules WHERE version_id = $1",
	                 "i", version_id);
	if (rc < 0)
		return rc;
	db_stmt *s;
	rc = db_prepare(d,
	                "SELECT id, code, title, component, minutes, is_required "
	                "FROM curriculum_modules WHERE version_id = $1 ORDER BY position, id",
	                &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, version_id);
	p->modules = arena_array(a, (size_t)count + 1, sizeof *p->modules);
	size_t n = 0;
	while ((rc = db_step(s)) == DB_ROW && n < (size_t)count) {
		const char *code = db_col_text(s, 1), *title = db_col_text(s, 2),
		           *comp = db_col_text(s, 3);
		p->modules[n++] = (progress_module){
		    .module_id = db_col_int(s, 0),
		    .code = arena_strdup(a, code ? code : ""),
		    .title = arena_strdup(a, title ? title : ""),
		    .component = arena_strdup(a, comp ? comp : ""),
		    .minutes = db_col_int(s, 4),
		    .is_required = db_col_int(s, 5) != 0,
		};
	}
	db_finish(s);
	p->n_modules = n;
	return rc < 0 ? rc : 0;
}

static progress_module *module_by_id(progress *p, int64_t id)
{
	for (size_t i = 0; i < p->n_modules; i++)
		if (p->modules[i].module_id == id)
			return &p->modules[i];
	return NULL;
}

static progress_module *module_by_code(progress *p, const char *code)
{
	for (size_t i = 0; code && i < p->n_modules; i++)
		if (!strcmp(p->modules[i].code, code))
			return &p->modules[i];
	return NULL;
}

static int64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
	int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
	return hi > lo ? hi - lo : 0;
}

/* Sessions of the course that have started and are over or have a
 * roll-call row (one taken while it runs), each
 * with the modules it covers in curriculum order. The person attended
 * [late, length - early) of the session's minutes (nothing if absent);
 * module i occupies the minutes after the modules before it. A session
 * over by the time the person got a seat gives nothing (a roll-call row
 * from an earlier seat included): its minutes go to before_seat. */
static int add_attendance(db *d, int64_t now, progress *p, int64_t *raw)
{
	db_stmt *s;
	int rc =
	    db_prepare(d,
	               "SELECT cs.id, cs.starts_at, cs.ends_at, a.status, a.minutes_late, "
	               "a.minutes_left_early, sm.module_id, sm.minutes "
	               "FROM course_sessions cs "
	               "JOIN session_modules sm ON sm.session_id = cs.id "
	               "JOIN curriculum_modules m ON m.id = sm.module_id "
	               "LEFT JOIN attendance a ON a.session_id = cs.id AND a.enrollment_id = $2 "
	               "WHERE cs.course_id = $1 AND cs.starts_at <= $3 "
	               "AND (cs.ends_at <= $3 OR a.id IS NOT NULL) "
	               "ORDER BY cs.id, m.position, m.id",
	               &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, p->course_id);
	db_bind_int(s, 2, p->enrollment_id);
	db_bind_int(s, 3, now);
	int64_t session = 0, offset = 0, from = 0, to = 0;
	bool is_before_seat = false;
	while ((rc = db_step(s)) == DB_ROW) {
		if (db_col_int(s, 0) != session) {
			session = db_col_int(s, 0);
			offset = 0;
			int64_t length = (db_col_int(s, 2) - db_col_int(s, 1)) / 60;
			const char *status = db_col_text(s, 3);
			bool absent = status && !strcmp(status, "absent");
			from = db_col_int(s, 4);
			to = length - db_col_int(s, 5);
			is_before_seat = db_col_int(s, 2) <= p->seated_at;
			if (absent || to < from || is_before_seat)
				from = to = 0;
		}
		int64_t minutes = db_col_int(s, 7);
		progress_module *m = module_by_id(p, db_col_int(s, 6));
		if (m && is_before_seat)
			m->before_seat += minutes;
		else if (m)
			raw[m - p->modules] += overlap(offset, offset + minutes, from, to);
		offset += minutes;
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

/* Make-up credit from sessions that have started (one recorded ahead of
 * its session, before that was refused, waits for it). */
static int add_makeup(db *d, int64_t now, progress *p, int64_t *raw, int64_t *makeup)
{
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT mc.module_code, SUM(mc.minutes) FROM makeup_credits mc "
	                    "JOIN course_sessions cs ON cs.id = mc.session_id "
	                    "WHERE mc.enrollment_id = $1 AND cs.starts_at <= $2 "
	                    "GROUP BY mc.module_code",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, p->enrollment_id);
	db_bind_int(s, 2, now);
	while ((rc = db_step(s)) == DB_ROW) {
		progress_module *m = module_by_code(p, db_col_text(s, 0));
		if (m) {
			raw[m - p->modules] += db_col_int(s, 1);
			makeup[m - p->modules] += db_col_int(s, 1);
		}
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

static void roll_up(progress *p, const int64_t *raw, const int64_t *makeup)
{
	p->n_components = PROGRESS_COMPONENTS;
	for (size_t c = 0; c < PROGRESS_COMPONENTS; c++)
		p->components[c] = (progress_component){.component = components[c]};
	for (size_t i = 0; i < p->n_modules; i++) {
		progress_module *m = &p->modules[i];
		m->attended = raw[i] < m->minutes ? raw[i] : m->minutes;
		/* Make-up fills what attendance left; the rest was attended. */
		int64_t own = raw[i] - makeup[i];
		m->makeup = m->attended > own ? m->attended - own : 0;
		m->is_met = m->attended * 100 >= m->minutes * PROGRESS_REQUIRED_PERCENT;
		p->total_minutes += m->attended;
		p->planned_minutes += m->minutes;
		for (size_t c = 0; c < PROGRESS_COMPONENTS; c++)
			if (!strcmp(components[c], m->component)) {
				p->components[c].minutes += m->minutes;
				p->components[c].attended += m->attended;
			}
	}
}

/* The completion rule: the one place that decides what is missing. */
static void training_progress_rule(arena *a, progress *p)
{
	p->missing = arena_array(a, p->n_modules + 2, sizeof *p->missing);
	p->n_missing = 0;
	for (size_t i = 0; i < p->n_modules; i++) {
		const progress_module *m = &p->modules[i];
		if (!m->is_required || m->is_met)
			continue;
		int64_t need = (m->minutes * PROGRESS_REQUIRED_PERCENT + 99) / 100;
		bool is_makeup_needed = m->before_seat > 0;
		p->missing[p->n_missing++] = (progress_gap){
		    .kind = PROGRESS_GAP_MODULE,
		    .code = m->code,
		    .have = m->attended,
		    .need = need,
		    .text = arena_printf(
		        a, "%s: %lld of %lld min (%lld needed)%s", m->title, (long long)m->attended,
		        (long long)m->minutes, (long long)need,
		        is_makeup_needed ? arena_printf(a,
		                                        ", make-up needed: %lld min held "
		                                        "before the seat",
		                                        (long long)m->before_seat)
		                         : ""),
		    .is_makeup_needed = is_makeup_needed,
		};
	}
	if (p->total_minutes < p->required_minutes)
		p->missing[p->n_missing++] = (progress_gap){
		    .kind = PROGRESS_GAP_TOTAL,
		    .have = p->total_minutes,
		    .need = p->required_minutes,
		    .text =
		        arena_printf(a, "Total: %s of %s", progress_hours_text(a, p->total_minutes),
		                     progress_hours_text(a, p->required_minutes)),
		};
	p->assessment_passed = p->runs_passed >= p->runs_required;
	if (!p->assessment_passed)
		p->missing[p->n_missing++] = (progress_gap){
		    .kind = PROGRESS_GAP_ASSESSMENT,
		    .have = p->runs_passed,
		    .need = p->runs_required,
		    .text = arena_printf(a, "Scenario assessment: %lld of %lld runs passed",
		                         (long long)p->runs_passed, (long long)p->runs_required),
		};
	p->is_complete = p->n_missing == 0;
}

int training_progress(db *d, arena *a, int64_t enrollment_id, progress *out)
{
	int64_t version_id = 0;
	*out = (progress){0};
	int rc = load_enrollment(d, a, enrollment_id, out, &version_id);
	if (rc < 0)
		return rc;
	rc = load_modules(d, a, version_id, out);
	if (rc < 0)
		return rc;
	/* The total the program's guideline asks (an admin setting), once. */
	int required = 0;
	rc = guideline_total_load(d, a, &required);
	if (rc < 0)
		return rc;
	out->required_minutes = required;
	int64_t *raw = arena_array(a, out->n_modules + 1, sizeof *raw);
	int64_t *makeup = arena_array(a, out->n_modules + 1, sizeof *makeup);
	/* Only someone with a seat attends; a waitlisted or withdrawn person
	 * is not counted present by default. */
	bool has_seat = !strcmp(out->status, "enrolled") || !strcmp(out->status, "completed");
	int64_t now = auth_now();
	if (has_seat) {
		rc = add_attendance(d, now, out, raw);
		if (rc < 0)
			return rc;
	}
	rc = add_makeup(d, now, out, raw, makeup);
	if (rc < 0)
		return rc;
	roll_up(out, raw, makeup);
	rc = progress_assessment(d, enrollment_id, &out->runs_passed, &out->runs_required,
	                         &out->assessment_passed_at);
	if (rc < 0)
		return rc;
	training_progress_rule(a, out);
	return 0;
}
