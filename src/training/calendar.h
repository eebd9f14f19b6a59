/* calendar.h: iCalendar (RFC 5545) feeds of sessions: a course's, an
 * instructor's teaching, an officer's enrolled courses. A calendar app
 * subscribes without signing in, so each feed lives at a secret URL,
 * /calendar/{kind}/{id}-{token}.ics, where token is an HMAC of kind|id
 * under a key derived from the server secret: it cannot be guessed, stays
 * the same for as long as the secret does, and a wrong one answers 404.
 *
 * Times are local to the program's zone (the [program] timezone, which
 * clock_set_zone puts in TZ): DTSTART;TZID=America/Chicago:20270301T080000
 * with a VTIMEZONE for that zone covering the feed's sessions, written
 * from the C library's tz database (an observance per change of offset,
 * found with localtime_r), and X-WR-TIMEZONE for apps that read it. With
 * the zone UTC, times are UTC ("…Z") and there is no VTIMEZONE.
 *
 * UIDs are "session-ID@DOMAIN", DOMAIN derived from the server secret
 * (calendar_uid_domain): not from the request, so the same feed read
 * under any host name has the same UIDs, and stable across edits of the
 * session. SEQUENCE is the session's revision plus its course's, so it
 * grows with each change; a cancelled course's sessions are STATUS:
 * CANCELLED. */
#ifndef CITKIT_CALENDAR_H
#define CITKIT_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../auth/principal.h"
#include "../base/arena.h"
#include "../base/buf.h"
#include "../db/db.h"

typedef enum calendar_kind { CALENDAR_COURSE, CALENDAR_INSTRUCTOR, CALENDAR_OFFICER } calendar_kind;

/* "course", "instructor", "officer". */
const char *calendar_kind_name(calendar_kind k);

enum { CALENDAR_TOKEN_LEN = 33 }; /* 32 hex digits (128 bits) + NUL */
/* The feed's token for the owner's generation (how often its links were
 * replaced: the course's for a course feed, the person's for theirs);
 * false when the server has no secret (no feeds). */
bool calendar_token(calendar_kind k, int64_t id, int64_t generation, char out[CALENDAR_TOKEN_LEN]);
/* "/calendar/course/12-<token>.ics", or NULL without a server secret. */
const char *calendar_feed_path(arena *a, calendar_kind k, int64_t id, int64_t generation);
/* The owner's generation from the database: CK_E_NOT_FOUND for no such
 * course or person. */
int calendar_generation(db *d, calendar_kind k, int64_t id, int64_t *generation);
/* The id in a feed's last path segment ("12-<token>.ics") when its token
 * is right for k and the owner's current generation; CK_E_NOT_FOUND
 * otherwise (a retired link as much as a made-up one). */
int calendar_feed_check(db *d, calendar_kind k, const char *segment, int64_t *id);
/* Retires the feed links of a course (coordinators: PERM_COURSES_WRITE)
 * or of a person (themselves, or an administrator or coordinator): the
 * generation goes up by one, so every old link answers 404. The
 * person's teaching and enrolled-course feeds go together. Audited as
 * calendar.reset. */
int calendar_feed_reset(db *d, arena *a, const principal *actor, calendar_kind k, int64_t id);

typedef struct calendar_event {
	int64_t session_id;
	int64_t starts_at, ends_at, updated_at;
	int64_t sequence;  /* SEQUENCE: grows with each change */
	bool is_cancelled; /* STATUS:CANCELLED, else CONFIRMED */
	const char *summary, *location, *description;
} calendar_event;

/* Appends text escaped as an RFC 5545 TEXT value: \ ; , and newlines. */
void calendar_escape(buf *b, const char *text);
/* Appends one content line folded at 75 octets (never inside a UTF-8
 * sequence), continuation lines starting with a space, each ending CRLF. */
void calendar_line(buf *b, const char *line);
/* The part of UIDs after "@": "<16 hex digits>.citkit", an HMAC under
 * the server secret, the same for every request and every server of the
 * program ("citkit.invalid" without a secret). */
const char *calendar_uid_domain(arena *a);
/* A whole VCALENDAR: name (X-WR-CALNAME), uid_domain (in UIDs), now
 * (DTSTAMP); times in the process's TZ zone, with its VTIMEZONE. */
void calendar_write(buf *b, arena *a, const char *name, const char *uid_domain, int64_t now,
                    const calendar_event *events, size_t n);

/* The feed of kind k for id into b (text/calendar). No permission check:
 * the caller has checked the token. CK_E_NOT_FOUND when the course or
 * user does not exist. */
int calendar_feed(db *d, arena *a, calendar_kind k, int64_t id, int64_t now, buf *b);

#endif
