/* courses.c: course offerings: statuses, reads, create and update. Every
 * write is one transaction with its audit row; sessions are in sessions.c. */
#include "courses.h"

#include <string.h>
#include <time.h>

#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../auth/roles.h"
#include "../base/errors.h"
#include "courses_internal.h"
#include "enrollments.h"

static const char *const statuses[] = {
    "planned", "open", "in_progress", "completed", "cancelled", NULL,
};
static const char *const status_labels[] = {
    "Planned", "Open for enrollment", "In progress", "Completed", "Cancelled",
};

const char *const *course_statuses(void)
{
	return statuses;
}

const char *course_status_label(const char *status)
{
	for (size_t i = 0; status && statuses[i]; i++)
		if (!strcmp(statuses[i], status))
			return status_labels[i];
	return "Unknown";
}

bool course_status_can_change(const char *from, const char *to)
{
	static const struct {
		const char *from, *to;
	} allowed[] = {
	    {"planned", "open"},          {"planned", "cancelled"}, {"open", "planned"},
	    {"open", "in_progress"},      {"open", "cancelled"},    {"in_progress", "completed"},
	    {"in_progress", "cancelled"},
	};
	if (!from || !to)
		return false;
	if (!strcmp(from, to))
		return true;
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (!strcmp(allowed[i].from, from) && !strcmp(allowed[i].to, to))
			return true;
	return false;
}

unsigned course_instructor_kinds(unsigned roles)
{
	unsigned kinds = 0;
	if (roles & ROLE_CLINICIAN)
		kinds |= COURSE_KIND_CLINICIAN;
	if (roles & ROLE_PRESENTER)
		kinds |= COURSE_KIND_PRESENTER | COURSE_KIND_ROLE_PLAYER;
	if (roles & ROLE_INSTRUCTOR) {
		/* An instructor who is also a clinician or presenter teaches as
		 * that; otherwise the instructor role marks an experienced CIT
		 * officer, who also plays roles in scenarios. */
		if (!(roles & (ROLE_CLINICIAN | ROLE_PRESENTER)) || (roles & ROLE_OFFICER))
			kinds |= COURSE_KIND_OFFICER | COURSE_KIND_ROLE_PLAYER;
	}
	return kinds;
}

unsigned course_kinds_parse(const char *list)
{
	static const struct {
		const char *word;
		unsigned bit;
	} words[] = {
	    {"clinician", COURSE_KIND_CLINICIAN},
	    {"officer", COURSE_KIND_OFFICER},
	    {"presenter", COURSE_KIND_PRESENTER},
	    {"role_player", COURSE_KIND_ROLE_PLAYER},
	};
	unsigned mask = 0;
	const char *p = list ? list : "";
	while (*p) {
		while (*p == ',' || *p == ' ')
			p++;
		size_t len = strcspn(p, ", ");
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
			if (strlen(words[i].word) == len && !strncmp(words[i].word, p, len))
				mask |= words[i].bit;
		p += len;
	}
	return mask;
}

bool courses_visible(const principal *actor, const char *status)
{
	if (auth_allowed(actor, PERM_COURSES_WRITE))
		return true;
	return strcmp(status, "planned") != 0;
}

/* Local dates through the C library: TZ is the program's zone (set once at
 * start by clock_set_zone), so localtime_r / mktime convert. */
int64_t courses_local_day(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	struct tm day = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon, .tm_mday = tm.tm_mday};
	return (int64_t)timegm(&day);
}

int64_t courses_local_instant(int64_t day, int minute_of_day)
{
	time_t tt = (time_t)day;
	struct tm d;
	gmtime_r(&tt, &d);
	struct tm local = {
	    .tm_year = d.tm_year,
	    .tm_mon = d.tm_mon,
	    .tm_mday = d.tm_mday,
	    .tm_hour = minute_of_day / 60,
	    .tm_min = minute_of_day % 60,
	    .tm_isdst = -1,
	};
	return (int64_t)mktime(&local);
}

int courses_local_minute(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return tm.tm_hour * 60 + tm.tm_min;
}

#define COURSE_COLUMNS                                                                             \
	"c.id, c.version_id, v.title, v.version, c.title, c.location, c.starts_on, c.ends_on, "    \
	"c.capacity, c.status, c.created_at, c.updated_at, "                                       \
	"(SELECT COUNT(*) FROM course_sessions s WHERE s.course_id = c.id), "                      \
	"(SELECT COALESCE(SUM(m.minutes), 0) FROM session_modules m "                              \
	"JOIN course_sessions s ON s.id = m.session_id WHERE s.course_id = c.id), "                \
	"c.scenario_runs_required, c.calendar_generation "
#define COURSE_FROM "FROM courses c JOIN curriculum_versions v ON v.id = c.version_id "

static const char *text_or(arena *a, db_stmt *s, int col, const char *fallback)
{
	const char *t = db_col_text(s, col);
	return arena_strdup(a, t ? t : fallback);
}

static void read_course(arena *a, db_stmt *s, course *c)
{
	*c = (course){
	    .id = db_col_int(s, 0),
	    .version_id = db_col_int(s, 1),
	    .curriculum_title = text_or(a, s, 2, ""),
	    .curriculum_version = db_col_int(s, 3),
	    .title = text_or(a, s, 4, ""),
	    .location = text_or(a, s, 5, ""),
	    .starts_on = db_col_int(s, 6),
	    .ends_on = db_col_int(s, 7),
	    .capacity = db_col_int(s, 8),
	    .status = text_or(a, s, 9, "planned"),
	    .created_at = db_col_int(s, 10),
	    .updated_at = db_col_int(s, 11),
	    .session_count = db_col_int(s, 12),
	    .scheduled_minutes = db_col_int(s, 13),
	    .scenario_runs_required = db_col_int(s, 14),
	    .calendar_generation = db_col_int(s, 15),
	};
}

int courses_load(db *d, arena *a, int64_t id, course *out)
{
	db_stmt *s;
	int rc = db_prepare(d, "SELECT " COURSE_COLUMNS COURSE_FROM "WHERE c.id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW)
		read_course(a, s, out);
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

int course_get(db *d, arena *a, const principal *actor, int64_t id, course *out)
{
	if (!auth_allowed(actor, PERM_COURSES_READ))
		return CK_E_FORBIDDEN;
	int rc = courses_load(d, a, id, out);
	if (rc == 0 && !courses_visible(actor, out->status))
		return CK_E_NOT_FOUND;
	return rc;
}

int course_list(db *d, arena *a, const principal *actor, const course_filter *f, int limit,
                const char *cursor, course **items, size_t *n, const char **next_cursor)
{
	int64_t after;
	*items = NULL;
	*n = 0;
	*next_cursor = NULL;
	if (!auth_allowed(actor, PERM_COURSES_READ))
		return CK_E_FORBIDDEN;
	int rc = auth_cursor_parse(cursor, &after);
	if (rc < 0)
		return rc;
	limit = auth_limit(limit);
	const char *status = f && f->status && *f->status ? f->status : NULL;
	db_stmt *s;
	rc = db_prepare(d,
	                "SELECT " COURSE_COLUMNS COURSE_FROM
	                "WHERE ($2 = 1 OR c.status <> 'planned') "
	                "AND (CAST($3 AS TEXT) IS NULL OR c.status = $3 "
	                "OR EXISTS (SELECT 1 FROM course_sessions ts JOIN session_instructors ti "
	                "ON ti.session_id = ts.id WHERE ts.course_id = c.id AND ti.user_id = $5)) "
	                "AND (CAST($1 AS BIGINT) = 0 OR (c.starts_on, c.id) < "
	                "(SELECT k.starts_on, k.id FROM courses k WHERE k.id = $1)) "
	                "ORDER BY c.starts_on DESC, c.id DESC LIMIT $4",
	                &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, after);
	db_bind_int(s, 2, auth_allowed(actor, PERM_COURSES_WRITE) ? 1 : 0);
	db_bind_text(s, 3, status);
	db_bind_int(s, 4, limit + 1);
	db_bind_int(s, 5, f ? f->or_taught_by : 0);
	course *out = arena_array(a, (size_t)limit + 1, sizeof *out);
	size_t count = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (count == (size_t)limit) {
			*next_cursor = auth_cursor_make(a, out[count - 1].id);
			break;
		}
		read_course(a, s, &out[count++]);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = count;
	return 0;
}

enum { F_VERSION, F_TITLE, F_LOCATION, F_STARTS, F_ENDS, F_CAPACITY, F_STATUS, F_RUNS, F_COUNT };

static const field_spec specs[F_COUNT] = {
    [F_VERSION] = {"version_id", FIELD_INT, true, 1, INT64_MAX, NULL, "Curriculum version"},
    [F_TITLE] = {"title", FIELD_TEXT, true, 1, 200, NULL, "Title"},
    [F_LOCATION] = {"location", FIELD_TEXT, false, 0, 200, NULL, "Location"},
    [F_STARTS] = {"starts_on", FIELD_DATE, true, 0, 0, NULL, "First day"},
    [F_ENDS] = {"ends_on", FIELD_DATE, true, 0, 0, NULL, "Last day"},
    [F_CAPACITY] = {"capacity", FIELD_INT, true, 1, 500, NULL, "Capacity"},
    [F_STATUS] = {"status", FIELD_ENUM, false, 0, 0, statuses, "Status"},
    [F_RUNS] = {"scenario_runs_required", FIELD_INT, false, 0, 20, NULL, "Scenario runs required"},
};

enum { COURSE_MAX_DAYS = 60 };

typedef struct write_ctx {
	arena *a;
	const principal *actor;
	int64_t id;
	field_value *v;
	field_errors *errs;
} write_ctx;

/* The version must exist and be approved: courses are built only on an
 * approved (immutable) curriculum. */
static int check_version(db *d, int64_t version_id, field_errors *errs)
{
	db_stmt *s;
	int rc = db_prepare(d, "SELECT status FROM curriculum_versions WHERE id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, version_id);
	rc = db_step(s);
	bool approved = rc == DB_ROW && db_col_text(s, 0) && !strcmp(db_col_text(s, 0), "approved");
	bool exists = rc == DB_ROW;
	db_finish(s);
	if (rc < 0)
		return rc;
	if (!exists)
		field_errors_add(errs, "version_id", "is not a curriculum version");
	else if (!approved)
		field_errors_add(
		    errs, "version_id",
		    "is a draft: a course can only use an approved curriculum version");
	return 0;
}

static void check_dates(int64_t starts_on, int64_t ends_on, field_errors *errs)
{
	if (ends_on < starts_on)
		field_errors_add(errs, "ends_on", "must be on or after the first day");
	else if ((ends_on - starts_on) / 86400 >= COURSE_MAX_DAYS)
		field_errors_add(errs, "ends_on", "must be within 60 days of the first day");
}

static int create_in_tx(db *d, void *vctx)
{
	write_ctx *c = vctx;
	field_value *v = c->v;
	int rc = check_version(d, v[F_VERSION].number, c->errs);
	if (rc < 0)
		return rc;
	if (c->errs->len)
		return CK_E_INVALID;
	const char *status = v[F_STATUS].present ? v[F_STATUS].text : "planned";
	const char *location = v[F_LOCATION].present ? v[F_LOCATION].text : "";
	int64_t runs = v[F_RUNS].present ? v[F_RUNS].number : COURSE_RUNS_REQUIRED_DEFAULT;
	int64_t now = auth_now();
	rc = db_query_int(d, &c->id,
	                  "INSERT INTO courses (version_id, title, location, starts_on, ends_on, "
	                  "capacity, status, scenario_runs_required, created_at, updated_at) "
	                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
	                  "ittiiitii", v[F_VERSION].number, v[F_TITLE].text, location,
	                  v[F_STARTS].number, v[F_ENDS].number, v[F_CAPACITY].number, status, runs,
	                  now);
	if (rc < 0)
		return rc;
	json_t *detail = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:I}", "version_id",
	                           (json_int_t)v[F_VERSION].number, "title", v[F_TITLE].text,
	                           "location", location, "starts_on", v[F_STARTS].text, "ends_on",
	                           v[F_ENDS].text, "capacity", (json_int_t)v[F_CAPACITY].number,
	                           "status", status, "scenario_runs_required", (json_int_t)runs);
	return audit_append(d, c->actor, "course.create", "course", auth_id_text(c->a, c->id),
	                    AUDIT_SUCCESS, auth_json_text(c->a, detail));
}

int course_create(db *d, arena *a, const principal *actor, const kv *in, int64_t *id,
                  field_errors *errs)
{
	field_value v[F_COUNT];
	if (!auth_allowed(actor, PERM_COURSES_WRITE))
		return CK_E_FORBIDDEN;
	/* Every problem at once: the date order is checked even when another
	 * field failed. */
	int rc = validate_fields(a, in, specs, F_COUNT, v, errs);
	if (rc < 0 && rc != CK_E_INVALID)
		return rc;
	if (v[F_STARTS].present && v[F_ENDS].present)
		check_dates(v[F_STARTS].number, v[F_ENDS].number, errs);
	if (v[F_STATUS].present && strcmp(v[F_STATUS].text, "planned") &&
	    strcmp(v[F_STATUS].text, "open"))
		field_errors_add(errs, "status", "must be planned or open for a new course");
	if (errs->len)
		return CK_E_INVALID;
	write_ctx c = {a, actor, 0, v, errs};
	rc = audit_tx(d, create_in_tx, &c);
	if (rc == 0 && id)
		*id = c.id;
	return rc;
}

/* Whether a session of the course falls outside [starts_on, ends_on]. */
static int sessions_outside(db *d, int64_t course_id, int64_t starts_on, int64_t ends_on,
                            bool *outside)
{
	db_stmt *s;
	*outside = false;
	int rc = db_prepare(d, "SELECT starts_at FROM course_sessions WHERE course_id = $1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, course_id);
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t day = courses_local_day(db_col_int(s, 0));
		if (day < starts_on || day > ends_on)
			*outside = true;
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

static int update_in_tx(db *d, void *vctx)
{
	write_ctx *c = vctx;
	field_value *v = c->v;
	course b;
	int rc = courses_load(d, c->a, c->id, &b);
	if (rc < 0)
		return rc;
	int64_t version = v[F_VERSION].present ? v[F_VERSION].number : b.version_id;
	const char *title = v[F_TITLE].present ? v[F_TITLE].text : b.title;
	const char *location = v[F_LOCATION].present ? v[F_LOCATION].text : b.location;
	int64_t starts_on = v[F_STARTS].present ? v[F_STARTS].number : b.starts_on;
	int64_t ends_on = v[F_ENDS].present ? v[F_ENDS].number : b.ends_on;
	int64_t capacity = v[F_CAPACITY].present ? v[F_CAPACITY].number : b.capacity;
	const char *status = v[F_STATUS].present ? v[F_STATUS].text : b.status;
	int64_t runs = v[F_RUNS].present ? v[F_RUNS].number : b.scenario_runs_required;
	if (version != b.version_id) {
		if (b.session_count > 0)
			field_errors_add(c->errs, "version_id",
			                 "cannot change once sessions are scheduled");
		else if ((rc = check_version(d, version, c->errs)) < 0)
			return rc;
	}
	check_dates(starts_on, ends_on, c->errs);
	if (!course_status_can_change(b.status, status)) {
		const char *msg =
		    arena_printf(c->a, "cannot change from %s to %s", course_status_label(b.status),
		                 course_status_label(status));
		field_errors_add(c->errs, "status", msg);
	}
	int64_t seated = 0, waiting = 0;
	if ((rc = enrollment_seat_counts(d, c->id, &seated, &waiting)) < 0)
		return rc;
	if (capacity < seated)
		field_errors_add(c->errs, "capacity",
		                 arena_printf(c->a,
		                              "cannot be less than the %lld %s already seated "
		                              "(withdraw someone first)",
		                              (long long)seated,
		                              seated == 1 ? "person" : "people"));
	if (!c->errs->len && (starts_on != b.starts_on || ends_on != b.ends_on)) {
		bool outside;
		if ((rc = sessions_outside(d, c->id, starts_on, ends_on, &outside)) < 0)
			return rc;
		if (outside)
			field_errors_add(
			    c->errs, "starts_on",
			    "would leave a scheduled session outside the course dates");
	}
	if (c->errs->len)
		return CK_E_INVALID;
	rc =
	    db_run(d,
	           "UPDATE courses SET version_id = $1, title = $2, location = $3, starts_on = $4, "
	           "ends_on = $5, capacity = $6, status = $7, scenario_runs_required = $8, "
	           "updated_at = $9, revision = revision + 1 WHERE id = $10",
	           "ittiiitiii", version, title, location, starts_on, ends_on, capacity, status,
	           runs, auth_now(), c->id);
	if (rc < 0)
		return rc;
	json_t *detail = json_pack(
	    "{s:{s:I, s:s, s:s, s:I, s:I, s:I, s:s, s:I}, s:{s:I, s:s, s:s, s:I, s:I, s:I, s:s, "
	    "s:I}}",
	    "before", "version_id", (json_int_t)b.version_id, "title", b.title, "location",
	    b.location, "starts_on", (json_int_t)b.starts_on, "ends_on", (json_int_t)b.ends_on,
	    "capacity", (json_int_t)b.capacity, "status", b.status, "scenario_runs_required",
	    (json_int_t)b.scenario_runs_required, "after", "version_id", (json_int_t)version,
	    "title", title, "location", location, "starts_on", (json_int_t)starts_on, "ends_on",
	    (json_int_t)ends_on, "capacity", (json_int_t)capacity, "status", status,
	    "scenario_runs_required", (json_int_t)runs);
	rc = audit_append(d, c->actor, "course.update", "course", auth_id_text(c->a, c->id),
	                  AUDIT_SUCCESS, auth_json_text(c->a, detail));
	/* New seats go to the waitlist in order, in this transaction; a
	 * finished or cancelled course seats nobody. */
	if (rc < 0 || capacity <= b.capacity || !strcmp(status, "completed") ||
	    !strcmp(status, "cancelled"))
		return rc;
	return enrollment_promote_waiting(d, c->a, c->actor, c->id, NULL);
}

int course_update(db *d, arena *a, const principal *actor, int64_t id, const kv *in,
                  field_errors *errs)
{
	field_value v[F_COUNT];
	if (!auth_allowed(actor, PERM_COURSES_WRITE))
		return CK_E_FORBIDDEN;
	int rc = auth_validate_update(a, in, specs, F_COUNT, v, errs);
	if (rc < 0)
		return rc;
	write_ctx c = {a, actor, id, v, errs};
	return audit_tx(d, update_in_tx, &c);
}

const char *courses_span_text(arena *a, int64_t start, int64_t end)
{
	time_t ts = (time_t)start, te = (time_t)end;
	struct tm s, e;
	localtime_r(&ts, &s);
	localtime_r(&te, &e);
	char wday[8], mon[8];
	strftime(wday, sizeof wday, "%a", &s);
	strftime(mon, sizeof mon, "%b", &s);
	return arena_printf(a, "%s %d %s %02d:%02d–%02d:%02d", wday, s.tm_mday, mon, s.tm_hour,
	                    s.tm_min, e.tm_hour, e.tm_min);
}

int courses_load_modules(db *d, arena *a, int64_t version_id, int64_t course_id,
                         course_module **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT m.id, m.code, m.title, m.component, m.instructor_kinds, "
	                    "m.position, m.day, m.minutes, m.is_required, "
	                    "(SELECT COALESCE(SUM(sm.minutes), 0) FROM session_modules sm "
	                    "JOIN course_sessions s ON s.id = sm.session_id "
	                    "WHERE sm.module_id = m.id AND s.course_id = $2) "
	                    "FROM curriculum_modules m WHERE m.version_id = $1 "
	                    "ORDER BY m.position, m.id",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, version_id);
	db_bind_int(s, 2, course_id);
	size_t cap = 32, len = 0;
	course_module *out = arena_array(a, cap, sizeof *out);
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			course_module *bigger = arena_array(a, cap * 2, sizeof *out);
			memcpy(bigger, out, len * sizeof *out);
			out = bigger;
			cap *= 2;
		}
		out[len++] = (course_module){
		    .id = db_col_int(s, 0),
		    .code = text_or(a, s, 1, ""),
		    .title = text_or(a, s, 2, ""),
		    .component = text_or(a, s, 3, ""),
		    .instructor_kinds = text_or(a, s, 4, ""),
		    .position = db_col_int(s, 5),
		    .day = db_col_int(s, 6),
		    .minutes = db_col_int(s, 7),
		    .is_required = db_col_int(s, 8) != 0,
		    .scheduled_minutes = db_col_int(s, 9),
		};
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = len;
	return 0;
}

int course_modules(db *d, arena *a, const principal *actor, int64_t course_id,
                   course_module **items, size_t *n)
{
	course c;
	*items = NULL;
	*n = 0;
	int rc = course_get(d, a, actor, course_id, &c);
	if (rc < 0)
		return rc;
	return courses_load_modules(d, a, c.version_id, course_id, items, n);
}

int course_instructor_choices(db *d, arena *a, const principal *actor,
                              course_session_instructor **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	/* The same people play roles in scenario runs. */
	if (!auth_allowed(actor, PERM_COURSES_WRITE) && !auth_allowed(actor, PERM_RUNS_MANAGE))
		return CK_E_FORBIDDEN;
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT id, name, roles FROM users WHERE is_active = 1 "
	                    "AND (roles & $1) <> 0 ORDER BY name, id LIMIT 500",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, ROLE_INSTRUCTOR | ROLE_CLINICIAN | ROLE_PRESENTER);
	size_t cap = 32, len = 0;
	course_session_instructor *out = arena_array(a, cap, sizeof *out);
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			course_session_instructor *bigger = arena_array(a, cap * 2, sizeof *out);
			memcpy(bigger, out, len * sizeof *out);
			out = bigger;
			cap *= 2;
		}
		out[len++] = (course_session_instructor){
		    .user_id = db_col_int(s, 0),
		    .name = text_or(a, s, 1, ""),
		    .roles = (unsigned)db_col_int(s, 2),
		};
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*items = out;
	*n = len;
	return 0;
}
