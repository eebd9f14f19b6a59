/* runs_reports.c: what runs add up to: a trainee's run history and skill
 * trend, and a course's matrix of trainees × skills (see runs.h). Both
 * use the instructors' scores only: those decide a run. */
#include <string.h>

#include "../auth/auth_internal.h"
#include "../base/errors.h"
#include "../training/enrollments.h"
#include "runs_internal.h"

/* A growing array in the arena. */
static void *grow(arena *a, void *items, size_t *cap, size_t count, size_t size)
{
	if (count < *cap)
		return items;
	size_t cap2 = *cap ? *cap * 2 : 8;
	void *bigger = arena_array(a, cap2, size);
	if (count)
		memcpy(bigger, items, count * size);
	*cap = cap2;
	return bigger;
}

/* Instructors' mean ×100 a skill of one run: codes[i], titles[i],
 * critical[i], means[i] (-1 unscored), in rubric order. */
typedef struct skill_means {
	const char **codes, **titles;
	bool *critical;
	int64_t *means;
	size_t n;
} skill_means;

static int load_run_means(db *d, arena *a, int64_t run_id, skill_means *out)
{
	db_stmt *s;
	int rc =
	    db_prepare(d,
	               "SELECT rs.code, rs.title, rs.is_critical, SUM(sc.score), "
	               "COUNT(sc.score) FROM scenario_runs r "
	               "JOIN rubric_skills rs ON rs.rubric_id = r.rubric_id "
	               "LEFT JOIN run_feedback f ON f.run_id = r.id "
	               "AND f.author_role = 'instructor' "
	               "LEFT JOIN run_scores sc ON sc.feedback_id = f.id AND sc.skill_id = rs.id "
	               "WHERE r.id = $1 GROUP BY rs.id, rs.code, rs.title, rs.is_critical, "
	               "rs.position ORDER BY rs.position, rs.id",
	               &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, run_id);
	size_t cap = 0;
	*out = (skill_means){0};
	while ((rc = db_step(s)) == DB_ROW) {
		size_t c1 = cap, c2 = cap, c3 = cap;
		out->codes = grow(a, out->codes, &c1, out->n, sizeof *out->codes);
		out->titles = grow(a, out->titles, &c2, out->n, sizeof *out->titles);
		out->critical = grow(a, out->critical, &c3, out->n, sizeof *out->critical);
		out->means = grow(a, out->means, &cap, out->n, sizeof *out->means);
		int64_t sum = db_col_is_null(s, 3) ? 0 : db_col_int(s, 3), n = db_col_int(s, 4);
		out->codes[out->n] = db_col_dup(a, s, 0);
		out->titles[out->n] = db_col_dup(a, s, 1);
		out->critical[out->n] = db_col_int(s, 2) != 0;
		out->means[out->n++] = n ? (sum * 200 + n) / (2 * n) : -1;
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

int run_history_for_user(db *d, arena *a, const principal *actor, int64_t user_id, run_history *out)
{
	*out = (run_history){.user_id = user_id};
	int64_t org_id = 0;
	db_stmt *s;
	int rc = db_prepare(d, "SELECT org_id, name FROM users WHERE id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, user_id);
	rc = db_step(s);
	if (rc == DB_ROW) {
		org_id = db_col_int(s, 0);
		out->user_name = db_col_dup(a, s, 1);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || !enrollment_sees(actor, user_id, org_id))
		return CK_E_NOT_FOUND;
	rc = runs_load_for_trainee(d, a, actor, user_id, &out->runs, &out->n_runs);
	if (rc < 0)
		return rc;
	/* Closed runs, oldest first: one point each on every skill's line
	 * (-1 where the run's rubric lacks the skill or nobody scored it). */
	size_t n_closed = 0;
	const run **closed = arena_array(a, out->n_runs ? out->n_runs : 1, sizeof *closed);
	for (size_t i = out->n_runs; i-- > 0;)
		if (!strcmp(out->runs[i].status, "closed"))
			closed[n_closed++] = &out->runs[i];
	skill_means *means = arena_array(a, n_closed ? n_closed : 1, sizeof *means);
	size_t cap = 0;
	for (size_t p = 0; p < n_closed; p++) {
		rc = load_run_means(d, a, closed[p]->id, &means[p]);
		if (rc < 0)
			return rc;
		for (size_t k = 0; k < means[p].n; k++) {
			size_t t = 0;
			while (t < out->n_trends &&
			       strcmp(out->trends[t].skill_code, means[p].codes[k]))
				t++;
			if (t < out->n_trends)
				continue;
			out->trends =
			    grow(a, out->trends, &cap, out->n_trends, sizeof *out->trends);
			out->trends[out->n_trends++] = (run_trend){
			    .skill_code = means[p].codes[k], .skill_title = means[p].titles[k]};
		}
	}
	for (size_t t = 0; t < out->n_trends; t++) {
		run_trend *tr = &out->trends[t];
		tr->points = arena_array(a, n_closed ? n_closed : 1, sizeof *tr->points);
		tr->n_points = n_closed;
		for (size_t p = 0; p < n_closed; p++) {
			tr->points[p] = (run_trend_point){closed[p]->id, closed[p]->started_at, -1};
			for (size_t k = 0; k < means[p].n; k++)
				if (!strcmp(means[p].codes[k], tr->skill_code))
					tr->points[p].instructor_mean_x100 = means[p].means[k];
		}
	}
	return 0;
}

int run_matrix_for_course(db *d, arena *a, const principal *actor, int64_t course_id,
                          run_matrix *out)
{
	*out = (run_matrix){.course_id = course_id};
	if (!auth_allowed(actor, PERM_RUNS_MANAGE))
		return CK_E_FORBIDDEN;
	db_stmt *s;
	int rc =
	    db_prepare(d, "SELECT title, scenario_runs_required FROM courses WHERE id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, course_id);
	rc = db_step(s);
	if (rc == DB_ROW) {
		out->course_title = db_col_dup(a, s, 0);
		out->runs_required = db_col_int(s, 1);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return CK_E_NOT_FOUND;
	rc = runs_course_access(d, actor, course_id);
	if (rc < 0)
		return rc;
	rc =
	    db_prepare(d,
	               "SELECT e.id, e.user_id, u.name, "
	               "(SELECT COUNT(*) FROM scenario_runs r WHERE r.enrollment_id = e.id "
	               "AND r.status = 'closed' AND r.result = 'pass'), "
	               "(SELECT COUNT(*) FROM scenario_runs r WHERE r.enrollment_id = e.id "
	               "AND r.status = 'closed'), "
	               "(SELECT r.id FROM scenario_runs r WHERE r.enrollment_id = e.id "
	               "AND r.status = 'closed' ORDER BY r.closed_at DESC, r.id DESC LIMIT 1), "
	               "(SELECT r.result FROM scenario_runs r WHERE r.enrollment_id = e.id "
	               "AND r.status = 'closed' ORDER BY r.closed_at DESC, r.id DESC LIMIT 1) "
	               "FROM enrollments e JOIN users u ON u.id = e.user_id WHERE e.course_id = $1 "
	               "AND e.status IN ('enrolled', 'completed') ORDER BY u.name, e.id",
	               &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, course_id);
	size_t cap = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		out->rows = grow(a, out->rows, &cap, out->n_rows, sizeof *out->rows);
		out->rows[out->n_rows++] = (run_matrix_row){
		    .enrollment_id = db_col_int(s, 0),
		    .user_id = db_col_int(s, 1),
		    .name = db_col_dup(a, s, 2),
		    .runs_passed = db_col_int(s, 3),
		    .runs_total = db_col_int(s, 4),
		    .latest_run_id = db_col_is_null(s, 5) ? 0 : db_col_int(s, 5),
		    .latest_result = db_col_is_null(s, 6) ? NULL : db_col_dup(a, s, 6),
		};
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	skill_means *means = arena_array(a, out->n_rows ? out->n_rows : 1, sizeof *means);
	size_t ccap = 0;
	for (size_t i = 0; i < out->n_rows; i++) {
		means[i] = (skill_means){0};
		if (!out->rows[i].latest_run_id)
			continue;
		rc = load_run_means(d, a, out->rows[i].latest_run_id, &means[i]);
		if (rc < 0)
			return rc;
		for (size_t k = 0; k < means[i].n; k++) {
			size_t c = 0;
			while (c < out->n_columns &&
			       strcmp(out->columns[c].code, means[i].codes[k]))
				c++;
			if (c < out->n_columns)
				continue;
			out->columns =
			    grow(a, out->columns, &ccap, out->n_columns, sizeof *out->columns);
			out->columns[out->n_columns++] = (run_matrix_column){
			    means[i].codes[k], means[i].titles[k], means[i].critical[k]};
		}
	}
	for (size_t i = 0; i < out->n_rows; i++) {
		int64_t *row = arena_array(a, out->n_columns ? out->n_columns : 1, sizeof *row);
		for (size_t c = 0; c < out->n_columns; c++) {
			row[c] = -1;
			for (size_t k = 0; k < means[i].n; k++)
				if (!strcmp(means[i].codes[k], out->columns[c].code))
					row[c] = means[i].means[k];
		}
		out->rows[i].means_x100 = row;
	}
	return 0;
}
