/* log.c: JSON lines on stderr; one write per line so threads don't mix. */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "json_write.h"

static enum log_level min_level = LOG_INFO;

void log_set_level(enum log_level min)
{
	min_level = min;
}

void log_json_string(buf *b, const char *s)
{
	s = s ? s : "";
	json_write_string(b, s, strlen(s));
}

void log_json_line(const char *json)
{
	buf line;
	buf_init(&line, NULL);
	buf_puts(&line, json);
	buf_putc(&line, '\n');
	ssize_t ignored = write(STDERR_FILENO, line.data, line.len);
	(void)ignored;
	buf_free(&line);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (level < min_level)
		return;
	buf msg, line;
	buf_init(&msg, NULL);
	buf_init(&line, NULL);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	char ts[CLOCK_RFC3339_LEN];
	clock_rfc3339_cs(clock_now_cs(), ts);
	buf_printf(&line, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":", ts, names[level]);
	log_json_string(&line, buf_str(&msg));
	buf_putc(&line, '}');
	log_json_line(buf_str(&line));
	buf_free(&msg);
	buf_free(&line);
}
