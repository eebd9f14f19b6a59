/* test_qr_svg.c: the SVG a page shows decodes to the same QR matrix that
 * libqrencode computes for the text, with a quiet zone, an escaped label
 * and no output at all on bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <qrencode.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/errors.h"
#include "base/qr_svg.h"

/* Reads the path back into a size x size matrix of dark modules. */
static void paint_path(const char *d, unsigned char *grid, int size)
{
	const char *p = d;
	while (*p == 'M') {
		int x, y, n, n2, used = 0;
		assert_int_equal(sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &n2, &used), 4);
		assert_int_equal(n, n2);
		assert_true(n > 0 && x >= 0 && y >= 0 && x + n <= size && y < size);
		for (int i = 0; i < n; i++) {
			assert_int_equal(grid[y * size + x + i], 0); /* runs never overlap */
			grid[y * size + x + i] = 1;
		}
		p += used;
	}
	assert_int_equal(*p, '"');
}

static void check_roundtrip(const char *text)
{
	arena *a = arena_new();
	buf b;
	buf_init(&b, a);
	assert_int_equal(qr_svg(&b, text, "Scan me"), 0);
	const char *svg = buf_str(&b);
	assert_non_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(svg, "role=\"img\" aria-label=\"Scan me\""));
	assert_non_null(strstr(svg, "</svg>"));

	QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	assert_non_null(qr);
	int size = qr->width + 2 * QR_SVG_QUIET;
	char want[64];
	snprintf(want, sizeof want, "viewBox=\"0 0 %d %d\"", size, size);
	assert_non_null(strstr(svg, want));

	const char *d = strstr(svg, " d=\"");
	assert_non_null(d);
	unsigned char *grid = calloc((size_t)size * (size_t)size, 1);
	assert_non_null(grid);
	paint_path(d + 4, grid, size);
	for (int y = 0; y < size; y++) {
		for (int x = 0; x < size; x++) {
			int qx = x - QR_SVG_QUIET, qy = y - QR_SVG_QUIET;
			bool inside = qx >= 0 && qy >= 0 && qx < qr->width && qy < qr->width;
			int dark = inside ? (qr->data[qy * qr->width + qx] & 1) : 0;
			assert_int_equal(grid[y * size + x], dark);
		}
	}
	free(grid);
	QRcode_free(qr);
	arena_free(a);
}

static void test_totp_uri_roundtrip(void **state)
{
	(void)state;
	check_roundtrip("otpauth://totp/Pine%20Belt%20CIT:coord%40example.org"
	                "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Pine%20Belt%20CIT"
	                "&algorithm=SHA1&digits=6&period=30");
}

static void test_short_text_roundtrip(void **state)
{
	(void)state;
	check_roundtrip("x");
}

static void test_label_escaped(void **state)
{
	(void)state;
	arena *a = arena_new();
	buf b;
	buf_init(&b, a);
	assert_int_equal(qr_svg(&b, "hello", "<b>\"x\"</b>"), 0);
	assert_null(strstr(buf_str(&b), "<b>"));
	assert_non_null(strstr(buf_str(&b), "aria-label=\"&lt;b&gt;&quot;x&quot;&lt;/b&gt;\""));
	arena_free(a);
}

static void test_bad_input_writes_nothing(void **state)
{
	(void)state;
	arena *a = arena_new();
	buf b;
	buf_init(&b, a);
	assert_int_equal(qr_svg(&b, "", "x"), CK_E_INVALID);
	assert_int_equal(qr_svg(&b, NULL, "x"), CK_E_INVALID);
	char *big = arena_alloc(a, QR_SVG_MAX_TEXT + 2);
	memset(big, 'a', QR_SVG_MAX_TEXT + 1);
	assert_int_equal(qr_svg(&b, big, "x"), CK_E_INVALID);
	assert_int_equal(b.len, 0);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_totp_uri_roundtrip),
	    cmocka_unit_test(test_short_text_roundtrip),
	    cmocka_unit_test(test_label_escaped),
	    cmocka_unit_test(test_bad_input_writes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
