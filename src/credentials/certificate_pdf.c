/* certificate_pdf.c: draws certificates with libharu. Everything is
 * written into an in-memory stream and copied out, so nothing touches the
 * disk; libharu's errors are collected by a handler that only records the
 * first one (no longjmp), and checked once at the end. */
#include "certificate_pdf.h"

#include <hpdf.h>
#include <qrencode.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../base/clock.h"
#include "../base/errors.h"
#include "../base/log.h"
#include "../training/progress.h"

enum { PAGE_W = 792, PAGE_H = 612 }; /* Letter, landscape, in points */

typedef struct pdf_err {
	HPDF_STATUS first;
} pdf_err;

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
	pdf_err *e = user_data;
	(void)detail_no;
	if (!e->first)
		e->first = error_no;
}

/* Windows-1252 bytes 0x80-0x9F and the code points they stand for. */
static const struct {
	unsigned cp;
	unsigned char byte;
} cp1252_extra[] = {
    {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85},
    {0x2020, 0x86}, {0x2021, 0x87}, {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A},
    {0x2039, 0x8B}, {0x0152, 0x8C}, {0x017D, 0x8E}, {0x2018, 0x91}, {0x2019, 0x92},
    {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95}, {0x2013, 0x96}, {0x2014, 0x97},
    {0x02DC, 0x98}, {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B}, {0x0153, 0x9C},
    {0x017E, 0x9E}, {0x0178, 0x9F},
};

/* One UTF-8 sequence at s: its code point and length; a malformed byte
 * reads as U+FFFD of length 1. */
static unsigned utf8_next(const unsigned char *s, size_t *len)
{
	unsigned c = s[0];
	size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
	if (!n) {
		*len = 1;
		return 0xFFFD;
	}
	unsigned cp = n == 1 ? c : c & (0x7F >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*len = 1;
			return 0xFFFD;
		}
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	*len = n;
	return cp;
}

const char *certificate_pdf_winansi(arena *a, const char *text)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t cap = strlen((const char *)s) + 1;
	char *out = arena_alloc(a, cap);
	size_t o = 0;
	while (*s) {
		size_t len;
		unsigned cp = utf8_next(s, &len);
		s += len;
		unsigned char byte = '?';
		if ((cp >= 0x20 && cp < 0x7F) || (cp >= 0xA0 && cp <= 0xFF))
			byte = (unsigned char)cp;
		for (size_t i = 0; i < sizeof cp1252_extra / sizeof cp1252_extra[0]; i++)
			if (cp1252_extra[i].cp == cp)
				byte = cp1252_extra[i].byte;
		out[o++] = (char)byte;
	}
	out[o] = '\0';
	return out;
}

/* "2026-11-26" in the program's time zone. */
static const char *date_text(arena *a, int64_t t)
{
	char local[CLOCK_LOCAL_LEN];
	clock_local(t, local);
	return arena_strndup(a, local, 10);
}

typedef struct pen {
	HPDF_Doc pdf;
	HPDF_Page page;
	arena *a;
	HPDF_Font regular, bold, serif, serif_bold, serif_italic;
} pen;

/* text centred on x at baseline y; shrunk to fit max_w when it is wider. */
static void centred(pen *p, HPDF_Font font, float size, float x, float y, float max_w,
                    const char *utf8)
{
	const char *t = certificate_pdf_winansi(p->a, utf8);
	HPDF_Page_SetFontAndSize(p->page, font, size);
	float w = HPDF_Page_TextWidth(p->page, t);
	if (w > max_w && w > 0) {
		size = size * max_w / w;
		HPDF_Page_SetFontAndSize(p->page, font, size);
		w = HPDF_Page_TextWidth(p->page, t);
	}
	HPDF_Page_BeginText(p->page);
	HPDF_Page_TextOut(p->page, x - w / 2, y, t);
	HPDF_Page_EndText(p->page);
}

static void left(pen *p, HPDF_Font font, float size, float x, float y, const char *utf8)
{
	HPDF_Page_SetFontAndSize(p->page, font, size);
	HPDF_Page_BeginText(p->page);
	HPDF_Page_TextOut(p->page, x, y, certificate_pdf_winansi(p->a, utf8));
	HPDF_Page_EndText(p->page);
}

/* The QR code of url with its lower-left corner at (x, y), size points
 * wide including the quiet zone. Dark modules are filled rectangles, one
 * per horizontal run. */
static int draw_qr(pen *p, const char *url, float x, float y, float size)
{
	QRcode *qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return CK_E_INTERNAL;
	int w = qr->width;
	float m = size / (float)(w + 8);
	HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
	for (int row = 0; row < w; row++) {
		for (int col = 0; col < w;) {
			if (!(qr->data[row * w + col] & 1)) {
				col++;
				continue;
			}
			int start = col;
			while (col < w && (qr->data[row * w + col] & 1))
				col++;
			HPDF_Page_Rectangle(p->page, x + (float)(start + 4) * m,
			                    y + (float)(w - 1 - row + 4) * m, (float)(col - start) * m,
			                    m);
		}
	}
	HPDF_Page_Fill(p->page);
	QRcode_free(qr);
	return 0;
}

static void signature(pen *p, float x, const char *name, const char *role)
{
	HPDF_Page_SetLineWidth(p->page, 0.8f);
	HPDF_Page_MoveTo(p->page, x, 118);
	HPDF_Page_LineTo(p->page, x + 200, 118);
	HPDF_Page_Stroke(p->page);
	if (name && *name)
		centred(p, p->serif_italic, 14, x + 100, 124, 200, name);
	centred(p, p->regular, 10, x + 100, 104, 200, role);
}

static int draw_page(pen *p, const cert_pdf_page *cp, const char *program,
                     const char *verify_base)
{
	const certificate *c = cp->cert;
	p->page = HPDF_AddPage(p->pdf);
	HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_LETTER, HPDF_PAGE_LANDSCAPE);
	float cx = PAGE_W / 2.0f, wide = PAGE_W - 120.0f;

	HPDF_Page_SetRGBStroke(p->page, 0.11f, 0.25f, 0.45f);
	HPDF_Page_SetLineWidth(p->page, 3);
	HPDF_Page_Rectangle(p->page, 24, 24, PAGE_W - 48, PAGE_H - 48);
	HPDF_Page_Stroke(p->page);
	HPDF_Page_SetLineWidth(p->page, 0.8f);
	HPDF_Page_Rectangle(p->page, 32, 32, PAGE_W - 64, PAGE_H - 64);
	HPDF_Page_Stroke(p->page);
	HPDF_Page_SetRGBStroke(p->page, 0, 0, 0);

	HPDF_Page_SetRGBFill(p->page, 0.11f, 0.25f, 0.45f);
	centred(p, p->bold, 18, cx, 530, wide, program);
	centred(p, p->serif_bold, 34, cx, 474, wide, "Certificate of Completion");
	HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
	centred(p, p->serif_italic, 15, cx, 432, wide, "This certifies that");
	centred(p, p->serif_bold, 30, cx, 388, wide, c->holder_name);
	centred(p, p->serif_italic, 15, cx, 352, wide,
	        "has completed Crisis Intervention Team (CIT) training");
	centred(p, p->bold, 16, cx, 326, wide, c->course_title);
	centred(p, p->regular, 13, cx, 300, wide,
	        arena_printf(p->a, "%s of instruction (%lld minutes)",
	                     progress_hours_text(p->a, c->minutes), (long long)c->minutes));

	float y = 262;
	left(p, p->regular, 11, 70, y, arena_printf(p->a, "Issued: %s", date_text(p->a, c->issued_at)));
	left(p, p->regular, 11, 70, y - 16, arena_printf(p->a, "Serial: %s", c->serial));
	if (c->expires_at)
		left(p, p->regular, 11, 300, y,
		     arena_printf(p->a, "Valid until: %s", date_text(p->a, c->expires_at)));
	if (c->refresher_due_at)
		left(p, p->regular, 11, 300, y - 16,
		     arena_printf(p->a, "Refresher due: %s", date_text(p->a, c->refresher_due_at)));

	signature(p, 70, cp->coordinator, "Program coordinator");
	signature(p, 320, cp->instructor, "Instructor");

	const char *url = arena_printf(p->a, "%s/verify/%s", verify_base, c->verify_code);
	int rc = draw_qr(p, url, 610, 70, 130);
	if (rc < 0)
		return rc;
	centred(p, p->regular, 8, 675, 62, 150, "Verify at");
	HPDF_Page_SetFontAndSize(p->page, p->regular, 5);
	centred(p, p->regular, 5, 675, 52, 170, url);
	return 0;
}

int certificate_pdf(arena *a, const cert_pdf_page *pages, size_t n, const char *program,
                    const char *verify_base, buf *out)
{
	if (!n)
		return CK_E_INVALID;
	pdf_err err = {0};
	HPDF_Doc pdf = HPDF_New(on_error, &err);
	if (!pdf)
		return CK_E_INTERNAL;
	int rc = 0;
	HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
	const char *enc = "WinAnsiEncoding";
	pen p = {
	    .pdf = pdf,
	    .a = a,
	    .regular = HPDF_GetFont(pdf, "Helvetica", enc),
	    .bold = HPDF_GetFont(pdf, "Helvetica-Bold", enc),
	    .serif = HPDF_GetFont(pdf, "Times-Roman", enc),
	    .serif_bold = HPDF_GetFont(pdf, "Times-Bold", enc),
	    .serif_italic = HPDF_GetFont(pdf, "Times-Italic", enc),
	};
	HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE,
	                 certificate_pdf_winansi(a, n == 1 ? pages[0].cert->serial : "Certificates"));
	HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "citkit");
	for (size_t i = 0; i < n && !err.first && rc == 0; i++)
		rc = draw_page(&p, &pages[i], program ? program : "", verify_base ? verify_base : "");
	if (rc == 0 && !err.first)
		HPDF_SaveToStream(pdf);
	if (rc == 0 && !err.first) {
		HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
		char *data = arena_alloc_raw(a, size ? size : 1);
		HPDF_UINT32 got = size;
		HPDF_ResetStream(pdf);
		HPDF_ReadFromStream(pdf, (HPDF_BYTE *)data, &got);
		if (got != size && !err.first)
			err.first = HPDF_FILE_IO_ERROR;
		if (!err.first)
			buf_append(out, data, got);
	}
	if (err.first) {
		log_error("libharu error 0x%04lx drawing certificates", (unsigned long)err.first);
		rc = CK_E_INTERNAL;
	}
	HPDF_Free(pdf);
	return rc;
}
