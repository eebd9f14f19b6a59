/* courses_web.h: the HTTP edge of courses, sessions and calendar feeds:
 * each file's route table, and the one function `citkit serve` calls. */
#ifndef CITKIT_COURSES_WEB_H
#define CITKIT_COURSES_WEB_H

/* courses_pages.c: /courses, /courses/new, /courses/{id}, session forms. */
void courses_pages_register(void);
/* courses_api.c: /api/v1/courses… */
void courses_api_register(void);
/* calendar_web.c: /calendar/{kind}/{id}-{token}.ics (public). */
void calendar_web_register(void);
/* All three. */
void courses_routes_register(void);

#endif
