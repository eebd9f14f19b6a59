/* transcript_pdf.h: an officer's transcript as PDF and as CSV. */
#ifndef CITKIT_TRANSCRIPT_PDF_H
#define CITKIT_TRANSCRIPT_PDF_H

#include <stdint.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "transcripts.h"

/* Appends the PDF to out. 0 or CK_E_INTERNAL (nothing appended). */
int transcript_pdf(arena *a, const transcript *t, const char *program, int64_t now, buf *out);

/* Appends CSV (RFC 4180, quoted by libcsv; a cell that a spreadsheet
 * would run as a formula starts with an apostrophe). Columns: kind
 * ("hours" or "certificate"), course, enrollment_status, starts_on,
 * ends_on, component, minutes_attended, minutes_planned, serial,
 * certificate_status, issued, expires, refresher_due. */
void transcript_csv(arena *a, const transcript *t, int64_t now, buf *out);

#endif
