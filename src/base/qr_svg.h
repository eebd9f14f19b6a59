/* qr_svg.h: a QR code as inline SVG, drawn on the server from libqrencode's
 * module matrix, so a page can show one with no script and no outside
 * service (TOTP enrolment, later certificate and join-code links). */
#ifndef CITKIT_QR_SVG_H
#define CITKIT_QR_SVG_H

#include "buf.h"

enum {
	QR_SVG_QUIET = 4, /* modules of white border the standard asks for */
	QR_SVG_MAX_TEXT = 1024,
};

/* Appends <svg …>…</svg> encoding text (8-bit mode, error correction M)
 * to b. label becomes the image's accessible name (escaped). Returns 0,
 * CK_E_INVALID for an empty or too long text, CK_E_INTERNAL if libqrencode
 * fails. Nothing is appended on error. */
int qr_svg(buf *b, const char *text, const char *label);

#endif
