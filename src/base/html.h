/* html.h: the HTML writer. Safe by default: every %s that html_printf
 * prints is escaped for text and quoted-attribute context alike, so a page
 * cannot print user data unescaped by accident. Raw markup needs the
 * visibly different html_raw, whose argument should be a literal. */
#ifndef CITKIT_HTML_H
#define CITKIT_HTML_H

#include "buf.h"

/* printf into b; each %s argument is HTML-escaped (& < > " '), a NULL
 * %s prints nothing. Numeric conversions print as printf does. */
void html_printf(buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void html_vprintf(buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Escaped text. */
void html_text(buf *b, const char *s);
/* Trusted markup, printed as is. Only for literals and the output of
 * other writers. */
void html_raw(buf *b, const char *markup);
/* Percent-encodes s as one URL component (query value or path segment);
 * the result is also safe inside a quoted attribute. */
void html_url_arg(buf *b, const char *s);

#endif
