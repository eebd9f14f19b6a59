/* test_layout.c: the page chrome and form helpers: landmarks, navigation
 * by permission, the CSRF field, accessible error messages, escaping,
 * and that a whole page is valid HTML according to tidy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/html.h"
#include "web/layout.h"

static request *new_request(arena *a, unsigned roles)
{
	request *req = arena_alloc(a, sizeof *req);
	req->arena = a;
	req->method = "GET";
	req->path = "/users/12";
	kv_init(&req->query, a);
	kv_init(&req->form, a);
	buf_init(&req->resp.body, a);
	if (roles)
		req->who = (principal){
		    .user_id = 1, .roles = roles, .name = "Ann <Lee>", .csrf_token = "tok\"en"};
	return req;
}

static bool has(const request *req, const char *s)
{
	return strstr(buf_str(&req->resp.body), s) != NULL;
}

static const char *const kinds[] = {"police", "hospital", NULL};
static const char *const kind_labels[] = {"Law enforcement", "Hospital", NULL};

static void full_page(request *req, const field_errors *errs)
{
	page_begin(req, "People & <roles>");
	page_flash(req, FLASH_SUCCESS, "Saved <it>");
	form_errors_summary(req, errs);
	form_begin(req, "/users?x=1&y=2", NULL);
	form_text(req, "email", "Email", "email", "a\"b@example.org", errs,
	          "required autocomplete=\"email\"");
	form_text(req, "password", "Password", "password", "secret", errs, NULL);
	form_textarea(req, "notes", "Notes", "<script>", errs, NULL);
	form_select(req, "kind", "Kind", kinds, kind_labels, "hospital", errs);
	const char *const checked[] = {"police", NULL};
	form_checkboxes(req, "roles", "Roles", kinds, NULL, checked, errs);
	form_checkbox(req, "active", "Active", true, errs);
	form_hidden(req, "id", "12");
	form_submit(req, "Save");
	form_end(req);
	const char *const headers[] = {"Name", "Email", NULL};
	page_table_begin(req, "People", headers);
	html_printf(&req->resp.body, "<tr><td>%s</td><td>%s</td></tr>\n", "A", "a@b.c");
	page_table_end(req);
	form_button(req, "/sessions/3/end", "End session", "End this session?");
	kv_add(&req->query, "q", "a b", 3);
	page_next_link(req, "c/1");
	page_end(req);
}

static void chrome_and_navigation(void **state)
{
	(void)state;
	arena *a = arena_new();
	request *req = new_request(a, ROLE_SUPERVISOR);
	full_page(req, NULL);
	assert_int_equal(req->resp.status, 200);
	assert_string_equal(req->resp.content_type, "text/html; charset=utf-8");
	assert_true(has(req, "<!DOCTYPE html>\n<html lang=\"en\">"));
	assert_true(has(req, "<title>People &amp; &lt;roles&gt; · citkit</title>"));
	assert_true(has(req, "<a class=\"skip\" href=\"#main\">"));
	assert_true(has(req, "<main id=\"main\""));
	assert_true(has(req, "<h1>People &amp; &lt;roles&gt;</h1>"));
	assert_true(has(req, "<footer"));
	assert_true(has(req, "href=\"/assets/site.css?v="));
	/* Supervisors see people but not the audit log or roster import. */
	assert_true(has(req, "<a href=\"/users\" class=\"current\">People</a>"));
	assert_true(has(req, "<a href=\"/\">Dashboard</a>"));
	assert_false(has(req, "Audit log"));
	assert_false(has(req, "Import roster"));
	assert_true(has(req, "<span>Ann &lt;Lee&gt;</span>"));
	assert_true(has(req, "action=\"/logout\""));
	arena_free(a);

	a = arena_new();
	req = new_request(a, ROLE_ADMIN);
	req->path = "/";
	page_begin(req, "Home");
	page_end(req);
	assert_true(has(req, "<a href=\"/audit\">Audit log</a>"));
	assert_true(has(req, "<a href=\"/\" class=\"current\">Dashboard</a>"));
	arena_free(a);

	a = arena_new();
	req = new_request(a, 0);
	page_begin(req, "Sign in");
	page_end(req);
	assert_false(has(req, "<nav"));
	assert_false(has(req, "Sign out"));
	arena_free(a);
}

static void forms_carry_csrf_and_escape(void **state)
{
	(void)state;
	arena *a = arena_new();
	request *req = new_request(a, ROLE_ADMIN);
	full_page(req, NULL);
	assert_true(has(req, "<form method=\"post\" action=\"/users?x=1&amp;y=2\">\n"
	                     "<input type=\"hidden\" name=\"csrf\" value=\"tok&quot;en\">"));
	assert_true(has(req, "<label for=\"f-email\">Email</label>"));
	assert_true(has(req, "id=\"f-email\" name=\"email\" required autocomplete=\"email\" "
	                     "value=\"a&quot;b@example.org\""));
	assert_false(has(req, "secret"));
	assert_true(has(req, ">&lt;script&gt;</textarea>"));
	assert_true(has(req, "<option value=\"hospital\" selected>Hospital</option>"));
	assert_true(has(req, "name=\"roles\" value=\"police\" checked> police"));
	assert_true(has(req, "data-confirm=\"End this session?\""));
	assert_true(has(req, "<caption>People</caption>"));
	assert_true(has(req, "href=\"/users/12?q=a%20b&amp;cursor=c%2F1\""));
	assert_false(has(req, "aria-invalid"));
	assert_false(has(req, "There is a problem"));
	arena_free(a);
}

/* ?done=KEY shows its message once; any other value shows nothing. */
static void done_keys_flash_their_message(void **state)
{
	(void)state;
	static const page_done done[] = {{"created", "Added."}, {"saved", "Saved."}};
	arena *a = arena_new();
	request *req = new_request(a, ROLE_ADMIN);
	kv_add(&req->query, "done", "saved", 5);
	PAGE_FLASH_DONE(req, done);
	assert_string_equal(
	    buf_str(&req->resp.body),
	    "<div class=\"flash flash-success\" role=\"status\"><p>Saved.</p></div>\n");
	req = new_request(a, ROLE_ADMIN);
	kv_add(&req->query, "done", "<b>pwned</b>", 12);
	PAGE_FLASH_DONE(req, done);
	assert_string_equal(buf_str(&req->resp.body), "");
	req = new_request(a, ROLE_ADMIN);
	PAGE_FLASH_DONE(req, done);
	assert_string_equal(buf_str(&req->resp.body), "");
	arena_free(a);
}

static void errors_are_tied_to_fields(void **state)
{
	(void)state;
	arena *a = arena_new();
	request *req = new_request(a, ROLE_ADMIN);
	field_errors errs = {0};
	field_errors_add(&errs, "email", "Enter an email address like name@example.org");
	field_errors_add(&errs, "roles", "Choose at least one role");
	req->resp.status = 422;
	full_page(req, &errs);
	assert_int_equal(req->resp.status, 422);
	assert_true(has(req, "<div class=\"error-summary\" role=\"alert\""));
	assert_true(has(
	    req, "<li><a href=\"#f-email\">Enter an email address like name@example.org</a></li>"));
	assert_true(has(req, "<li><a href=\"#f-roles\">Choose at least one role</a></li>"));
	assert_true(has(req, "<p class=\"field-error\" id=\"f-email-error\">"));
	assert_true(has(req, "aria-invalid=\"true\" aria-describedby=\"f-email-error\""));
	assert_true(has(req, "id=\"f-roles\" tabindex=\"-1\" aria-describedby=\"f-roles-error\""));
	assert_false(has(req, "aria-describedby=\"f-kind-error\""));
	arena_free(a);
}

/* Headers of figure columns line up right like the figures under them;
 * the plain table leaves every header alone, and header text is escaped. */
static void numeric_table_headers(void **state)
{
	(void)state;
	arena *a = arena_new();
	request *req = new_request(a, ROLE_ADMIN);
	const char *const headers[] = {"Trainee", "Calm <voice>", "Runs passed", NULL};
	page_table_begin_numeric(req, "Skills", headers, 1);
	page_table_end(req);
	assert_true(has(req, "<tr><th scope=\"col\">Trainee</th>"
	                     "<th scope=\"col\" class=\"num\">Calm &lt;voice&gt;</th>"
	                     "<th scope=\"col\" class=\"num\">Runs passed</th></tr>"));
	page_table_begin(req, "Plain", headers);
	page_table_end(req);
	assert_true(has(req, "<tr><th scope=\"col\">Trainee</th><th scope=\"col\">Calm "
	                     "&lt;voice&gt;</th><th scope=\"col\">Runs passed</th></tr>"));
	arena_free(a);
}

/* tidy (installed with the project's dependencies) must accept a full
 * page without warnings. */
static void page_is_valid_html(void **state)
{
	(void)state;
	arena *a = arena_new();
	request *req = new_request(a, ROLE_ADMIN);
	field_errors errs = {0};
	field_errors_add(&errs, "email", "Enter an email address");
	full_page(req, &errs);
	char path[] = "/tmp/citkit-layout-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *html = buf_str(&req->resp.body);
	assert_int_equal(write(fd, html, strlen(html)), (ssize_t)strlen(html));
	close(fd);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "tidy -q -e -utf8 %s 2>&1", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char out[4096];
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	int rc = pclose(p);
	unlink(path);
	if (rc != 0)
		fprintf(stderr, "tidy says:\n%s\n", out);
	assert_int_equal(rc, 0);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(chrome_and_navigation),
	    cmocka_unit_test(forms_carry_csrf_and_escape),
	    cmocka_unit_test(done_keys_flash_their_message),
	    cmocka_unit_test(errors_are_tied_to_fields),
	    cmocka_unit_test(numeric_table_headers),
	    cmocka_unit_test(page_is_valid_html),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
