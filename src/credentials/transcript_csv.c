/* transcript_csv.c: an officer's transcript as CSV, one row per course
 * component and one per certificate, fields quoted by libcsv. */
#include <csv.h>
#include <string.h>

#include "../base/clock.h"
#include "transcript_pdf.h"

static void cell(arena *a, buf *out, const char *s, bool is_last)
{
	if (!s)
		s = "";
	if (s[0] && strchr("=+-@\t\r", s[0]))
		s = arena_printf(a, "'%s", s);
	size_t n = strlen(s);
	size_t need = csv_write(NULL, 0, s, n);
	char *q = arena_alloc_raw(a, need + 1);
	csv_write(q, need, s, n);
	buf_append(out, q, need);
	buf_puts(out, is_last ? "\r\n" : ",");
}

static const char *day(arena *a, int64_t t)
{
	if (!t)
		return "";
	char local[CLOCK_LOCAL_LEN];
	clock_local(t, local);
	return arena_strndup(a, local, 10);
}

static const char *num(arena *a, int64_t v)
{
	return arena_printf(a, "%lld", (long long)v);
}

void transcript_csv(arena *a, const transcript *t, int64_t now, buf *out)
{
	static const char *const header[] = {
	    "kind",         "course",  "enrollment_status", "starts_on",
	    "ends_on",      "component", "minutes_attended", "minutes_planned",
	    "serial",       "certificate_status", "issued", "expires",
	    "refresher_due",
	};
	enum { COLS = sizeof header / sizeof header[0] };
	for (size_t i = 0; i < COLS; i++)
		cell(a, out, header[i], i + 1 == COLS);
	for (size_t i = 0; i < t->n_courses; i++) {
		const transcript_course *c = &t->courses[i];
		for (size_t k = 0; k < c->prog.n_components; k++) {
			const progress_component *pc = &c->prog.components[k];
			const char *row[COLS] = {"hours",
			                         c->course_title,
			                         c->enrollment_status,
			                         day(a, c->starts_on),
			                         day(a, c->ends_on),
			                         pc->component,
			                         num(a, pc->attended),
			                         num(a, pc->minutes)};
			for (size_t j = 0; j < COLS; j++)
				cell(a, out, row[j], j + 1 == COLS);
		}
	}
	for (size_t i = 0; i < t->n_certs; i++) {
		const certificate *c = &t->certs[i];
		const char *row[COLS] = {"certificate", c->course_title, NULL, NULL, NULL, NULL,
		                         num(a, c->minutes), NULL, c->serial,
		                         cert_status_name(certificate_status(c, now)),
		                         day(a, c->issued_at), day(a, c->expires_at),
		                         day(a, c->refresher_due_at)};
		for (size_t j = 0; j < COLS; j++)
			cell(a, out, row[j], j + 1 == COLS);
	}
}
