/* calendar.c: iCalendar feeds (see calendar.h): secret feed URLs, the
 * RFC 5545 writer (escaping, folding, CRLF) and the three feeds' queries.
 * The officer's feed reads the enrollments table directly (one small
 * query): the enrollment service had no reader for it when this was
 * written. */
#include "calendar.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../auth/audit.h"
#include "../auth/auth.h"
#include "../auth/auth_internal.h"
#include "../auth/roles.h"
#include "../base/crypto.h"
#include "../base/errors.h"
#include "courses_internal.h"

static const char *const kind_names[] = {"course", "instructor", "officer"};

const char *calendar_kind_name(calendar_kind k)
{
	return kind_names[k];
}

/* The HMAC of msg under the feeds' key (derived from the server secret);
 * false when the server has no secret. */
static bool feed_mac(const char *msg, size_t len, char mac[CRYPTO_HASH_HEX])
{
	const auth_policy *p = auth_policy_get();
	if (!p->has_secret)
		return false;
	unsigned char key[CRYPTO_KEY_BYTES];
	crypto_derive_key(p->secret, "calendar feeds", key);
	crypto_hmac_hex(key, sizeof key, msg, len, mac);
	return true;
}

bool calendar_token(calendar_kind k, int64_t id, int64_t generation, char out[CALENDAR_TOKEN_LEN])
{
	out[0] = '\0';
	char msg[64], mac[CRYPTO_HASH_HEX];
	/* Generation 0 signs what links signed before links could be
	 * replaced, so those keep working until someone replaces them. */
	int len = generation ? snprintf(msg, sizeof msg, "%s|%lld|%lld", kind_names[k],
	                                (long long)id, (long long)generation)
	                     : snprintf(msg, sizeof msg, "%s|%lld", kind_names[k], (long long)id);
	if (!feed_mac(msg, (size_t)len, mac))
		return false;
	memcpy(out, mac, CALENDAR_TOKEN_LEN - 1);
	out[CALENDAR_TOKEN_LEN - 1] = '\0';
	return true;
}

const char *calendar_uid_domain(arena *a)
{
	char mac[CRYPTO_HASH_HEX];
	if (!feed_mac("uid", 3, mac))
		return "citkit.invalid";
	return arena_printf(a, "%.16s.citkit", mac);
}

const char *calendar_feed_path(arena *a, calendar_kind k, int64_t id, int64_t generation)
{
	char token[CALENDAR_TOKEN_LEN];
	if (!calendar_token(k, id, generation, token))
		return NULL;
	return arena_printf(a, "/calendar/%s/%lld-%s.ics", kind_names[k], (long long)id, token);
}

int calendar_generation(db *d, calendar_kind k, int64_t id, int64_t *generation)
{
	int rc = db_query_int(d, generation,
	                      k == CALENDAR_COURSE
	                          ? "SELECT calendar_generation FROM courses WHERE id = $1"
	                          : "SELECT calendar_generation FROM users WHERE id = $1",
	                      "i", id);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

int calendar_feed_check(db *d, calendar_kind k, const char *segment, int64_t *id)
{
	char *end;
	long long v = strtoll(segment, &end, 10);
	if (v <= 0 || segment[0] < '1' || segment[0] > '9' || *end != '-')
		return CK_E_NOT_FOUND;
	const char *given = end + 1;
	size_t len = strlen(given);
	if (len != CALENDAR_TOKEN_LEN - 1 + 4 || strcmp(given + len - 4, ".ics") != 0)
		return CK_E_NOT_FOUND;
	char want[CALENDAR_TOKEN_LEN], got[CALENDAR_TOKEN_LEN];
	memcpy(got, given, CALENDAR_TOKEN_LEN - 1);
	got[CALENDAR_TOKEN_LEN - 1] = '\0';
	int64_t generation = 0;
	int rc = calendar_generation(d, k, v, &generation);
	if (rc < 0)
		return rc;
	if (!calendar_token(k, v, generation, want) || !crypto_equal(want, got))
		return CK_E_NOT_FOUND;
	*id = v;
	return 0;
}

typedef struct reset_ctx {
	arena *a;
	const principal *actor;
	calendar_kind kind;
	int64_t id;
} reset_ctx;

static int reset_in_tx(db *d, void *vctx)
{
	reset_ctx *c = vctx;
	int64_t generation = 0;
	int rc = calendar_generation(d, c->kind, c->id, &generation);
	if (rc < 0)
		return rc;
	rc = db_run(d,
	            c->kind == CALENDAR_COURSE
	                ? "UPDATE courses SET calendar_generation = calendar_generation + 1 "
	                  "WHERE id = $1"
	                : "UPDATE users SET calendar_generation = calendar_generation + 1 "
	                  "WHERE id = $1",
	            "i", c->id);
	if (rc < 0)
		return rc;
	bool is_course = c->kind == CALENDAR_COURSE;
	return audit_append(d, c->actor, "calendar.reset", is_course ? "course" : "user",
	                    arena_printf(c->a, "%lld", (long long)c->id), AUDIT_SUCCESS,
	                    arena_printf(c->a, "{\"generation\":%lld}", (long long)generation + 1));
}

int calendar_feed_reset(db *d, arena *a, const principal *actor, calendar_kind k, int64_t id)
{
	bool allowed =
	    k == CALENDAR_COURSE
	        ? auth_allowed(actor, PERM_COURSES_WRITE)
	        : auth_signed_in(actor) && (actor->user_id == id || auth_is_system(actor) ||
	                                    (actor->roles & (ROLE_ADMIN | ROLE_COORDINATOR)));
	if (!allowed)
		return CK_E_FORBIDDEN;
	reset_ctx c = {a, actor, k, id};
	return audit_tx(d, reset_in_tx, &c);
}

void calendar_escape(buf *b, const char *text)
{
	for (const char *p = text ? text : ""; *p; p++) {
		switch (*p) {
		case '\\':
		case ';':
		case ',':
			buf_putc(b, '\\');
			buf_putc(b, *p);
			break;
		case '\r':
			if (p[1] == '\n')
				p++;
			buf_puts(b, "\\n");
			break;
		case '\n': buf_puts(b, "\\n"); break;
		default:
			/* Other control characters are not allowed in TEXT. */
			if ((unsigned char)*p >= 0x20 && *p != 0x7f)
				buf_putc(b, *p);
		}
	}
}

void calendar_line(buf *b, const char *line)
{
	size_t len = strlen(line), at = 0, room = 75;
	while (len - at > room) {
		size_t cut = at + room;
		/* Back up to the start of a UTF-8 sequence. */
		while (cut > at && ((unsigned char)line[cut] & 0xC0) == 0x80)
			cut--;
		buf_append(b, line + at, cut - at);
		buf_puts(b, "\r\n ");
		at = cut;
		room = 74; /* the leading space counts */
	}
	buf_append(b, line + at, len - at);
	buf_puts(b, "\r\n");
}

static void utc_stamp(char out[17], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* "NAME:" + escaped value as one folded line. */
static void text_prop(buf *b, arena *a, const char *name, const char *value)
{
	buf line;
	buf_init(&line, a);
	buf_puts(&line, name);
	buf_putc(&line, ':');
	calendar_escape(&line, value);
	calendar_line(b, buf_str(&line));
}

static void time_prop(buf *b, const char *name, int64_t t)
{
	char stamp[17], line[40];
	utc_stamp(stamp, t);
	snprintf(line, sizeof line, "%s:%s", name, stamp);
	calendar_line(b, line);
}

/* The zone's offset from UTC (seconds east), whether it is daylight time
 * and its abbreviation at t, from the C library's tz database. */
typedef struct zone_state {
	long offset;
	bool is_dst;
	char name[16];
} zone_state;

static zone_state zone_at(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	zone_state z = {.offset = tm.tm_gmtoff, .is_dst = tm.tm_isdst > 0};
	snprintf(z.name, sizeof z.name, "%s", tm.tm_zone ? tm.tm_zone : "");
	return z;
}

static bool zone_same(const zone_state *x, const zone_state *y)
{
	return x->offset == y->offset && x->is_dst == y->is_dst;
}

/* A local wall-clock time, "20270301T080000": t shifted by offset. */
static void local_stamp(char out[16], int64_t t, long offset)
{
	time_t tt = (time_t)(t + offset);
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 16, "%Y%m%dT%H%M%S", &tm);
}

/* "-0600", or "+053728" when the offset has seconds. */
static void offset_text(char out[16], long offset)
{
	int v = (int)(offset < 0 ? -offset : offset) % 86400;
	char sign = offset < 0 ? '-' : '+';
	if (v % 60)
		snprintf(out, 16, "%c%02d%02d%02d", sign, v / 3600, v / 60 % 60, v % 60);
	else
		snprintf(out, 16, "%c%02d%02d", sign, v / 3600, v / 60 % 60);
}

/* One STANDARD or DAYLIGHT observance: from `before` to `after`,
 * starting at local time start (in the offset before). */
static void observance(buf *b, arena *a, const char *start, const zone_state *before,
                       const zone_state *after)
{
	const char *kind = after->is_dst ? "DAYLIGHT" : "STANDARD";
	char from[16], to[16];
	offset_text(from, before->offset);
	offset_text(to, after->offset);
	calendar_line(b, arena_printf(a, "BEGIN:%s", kind));
	calendar_line(b, arena_printf(a, "DTSTART:%s", start));
	calendar_line(b, arena_printf(a, "TZOFFSETFROM:%s", from));
	calendar_line(b, arena_printf(a, "TZOFFSETTO:%s", to));
	if (*after->name)
		text_prop(b, a, "TZNAME", after->name);
	calendar_line(b, arena_printf(a, "END:%s", kind));
}

enum { DAY = 86400 };

/* A change of the zone's offset or daylight flag, at `at` (UTC). */
typedef struct zone_change {
	int64_t at;
	zone_state before, after;
} zone_change;

/* The zone's changes in (from, to], found by probing localtime_r a day at
 * a time and then to the second. */
static size_t zone_changes(arena *a, int64_t from, int64_t to, zone_change **out)
{
	size_t cap = 8, n = 0;
	zone_change *v = arena_array(a, cap, sizeof *v);
	int64_t t = from;
	zone_state z = zone_at(t);
	while (t < to) {
		int64_t next = t + DAY < to ? t + DAY : to;
		zone_state zn = zone_at(next);
		if (zone_same(&z, &zn)) {
			t = next;
			continue;
		}
		int64_t lo = t, hi = next; /* z at lo, not at hi */
		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;
			zone_state zm = zone_at(mid);
			if (zone_same(&zm, &z))
				lo = mid;
			else
				hi = mid;
		}
		if (n == cap) {
			zone_change *more = arena_array(a, cap * 2, sizeof *more);
			memcpy(more, v, n * sizeof *v);
			v = more;
			cap *= 2;
		}
		v[n] = (zone_change){.at = hi, .before = z, .after = zone_at(hi)};
		z = v[n++].after;
		t = hi;
	}
	*out = v;
	return n;
}

/* The VTIMEZONE of the program's zone (the process's TZ) for the times
 * from..to: the observance in force at `from` and each change up to
 * `to`. Every change is its own observance (a DTSTART, no RRULE): exact
 * for whatever rules the zone had in those years, from the same tz
 * database the pages use. */
static void vtimezone(buf *b, arena *a, const char *zone, int64_t from, int64_t to)
{
	zone_change *ch;
	/* A year back finds the change that began the observance at `from`. */
	size_t n = zone_changes(a, from - 366 * (int64_t)DAY, to, &ch), i = 0;
	while (i < n && ch[i].at <= from)
		i++;
	calendar_line(b, "BEGIN:VTIMEZONE");
	text_prop(b, a, "TZID", zone);
	if (i == 0) {
		/* No change in the year before: the zone's time since 1970. */
		zone_state z = zone_at(from);
		observance(b, a, "19700101T000000", &z, &z);
	} else {
		i--;
		/* In daylight time at `from`: start with the standard time
		 * before it too, which readers that work out each observance's
		 * daylight saving from its standard one (python-icalendar's
		 * to_tz) need. */
		for (size_t j = i; j-- > 0;)
			if (!ch[j].after.is_dst) {
				i = ch[i].after.is_dst ? j : i;
				break;
			}
	}
	for (; i < n; i++) {
		char start[16];
		local_stamp(start, ch[i].at, ch[i].before.offset);
		observance(b, a, start, &ch[i].before, &ch[i].after);
	}
	calendar_line(b, "END:VTIMEZONE");
}

/* DTSTART/DTEND: local time with TZID, or UTC without a zone. */
static void zoned_prop(buf *b, arena *a, const char *name, const char *zone, int64_t t)
{
	if (!zone) {
		time_prop(b, name, t);
		return;
	}
	char stamp[16];
	local_stamp(stamp, t, zone_at(t).offset);
	/* IANA names are letters, digits, "/", "_", "-", "+": no quoting. */
	calendar_line(b, arena_printf(a, "%s;TZID=%s:%s", name, zone, stamp));
}

/* The program's zone for TZID: the IANA name clock_set_zone put in TZ;
 * NULL (times in UTC) for UTC or a name that would need quoting. */
static const char *program_zone(void)
{
	const char *zone = getenv("TZ");
	if (!zone || !*zone || !strcmp(zone, "UTC") || zone[0] == ':')
		return NULL;
	for (const char *p = zone; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_-+", *p))
			return NULL;
	return zone;
}

void calendar_write(buf *b, arena *a, const char *name, const char *uid_domain, int64_t now,
                    const calendar_event *events, size_t n)
{
	calendar_line(b, "BEGIN:VCALENDAR");
	calendar_line(b, "VERSION:2.0");
	calendar_line(b, "PRODID:-//citkit//CIT training//EN");
	calendar_line(b, "CALSCALE:GREGORIAN");
	calendar_line(b, "METHOD:PUBLISH");
	text_prop(b, a, "X-WR-CALNAME", name);
	const char *zone = program_zone();
	if (zone) {
		text_prop(b, a, "X-WR-TIMEZONE", zone);
		if (n) {
			int64_t from = events[0].starts_at, to = events[0].ends_at;
			for (size_t i = 1; i < n; i++) {
				from = events[i].starts_at < from ? events[i].starts_at : from;
				to = events[i].ends_at > to ? events[i].ends_at : to;
			}
			vtimezone(b, a, zone, from, to);
		}
	}
	for (size_t i = 0; i < n; i++) {
		const calendar_event *e = &events[i];
		calendar_line(b, "BEGIN:VEVENT");
		calendar_line(b, arena_printf(a, "UID:session-%lld@%s", (long long)e->session_id,
		                              uid_domain));
		time_prop(b, "DTSTAMP", now);
		zoned_prop(b, a, "DTSTART", zone, e->starts_at);
		zoned_prop(b, a, "DTEND", zone, e->ends_at);
		time_prop(b, "LAST-MODIFIED", e->updated_at);
		calendar_line(b, arena_printf(a, "SEQUENCE:%lld", (long long)e->sequence));
		calendar_line(b, e->is_cancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
		text_prop(b, a, "SUMMARY", e->summary);
		if (e->location && *e->location)
			text_prop(b, a, "LOCATION", e->location);
		if (e->description && *e->description)
			text_prop(b, a, "DESCRIPTION", e->description);
		calendar_line(b, "END:VEVENT");
	}
	calendar_line(b, "END:VCALENDAR");
}

/* One event from a session and its course's title and location. */
static void make_event(arena *a, const course_session *s, const char *title, const char *where,
                       calendar_event *e)
{
	buf summary, desc;
	buf_init(&summary, a);
	buf_init(&desc, a);
	buf_puts(&summary, title);
	for (size_t i = 0; i < s->module_count; i++) {
		buf_puts(&summary, i ? "; " : ": ");
		buf_puts(&summary, s->modules[i].title);
		buf_printf(&desc, "%s%s (%lld min)", i ? "\n" : "", s->modules[i].title,
		           (long long)s->modules[i].minutes);
	}
	if (s->instructor_count) {
		buf_printf(&desc, "%sInstructors: ", desc.len ? "\n" : "");
		for (size_t i = 0; i < s->instructor_count; i++)
			buf_printf(&desc, "%s%s", i ? ", " : "", s->instructors[i].name);
	}
	const char *location = where && *where ? where : "";
	if (*s->room)
		location = *location ? arena_printf(a, "%s, %s", location, s->room) : s->room;
	*e = (calendar_event){
	    .session_id = s->id,
	    .starts_at = s->starts_at,
	    .ends_at = s->ends_at,
	    .updated_at = s->updated_at,
	    .summary = buf_str(&summary),
	    .location = location,
	    .description = buf_str(&desc),
	};
}

/* Sessions chosen by sql ($1 = id), each row (session id, course title,
 * course location, revision of session + course, course status), in
 * time order. */
static int events_of(db *d, arena *a, const char *sql, int64_t id, calendar_event **out, size_t *n)
{
	db_stmt *s;
	*out = NULL;
	*n = 0;
	int rc = db_prepare(d, sql, &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, id);
	size_t cap = 16, len = 0;
	typedef struct row {
		int64_t id, sequence;
		const char *title, *location;
		bool is_cancelled;
	} row;
	row *rows = arena_array(a, cap, sizeof *rows);
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			row *bigger = arena_array(a, cap * 2, sizeof *rows);
			memcpy(bigger, rows, len * sizeof *rows);
			rows = bigger;
			cap *= 2;
		}
		const char *status = db_col_text(s, 4);
		rows[len++] = (row){db_col_int(s, 0), db_col_int(s, 3), db_col_dup(a, s, 1),
		                    db_col_dup(a, s, 2), status && !strcmp(status, "cancelled")};
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	calendar_event *events = arena_array(a, len ? len : 1, sizeof *events);
	for (size_t i = 0; i < len; i++) {
		course_session cs;
		if ((rc = courses_load_session(d, a, rows[i].id, &cs)) < 0)
			return rc;
		make_event(a, &cs, rows[i].title, rows[i].location, &events[i]);
		events[i].sequence = rows[i].sequence;
		events[i].is_cancelled = rows[i].is_cancelled;
	}
	*out = events;
	*n = len;
	return 0;
}

static int user_name(db *d, arena *a, int64_t id, const char **name)
{
	db_stmt *s;
	int rc = db_prepare(d, "SELECT name FROM users WHERE id = $1 AND is_active = 1", &s);
	if (rc < 0)
		return rc;
	db_bind_int(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW)
		*name = arena_strdup(a, db_col_text(s, 0) ? db_col_text(s, 0) : "");
	db_finish(s);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : CK_E_NOT_FOUND;
}

/* SEQUENCE: the session's and its course's revisions (each counts its
 * changes), so it grows when either changes, cancelling included. A
 * cancelled course's sessions stay in the feed as STATUS:CANCELLED, so a
 * calendar app takes them off rather than keeping a stale copy. */
#define EVENT_SELECT                                                                               \
	"SELECT s.id, c.title, c.location, s.revision + c.revision, c.status "                     \
	"FROM course_sessions s JOIN courses c ON c.id = s.course_id "

int calendar_feed(db *d, arena *a, calendar_kind k, int64_t id, int64_t now, buf *b)
{
	const char *name = NULL;
	calendar_event *events = NULL;
	size_t n = 0;
	int rc;
	if (k == CALENDAR_COURSE) {
		course c;
		if ((rc = courses_load(d, a, id, &c)) < 0)
			return rc;
		name = c.title;
		rc = events_of(d, a,
		               EVENT_SELECT "WHERE s.course_id = $1 "
		                            "ORDER BY s.starts_at, s.id",
		               id, &events, &n);
	} else {
		const char *who;
		if ((rc = user_name(d, a, id, &who)) < 0)
			return rc;
		if (k == CALENDAR_INSTRUCTOR) {
			name = arena_printf(a, "%s: CIT teaching", who);
			rc = events_of(d, a,
			               EVENT_SELECT
			               "JOIN session_instructors si ON si.session_id = s.id "
			               "WHERE si.user_id = $1 "
			               "ORDER BY s.starts_at, s.id",
			               id, &events, &n);
		} else {
			name = arena_printf(a, "%s: CIT courses", who);
			rc = events_of(d, a,
			               EVENT_SELECT
			               "JOIN enrollments e ON e.course_id = c.id "
			               "WHERE e.user_id = $1 AND e.status IN ('enrolled', "
			               "'completed') "
			               "ORDER BY s.starts_at, s.id",
			               id, &events, &n);
		}
	}
	if (rc < 0)
		return rc;
	calendar_write(b, a, name, calendar_uid_domain(a), now, events, n);
	return 0;
}
