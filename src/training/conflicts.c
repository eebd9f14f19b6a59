/* conflicts.c: the conflict report of a course (see conflicts.h): a pure
 * check over loaded sessions and modules, and the loader that feeds it. */
#include "conflicts.h"

#include <string.h>
#include <strings.h>

#include "../base/buf.h"
#include "../base/errors.h"
#include "courses_internal.h"

static const char *const kind_names[] = {
    [CONFLICT_MODULE_UNSCHEDULED] = "module_unscheduled",
    [CONFLICT_MODULE_SHORT] = "module_short",
    [CONFLICT_INSTRUCTOR_BUSY] = "instructor_double_booked",
    [CONFLICT_ROOM_BUSY] = "room_double_booked",
    [CONFLICT_SESSIONS_OVERLAP] = "sessions_overlap",
    [CONFLICT_OUTSIDE_DATES] = "outside_course_dates",
    [CONFLICT_INSTRUCTOR_KIND] = "instructor_kind",
};

const char *conflict_kind_name(conflict_kind k)
{
	return (size_t)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "unknown";
}

typedef struct report {
	arena *a;
	course_conflict *items;
	size_t len, cap;
} report;

static void add(report *r, course_conflict c)
{
	if (r->len == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		course_conflict *bigger = arena_array(r->a, cap, sizeof *bigger);
		if (r->len)
			memcpy(bigger, r->items, r->len * sizeof *bigger);
		r->items = bigger;
		r->cap = cap;
	}
	r->items[r->len++] = c;
}

/* Half-open intervals: a session ending at 10:00 and one starting at
 * 10:00 do not overlap. */
static bool overlaps(const course_session *x, const course_session *y)
{
	return x->starts_at < y->ends_at && y->starts_at < x->ends_at;
}

static bool same_room(const char *x, const char *y)
{
	return x && y && *x && *y && !strcasecmp(x, y);
}

/* "Room A" at the police academy is not "Room A" at the crisis center;
 * a location left blank may be anywhere, so it is taken as the same. */
static bool same_place(const char *x, const char *y)
{
	return !x || !y || !*x || !*y || !strcasecmp(x, y);
}

static const course_session_instructor *shared_instructor(const course_session *x,
                                                          const course_session *y)
{
	for (size_t i = 0; i < x->instructor_count; i++)
		for (size_t k = 0; k < y->instructor_count; k++)
			if (x->instructors[i].user_id == y->instructors[k].user_id)
				return &x->instructors[i];
	return NULL;
}

static void check_modules(report *r, const conflict_input *in)
{
	for (size_t i = 0; i < in->module_count; i++) {
		const course_module *m = &in->modules[i];
		int64_t got = 0;
		for (size_t s = 0; s < in->session_count; s++)
			for (size_t k = 0; k < in->sessions[s].module_count; k++)
				if (in->sessions[s].modules[k].module_id == m->id)
					got += in->sessions[s].modules[k].minutes;
		if (got == 0)
			add(r,
			    (course_conflict){
			        .kind = CONFLICT_MODULE_UNSCHEDULED,
			        .is_warning = true,
			        .module_id = m->id,
			        .message = arena_printf(r->a, "%s (%lld min) is not scheduled yet.",
			                                m->title, (long long)m->minutes),
			    });
		else if (got < m->minutes)
			add(r, (course_conflict){
			           .kind = CONFLICT_MODULE_SHORT,
			           .is_warning = true,
			           .module_id = m->id,
			           .message = arena_printf(
			               r->a, "%s is scheduled for %lld of its %lld minutes.",
			               m->title, (long long)got, (long long)m->minutes),
			       });
	}
}

static void check_others(report *r, const conflict_input *in)
{
	for (size_t s = 0; s < in->session_count; s++) {
		const course_session *x = &in->sessions[s];
		const char *when = courses_span_text(r->a, x->starts_at, x->ends_at);
		for (size_t o = 0; o < in->other_count; o++) {
			const course_session *y = &in->others[o].session;
			if (y->course_id == x->course_id || !overlaps(x, y))
				continue;
			for (size_t i = 0; i < x->instructor_count; i++)
				for (size_t k = 0; k < y->instructor_count; k++) {
					if (x->instructors[i].user_id != y->instructors[k].user_id)
						continue;
					add(r, (course_conflict){
					           .kind = CONFLICT_INSTRUCTOR_BUSY,
					           .session_id = x->id,
					           .other_session_id = y->id,
					           .user_id = x->instructors[i].user_id,
					           .message = arena_printf(
					               r->a,
					               "%s teaches %s here and in %s (%s) at the "
					               "same time.",
					               x->instructors[i].name, when,
					               in->others[o].course_title,
					               courses_span_text(r->a, y->starts_at,
					                                 y->ends_at)),
					       });
				}
			if (same_room(x->room, y->room) &&
			    same_place(in->location, in->others[o].course_location))
				add(r,
				    (course_conflict){
				        .kind = CONFLICT_ROOM_BUSY,
				        .session_id = x->id,
				        .other_session_id = y->id,
				        .message = arena_printf(
				            r->a, "Room %s is booked for %s here and by %s (%s).",
				            x->room, when, in->others[o].course_title,
				            courses_span_text(r->a, y->starts_at, y->ends_at)),
				    });
		}
	}
}

static void check_own(report *r, const conflict_input *in)
{
	for (size_t s = 0; s < in->session_count; s++) {
		const course_session *x = &in->sessions[s];
		const char *when = courses_span_text(r->a, x->starts_at, x->ends_at);
		for (size_t t = s + 1; t < in->session_count; t++) {
			const course_session *y = &in->sessions[t];
			if (!overlaps(x, y))
				continue;
			const course_session_instructor *both = shared_instructor(x, y);
			add(r, (course_conflict){
			           .kind = CONFLICT_SESSIONS_OVERLAP,
			           .session_id = x->id,
			           .other_session_id = y->id,
			           .user_id = both ? both->user_id : 0,
			           .message = arena_printf(
			               r->a, "The sessions of %s and %s overlap.", when,
			               courses_span_text(r->a, y->starts_at, y->ends_at)),
			       });
		}
		int64_t day = courses_local_day(x->starts_at);
		if (day < in->starts_on || day > in->ends_on)
			add(r,
			    (course_conflict){
			        .kind = CONFLICT_OUTSIDE_DATES,
			        .session_id = x->id,
			        .message = arena_printf(
			            r->a, "The session of %s is outside the course dates.", when),
			    });
	}
}

/* Which of the module's kinds, as words ("clinician or officer"). */
static const char *kinds_text(arena *a, const char *list)
{
	buf b;
	buf_init(&b, a);
	const char *p = list;
	while (*p) {
		while (*p == ',' || *p == ' ')
			p++;
		size_t len = strcspn(p, ", ");
		if (len) {
			if (b.len)
				buf_puts(&b, " or ");
			buf_printf(&b, "%.*s", (int)len, p);
		}
		p += len;
	}
	return buf_str(&b);
}

static void check_kinds(report *r, const conflict_input *in)
{
	for (size_t s = 0; s < in->session_count; s++) {
		const course_session *x = &in->sessions[s];
		for (size_t i = 0; i < x->instructor_count; i++) {
			unsigned has = course_instructor_kinds(x->instructors[i].roles);
			const course_session_module *misfit = NULL;
			bool fits = false;
			for (size_t k = 0; k < x->module_count; k++) {
				unsigned wants = course_kinds_parse(x->modules[k].instructor_kinds);
				if (!wants || (wants & has))
					fits = true;
				else if (!misfit)
					misfit = &x->modules[k];
			}
			if (fits || !misfit)
				continue;
			add(r, (course_conflict){
			           .kind = CONFLICT_INSTRUCTOR_KIND,
			           .is_warning = true,
			           .session_id = x->id,
			           .module_id = misfit->module_id,
			           .user_id = x->instructors[i].user_id,
			           .message = arena_printf(
			               r->a, "%s teaches %s (%s), which is taught by a %s.",
			               x->instructors[i].name, misfit->title,
			               courses_span_text(r->a, x->starts_at, x->ends_at),
			               kinds_text(r->a, misfit->instructor_kinds)),
			       });
		}
	}
}

int conflicts_check(arena *a, const conflict_input *in, course_conflict **items, size_t *n)
{
	report r = {.a = a};
	check_own(&r, in);
	check_others(&r, in);
	check_modules(&r, in);
	check_kinds(&r, in);
	*items = r.items;
	*n = r.len;
	return 0;
}

/* Sessions of other, not cancelled courses that share time with a
 * session of this one. */
static int load_others(db *d, arena *a, int64_t course_id, conflict_other **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	db_stmt *s;
	int rc = db_prepare(d,
	                    "SELECT DISTINCT o.id, c.title, c.location FROM course_sessions s "
	                    "JOIN course_sessions o ON o.course_id <> s.course_id "
	                    "AND o.starts_at < s.ends_at AND s.starts_at < o.ends_at "
	                    "JOIN courses c ON c.id = o.course_id "
	                    "WHERE s.course_id = $1 AND c.status <> 'cancelled' ORDER BY o.id",
	                    &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, course_id);
	size_t cap = 8, len = 0;
	conflict_other *out = arena_array(a, cap, sizeof *out);
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			conflict_other *bigger = arena_array(a, cap * 2, sizeof *out);
			memcpy(bigger, out, len * sizeof *out);
			out = bigger;
			cap *= 2;
		}
		out[len].session.id = db_col_int(s, 0);
		out[len].course_title = db_col_dup(a, s, 1);
		out[len++].course_location = db_col_dup(a, s, 2);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < len; i++)
		if ((rc = courses_load_session(d, a, out[i].session.id, &out[i].session)) < 0)
			return rc;
	*items = out;
	*n = len;
	return 0;
}

int course_conflicts(db *d, arena *a, const principal *actor, int64_t course_id,
                     course_conflict **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	course c;
	int rc = course_get(d, a, actor, course_id, &c);
	if (rc < 0)
		return rc;
	conflict_input in = {
	    .starts_on = c.starts_on, .ends_on = c.ends_on, .location = c.location};
	course_session *sessions;
	course_module *modules;
	conflict_other *others;
	if ((rc = courses_load_sessions(d, a, course_id, &sessions, &in.session_count)) < 0 ||
	    (rc = courses_load_modules(d, a, c.version_id, course_id, &modules, &in.module_count)) <
	        0 ||
	    (rc = load_others(d, a, course_id, &others, &in.other_count)) < 0)
		return rc;
	in.sessions = sessions;
	in.modules = modules;
	in.others = others;
	return conflicts_check(a, &in, items, n);
}
