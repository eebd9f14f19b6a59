/* embedded.h: files compiled into the binary by scripts/embed.py
 * (migrations, ui assets, data). Each table ends with a NULL name. */
#ifndef CITKIT_EMBEDDED_H
#define CITKIT_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name;          /* relative path: "sqlite/0001_foundation.sql" */
	const unsigned char *data; /* NUL-terminated for convenience */
	size_t len;
};

#endif
