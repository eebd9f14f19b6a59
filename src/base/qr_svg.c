/* qr_svg.c: renders libqrencode's module matrix as one SVG path. Each run
 * of dark modules in a row becomes one rectangle, which keeps the markup
 * small (a TOTP URI is ~3 KB of SVG) and crisp at any zoom. */
#include "qr_svg.h"

#include <qrencode.h>
#include <string.h>

#include "errors.h"
#include "html.h"

/* Dark runs of row y as "M x y h n v 1 h -n z" subpaths. */
static void row_path(buf *b, const QRcode *qr, int y)
{
	int w = qr->width;
	const unsigned char *row = qr->data + (size_t)y * (size_t)w;
	for (int x = 0; x < w;) {
		if (!(row[x] & 1)) {
			x++;
			continue;
		}
		int start = x;
		while (x < w && (row[x] & 1))
			x++;
		buf_printf(b, "M%d %dh%dv1h-%dz", start + QR_SVG_QUIET, y + QR_SVG_QUIET, x - start,
		           x - start);
	}
}

int qr_svg(buf *b, const char *text, const char *label)
{
	if (!text || !*text || strlen(text) > QR_SVG_MAX_TEXT)
		return CK_E_INVALID;
	QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!qr)
		return CK_E_INTERNAL;
	int size = qr->width + 2 * QR_SVG_QUIET;
	html_printf(b,
	            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\" "
	            "aria-label=\"%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	            "shape-rendering=\"crispEdges\">",
	            label ? label : "QR code", size, size, size * 5, size * 5);
	html_printf(b, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	            size, size);
	for (int y = 0; y < qr->width; y++)
		row_path(b, qr, y);
	html_raw(b, "\"/></svg>");
	QRcode_free(qr);
	return 0;
}
