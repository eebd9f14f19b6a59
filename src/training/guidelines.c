/* guidelines.c: the guideline rules of a curriculum (one place), and
 * their thresholds kept in the settings table. */
#include "guidelines.h"

#include <stdlib.h>
#include <string.h>

#include "../auth/audit.h"
#include "../auth/auth_internal.h"
#include "../auth/roles.h"
#include "../auth/settings.h"
#include "../base/buf.h"
#include "../base/errors.h"

/* The form's fields, the settings they live in, and their offsets. */
static const struct limit_field {
	const char *name, *setting, *label;
	size_t offset;
	int max;
} fields[] = {
    {"total", "guideline_total_minutes", "Total course (minutes)",
     offsetof(guideline_limits, total), 6000},
    {"scenarios", "guideline_scenarios_minutes", "Scenario practice (minutes)",
     offsetof(guideline_limits, scenarios), 6000},
    {"deescalation", "guideline_deescalation_minutes", "Verbal de-escalation (minutes)",
     offsetof(guideline_limits, deescalation), 6000},
    {"lived_experience", "guideline_lived_experience_minutes", "Lived experience (minutes)",
     offsetof(guideline_limits, lived_experience), 6000},
    {"clinical", "guideline_clinical_minutes", "Clinical topics (minutes)",
     offsetof(guideline_limits, clinical), 6000},
    {"resources", "guideline_resources_minutes", "Community resources and site visits (minutes)",
     offsetof(guideline_limits, resources), 6000},
    {"legal", "guideline_legal_minutes", "Legal issues (minutes)",
     offsetof(guideline_limits, legal), 6000},
    {"retime_percent", "guideline_retime_percent",
     "Re-timing of a required module (± percent of the model)",
     offsetof(guideline_limits, retime_percent), 100},
};
enum { N_FIELDS = sizeof fields / sizeof fields[0] };
static const char *const field_names[N_FIELDS + 1] = {
    "total", "scenarios",      "deescalation", "lived_experience", "clinical", "resources",
    "legal", "retime_percent", NULL,
};

static int *slot(guideline_limits *l, size_t i)
{
	return (int *)((char *)l + fields[i].offset);
}

void guideline_limits_defaults(guideline_limits *l)
{
	*l = (guideline_limits){
	    .total = 2400,
	    .scenarios = 480,
	    .deescalation = 240,
	    .lived_experience = 120,
	    .clinical = 720,
	    .resources = 120,
	    .legal = 60,
	    .retime_percent = 25,
	};
}

const char *const *guideline_limit_fields(void)
{
	return field_names;
}

const char *guideline_limit_label(const char *field)
{
	for (size_t i = 0; i < N_FIELDS; i++)
		if (field && !strcmp(fields[i].name, field))
			return fields[i].label;
	return field ? field : "";
}

int guideline_limit_value(const guideline_limits *l, const char *field)
{
	for (size_t i = 0; i < N_FIELDS; i++)
		if (field && !strcmp(fields[i].name, field))
			return *slot((guideline_limits *)l, i);
	return -1;
}

const char *guideline_hours(arena *a, int minutes)
{
	int h = minutes / 60, m = minutes % 60;
	if (h && m)
		return arena_printf(a, "%d h %d min", h, m);
	if (h)
		return arena_printf(a, "%d h", h);
	return arena_printf(a, "%d min", m);
}

static int component_minutes(const curriculum_module *modules, size_t n, const char *component)
{
	int sum = 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(modules[i].component, component))
			sum += modules[i].minutes;
	return sum;
}

static guideline_result at_least(arena *a, const char *rule, const char *what, int have, int need)
{
	guideline_result r = {
	    .rule = rule,
	    .label = arena_printf(a, "%s at least %s", what, guideline_hours(a, need)),
	    .is_passed = have >= need,
	};
	if (r.is_passed)
		r.message = arena_printf(a, "%s planned", guideline_hours(a, have));
	else
		r.message = arena_printf(a, "%s planned: %s short", guideline_hours(a, have),
		                         guideline_hours(a, need - have));
	return r;
}

static const curriculum_module *find_code(const curriculum_module *modules, size_t n,
                                          const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(modules[i].code, code))
			return &modules[i];
	return NULL;
}

/* Every required module of the model is in the list, by code. */
static guideline_result required_present(arena *a, const curriculum_module *modules, size_t n,
                                         const curriculum_module *model, size_t model_n)
{
	buf missing;
	buf_init(&missing, a);
	size_t count = 0;
	for (size_t i = 0; i < model_n; i++) {
		if (!model[i].is_required || find_code(modules, n, model[i].code))
			continue;
		buf_printf(&missing, "%s\xE2\x80\x9C%s\xE2\x80\x9D", count ? ", " : "",
		           model[i].title);
		count++;
	}
	guideline_result r = {.rule = "required.present",
	                      .label = "Every module the model requires is present",
	                      .is_passed = count == 0};
	r.message = count ? arena_printf(a, "missing: %s", buf_str(&missing))
	                  : "all required modules are present";
	return r;
}

/* Each required module within ±pct of its model minutes: |m - model| *
 * 100 <= pct * model, in integers so +25% passes and +26% does not. */
static guideline_result required_timing(arena *a, const curriculum_module *modules, size_t n,
                                        int pct)
{
	buf off;
	buf_init(&off, a);
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		const curriculum_module *m = &modules[i];
		if (!m->is_required || m->model_minutes <= 0)
			continue;
		long diff = labs((long)m->minutes - m->model_minutes);
		if (diff * 100 <= (long)pct * m->model_minutes)
			continue;
		buf_printf(&off, "%s\xE2\x80\x9C%s\xE2\x80\x9D has %d min, the model %d min",
		           count ? "; " : "", m->title, m->minutes, m->model_minutes);
		count++;
	}
	guideline_result r = {
	    .rule = "required.timing",
	    .label =
	        arena_printf(a, "Required modules within \xC2\xB1%d%% of the model's time", pct),
	    .is_passed = count == 0,
	};
	r.message = count ? arena_printf(a, "outside the range: %s", buf_str(&off))
	                  : "every required module is within the range";
	return r;
}

bool guidelines_check(arena *a, const guideline_limits *l, const curriculum_module *modules,
                      size_t n, const curriculum_module *model, size_t model_n,
                      guideline_result out[GUIDELINE_RULES])
{
	int total = 0;
	for (size_t i = 0; i < n; i++)
		total += modules[i].minutes;
	size_t k = 0;
	out[k++] = at_least(a, "total", "Total", total, l->total);
	out[k++] = at_least(a, "component.scenarios", "Scenario practice",
	                    component_minutes(modules, n, "scenarios"), l->scenarios);
	out[k++] = at_least(a, "component.deescalation", "Verbal de-escalation",
	                    component_minutes(modules, n, "deescalation"), l->deescalation);
	out[k++] = at_least(a, "component.lived_experience", "Lived experience",
	                    component_minutes(modules, n, "lived_experience"), l->lived_experience);
	out[k++] = at_least(a, "component.clinical", "Clinical topics",
	                    component_minutes(modules, n, "clinical"), l->clinical);
	out[k++] = at_least(a, "component.resources", "Community resources and site visits",
	                    component_minutes(modules, n, "resources"), l->resources);
	out[k++] = at_least(a, "component.legal", "Legal issues",
	                    component_minutes(modules, n, "legal"), l->legal);
	out[k++] = required_present(a, modules, n, model, model_n);
	out[k++] = required_timing(a, modules, n, l->retime_percent);
	bool ok = true;
	for (size_t i = 0; i < k; i++)
		ok = ok && out[i].is_passed;
	return ok;
}

/* Field i of out from its setting; left as it is when unset or not a
 * number within the field's bounds. */
static int load_field(db *d, arena *a, size_t i, guideline_limits *out)
{
	const char *v;
	int rc = settings_get(d, a, fields[i].setting, &v);
	if (rc < 0)
		return rc;
	char *end;
	long n = v ? strtol(v, &end, 10) : -1;
	if (v && !*end && n >= 0 && n <= fields[i].max)
		*slot(out, i) = (int)n;
	return 0;
}

int guideline_limits_load(db *d, arena *a, guideline_limits *out)
{
	guideline_limits_defaults(out);
	for (size_t i = 0; i < N_FIELDS; i++) {
		int rc = load_field(d, a, i, out);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int guideline_total_load(db *d, arena *a, int *minutes)
{
	guideline_limits l;
	guideline_limits_defaults(&l);
	int rc = load_field(d, a, 0, &l); /* fields[0] is the total */
	*minutes = l.total;
	return rc;
}

typedef struct save_ctx {
	arena *a;
	const principal *actor;
	guideline_limits after;
} save_ctx;

static int save_in_tx(db *d, void *vctx)
{
	save_ctx *c = vctx;
	guideline_limits before;
	int rc = guideline_limits_load(d, c->a, &before);
	if (rc < 0)
		return rc;
	json_t *was = json_object(), *now = json_object();
	for (size_t i = 0; i < N_FIELDS; i++) {
		int v = *slot(&c->after, i);
		rc = settings_set(d, fields[i].setting, arena_printf(c->a, "%d", v));
		if (rc < 0)
			break;
		json_object_set_new(was, fields[i].name, json_integer(*slot(&before, i)));
		json_object_set_new(now, fields[i].name, json_integer(v));
	}
	json_t *detail = json_pack("{s:o, s:o}", "before", was, "after", now);
	if (rc < 0) {
		json_decref(detail);
		return rc;
	}
	return audit_append(d, c->actor, "guidelines.update", "settings", "guidelines",
	                    AUDIT_SUCCESS, auth_json_text(c->a, detail));
}

int guideline_limits_save(db *d, arena *a, const principal *actor, const kv *in, field_errors *errs)
{
	field_spec specs[N_FIELDS];
	field_value v[N_FIELDS];
	if (!auth_allowed(actor, PERM_SETTINGS_WRITE))
		return CK_E_FORBIDDEN;
	for (size_t i = 0; i < N_FIELDS; i++)
		specs[i] = (field_spec){fields[i].name, FIELD_INT, true,           0,
		                        fields[i].max,  NULL,      fields[i].label};
	int rc = validate_fields(a, in, specs, N_FIELDS, v, errs);
	if (rc < 0)
		return rc;
	save_ctx c = {a, actor, {0}};
	for (size_t i = 0; i < N_FIELDS; i++)
		*slot(&c.after, i) = (int)v[i].number;
	return audit_tx(d, save_in_tx, &c);
}
