/* sessions.c: the sessions of a course: reads with their modules and
 * instructors attached. */
#include <string.h>

#include "../auth/auth_internal.h"
#include "../base/errors.h"
#include "courses.h"
#include "courses_internal.h"

#define SESSION_COLUMNS                                                                            \
	"s.id, s.course_id, s.starts_at, s.ends_at, s.room, s.created_at, s.updated_at "

static void read_session(arena *a, db_stmt *s, course_session *out)
{
	const char *room = db_col_text(s, 4);
	*out = (course_session){
	    .id = db_col_int(s, 0),
	    .course_id = db_col_int(s, 1),
	    .starts_at = db_col_int(s, 2),
	    .ends_at = db_col_int(s, 3),
	    .room = arena_strdup(a, room ? room : ""),
	    .created_at = db_col_int(s, 5),
	    .updated_at = db_col_int(s, 6),
	};
}

static course_session *find(course_session *items, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (items[i].id == id)
			return &items[i];
	return NULL;
}

/* The modules of the sessions in items (the rows sql selects for key),
 * collected first, then counted and handed out per session. */
static int attach_modules(db *d, arena *a, const char *sql, int64_t key, course_session *items,
                          size_t n)
{
	db_stmt *s;
	int rc = db_prepare(d, sql, &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, key);
	size_t *counts = arena_array(a, n ? n : 1, sizeof *counts);
	typedef struct row {
		int64_t session_id;
		course_session_module m;
	} row;
	size_t cap = 16, len = 0;
	row *rows = arena_array(a, cap, sizeof *rows);
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			row *bigger = arena_array(a, cap * 2, sizeof *rows);
			memcpy(bigger, rows, len * sizeof *rows);
			rows = bigger;
			cap *= 2;
		}
		const char *code = db_col_text(s, 2), *title = db_col_text(s, 3),
		           *component = db_col_text(s, 4), *kinds = db_col_text(s, 5);
		rows[len++] = (row){
		    .session_id = db_col_int(s, 0),
		    .m = {.module_id = db_col_int(s, 1),
		          .code = arena_strdup(a, code ? code : ""),
		          .title = arena_strdup(a, title ? title : ""),
		          .component = arena_strdup(a, component ? component : ""),
		          .instructor_kinds = arena_strdup(a, kinds ? kinds : ""),
		          .minutes = db_col_int(s, 6)},
		};
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < len; i++) {
		course_session *cs = find(items, n, rows[i].session_id);
		if (cs)
			counts[cs - items]++;
	}
	for (size_t i = 0; i < n; i++) {
		items[i].modules =
		    arena_array(a, counts[i] ? counts[i] : 1, sizeof(course_session_module));
		items[i].module_count = 0;
	}
	for (size_t i = 0; i < len; i++) {
		course_session *cs = find(items, n, rows[i].session_id);
		if (cs)
			cs->modules[cs->module_count++] = rows[i].m;
	}
	return 0;
}

static int attach_instructors(db *d, arena *a, const char *sql, int64_t key, course_session *items,
                              size_t n)
{
	db_stmt *s;
	int rc = db_prepare(d, sql, &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, key);
	size_t *counts = arena_array(a, n ? n : 1, sizeof *counts);
	typedef struct row {
		int64_t session_id;
		course_session_instructor in;
	} row;
	size_t cap = 16, len = 0;
	row *rows = arena_array(a, cap, sizeof *rows);
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			row *bigger = arena_array(a, cap * 2, sizeof *rows);
			memcpy(bigger, rows, len * sizeof *rows);
			rows = bigger;
			cap *= 2;
		}
		const char *name = db_col_text(s, 2);
		rows[len++] = (row){
		    .session_id = db_col_int(s, 0),
		    .in = {.user_id = db_col_int(s, 1),
		           .name = arena_strdup(a, name ? name : ""),
		           .roles = (unsigned)db_col_int(s, 3)},
		};
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < len; i++) {
		course_session *cs = find(items, n, rows[i].session_id);
		if (cs)
			counts[cs - items]++;
	}
	for (size_t i = 0; i < n; i++) {
		items[i].instructors =
		    arena_array(a, counts[i] ? counts[i] : 1, sizeof(course_session_instructor));
		items[i].instructor_count = 0;
	}
	for (size_t i = 0; i < len; i++) {
		course_session *cs = find(items, n, rows[i].session_id);
		if (cs)
			cs->instructors[cs->instructor_count++] = rows[i].in;
	}
	return 0;
}

#define MODULE_SELECT                                                                              \
	"SELECT sm.session_id, m.id, m.code, m.title, m.component, m.instructor_kinds, "           \
	"sm.minutes "                                                                              \
	"FROM session_modules sm JOIN curriculum_modules m ON m.id = sm.module_id "                \
	"JOIN course_sessions s ON s.id = sm.session_id "
#define INSTRUCTOR_SELECT                                                                          \
	"SELECT si.session_id, u.id, u.name, u.roles FROM session_instructors si "                 \
	"JOIN users u ON u.id = si.user_id JOIN course_sessions s ON s.id = si.session_id "

int courses_load_sessions(db *d, arena *a, int64_t course_id, course_session **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	db_stmt *s;
	int rc =
	    db_prepare(d,
	               "SELECT " SESSION_COLUMNS "FROM course_sessions s WHERE s.course_id = $1 "
	               "ORDER BY s.starts_at, s.id",
	               &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, course_id);
	size_t cap = 16, len = 0;
	course_session *out = arena_array(a, cap, sizeof *out);
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			course_session *bigger = arena_array(a, cap * 2, sizeof *out);
			memcpy(bigger, out, len * sizeof *out);
			out = bigger;
			cap *= 2;
		}
		read_session(a, s, &out[len++]);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	rc = attach_modules(
	    d, a, MODULE_SELECT "WHERE s.course_id = $1 ORDER BY sm.session_id, m.position",
	    course_id, out, len);
	if (rc < 0)
		return rc;
	rc = attach_instructors(
	    d, a, INSTRUCTOR_SELECT "WHERE s.course_id = $1 ORDER BY si.session_id, u.name",
	    course_id, out, len);
	if (rc < 0)
		return rc;
	*items = out;
	*n = len;
	return 0;
}

int courses_load_session(db *d, arena *a, int64_t session_id, course_session *out)
{
	db_stmt *s;
	int rc =
	    db_prepare(d, "SELECT " SESSION_COLUMNS "FROM course_sessions s WHERE s.id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, session_id);
	rc = db_step(s);
	if (rc == DB_ROW)
		read_session(a, s, out);
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return CK_E_NOT_FOUND;
	rc = attach_modules(d, a, MODULE_SELECT "WHERE s.id = $1 ORDER BY m.position", session_id,
	                    out, 1);
	if (rc < 0)
		return rc;
	return attach_instructors(d, a, INSTRUCTOR_SELECT "WHERE s.id = $1 ORDER BY u.name",
	                          session_id, out, 1);
}

int course_sessions_list(db *d, arena *a, const principal *actor, int64_t course_id,
                         course_session **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	course c;
	int rc = course_get(d, a, actor, course_id, &c);
	if (rc < 0)
		return rc;
	return courses_load_sessions(d, a, course_id, items, n);
}

int course_session_get(db *d, arena *a, const principal *actor, int64_t session_id,
                       course_session *out)
{
	if (!auth_allowed(actor, PERM_COURSES_READ))
		return CK_E_FORBIDDEN;
	int rc = courses_load_session(d, a, session_id, out);
	if (rc < 0)
		return rc;
	course c;
	return course_get(d, a, actor, out->course_id, &c);
}
