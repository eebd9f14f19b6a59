/* certificate_pdf.h: certificates as PDF (libharu): one landscape Letter
 * page a certificate with the program's name, holder, course, hours,
 * dates, serial, the signatures' names and a QR code (libqrencode) of the
 * verification link. Several certificates make one multi-page document.
 *
 * Text uses the base-14 fonts with WinAnsi (Windows-1252) encoding, so
 * names in Latin-1 ("José Núñez", "Zoë O'Brien") print as written, along
 * with the typographic quotes and dashes of Windows-1252. A character
 * outside it (Polish "Ł", Greek, Cyrillic, CJK) cannot be drawn by a
 * base-14 font: it prints as "?" rather than failing the document. The
 * holder's exact name is in the database and on the verification page. */
#ifndef CITKIT_CERTIFICATE_PDF_H
#define CITKIT_CERTIFICATE_PDF_H

#include <stddef.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "certificates.h"

typedef struct cert_pdf_page {
	const certificate *cert;
	const char *coordinator;  /* signature names; "" leaves the line blank */
	const char *instructor;
} cert_pdf_page;

/* Appends the PDF of pages[0..n) to out. program: the program's name;
 * verify_base: "https://cit.example.org" (no trailing slash), the QR code
 * and the printed link read verify_base + "/verify/" + code. Returns 0,
 * CK_E_INVALID for n == 0, or CK_E_INTERNAL when libharu or libqrencode
 * fails (nothing appended then). */
int certificate_pdf(arena *a, const cert_pdf_page *pages, size_t n, const char *program,
                    const char *verify_base, buf *out);

/* text (UTF-8) as Windows-1252 for the base-14 fonts, from a; characters
 * it lacks become "?". */
const char *certificate_pdf_winansi(arena *a, const char *text);

#endif
