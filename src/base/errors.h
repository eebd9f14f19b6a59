/* errors.h: citkit's error codes, generated from errors.def. */
#ifndef CITKIT_ERRORS_H
#define CITKIT_ERRORS_H

enum ck_error {
	CK_OK = 0,
#define CK_ERROR(name, code, status, slug, title) name = (code),
#include "errors.def"
#undef CK_ERROR
};

/* HTTP status, RFC 9457 type slug and human title for an error code;
 * unknown codes map to CK_E_INTERNAL's. */
int ck_error_status(int code);
const char *ck_error_slug(int code);
const char *ck_error_title(int code);
const char *ck_error_name(int code);

#endif
