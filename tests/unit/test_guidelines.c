/* test_guidelines.c: the guideline rules as pure functions: each rule on
 * both sides of its threshold (exactly 40 h passes, 39 h 59 min does
 * not), required modules missing or re-timed (+25% passes, +26% does
 * not), and the national model parsed from the binary passing them all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "training/curricula_model.h"
#include "training/guidelines.h"

/* Exactly at every minimum: 480 + 240 + 120 + 720 + 120 + 60 = 1740,
 * plus 660 of program time makes exactly 2400 (40 h). */
static curriculum_module base[] = {
    {.code = "scen", .title = "Role play", .component = "scenarios", .minutes = 480,
     .is_required = true, .model_minutes = 480},
    {.code = "deesc", .title = "De-escalation", .component = "deescalation", .minutes = 240,
     .is_required = true, .model_minutes = 240},
    {.code = "lived", .title = "Stories", .component = "lived_experience", .minutes = 120,
     .is_required = true, .model_minutes = 120},
    {.code = "clin", .title = "Clinical", .component = "clinical", .minutes = 720,
     .is_required = true, .model_minutes = 720},
    {.code = "res", .title = "Site visits", .component = "resources", .minutes = 120},
    {.code = "legal", .title = "Legal", .component = "legal", .minutes = 60, .is_required = true,
     .model_minutes = 60},
    {.code = "prog", .title = "Program", .component = "program", .minutes = 660},
};
enum { N_BASE = sizeof base / sizeof base[0] };

typedef struct gfx {
	arena *a;
	guideline_limits l;
	curriculum_module m[N_BASE + 1];
	guideline_result r[GUIDELINE_RULES];
} gfx;

static int setup(void **state)
{
	gfx *g = calloc(1, sizeof *g);
	g->a = arena_new();
	guideline_limits_defaults(&g->l);
	memcpy(g->m, base, sizeof base);
	*state = g;
	return 0;
}

static int teardown(void **state)
{
	gfx *g = *state;
	arena_free(g->a);
	free(g);
	return 0;
}

static bool check(gfx *g, size_t n)
{
	return guidelines_check(g->a, &g->l, g->m, n, base, N_BASE, g->r);
}

static const guideline_result *rule(gfx *g, const char *name)
{
	for (size_t i = 0; i < GUIDELINE_RULES; i++)
		if (!strcmp(g->r[i].rule, name))
			return &g->r[i];
	fail_msg("no rule %s", name);
	return NULL;
}

static void exactly_at_every_minimum_passes(void **state)
{
	gfx *g = *state;
	assert_true(check(g, N_BASE));
	for (size_t i = 0; i < GUIDELINE_RULES; i++) {
		assert_true(g->r[i].is_passed);
		assert_non_null(g->r[i].label);
		assert_non_null(g->r[i].message);
	}
	assert_string_equal(rule(g, "total")->label, "Total at least 40 h");
	assert_string_equal(rule(g, "total")->message, "40 h planned");
}

static void total_one_minute_short_fails(void **state)
{
	gfx *g = *state;
	g->m[6].minutes = 659; /* 39 h 59 min */
	assert_false(check(g, N_BASE));
	assert_false(rule(g, "total")->is_passed);
	assert_string_equal(rule(g, "total")->message, "39 h 59 min planned: 1 min short");
	for (size_t i = 1; i < GUIDELINE_RULES; i++)
		assert_true(g->r[i].is_passed);
}

/* Each component one minute under its minimum (the time moved to the
 * program module so the total stays 40 h) fails that rule alone. */
static void each_component_minimum(void **state)
{
	gfx *g = *state;
	const char *rules[] = {"component.scenarios", "component.deescalation",
	                       "component.lived_experience", "component.clinical",
	                       "component.resources", "component.legal"};
	size_t idx[] = {0, 1, 2, 3, 4, 5};
	for (size_t k = 0; k < 6; k++) {
		memcpy(g->m, base, sizeof base);
		g->m[idx[k]].minutes -= 1;
		g->m[6].minutes += 1;
		/* Keep the ±25% rule out of it: the model time moves too. */
		g->m[idx[k]].model_minutes = g->m[idx[k]].model_minutes ? g->m[idx[k]].minutes : 0;
		assert_false(check(g, N_BASE));
		for (size_t i = 0; i < GUIDELINE_RULES; i++)
			assert_int_equal(g->r[i].is_passed, strcmp(g->r[i].rule, rules[k]) != 0);
	}
	assert_string_equal(rule(g, "component.legal")->message, "59 min planned: 1 min short");
}

static void required_module_missing(void **state)
{
	gfx *g = *state;
	/* Drop "legal" (required), keep the total with the program module. */
	g->m[5] = g->m[6];
	g->m[5].minutes += 60;
	assert_false(check(g, N_BASE - 1));
	assert_false(rule(g, "required.present")->is_passed);
	assert_non_null(strstr(rule(g, "required.present")->message, "Legal"));
	assert_false(rule(g, "component.legal")->is_passed);
	/* A missing module that is not required is fine. */
	memcpy(g->m, base, sizeof base);
	g->m[4] = g->m[6];
	g->m[4].minutes += 120;
	assert_false(check(g, N_BASE - 1)); /* resources now short … */
	assert_true(rule(g, "required.present")->is_passed); /* … but nothing required gone */
}

static void retimed_within_a_quarter(void **state)
{
	gfx *g = *state;
	g->m[3].minutes = 900; /* clinical 720 → +25% exactly */
	assert_true(check(g, N_BASE));
	g->m[3].minutes = 908; /* +26.1% */
	assert_false(check(g, N_BASE));
	assert_false(rule(g, "required.timing")->is_passed);
	assert_non_null(strstr(rule(g, "required.timing")->message, "Clinical"));
	/* 100-minute model: 125 passes, 126 does not; 75 passes, 74 does not. */
	g->m[3].minutes = 720;
	g->m[0].model_minutes = 400;
	g->m[0].minutes = 500;
	assert_true(check(g, N_BASE));
	g->m[0].minutes = 504;
	assert_false(check(g, N_BASE));
	g->m[0].minutes = 300; /* -25%, but now under the 8 h of scenarios */
	assert_false(check(g, N_BASE));
	assert_true(rule(g, "required.timing")->is_passed);
	assert_false(rule(g, "component.scenarios")->is_passed);
	g->m[0].minutes = 299;
	check(g, N_BASE);
	assert_false(rule(g, "required.timing")->is_passed);
	/* A local module (no model time) is never timed. */
	g->m[7] = (curriculum_module){.code = "local", .title = "Ours", .component = "program",
	                              .minutes = 9};
	g->m[0].minutes = 480;
	g->m[0].model_minutes = 480;
	assert_true(check(g, N_BASE + 1));
}

static void thresholds_come_from_the_limits(void **state)
{
	gfx *g = *state;
	g->l.total = 2401;
	assert_false(check(g, N_BASE));
	g->l.total = 2400;
	g->l.retime_percent = 0;
	assert_true(check(g, N_BASE));
	g->m[3].minutes = 721;
	g->m[6].minutes = 659;
	assert_false(check(g, N_BASE));
	assert_false(rule(g, "required.timing")->is_passed);
	assert_string_equal(rule(g, "required.timing")->label,
	                    "Required modules within \xC2\xB1" "0% of the model's time");
	assert_int_equal(guideline_limit_value(&g->l, "retime_percent"), 0);
	assert_int_equal(guideline_limit_value(&g->l, "legal"), 60);
	assert_int_equal(guideline_limit_value(&g->l, "zoo"), -1);
}

static void hours_in_words(void **state)
{
	gfx *g = *state;
	assert_string_equal(guideline_hours(g->a, 2400), "40 h");
	assert_string_equal(guideline_hours(g->a, 2399), "39 h 59 min");
	assert_string_equal(guideline_hours(g->a, 45), "45 min");
	assert_string_equal(guideline_hours(g->a, 0), "0 min");
}

static void the_national_model_passes(void **state)
{
	gfx *g = *state;
	const char *data;
	size_t len, n;
	curriculum_module *m;
	char err[300];
	assert_int_equal(curriculum_model_embedded(&data, &len), 0);
	assert_int_equal(curriculum_model_parse(g->a, data, len, &m, &n, err, sizeof err), 0);
	assert_in_range(n, 18, 24);
	int total = 0, scenarios = 0;
	for (size_t i = 0; i < n; i++) {
		total += m[i].minutes;
		if (!strcmp(m[i].component, "scenarios"))
			scenarios += m[i].minutes;
		assert_in_range(m[i].day, 1, 5);
		assert_int_equal(m[i].position, (int)i + 1);
	}
	assert_true(total >= 2400);
	assert_true(scenarios * 4 >= total); /* a quarter of the course in role play */
	assert_true(guidelines_check(g->a, &g->l, m, n, m, n, g->r));
	assert_int_equal(m[n - 1].day, 5);
	assert_non_null(strchr(m[0].objectives, '\n'));
}

static void model_parser_says_what_is_wrong(void **state)
{
	gfx *g = *state;
	curriculum_module *m;
	size_t n;
	char err[300];
	const char *hdr = "code,day,title,component,minutes,required,instructor_kinds,objectives\n";
	struct {
		const char *body, *needle;
	} bad[] = {
	    {"", "no modules"},
	    {"code,day\n", "8 fields"},
	    {"x,1,T,legal,60,no,officer,o\n", "header"},
	    {"Bad Code,1,T,legal,60,no,officer,o\n", "code"},
	    {"x,6,T,legal,60,no,officer,o\n", "day"},
	    {"x,1,,legal,60,no,officer,o\n", "title"},
	    {"x,1,T,zoo,60,no,officer,o\n", "component"},
	    {"x,1,T,legal,0,no,officer,o\n", "minutes"},
	    {"x,1,T,legal,60,maybe,officer,o\n", "required"},
	    {"x,1,T,legal,60,no,\"officer,chef\",o\n", "instructor_kinds"},
	    {"x,1,T,legal,60,no,officer,o\nx,2,T,legal,60,no,officer,o\n", "twice"},
	    {"x,1,\"T,legal,60,no,officer,o\n", "quoted"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *text =
		    i == 2 || i == 0 ? bad[i].body : arena_printf(g->a, "%s%s", hdr, bad[i].body);
		if (i == 1)
			text = bad[i].body;
		assert_int_equal(curriculum_model_parse(g->a, text, strlen(text), &m, &n, err,
		                                        sizeof err),
		                 CK_E_INVALID);
		if (!strstr(err, bad[i].needle))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, bad[i].needle);
		assert_int_equal(n, 0);
	}
	const char *good = "code,day,title,component,minutes,required,instructor_kinds,objectives\n"
	                   "a-1,2,\"Title, with comma\",legal,61,yes,\"officer,clinician\","
	                   "\"one\ntwo\"\n";
	assert_int_equal(curriculum_model_parse(g->a, good, strlen(good), &m, &n, err, sizeof err),
	                 0);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].title, "Title, with comma");
	assert_string_equal(m[0].objectives, "one\ntwo");
	assert_true(m[0].is_required);
	assert_int_equal(m[0].model_minutes, 61);
}

#define CASE(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(exactly_at_every_minimum_passes),
	    CASE(total_one_minute_short_fails),
	    CASE(each_component_minimum),
	    CASE(required_module_missing),
	    CASE(retimed_within_a_quarter),
	    CASE(thresholds_come_from_the_limits),
	    CASE(hours_in_words),
	    CASE(the_national_model_passes),
	    CASE(model_parser_says_what_is_wrong),
	};
	return cmocka_run_group_tests_name("guidelines", cases, NULL, NULL);
}
