/* runs_fixture.h: scenario runs written straight into the schema
 * (0005_scenarios), for the tests of what counts them: the completion
 * rule (progress), completion and certificates. Include after
 * auth_fixture.h. */
#ifndef CITKIT_TEST_RUNS_FIXTURE_H
#define CITKIT_TEST_RUNS_FIXTURE_H

#include "auth_fixture.h"

/* n closed runs of enrollment_id with result ("pass" or "fail"), closed
 * at closed_at; a rubric and a scenario are made the first time. */
static inline void fx_closed_runs(authfx *f, int64_t enrollment_id, int n, const char *result,
                                  int64_t closed_at)
{
	int64_t scenario = 0;
	if (db_query_int(f->d, &scenario, "SELECT id FROM scenarios WHERE code = 'fx-scenario'",
	                 "") == DB_DONE) {
		int64_t rubric = 0;
		if (db_query_int(f->d, &rubric,
		                 "INSERT INTO rubrics (code, title, created_at, updated_at) "
		                 "VALUES ('fx-rubric', 'Fixture rubric', 1, 1) RETURNING id",
		                 "") != DB_ROW ||
		    db_query_int(f->d, &scenario,
		                 "INSERT INTO scenarios (code, title, crisis_type, difficulty, "
		                 "dispatch_brief, minutes, rubric_id, created_at, updated_at) VALUES "
		                 "('fx-scenario', 'Fixture', 'other', 'introductory', 'x', 10, $1, 1, 1) "
		                 "RETURNING id",
		                 "i", rubric) != DB_ROW)
			fail_msg("fixture scenario: %s", db_errmsg(f->d));
	}
	for (int i = 0; i < n; i++)
		if (db_run(f->d,
		           "INSERT INTO scenario_runs (course_id, scenario_id, rubric_id, enrollment_id, "
		           "trainee_id, join_code, status, started_by, started_at, ended_at, closed_at, "
		           "result, mean_x100) SELECT e.course_id, s.id, s.rubric_id, e.id, e.user_id, "
		           "'FX' || (SELECT COUNT(*) + 1 FROM scenario_runs), 'closed', e.user_id, "
		           "$3, $3, $3, $4, 300 FROM enrollments e, scenarios s WHERE e.id = $1 "
		           "AND s.id = $2",
		           "iiit", enrollment_id, scenario, closed_at, result) != 1)
			fail_msg("fixture run: %s", db_errmsg(f->d));
}

#endif
