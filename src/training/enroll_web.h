/* enroll_web.h: the HTTP edge of enrollment, roll call and progress:
 * route registration and the JSON shapes the pages and API share.
 * Services never include this. */
#ifndef CITKIT_ENROLL_WEB_H
#define CITKIT_ENROLL_WEB_H

#include <jansson.h>

#include "../web/http.h"
#include "attendance.h"
#include "enrollments.h"
#include "progress.h"

/* Registers the enrollment API (enrollments_api.c), the attendance API
 * (attendance_api.c) and their pages (enrollments_pages.c,
 * attendance_pages.c). One line in src/cli/serve.c. */
void enroll_routes_register(void);
void enrollments_api_register(void);
void attendance_api_register(void);
void enrollments_pages_register(void);
void attendance_pages_register(void);

json_t *enroll_enrollment_json(const enrollment *e);
json_t *enroll_progress_json(const progress *p);

/* The enrollment section of a course page (for courses_pages.c): how
 * many are enrolled and waitlisted (those the viewer may see), with a
 * link to the full page /courses/{id}/enrollments. Prints nothing when
 * the course cannot be read. */
void enroll_course_section(request *req, db *d, int64_t course_id);

#endif
