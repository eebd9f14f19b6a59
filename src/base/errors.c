/* errors.c: lookups into the error registry. */
#include "errors.h"

#include <stddef.h>

struct entry {
	int code, status;
	const char *name, *slug, *title;
};

static const struct entry entries[] = {
#define CK_ERROR(name, code, status, slug, title) {code, status, #name, slug, title},
#include "errors.def"
#undef CK_ERROR
};

static const struct entry *find(int code)
{
	for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
		if (entries[i].code == code)
			return &entries[i];
	return &entries[0];
}

int ck_error_status(int code) { return find(code)->status; }
const char *ck_error_slug(int code) { return find(code)->slug; }
const char *ck_error_title(int code) { return find(code)->title; }
const char *ck_error_name(int code) { return code == CK_OK ? "CK_OK" : find(code)->name; }
