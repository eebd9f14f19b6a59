/* layout.h: the page chrome and the form helpers every HTML page uses, so
 * page handlers stay short and every page gets the same landmarks, the
 * same CSRF field and the same accessible error messages.
 *
 * A page handler, in full:
 *
 *     page_begin(req, "Organizations");
 *     form_errors_summary(req, &errs);
 *     form_begin(req, "/orgs", NULL);
 *     form_text(req, "name", "Name", "text", v_name, &errs, "required");
 *     form_select(req, "kind", "Kind", kinds, kind_labels, v_kind, &errs);
 *     form_submit(req, "Add organization");
 *     form_end(req);
 *     page_end(req);
 *     return 0;
 *
 * Everything is written into req->resp.body through the escaping HTML
 * writer; page_begin sets the content type and, when the handler has not
 * chosen one, status 200 (set req->resp.status = 422 before or after to
 * re-render a form with errors).
 *
 * Field ids are "f-<name>"; a field's message is "f-<name>-error" and the
 * field points at it with aria-describedby and aria-invalid. */
#ifndef CITKIT_LAYOUT_H
#define CITKIT_LAYOUT_H

#include <stddef.h>

#include "http.h"

/* Navigation, shown by the signed-in user's permissions (the pages behind
 * these paths belong to their features):
 *   Dashboard       /               PERM_SIGNED_IN
 *   Organizations   /orgs           PERM_ORGS_READ
 *   Curricula       /curricula      PERM_CURRICULA_READ
 *   People          /users          PERM_USERS_READ
 *   Import roster   /users/import   PERM_ROSTER_IMPORT
 *   Scenarios       /scenarios      PERM_SCENARIOS_READ
 *   Audit log       /audit          PERM_AUDIT_READ
 *   Account         /account        PERM_SIGNED_IN
 * plus a "Sign out" button (POST /logout with the CSRF token). The entry
 * whose path is the longest prefix of the request path gets class
 * "current". */
#define LAYOUT_PATH_LOGOUT "/logout"

/* <!doctype html>, <html lang="en">, head (title "<title> · <program>",
 * stylesheet, icon, script with defer), skip link, header with the
 * program name and navigation, then opens <main id="main"> with an <h1>
 * holding title. */
void page_begin(request *req, const char *title);
/* Closes <main>, writes the footer, closes the document. */
void page_end(request *req);

typedef enum flash_kind {
	FLASH_INFO,
	FLASH_SUCCESS,
	FLASH_WARNING,
	FLASH_ERROR,
} flash_kind;

/* A message box (role="status", or role="alert" for errors). */
void page_flash(request *req, flash_kind kind, const char *message);

/* The success message a redirect after a write asks for with ?done=KEY:
 * the message of the entry whose key it is. Any other value shows
 * nothing (it is never echoed).
 *
 *   static const page_done done[] = {{"saved", "Your changes were saved."}};
 *   PAGE_FLASH_DONE(req, done); */
typedef struct page_done {
	const char *key, *message;
} page_done;
void page_flash_done(request *req, const page_done *done, size_t n);
#define PAGE_FLASH_DONE(req, done) page_flash_done((req), (done), sizeof(done) / sizeof((done)[0]))

/* Forms. form_begin opens <form method="post" action="…"> (enctype NULL
 * = urlencoded, or "multipart/form-data") and writes the hidden CSRF
 * field "csrf" from req->who.csrf_token. */
void form_begin(request *req, const char *action, const char *enctype);
void form_end(request *req);

/* The error summary at the top of a form: "There is a problem" and one
 * link per error to its field. Prints nothing when errs is NULL or empty. */
void form_errors_summary(request *req, const field_errors *errs);

/* A labelled <input>. type: "text", "email", "password", "number",
 * "date", "search", "tel", "url", "file". value may be NULL (never
 * printed for passwords). errs may be NULL. extra: trusted literal
 * attributes such as "required autocomplete=\"email\"" (NULL = none). */
void form_text(request *req, const char *name, const char *label, const char *type,
               const char *value, const field_errors *errs, const char *extra);
/* A labelled <textarea>. */
void form_textarea(request *req, const char *name, const char *label, const char *value,
                   const field_errors *errs, const char *extra);
/* A labelled <select>. values and labels are parallel NULL-terminated
 * arrays (labels NULL = show the values); selected may be NULL. */
void form_select(request *req, const char *name, const char *label, const char *const *values,
                 const char *const *labels, const char *selected, const field_errors *errs);
/* A <fieldset> of checkboxes all named name, one per value. checked is a
 * NULL-terminated list of the values to tick (NULL = none). */
void form_checkboxes(request *req, const char *name, const char *legend, const char *const *values,
                     const char *const *labels, const char *const *checked,
                     const field_errors *errs);
/* One checkbox sending "1" (FIELD_BOOL). */
void form_checkbox(request *req, const char *name, const char *label, bool checked,
                   const field_errors *errs);
void form_hidden(request *req, const char *name, const char *value);
void form_submit(request *req, const char *label);

/* A one-button form that POSTs to action with the CSRF token ("End
 * session", "Unlock"). confirm: a question asked by the script before
 * sending (data-confirm), NULL for none; the form works without it. */
void form_button(request *req, const char *action, const char *label, const char *confirm);

/* Tables: a <table> with a caption and header cells (NULL-terminated);
 * the handler prints <tr> rows with html_printf in between. Wrapped in a
 * scrolling region so a wide table does not break a phone's layout. */
void page_table_begin(request *req, const char *caption, const char *const *headers);
/* The same for a table whose columns from first_numeric (0-based) on hold
 * figures: their headers line up right, over the figures (td.num). */
void page_table_begin_numeric(request *req, const char *caption, const char *const *headers,
                              size_t first_numeric);
void page_table_end(request *req);

/* "Next page" link for cursor pagination: path?…&cursor=<cursor>, keeping
 * the request's other query parameters. Nothing when cursor is NULL. */
void page_next_link(request *req, const char *cursor);

#endif
