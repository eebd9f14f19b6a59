/* test_calendar.c: the iCalendar writer (escaping, folding at 75 octets
 * without splitting UTF-8, CRLF, times in the program's zone with its
 * VTIMEZONE, stable UIDs, SEQUENCE and STATUS) and the secret
 * feed URLs (stable, per kind and id, refused when changed), then a
 * course's feed from the database on SQLite and PostgreSQL. */
#include "training_fixture.h"
#include "base/clock.h"
#include "training/calendar.h"

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, fx_case_setup, fx_case_teardown)

static void escaping(void **state)
{
	authfx *f = *state;
	buf b;
	buf_init(&b, f->a);
	calendar_escape(&b, "Room 1, Annex; back\\door\nline two\r\nthree\x01");
	assert_string_equal(buf_str(&b), "Room 1\\, Annex\\; back\\\\door\\nline two\\nthree");
}

/* Every line ends CRLF and holds at most 75 octets; unfolding gives the
 * original back; no UTF-8 sequence is cut. */
static void folding(void **state)
{
	authfx *f = *state;
	buf b, line;
	buf_init(&b, f->a);
	buf_init(&line, f->a);
	buf_puts(&line, "DESCRIPTION:");
	for (int i = 0; i < 40; i++)
		buf_puts(&line, "é—x"); /* 2 + 3 + 1 octets */
	calendar_line(&b, buf_str(&line));
	const char *p = buf_str(&b);
	buf joined;
	buf_init(&joined, f->a);
	int lines = 0;
	while (*p) {
		const char *end = strstr(p, "\r\n");
		assert_non_null(end);
		assert_true(end - p <= 75);
		const char *start = lines ? p + 1 : p;
		if (lines)
			assert_int_equal(*p, ' ');
		/* A line never starts inside a UTF-8 sequence. */
		assert_true(((unsigned char)*start & 0xC0) != 0x80);
		buf_append(&joined, start, (size_t)(end - start));
		p = end + 2;
		lines++;
	}
	assert_true(lines > 3);
	assert_string_equal(buf_str(&joined), buf_str(&line));
	/* Exactly 75 octets: one line. */
	buf_reset(&b);
	char s75[76];
	memset(s75, 'a', 75);
	s75[75] = '\0';
	calendar_line(&b, s75);
	assert_int_equal(b.len, 77);
	buf_reset(&b);
	char s76[77];
	memset(s76, 'a', 76);
	s76[76] = '\0';
	calendar_line(&b, s76);
	assert_int_equal(b.len, 75 + 2 + 1 + 1 + 2);
}

static void vcalendar_and_stable_uids(void **state)
{
	authfx *f = *state;
	assert_true(clock_set_zone("America/Chicago"));
	calendar_event ev = {
	    .session_id = 42,
	    .starts_at = TFX_MON + 14 * 3600,
	    .ends_at = TFX_MON + 16 * 3600,
	    .updated_at = TFX_MON,
	    .summary = "CIT Basic: De-escalation, part 1",
	    .location = "Training Center, Room A",
	    .description = "De-escalation (120 min)\nInstructors: Sgt. Long",
	};
	buf b1, b2;
	buf_init(&b1, f->a);
	buf_init(&b2, f->a);
	calendar_write(&b1, f->a, "CIT Basic", "citkit.example.org", TFX_MON + 5, &ev, 1);
	const char *ics = buf_str(&b1);
	assert_non_null(strstr(ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
	assert_non_null(strstr(ics, "\r\nUID:session-42@citkit.example.org\r\n"));
	/* 14:00 UTC is 08:00 in Chicago (CST, -6 h), in effect since the
	 * change of 2 November 2025, 02:00 CDT. */
	assert_non_null(strstr(ics, "\r\nDTSTART;TZID=America/Chicago:20260302T080000\r\n"));
	assert_non_null(strstr(ics, "\r\nDTEND;TZID=America/Chicago:20260302T100000\r\n"));
	assert_non_null(strstr(ics, "\r\nBEGIN:VTIMEZONE\r\nTZID:America/Chicago\r\n"
	                            "BEGIN:STANDARD\r\nDTSTART:20251102T020000\r\n"
	                            "TZOFFSETFROM:-0500\r\nTZOFFSETTO:-0600\r\nTZNAME:CST\r\n"
	                            "END:STANDARD\r\nEND:VTIMEZONE\r\n"));
	assert_non_null(strstr(ics, "\r\nSEQUENCE:0\r\nSTATUS:CONFIRMED\r\n"));
	assert_non_null(strstr(ics, "\r\nDTSTAMP:20260302T000005Z\r\n"));
	assert_non_null(strstr(ics, "\r\nSUMMARY:CIT Basic: De-escalation\\, part 1\r\n"));
	assert_non_null(strstr(ics, "\r\nLOCATION:Training Center\\, Room A\r\n"));
	assert_non_null(
	    strstr(ics, "\r\nDESCRIPTION:De-escalation (120 min)\\nInstructors: Sgt. Long"));
	assert_non_null(strstr(ics, "END:VEVENT\r\nEND:VCALENDAR\r\n"));
	/* The session edited: other times and title, the same UID. */
	ev.starts_at += 3600;
	ev.summary = "Changed";
	ev.sequence = 3;
	ev.is_cancelled = true;
	calendar_write(&b2, f->a, "CIT Basic", "citkit.example.org", TFX_MON + 9, &ev, 1);
	assert_non_null(strstr(buf_str(&b2), "\r\nUID:session-42@citkit.example.org\r\n"));
	assert_non_null(strstr(buf_str(&b2), "\r\nSEQUENCE:3\r\nSTATUS:CANCELLED\r\n"));
	/* A second event past the change to daylight time (8 March 2026,
	 * 02:00 CST): its own observance, and 14:00 UTC is 09:00 CDT. */
	calendar_event two[2] = {ev, ev};
	two[1].session_id = 43;
	two[1].starts_at = TFX_MON + 7 * 86400 + 14 * 3600;
	two[1].ends_at = two[1].starts_at + 3600;
	buf b3;
	buf_init(&b3, f->a);
	calendar_write(&b3, f->a, "CIT Basic", "citkit.example.org", TFX_MON + 9, two, 2);
	assert_non_null(strstr(buf_str(&b3), "\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n"
	                                     "DTSTART:20260308T020000\r\nTZOFFSETFROM:-0600\r\n"
	                                     "TZOFFSETTO:-0500\r\nTZNAME:CDT\r\nEND:DAYLIGHT\r\n"));
	assert_non_null(
	    strstr(buf_str(&b3), "\r\nDTSTART;TZID=America/Chicago:20260309T090000\r\n"));
	/* A program in UTC: UTC times and no VTIMEZONE. */
	assert_true(clock_set_zone("UTC"));
	buf b4;
	buf_init(&b4, f->a);
	calendar_write(&b4, f->a, "CIT Basic", "citkit.example.org", TFX_MON + 9, &ev, 1);
	assert_true(clock_set_zone("America/Chicago"));
	assert_non_null(strstr(buf_str(&b4), "\r\nDTSTART:20260302T150000Z\r\n"));
	assert_null(strstr(buf_str(&b4), "VTIMEZONE"));
	for (const char *p = ics; (p = strchr(p, '\n')); p++)
		assert_int_equal(p[-1], '\r');
}

static void feed_tokens(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	const int64_t cid = t.course_id;
	char t1[CALENDAR_TOKEN_LEN], t2[CALENDAR_TOKEN_LEN], t3[CALENDAR_TOKEN_LEN];
	/* No server secret: no feeds at all. */
	assert_false(calendar_token(CALENDAR_COURSE, cid, 0, t1));
	assert_null(calendar_feed_path(f->a, CALENDAR_COURSE, cid, 0));
	auth_policy p = *auth_policy_get();
	memset(p.secret, 7, sizeof p.secret);
	p.has_secret = true;
	auth_policy_set(&p);
	assert_true(calendar_token(CALENDAR_COURSE, cid, 0, t1));
	assert_true(calendar_token(CALENDAR_COURSE, cid, 0, t2));
	assert_string_equal(t1, t2);
	assert_int_equal(strlen(t1), 32);
	assert_true(calendar_token(CALENDAR_INSTRUCTOR, cid, 0, t3));
	assert_string_not_equal(t1, t3);
	assert_true(calendar_token(CALENDAR_COURSE, cid + 1, 0, t3));
	assert_string_not_equal(t1, t3);
	assert_true(calendar_token(CALENDAR_COURSE, cid, 1, t3));
	assert_string_not_equal(t1, t3);
	const char *path = calendar_feed_path(f->a, CALENDAR_COURSE, cid, 0);
	assert_string_equal(path,
	                    arena_printf(f->a, "/calendar/course/%lld-%s.ics", (long long)cid, t1));
	int64_t id = 0;
	const char *seg = strrchr(path, '/') + 1;
	assert_int_equal(calendar_feed_check(f->d, CALENDAR_COURSE, seg, &id), 0);
	assert_int_equal(id, cid);
	assert_int_equal(calendar_feed_check(f->d, CALENDAR_OFFICER, seg, &id), CK_E_NOT_FOUND);
	char *bad = arena_strdup(f->a, seg);
	size_t digits = strcspn(bad, "-");
	bad[digits + 3] = bad[digits + 3] == 'a' ? 'b' : 'a';
	assert_int_equal(calendar_feed_check(f->d, CALENDAR_COURSE, bad, &id), CK_E_NOT_FOUND);
	assert_int_equal(
	    calendar_feed_check(f->d, CALENDAR_COURSE,
	                        arena_printf(f->a, "%lld-%s.ics", (long long)cid + 1, t1), &id),
	    CK_E_NOT_FOUND);
	assert_int_equal(calendar_feed_check(f->d, CALENDAR_COURSE, "1-.ics", &id), CK_E_NOT_FOUND);
	assert_int_equal(calendar_feed_check(f->d, CALENDAR_COURSE,
	                                     arena_printf(f->a, "0%lld-%s.ics", (long long)cid, t1),
	                                     &id),
	                 CK_E_NOT_FOUND);

	/* Replacing a cid's link retires the old one: a coordinator may,
	 * an officer may not (nothing written); audited. */
	principal officer = fx_as(f, t.officer), coordinator = fx_as(f, t.coordinator);
	int64_t audit = fx_count(f, "SELECT COUNT(*) FROM audit_log");
	assert_int_equal(calendar_feed_reset(f->d, f->a, &officer, CALENDAR_COURSE, cid),
	                 CK_E_FORBIDDEN);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM audit_log"), audit);
	assert_int_equal(calendar_feed_reset(f->d, f->a, &coordinator, CALENDAR_COURSE, cid), 0);
	assert_int_equal(
	    fx_count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.reset'"), 1);
	assert_int_equal(calendar_feed_check(f->d, CALENDAR_COURSE, seg, &id), CK_E_NOT_FOUND);
	int64_t generation = 0;
	assert_int_equal(calendar_generation(f->d, CALENDAR_COURSE, cid, &generation), 0);
	assert_int_equal(generation, 1);
	const char *fresh = calendar_feed_path(f->a, CALENDAR_COURSE, cid, generation);
	assert_string_not_equal(fresh, path);
	assert_int_equal(calendar_feed_check(f->d, CALENDAR_COURSE, strrchr(fresh, '/') + 1, &id),
	                 0);
	assert_int_equal(calendar_feed_reset(f->d, f->a, &coordinator, CALENDAR_COURSE, 999999),
	                 CK_E_NOT_FOUND);

	/* A person replaces their own links (both feeds go together); not
	 * another's, unless a coordinator. */
	const char *mine = calendar_feed_path(f->a, CALENDAR_OFFICER, t.officer, 0);
	const char *teaching = calendar_feed_path(f->a, CALENDAR_INSTRUCTOR, t.officer, 0);
	principal instructor = fx_as(f, t.instructor);
	assert_int_equal(calendar_feed_reset(f->d, f->a, &instructor, CALENDAR_OFFICER, t.officer),
	                 CK_E_FORBIDDEN);
	assert_int_equal(calendar_feed_check(f->d, CALENDAR_OFFICER, strrchr(mine, '/') + 1, &id),
	                 0);
	assert_int_equal(calendar_feed_reset(f->d, f->a, &officer, CALENDAR_OFFICER, t.officer), 0);
	assert_int_equal(calendar_feed_check(f->d, CALENDAR_OFFICER, strrchr(mine, '/') + 1, &id),
	                 CK_E_NOT_FOUND);
	assert_int_equal(
	    calendar_feed_check(f->d, CALENDAR_INSTRUCTOR, strrchr(teaching, '/') + 1, &id),
	    CK_E_NOT_FOUND);
	assert_int_equal(calendar_feed_reset(f->d, f->a, &coordinator, CALENDAR_OFFICER, t.officer),
	                 0);
	assert_int_equal(calendar_generation(f->d, CALENDAR_OFFICER, t.officer, &generation), 0);
	assert_int_equal(generation, 2);

	/* Another server secret: other tokens. */
	memset(p.secret, 8, sizeof p.secret);
	auth_policy_set(&p);
	assert_true(calendar_token(CALENDAR_COURSE, cid, 0, t2));
	assert_string_not_equal(t1, t2);
}

static void feeds_from_the_database(void **state)
{
	authfx *f = *state;
	trainfx t;
	tfx_setup(f, &t);
	field_errors errs = {0};
	int64_t sid;
	assert_int_equal(
	    course_session_create(f->d, f->a, &f->sys, t.course_id,
	                          fx_kv(f, "date", "2026-03-03", "start", "08:00", "end", "10:00",
	                                "room", "Room A", "module", tfx_id(f, t.mod_deesc),
	                                "instructor", tfx_id(f, t.instructor), NULL),
	                          &sid, &errs),
	    0);
	buf b;
	buf_init(&b, f->a);
	assert_int_equal(calendar_feed(f->d, f->a, CALENDAR_COURSE, t.course_id, 1, &b), 0);
	const char *ics = buf_str(&b);
	const char *uid = arena_printf(f->a, "\r\nUID:session-%lld@%s\r\n", (long long)sid,
	                               calendar_uid_domain(f->a));
	assert_non_null(strstr(ics, uid));
	assert_non_null(strstr(ics, "SUMMARY:CIT Basic\\, March: Verbal de-escalation\r\n"));
	assert_non_null(strstr(ics, "LOCATION:Training Center\\, Room A\r\n"));
	assert_non_null(strstr(ics, "DTSTART;TZID=America/Chicago:20260303T080000\r\n"));
	assert_non_null(strstr(ics, "X-WR-TIMEZONE:America/Chicago\r\n"));
	assert_non_null(strstr(ics, "SEQUENCE:0\r\nSTATUS:CONFIRMED\r\n"));
	/* The session moved an hour: same UID, SEQUENCE 1; the course
	 * cancelled: its session stays, cancelled, SEQUENCE 2. */
	assert_int_equal(course_session_update(
	                     f->d, f->a, &f->sys, sid,
	                     fx_kv(f, "date", "2026-03-03", "start", "09:00", "end", "11:00", NULL),
	                     &errs),
	                 0);
	buf_reset(&b);
	assert_int_equal(calendar_feed(f->d, f->a, CALENDAR_COURSE, t.course_id, 1, &b), 0);
	assert_non_null(strstr(buf_str(&b), uid));
	assert_non_null(strstr(buf_str(&b), "DTSTART;TZID=America/Chicago:20260303T090000\r\n"));
	assert_non_null(strstr(buf_str(&b), "SEQUENCE:1\r\nSTATUS:CONFIRMED\r\n"));
	assert_int_equal(course_update(f->d, f->a, &f->sys, t.course_id,
	                               fx_kv(f, "status", "cancelled", NULL), &errs),
	                 0);
	buf_reset(&b);
	assert_int_equal(calendar_feed(f->d, f->a, CALENDAR_COURSE, t.course_id, 1, &b), 0);
	assert_non_null(strstr(buf_str(&b), uid));
	assert_non_null(strstr(buf_str(&b), "SEQUENCE:2\r\nSTATUS:CANCELLED\r\n"));
	buf_reset(&b);
	assert_int_equal(calendar_feed(f->d, f->a, CALENDAR_INSTRUCTOR, t.instructor, 1, &b), 0);
	assert_non_null(strstr(buf_str(&b), "X-WR-CALNAME:Sgt. Ina Long: CIT teaching\r\n"));
	assert_non_null(strstr(buf_str(&b), "BEGIN:VEVENT"));
	buf_reset(&b);
	/* The officer is not enrolled: an empty calendar, until they are. */
	assert_int_equal(calendar_feed(f->d, f->a, CALENDAR_OFFICER, t.officer, 1, &b), 0);
	assert_null(strstr(buf_str(&b), "BEGIN:VEVENT"));
	assert_int_equal(db_run(f->d,
	                        "INSERT INTO enrollments (course_id, user_id, status, created_at, "
	                        "updated_at) VALUES ($1, $2, 'enrolled', 1, 1)",
	                        "ii", t.course_id, t.officer),
	                 1);
	buf_reset(&b);
	assert_int_equal(calendar_feed(f->d, f->a, CALENDAR_OFFICER, t.officer, 1, &b), 0);
	assert_non_null(strstr(buf_str(&b), "BEGIN:VEVENT"));
	assert_int_equal(calendar_feed(f->d, f->a, CALENDAR_COURSE, t.course_id + 5, 1, &b),
	                 CK_E_NOT_FOUND);
	assert_int_equal(calendar_feed(f->d, f->a, CALENDAR_OFFICER, 999, 1, &b), CK_E_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(escaping),
	    CASE(folding),
	    CASE(vcalendar_and_stable_uids),
	    CASE(feed_tokens),
	    CASE(feeds_from_the_database),
	};
	int failed = cmocka_run_group_tests_name("calendar on sqlite", cases, fx_sqlite_group_setup,
	                                         fx_sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("calendar on postgres", cases, fx_pg_group_setup,
	                                      fx_pg_group_teardown);
	return failed ? 1 : 0;
}
