/* layout.c: the page chrome (head, header with navigation by permission,
 * skip link, main landmark, footer) and the form helpers. Every field is
 * labelled, every error is tied to its field with aria-describedby, and
 * every form carries the CSRF token, so pages get these right by using
 * the helpers rather than by remembering. */
#include "layout.h"

#include <stdint.h>
#include <string.h>

#include "../base/html.h"
#include "assets.h"
#include "web_internal.h"

typedef struct nav_item {
	const char *label, *path;
	perm permission;
} nav_item;

static const nav_item nav[] = {
    {"Dashboard", "/", PERM_SIGNED_IN},
    {"Organizations", "/orgs", PERM_ORGS_READ},
    {"Curricula", "/curricula", PERM_CURRICULA_READ},
    {"People", "/users", PERM_USERS_READ},
    {"Import roster", "/users/import", PERM_ROSTER_IMPORT},
    {"Courses", "/courses", PERM_COURSES_READ},
    {"Scenarios", "/scenarios", PERM_SCENARIOS_READ},
    {"Audit log", "/audit", PERM_AUDIT_READ},
    {"CIT status", "/training/status", PERM_TRAINING_STATUS},
    {"My courses", "/me/courses", PERM_SIGNED_IN},
    {"Certificates", "/certificates", PERM_SIGNED_IN},
    {"Account", "/account", PERM_SIGNED_IN},
};

/* True when item path p covers the request path (the dashboard "/" only
 * covers itself). */
static size_t covers(const char *p, const char *path)
{
	size_t n = strlen(p);
	if (!path)
		return 0;
	if (n == 1)
		return strcmp(path, "/") ? 0 : 1;
	if (!strncmp(path, p, n) && (path[n] == '\0' || path[n] == '/'))
		return n;
	return 0;
}

static void write_nav(request *req, buf *b)
{
	if (req->who.user_id == 0 || req->who.mfa_pending)
		return;
	size_t best = 0, best_len = 0;
	size_t n = sizeof nav / sizeof nav[0];
	for (size_t i = 0; i < n; i++) {
		size_t len = covers(nav[i].path, req->path);
		if (len > best_len) {
			best = i;
			best_len = len;
		}
	}
	html_raw(b, "<nav aria-label=\"Main\"><ul>\n");
	for (size_t i = 0; i < n; i++) {
		if (!perm_granted(req->who.roles, nav[i].permission))
			continue;
		/* class, not aria-current: tidy 5.6, which checks every page,
		 * does not know the attribute yet. */
		if (best_len && i == best)
			html_printf(b, "<li><a href=\"%s\" class=\"current\">%s</a></li>\n",
			            nav[i].path, nav[i].label);
		else
			html_printf(b, "<li><a href=\"%s\">%s</a></li>\n", nav[i].path,
			            nav[i].label);
	}
	html_raw(b, "</ul></nav>\n");
}

static void write_user(request *req, buf *b)
{
	if (req->who.user_id == 0)
		return;
	html_raw(b, "<div class=\"who\">");
	html_printf(b, "<span>%s</span>", req->who.name ? req->who.name : req->who.email);
	html_printf(b, "<form method=\"post\" action=\"%s\" class=\"inline\">", LAYOUT_PATH_LOGOUT);
	if (req->who.csrf_token)
		html_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		            req->who.csrf_token);
	html_raw(b, "<button type=\"submit\" class=\"link\">Sign out</button></form></div>\n");
}

void page_begin(request *req, const char *title)
{
	if (!req->resp.status)
		req->resp.status = 200;
	req->resp.content_type = "text/html; charset=utf-8";
	req->resp.static_body = NULL;
	buf *b = &req->resp.body;
	if (!b->arena)
		buf_init(b, req->arena);
	const char *program = web_program_name(req);
	html_raw(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	html_printf(b, "<title>%s · %s</title>\n", title, program);
	html_printf(b, "<link rel=\"stylesheet\" href=\"%s\">\n",
	            assets_url(req->arena, "site.css"));
	html_printf(b, "<link rel=\"stylesheet\" href=\"%s\" media=\"print\">\n",
	            assets_url(req->arena, "print.css"));
	html_printf(b, "<link rel=\"icon\" href=\"%s\" type=\"image/svg+xml\">\n",
	            assets_url(req->arena, "logo.svg"));
	html_printf(b, "<script src=\"%s\" defer></script>\n", assets_url(req->arena, "site.js"));
	html_raw(b, "</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
	            "<header class=\"site\">\n");
	html_printf(
	    b,
	    "<a class=\"brand\" href=\"/\"><img src=\"%s\" alt=\"\" width=\"32\" height=\"32\">"
	    "<span>%s</span></a>\n",
	    assets_url(req->arena, "logo.svg"), program);
	write_nav(req, b);
	write_user(req, b);
	html_raw(b, "</header>\n<main id=\"main\" tabindex=\"-1\">\n");
	html_printf(b, "<h1>%s</h1>\n", title);
}

void page_end(request *req)
{
	buf *b = &req->resp.body;
	html_raw(b, "</main>\n<footer class=\"site\">");
	html_printf(b, "<p>%s · runs on citkit</p>", web_program_name(req));
	html_raw(b, "</footer>\n</body>\n</html>\n");
}

void page_flash(request *req, flash_kind kind, const char *message)
{
	static const char *const cls[] = {"info", "success", "warning", "error"};
	html_printf(&req->resp.body, "<div class=\"flash flash-%s\" role=\"%s\"><p>%s</p></div>\n",
	            cls[kind], kind == FLASH_ERROR ? "alert" : "status", message);
}

void page_flash_done(request *req, const page_done *done, size_t n)
{
	const char *key = kv_get(&req->query, "done");
	for (size_t i = 0; key && i < n; i++)
		if (!strcmp(key, done[i].key)) {
			page_flash(req, FLASH_SUCCESS, done[i].message);
			return;
		}
}

/* The message of name in errs, or NULL. */
static const char *error_for(const field_errors *errs, const char *name)
{
	for (size_t i = 0; errs && i < errs->len; i++)
		if (errs->items[i].field && !strcmp(errs->items[i].field, name))
			return errs->items[i].message;
	return NULL;
}

void form_begin(request *req, const char *action, const char *enctype)
{
	buf *b = &req->resp.body;
	html_printf(b, "<form method=\"post\" action=\"%s\"", action);
	if (enctype)
		html_printf(b, " enctype=\"%s\"", enctype);
	html_raw(b, ">\n");
	if (req->who.csrf_token)
		html_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
		            req->who.csrf_token);
}

void form_end(request *req)
{
	html_raw(&req->resp.body, "</form>\n");
}

void form_errors_summary(request *req, const field_errors *errs)
{
	if (!errs || !errs->len)
		return;
	buf *b = &req->resp.body;
	html_raw(b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\">\n"
	            "<h2>There is a problem</h2>\n<ul>\n");
	for (size_t i = 0; i < errs->len; i++)
		html_printf(b, "<li><a href=\"#f-%s\">%s</a></li>\n", errs->items[i].field,
		            errs->items[i].message);
	html_raw(b, "</ul>\n</div>\n");
}

/* Opens a field's wrapper, writes its label and its own error message;
 * returns the message so the control can point at it. */
static const char *field_open(buf *b, const char *name, const char *label, const field_errors *errs)
{
	const char *msg = error_for(errs, name);
	html_printf(b, "<div class=\"field%s\">\n", msg ? " has-error" : "");
	html_printf(b, "<label for=\"f-%s\">%s</label>\n", name, label);
	if (msg)
		html_printf(b, "<p class=\"field-error\" id=\"f-%s-error\">%s</p>\n", name, msg);
	return msg;
}

static void control_attrs(buf *b, const char *name, const char *msg, const char *extra)
{
	html_printf(b, " id=\"f-%s\" name=\"%s\"", name, name);
	if (msg)
		html_printf(b, " aria-invalid=\"true\" aria-describedby=\"f-%s-error\"", name);
	if (extra && *extra) {
		html_raw(b, " ");
		html_raw(b, extra);
	}
}

void form_text(request *req, const char *name, const char *label, const char *type,
               const char *value, const field_errors *errs, const char *extra)
{
	buf *b = &req->resp.body;
	const char *msg = field_open(b, name, label, errs);
	html_printf(b, "<input type=\"%s\"", type ? type : "text");
	control_attrs(b, name, msg, extra);
	bool secret = type && (!strcmp(type, "password") || !strcmp(type, "file"));
	if (value && !secret)
		html_printf(b, " value=\"%s\"", value);
	html_raw(b, ">\n</div>\n");
}

void form_textarea(request *req, const char *name, const char *label, const char *value,
                   const field_errors *errs, const char *extra)
{
	buf *b = &req->resp.body;
	const char *msg = field_open(b, name, label, errs);
	html_raw(b, "<textarea rows=\"5\"");
	control_attrs(b, name, msg, extra);
	html_printf(b, ">%s</textarea>\n</div>\n", value);
}

void form_select(request *req, const char *name, const char *label, const char *const *values,
                 const char *const *labels, const char *selected, const field_errors *errs)
{
	buf *b = &req->resp.body;
	const char *msg = field_open(b, name, label, errs);
	html_raw(b, "<select");
	control_attrs(b, name, msg, NULL);
	html_raw(b, ">\n");
	for (size_t i = 0; values && values[i]; i++)
		html_printf(b, "<option value=\"%s\"%s>%s</option>\n", values[i],
		            selected && !strcmp(selected, values[i]) ? " selected" : "",
		            labels ? labels[i] : values[i]);
	html_raw(b, "</select>\n</div>\n");
}

static bool in_list(const char *const *list, const char *v)
{
	for (size_t i = 0; list && list[i]; i++)
		if (!strcmp(list[i], v))
			return true;
	return false;
}

void form_checkboxes(request *req, const char *name, const char *legend, const char *const *values,
                     const char *const *labels, const char *const *checked,
                     const field_errors *errs)
{
	buf *b = &req->resp.body;
	const char *msg = error_for(errs, name);
	html_printf(b, "<fieldset class=\"field checkboxes%s\" id=\"f-%s\" tabindex=\"-1\"",
	            msg ? " has-error" : "", name);
	if (msg)
		html_printf(b, " aria-describedby=\"f-%s-error\"", name);
	html_printf(b, ">\n<legend>%s</legend>\n", legend);
	if (msg)
		html_printf(b, "<p class=\"field-error\" id=\"f-%s-error\">%s</p>\n", name, msg);
	for (size_t i = 0; values && values[i]; i++)
		html_printf(
		    b, "<label><input type=\"checkbox\" name=\"%s\" value=\"%s\"%s> %s</label>\n",
		    name, values[i], in_list(checked, values[i]) ? " checked" : "",
		    labels ? labels[i] : values[i]);
	html_raw(b, "</fieldset>\n");
}

void form_checkbox(request *req, const char *name, const char *label, bool checked,
                   const field_errors *errs)
{
	buf *b = &req->resp.body;
	const char *msg = error_for(errs, name);
	html_printf(b, "<div class=\"field checkbox%s\">\n", msg ? " has-error" : "");
	if (msg)
		html_printf(b, "<p class=\"field-error\" id=\"f-%s-error\">%s</p>\n", name, msg);
	html_raw(b, "<label><input type=\"checkbox\" value=\"1\"");
	control_attrs(b, name, msg, checked ? "checked" : NULL);
	html_printf(b, "> %s</label>\n</div>\n", label);
}

void form_hidden(request *req, const char *name, const char *value)
{
	html_printf(&req->resp.body, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n", name,
	            value);
}

void form_submit(request *req, const char *label)
{
	html_printf(&req->resp.body,
	            "<div class=\"actions\"><button type=\"submit\">%s</button></div>\n", label);
}

void form_button(request *req, const char *action, const char *label, const char *confirm)
{
	buf *b = &req->resp.body;
	html_printf(b, "<form method=\"post\" action=\"%s\" class=\"inline\"", action);
	if (confirm)
		html_printf(b, " data-confirm=\"%s\"", confirm);
	html_raw(b, ">");
	if (req->who.csrf_token)
		html_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		            req->who.csrf_token);
	html_printf(b, "<button type=\"submit\">%s</button></form>\n", label);
}

void page_table_begin(request *req, const char *caption, const char *const *headers)
{
	page_table_begin_numeric(req, caption, headers, SIZE_MAX);
}

void page_table_begin_numeric(request *req, const char *caption, const char *const *headers,
                              size_t first_numeric)
{
	buf *b = &req->resp.body;
	html_raw(b, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\"");
	if (caption)
		html_printf(b, " aria-label=\"%s\"", caption);
	html_raw(b, ">\n<table>\n");
	if (caption)
		html_printf(b, "<caption>%s</caption>\n", caption);
	html_raw(b, "<thead><tr>");
	for (size_t i = 0; headers && headers[i]; i++) {
		html_raw(b, i >= first_numeric ? "<th scope=\"col\" class=\"num\">"
		                               : "<th scope=\"col\">");
		html_printf(b, "%s</th>", headers[i]);
	}
	html_raw(b, "</tr></thead>\n<tbody>\n");
}

void page_table_end(request *req)
{
	html_raw(&req->resp.body, "</tbody>\n</table>\n</div>\n");
}

void page_next_link(request *req, const char *cursor)
{
	if (!cursor)
		return;
	buf *b = &req->resp.body;
	html_printf(b, "<p class=\"pager\"><a rel=\"next\" href=\"%s?", req->path);
	for (size_t i = 0; i < req->query.len; i++) {
		if (!strcmp(req->query.items[i].name, "cursor"))
			continue;
		html_url_arg(b, req->query.items[i].name);
		buf_putc(b, '=');
		html_url_arg(b, req->query.items[i].value);
		buf_puts(b, "&amp;");
	}
	html_raw(b, "cursor=");
	html_url_arg(b, cursor);
	html_raw(b, "\">Next page</a></p>\n");
}
