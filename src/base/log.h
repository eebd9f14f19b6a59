/* log.h: JSON-lines logging to stderr, one object per line, so logs can
 * be shipped and queried without a parser of our own. Never log secrets:
 * passwords, tokens, narratives. */
#ifndef CITKIT_LOG_H
#define CITKIT_LOG_H

#include "buf.h"

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level min);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Writes one already-built JSON object as a line (the access log). */
void log_json_line(const char *json);
/* Appends s as a JSON string literal, quotes included. */
void log_json_string(buf *b, const char *s);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
