/* certificate_zip.h: a ZIP archive built in memory with libzip (a buffer
 * source, never a temporary file): the "all certificates of a course"
 * download, one PDF per certificate. */
#ifndef CITKIT_CERTIFICATE_ZIP_H
#define CITKIT_CERTIFICATE_ZIP_H

#include <stddef.h>

#include "../base/arena.h"
#include "../base/buf.h"

typedef struct zip_member {
	const char *name; /* path inside the archive, UTF-8 */
	const void *data; /* must stay valid until certificate_zip returns */
	size_t len;
} zip_member;

/* Appends a ZIP of members[0..n) (deflated) to out. 0 or CK_E_INTERNAL
 * (nothing appended then). */
int certificate_zip(arena *a, const zip_member *members, size_t n, buf *out);

#endif
