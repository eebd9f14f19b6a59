/* html.c: escaping HTML and URL writers. */
#include "html.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

/* Escapes at most n bytes of s. */
static void text_n(buf *b, const char *s, size_t n)
{
	const char *run = s, *end = s + n;
	for (; s < end && *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_append(b, run, (size_t)(s - run));
		buf_puts(b, rep);
		run = s + 1;
	}
	buf_append(b, run, (size_t)(s - run));
}

void html_text(buf *b, const char *s)
{
	if (s)
		text_n(b, s, strlen(s));
}

void html_raw(buf *b, const char *markup)
{
	if (markup)
		buf_puts(b, markup);
}

void html_url_arg(buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '-' || c == '_' ||
			     c == '.' || c == '~';
		if (plain) {
			buf_putc(b, (char)c);
		} else {
			char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_append(b, enc, 3);
		}
	}
}

/* Prints one non-%s conversion by handing its spec to snprintf with an
 * argument of the type the length modifier names. The spec is rebuilt by
 * html_vprintf from a format the compiler already checked, hence the one
 * place a non-literal format is allowed. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void print_conversion(buf *b, const char *spec, char conv,
			     const char *len, va_list *ap)
{
	char out[512];
	int n = 0;
	switch (conv) {
	case 'd': case 'i':
		if (!strcmp(len, "ll")) n = snprintf(out, sizeof out, spec, va_arg(*ap, long long));
		else if (!strcmp(len, "l")) n = snprintf(out, sizeof out, spec, va_arg(*ap, long));
		else if (!strcmp(len, "z")) n = snprintf(out, sizeof out, spec, va_arg(*ap, ssize_t));
		else if (!strcmp(len, "j")) n = snprintf(out, sizeof out, spec, va_arg(*ap, intmax_t));
		else n = snprintf(out, sizeof out, spec, va_arg(*ap, int));
		break;
	case 'u': case 'x': case 'X': case 'o':
		if (!strcmp(len, "ll")) n = snprintf(out, sizeof out, spec, va_arg(*ap, unsigned long long));
		else if (!strcmp(len, "l")) n = snprintf(out, sizeof out, spec, va_arg(*ap, unsigned long));
		else if (!strcmp(len, "z")) n = snprintf(out, sizeof out, spec, va_arg(*ap, size_t));
		else if (!strcmp(len, "j")) n = snprintf(out, sizeof out, spec, va_arg(*ap, uintmax_t));
		else n = snprintf(out, sizeof out, spec, va_arg(*ap, unsigned));
		break;
	case 'f': case 'F': case 'g': case 'G': case 'e': case 'E':
		n = snprintf(out, sizeof out, spec, va_arg(*ap, double));
		break;
	case 'c': {
		char c[2] = {(char)va_arg(*ap, int), '\0'};
		html_text(b, c);
		return;
	}
	default:
		/* %p, %n and friends have no place in a page. */
		return;
	}
	if (n > 0)
		buf_append(b, out, (size_t)n < sizeof out ? (size_t)n : sizeof out - 1);
}
#pragma GCC diagnostic pop

void html_vprintf(buf *b, const char *fmt, va_list ap_in)
{
	va_list ap;
	va_copy(ap, ap_in);
	const char *p = fmt;
	while (*p) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			buf_puts(b, p);
			break;
		}
		buf_append(b, p, (size_t)(pct - p));
		if (pct[1] == '%') {
			buf_putc(b, '%');
			p = pct + 2;
			continue;
		}
		/* Collect flags, width, precision and length into spec. */
		char spec[32];
		size_t sl = 0;
		int precision = -1;
		spec[sl++] = '%';
		const char *q = pct + 1;
		while (*q && strchr("-+ #0", *q) && sl < 8)
			spec[sl++] = *q++;
		while (*q >= '0' && *q <= '9' && sl < 16)
			spec[sl++] = *q++;
		if (*q == '.') {
			q++;
			if (*q == '*') {
				precision = va_arg(ap, int);
				q++;
			} else {
				precision = 0;
				while (*q >= '0' && *q <= '9')
					precision = precision * 10 + (*q++ - '0');
			}
			sl += (size_t)snprintf(spec + sl, sizeof spec - sl, ".%d",
					       precision < 0 ? 0 : precision);
		}
		char len[3] = "";
		size_t ll = 0;
		while (*q && strchr("hlzjt", *q) && ll < 2)
			len[ll++] = *q++;
		len[ll] = '\0';
		char conv = *q;
		if (!conv)
			break;
		if (conv == 's') {
			const char *s = va_arg(ap, const char *);
			if (s)
				text_n(b, s, precision >= 0 ? (size_t)precision : strlen(s));
		} else {
			memcpy(spec + sl, len, ll);
			sl += ll;
			spec[sl++] = conv;
			spec[sl] = '\0';
			print_conversion(b, spec, conv, len, &ap);
		}
		p = q + 1;
	}
	va_end(ap);
}

void html_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	html_vprintf(b, fmt, ap);
	va_end(ap);
}
