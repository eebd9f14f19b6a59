/* transcript_pdf.c: an officer's transcript as a printable PDF (portrait
 * Letter, base-14 fonts, WinAnsi as for certificates): courses with hours
 * by component, then certificates and their status. */
#include <hpdf.h>
#include <string.h>

#include "../base/clock.h"
#include "../base/errors.h"
#include "../base/log.h"
#include "certificate_pdf.h"
#include "transcript_pdf.h"

enum { T_W = 612, T_H = 792, T_MARGIN = 56 };

typedef struct tpen {
	HPDF_Doc pdf;
	HPDF_Page page;
	HPDF_Font regular, bold;
	arena *a;
	float y;
} tpen;

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
	HPDF_STATUS *first = user_data;
	(void)detail_no;
	if (!*first)
		*first = error_no;
}

static void new_page(tpen *p)
{
	p->page = HPDF_AddPage(p->pdf);
	HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_LETTER, HPDF_PAGE_PORTRAIT);
	p->y = T_H - T_MARGIN;
}

/* One line at indent x; a new page when the page is full. */
static void line(tpen *p, bool bold, float size, float x, const char *utf8)
{
	if (p->y < T_MARGIN + size)
		new_page(p);
	HPDF_Page_SetFontAndSize(p->page, bold ? p->bold : p->regular, size);
	HPDF_Page_BeginText(p->page);
	HPDF_Page_TextOut(p->page, T_MARGIN + x, p->y, certificate_pdf_winansi(p->a, utf8));
	HPDF_Page_EndText(p->page);
	p->y -= size * 1.5f;
}

static const char *day(arena *a, int64_t t)
{
	if (!t)
		return "-";
	char local[CLOCK_LOCAL_LEN];
	clock_local(t, local);
	return arena_strndup(a, local, 10);
}

static void draw(tpen *p, const transcript *t, const char *program, int64_t now)
{
	arena *a = p->a;
	new_page(p);
	line(p, true, 16, 0, program);
	line(p, true, 14, 0, arena_printf(a, "Training transcript: %s", t->name));
	line(p, false, 10, 0, arena_printf(a, "%s · %s · as of %s", t->org_name, t->email, day(a, now)));
	p->y -= 8;
	line(p, true, 12, 0, "Courses");
	if (!t->n_courses)
		line(p, false, 10, 12, "No courses.");
	for (size_t i = 0; i < t->n_courses; i++) {
		const transcript_course *c = &t->courses[i];
		line(p, true, 10, 12,
		     arena_printf(a, "%s (%s to %s), %s: %s of %s", c->course_title, day(a, c->starts_on),
		                  day(a, c->ends_on), c->enrollment_status,
		                  progress_hours_text(a, c->prog.total_minutes),
		                  progress_hours_text(a, c->prog.planned_minutes)));
		for (size_t k = 0; k < c->prog.n_components; k++) {
			const progress_component *pc = &c->prog.components[k];
			if (!pc->minutes && !pc->attended)
				continue;
			line(p, false, 9, 28,
			     arena_printf(a, "%s: %s of %s", progress_component_label(pc->component),
			                  progress_hours_text(a, pc->attended),
			                  progress_hours_text(a, pc->minutes)));
		}
	}
	p->y -= 8;
	line(p, true, 12, 0, "Certificates");
	if (!t->n_certs)
		line(p, false, 10, 12, "No certificates.");
	for (size_t i = 0; i < t->n_certs; i++) {
		const certificate *c = &t->certs[i];
		line(p, false, 10, 12,
		     arena_printf(a, "%s, %s: %s, issued %s, valid until %s, refresher due %s",
		                  c->serial, c->course_title,
		                  cert_status_name(certificate_status(c, now)), day(a, c->issued_at),
		                  day(a, c->expires_at), day(a, c->refresher_due_at)));
	}
}

int transcript_pdf(arena *a, const transcript *t, const char *program, int64_t now, buf *out)
{
	HPDF_STATUS first = 0;
	HPDF_Doc pdf = HPDF_New(on_error, &first);
	if (!pdf)
		return CK_E_INTERNAL;
	HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
	tpen p = {
	    .pdf = pdf,
	    .a = a,
	    .regular = HPDF_GetFont(pdf, "Helvetica", "WinAnsiEncoding"),
	    .bold = HPDF_GetFont(pdf, "Helvetica-Bold", "WinAnsiEncoding"),
	};
	if (!first)
		draw(&p, t, program ? program : "", now);
	if (!first)
		HPDF_SaveToStream(pdf);
	if (!first) {
		HPDF_UINT32 size = HPDF_GetStreamSize(pdf), got = size;
		char *data = arena_alloc_raw(a, size ? size : 1);
		HPDF_ResetStream(pdf);
		HPDF_ReadFromStream(pdf, (HPDF_BYTE *)data, &got);
		if (got == size && !first)
			buf_append(out, data, got);
		else if (!first)
			first = HPDF_FILE_IO_ERROR;
	}
	HPDF_Free(pdf);
	if (first) {
		log_error("libharu error 0x%04lx drawing a transcript", (unsigned long)first);
		return CK_E_INTERNAL;
	}
	return 0;
}
