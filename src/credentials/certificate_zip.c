/* certificate_zip.c: libzip over an in-memory buffer source. The archive
 * is written into the source by zip_close, then read back out of it. */
#include "certificate_zip.h"

#include <stdio.h>
#include <zip.h>

#include "../base/errors.h"
#include "../base/log.h"

/* Copies what zip_close wrote into src to out. */
static int read_back(arena *a, zip_source_t *src, buf *out)
{
	if (zip_source_open(src) < 0)
		return CK_E_INTERNAL;
	int rc = CK_E_INTERNAL;
	zip_int64_t size;
	if (zip_source_seek(src, 0, SEEK_END) < 0 || (size = zip_source_tell(src)) < 0 ||
	    zip_source_seek(src, 0, SEEK_SET) < 0)
		goto done;
	char *data = arena_alloc_raw(a, (size_t)size + 1);
	if (zip_source_read(src, data, (zip_uint64_t)size) != size)
		goto done;
	buf_append(out, data, (size_t)size);
	rc = 0;
done:
	zip_source_close(src);
	return rc;
}

int certificate_zip(arena *a, const zip_member *members, size_t n, buf *out)
{
	zip_error_t error;
	zip_error_init(&error);
	int rc = CK_E_INTERNAL;
	zip_t *za = NULL;
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &error);
	if (!src)
		goto done;
	za = zip_open_from_source(src, ZIP_TRUNCATE, &error);
	if (!za)
		goto done;
	/* The archive holds a reference to src; keep one of ours for after
	 * zip_close, which releases the archive's. */
	zip_source_keep(src);
	for (size_t i = 0; i < n; i++) {
		zip_source_t *member = zip_source_buffer(za, members[i].data, members[i].len, 0);
		if (!member)
			goto done;
		zip_int64_t idx = zip_file_add(za, members[i].name, member,
		                               ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
		if (idx < 0) {
			zip_source_free(member);
			goto done;
		}
	}
	if (zip_close(za) < 0)
		goto done;
	za = NULL;
	rc = read_back(a, src, out);
done:
	if (rc < 0)
		log_error("libzip: %s", za ? zip_strerror(za) : zip_error_strerror(&error));
	if (za)
		zip_discard(za);
	if (src)
		zip_source_free(src);
	zip_error_fini(&error);
	return rc;
}
