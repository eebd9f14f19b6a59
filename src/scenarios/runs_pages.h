/* runs_pages.h: the HTML side of scenario runs (runs_pages.c: the course's
 * runs, the console, joining, a trainee's history; debrief_pages.c: the
 * score and debrief pages) and what other pages link from them. Services
 * never include this. */
#ifndef CITKIT_RUNS_PAGES_H
#define CITKIT_RUNS_PAGES_H

#include <stdint.h>

#include "../web/http.h"
#include "runs.h"

/* Every page route of runs (both files). One line at start-up. */
void runs_pages_register(void);
/* debrief_pages.c's routes alone (runs_pages_register calls it). */
void debrief_pages_register(void);

/* "Passed", "Did not pass", or "Not closed". */
const char *runs_result_text(const run *r);

/* The "Scenario runs" link of a course page, for those who run them
 * (PERM_RUNS_MANAGE); nothing for others. */
void runs_course_link(request *req, int64_t course_id);

#endif
