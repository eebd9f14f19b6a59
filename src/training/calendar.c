/* calendar.c: iCalendar feeds (see calendar.h): secret feed URLs, the
 * RFC 5545 writer (escaping, folding, CRLF) and the three feeds' queries.
 * The officer's feed reads the enrollments table directly (one small
 * query): the enrollment service had no reader for it when this was
 * written. */
#include "calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../auth/auth.h"
#include "../base/crypto.h"
#include "../base/errors.h"
#include "courses_internal.h"

static const char *const kind_names[] = {"course", "instructor", "officer"};

const char *calendar_kind_name(calendar_kind k)
{
	return kind_names[k];
}

bool calendar_token(calendar_kind k, int64_t id, char out[CALENDAR_TOKEN_LEN])
{
	const auth_policy *p = auth_policy_get();
	out[0] = '\0';
	if (!p->has_secret)
		return false;
	unsigned char key[CRYPTO_KEY_BYTES];
	crypto_derive_key(p->secret, "calendar feeds", key);
	char msg[64], mac[CRYPTO_HASH_HEX];
	int len = snprintf(msg, sizeof msg, "%s|%lld", kind_names[k], (long long)id);
	crypto_hmac_hex(key, sizeof key, msg, (size_t)len, mac);
	memcpy(out, mac, CALENDAR_TOKEN_LEN - 1);
	out[CALENDAR_TOKEN_LEN - 1] = '\0';
	return true;
}

const char *calendar_feed_path(arena *a, calendar_kind k, int64_t id)
{
	char token[CALENDAR_TOKEN_LEN];
	if (!calendar_token(k, id, token))
		return NULL;
	return arena_printf(a, "/calendar/%s/%lld-%s.ics", kind_names[k], (long long)id, token);
}

int calendar_feed_check(calendar_kind k, const char *segment, int64_t *id)
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
	if (!calendar_token(k, v, want) || !crypto_equal(want, got))
		return CK_E_NOT_FOUND;
	*id = v;
	return 0;
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
		case '\n':
			buf_puts(b, "\\n");
			break;
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

void calendar_write(buf *b, arena *a, const char *name, const char *host, int64_t now,
                    const calendar_event *events, size_t n)
{
	calendar_line(b, "BEGIN:VCALENDAR");
	calendar_line(b, "VERSION:2.0");
	calendar_line(b, "PRODID:-//citkit//CIT training//EN");
	calendar_line(b, "CALSCALE:GREGORIAN");
	calendar_line(b, "METHOD:PUBLISH");
	text_prop(b, a, "X-WR-CALNAME", name);
	const char *zone = getenv("TZ");
	if (zone && *zone)
		text_prop(b, a, "X-WR-TIMEZONE", zone);
	for (size_t i = 0; i < n; i++) {
		const calendar_event *e = &events[i];
		calendar_line(b, "BEGIN:VEVENT");
		calendar_line(b, arena_printf(a, "UID:session-%lld@%s", (long long)e->session_id, host));
		time_prop(b, "DTSTAMP", now);
		time_prop(b, "DTSTART", e->starts_at);
		time_prop(b, "DTEND", e->ends_at);
		time_prop(b, "LAST-MODIFIED", e->updated_at);
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
 * course location), in time order. */
static int events_of(db *d, arena *a, const char *sql, int64_t id, calendar_event **out,
                     size_t *n)
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
		int64_t id;
		const char *title, *location;
	} row;
	row *rows = arena_array(a, cap, sizeof *rows);
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			row *bigger = arena_array(a, cap * 2, sizeof *rows);
			memcpy(bigger, rows, len * sizeof *rows);
			rows = bigger;
			cap *= 2;
		}
		const char *title = db_col_text(s, 1), *location = db_col_text(s, 2);
		rows[len++] = (row){db_col_int(s, 0), arena_strdup(a, title ? title : ""),
		                    arena_strdup(a, location ? location : "")};
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

#define EVENT_SELECT "SELECT s.id, c.title, c.location FROM course_sessions s JOIN courses c ON c.id = s.course_id "

int calendar_feed(db *d, arena *a, calendar_kind k, int64_t id, const char *host, int64_t now,
                  buf *b)
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
		rc = events_of(d, a, EVENT_SELECT "WHERE s.course_id = $1 AND c.status <> 'cancelled' "
		                            "ORDER BY s.starts_at, s.id",
		               id, &events, &n);
	} else {
		const char *who;
		if ((rc = user_name(d, a, id, &who)) < 0)
			return rc;
		if (k == CALENDAR_INSTRUCTOR) {
			name = arena_printf(a, "%s: CIT teaching", who);
			rc = events_of(d, a,
			               EVENT_SELECT "JOIN session_instructors si ON si.session_id = s.id "
			                            "WHERE si.user_id = $1 AND c.status <> 'cancelled' "
			                            "ORDER BY s.starts_at, s.id",
			               id, &events, &n);
		} else {
			name = arena_printf(a, "%s: CIT courses", who);
			rc = events_of(d, a,
			               EVENT_SELECT "JOIN enrollments e ON e.course_id = c.id "
			                            "WHERE e.user_id = $1 AND e.status IN ('enrolled', "
			                            "'completed') AND c.status <> 'cancelled' "
			                            "ORDER BY s.starts_at, s.id",
			               id, &events, &n);
		}
	}
	if (rc < 0)
		return rc;
	calendar_write(b, a, name, host, now, events, n);
	return 0;
}
