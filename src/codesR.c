#include "lagrs.h"
#include "arima.h"
#include "model.h"
#include "rolling.h"
#include "features.h"
#include "auto_arima.h"
#include "unitroot.h"
#include "collection.h"
#include "model_croston.h"
#include "model_baseline.h"
#include "model_theta.h"
#include "model_ensemble.h"
#include "ets.h"
#include <string.h>

/* The codes and rules that R and C share are defined once, in the C headers;
 * this entry point hands them to R as one named list, which R/codes.R reads
 * once at load.  Each feature adds one section() call below, by name. */

#define MAX_SECTIONS 64

typedef struct {
    SEXP values[MAX_SECTIONS];
    const char *names[MAX_SECTIONS];
    int n;
} section_list;

/* Adds a section: a named integer vector from parallel arrays.  Each value
 * is protected until the list is built. */
static void section(section_list *list, const char *name, const char *const *names,
                    const int *values, int n)
{
    if (list->n == MAX_SECTIONS)
        Rf_error("internal error: more than %d sections of shared codes", MAX_SECTIONS);
    SEXP out = PROTECT(Rf_allocVector(INTSXP, n));
    SEXP nm = PROTECT(Rf_allocVector(STRSXP, n));
    for (int k = 0; k < n; k++) {
        INTEGER(out)[k] = values[k];
        SET_STRING_ELT(nm, k, Rf_mkChar(names[k]));
    }
    Rf_setAttrib(out, R_NamesSymbol, nm);
    UNPROTECT(1);   /* nm is out's names now; out stays protected until the list is built */
    list->values[list->n] = out;
    list->names[list->n] = name;
    list->n++;
}

static void arima_sections(section_list *list)
{
    const char *names[] = {"ok", "warning", "input", "too_short", "numeric", "memory"};
    const int values[] = {LAGRS_ARIMA_OK, LAGRS_ARIMA_WARNING, LAGRS_ARIMA_ERR_INPUT,
                          LAGRS_ARIMA_ERR_TOO_SHORT, LAGRS_ARIMA_ERR_NUMERIC,
                          LAGRS_ARIMA_ERR_MEMORY};
    section(list, "arima_status", names, values, 6);
    const char *conv_names[] = {"converged", "maxit"};
    const int conv[] = {LAGRS_ARIMA_CONVERGED, LAGRS_ARIMA_MAXIT};
    section(list, "arima_convergence", conv_names, conv, 2);
}

static void model_sections(section_list *list)
{
    /* every family's fits: 0 and 1 usable, larger values errors */
    const char *names[] = {"ok", "warning", "error"};
    const int values[] = {LAGRS_FIT_OK, LAGRS_FIT_WARNING, LAGRS_FIT_ERROR};
    section(list, "fit_status", names, values, 3);
}

static void rolling_sections(section_list *list)
{
    const char *stat_names[] = LAGRS_ROLL_STAT_NAMES;
    const int stats[] = {LAGRS_ROLL_SUM, LAGRS_ROLL_MEAN, LAGRS_ROLL_VAR, LAGRS_ROLL_SD,
                         LAGRS_ROLL_MIN, LAGRS_ROLL_MAX, LAGRS_ROLL_MEDIAN,
                         LAGRS_ROLL_QUANTILE};
    section(list, "rolling_stat", stat_names, stats, LAGRS_ROLL_N_STATS);
    const char *align_names[] = LAGRS_ROLL_ALIGN_NAMES;
    const int aligns[] = {LAGRS_ROLL_RIGHT, LAGRS_ROLL_CENTER, LAGRS_ROLL_LEFT};
    section(list, "rolling_align", align_names, aligns, LAGRS_ROLL_N_ALIGNS);
    const char *kind_names[] = LAGRS_FEATURE_KIND_NAMES;
    const int kinds[] = {LAGRS_FEATURE_ROLL, LAGRS_FEATURE_LAG, LAGRS_FEATURE_EWMA};
    section(list, "feature_kind", kind_names, kinds, LAGRS_FEATURE_N_KINDS);
}

static void auto_arima_sections(section_list *list)
{
    const char *status_names[] = {"ok", "all_missing", "too_short", "polynomial",
                                  "no_model", "memory", "input"};
    const int status[] = {LAGRS_AUTO_OK, LAGRS_AUTO_ALL_MISSING, LAGRS_AUTO_TOO_SHORT,
                          LAGRS_AUTO_POLYNOMIAL, LAGRS_AUTO_NO_MODEL, LAGRS_AUTO_MEMORY,
                          LAGRS_AUTO_INPUT};
    section(list, "auto_status", status_names, status, 7);
    const char *note_names[] = {"two_seasonal", "three_diffs", "seas_test", "alpha"};
    const int notes[] = {LAGRS_AUTO_NOTE_TWO_SEASONAL, LAGRS_AUTO_NOTE_THREE_DIFFS,
                         LAGRS_AUTO_NOTE_SEAS_TEST, LAGRS_AUTO_NOTE_ALPHA};
    section(list, "auto_notes", note_names, notes, 4);
    const char *outcome_names[] = {"search", "all_missing", "constant", "no_data",
                                   "constant_diff", "polynomial"};
    const int outcomes[] = {LAGRS_AUTO_PLAN_SEARCH, LAGRS_AUTO_PLAN_ALL_MISSING,
                            LAGRS_AUTO_PLAN_CONSTANT, LAGRS_AUTO_PLAN_NO_DATA,
                            LAGRS_AUTO_PLAN_CONSTANT_DIFF, LAGRS_AUTO_PLAN_POLYNOMIAL};
    section(list, "auto_outcome", outcome_names, outcomes, 6);
}

static void unitroot_sections(section_list *list)
{
    const char *names[] = {"alpha_clamped", "test_failed", "non_seasonal"};
    const int values[] = {LAGRS_UR_NOTE_ALPHA_CLAMPED, LAGRS_UR_NOTE_TEST_FAILED,
                          LAGRS_UR_NOTE_NON_SEASONAL};
    section(list, "unitroot_notes", names, values, 3);
}

static void collection_sections(section_list *list)
{
    const char *names[] = {"ok", "repeated", "needs_civil", "nomem"};
    const int values[] = {LAGRS_SPACING_OK, LAGRS_SPACING_REPEATED, LAGRS_SPACING_NEEDS_CIVIL,
                          LAGRS_SPACING_NOMEM};
    section(list, "spacing_status", names, values, 4);
}

static void croston_sections(section_list *list)
{
    const char *type_names[] = LAGRS_CROSTON_TYPE_NAMES;
    const int types[] = {LAGRS_CROSTON_CLASSIC, LAGRS_CROSTON_SBA, LAGRS_CROSTON_TSB};
    section(list, "croston_type", type_names, types, LAGRS_CROSTON_N_TYPES);
    const char *method_names[] = LAGRS_ADIDA_METHOD_NAMES;
    const int methods[] = {LAGRS_CROSTON_CLASSIC, LAGRS_CROSTON_SBA, LAGRS_CROSTON_TSB,
                           LAGRS_CROSTON_SES};
    section(list, "adida_method", method_names, methods, LAGRS_ADIDA_N_METHODS);
    const char *combine_names[] = {"adida", "imapa"};
    const int combines[] = {LAGRS_ADIDA_SINGLE, LAGRS_ADIDA_IMAPA};
    section(list, "adida_combine", combine_names, combines, 2);
}

static void baseline_sections(section_list *list)
{
    const char *names[] = LAGRS_BASELINE_METHOD_NAMES;
    const int values[] = {LAGRS_BASELINE_MEAN, LAGRS_BASELINE_NAIVE, LAGRS_BASELINE_SNAIVE,
                          LAGRS_BASELINE_DRIFT};
    section(list, "baseline_method", names, values, LAGRS_BASELINE_N_METHODS);
}

static void theta_sections(section_list *list)
{
    const char *names[] = LAGRS_THETA_TYPE_NAMES;
    const int values[] = {LAGRS_THETA_STANDARD, LAGRS_THETA_OPTIMIZED, LAGRS_THETA_DYNAMIC};
    section(list, "theta_type", names, values, LAGRS_THETA_N_TYPES);
}

static void ensemble_sections(section_list *list)
{
    const char *combine_names[] = {"mean", "median", "weighted"};
    const int combines[] = {LAGRS_COMBINE_MEAN, LAGRS_COMBINE_MEDIAN, LAGRS_COMBINE_WEIGHTED};
    section(list, "ensemble_combine", combine_names, combines, LAGRS_ENSEMBLE_N_COMBINE);
    const char *weight_names[] = {"equal", "cv", "ic"};
    const int weights[] = {LAGRS_WEIGHTS_EQUAL, LAGRS_WEIGHTS_CV, LAGRS_WEIGHTS_IC};
    section(list, "ensemble_weights", weight_names, weights, LAGRS_ENSEMBLE_N_WEIGHTS);
    const char *interval_names[] = {"quantile", "conformal"};
    const int intervals[] = {LAGRS_INTERVALS_QUANTILE, LAGRS_INTERVALS_CONFORMAL};
    section(list, "ensemble_intervals", interval_names, intervals, LAGRS_ENSEMBLE_N_INTERVALS);
    const char *limit_names[] = {"max_members"};
    const int limits[] = {LAGRS_ENSEMBLE_MAX_MEMBERS};
    section(list, "ensemble_limits", limit_names, limits, 1);
}

/* ETS: the component, criterion and bounds codes of ets_model()'s options */
static void ets_sections(section_list *list)
{
    const char *component_names[] = {"N", "A", "M"};
    const int component_values[] = {ETS_NONE, ETS_ADD, ETS_MULT};
    section(list, "ets_component", component_names, component_values, 3);
    const char *ic_names[] = {"aicc", "aic", "bic"};
    const int ic_values[] = {ETS_IC_AICC, ETS_IC_AIC, ETS_IC_BIC};
    section(list, "ets_ic", ic_names, ic_values, 3);
    const char *crit_names[] = {"lik", "amse", "mse", "sigma", "mae"};
    const int crit_values[] = {ETS_CRIT_LIK, ETS_CRIT_AMSE, ETS_CRIT_MSE, ETS_CRIT_SIGMA,
                               ETS_CRIT_MAE};
    section(list, "ets_opt_crit", crit_names, crit_values, 5);
    const char *bounds_names[] = {"both", "usual", "admissible"};
    const int bounds_values[] = {ETS_BOUNDS_BOTH, ETS_BOUNDS_USUAL, ETS_BOUNDS_ADMISSIBLE};
    section(list, "ets_bounds", bounds_names, bounds_values, 3);
    const char *limit_names[] = {"max_period", "max_nmse", "npaths"};
    const int limit_values[] = {ETS_MAX_PERIOD, ETS_MAX_NMSE, ETS_NPATHS};
    section(list, "ets_limits", limit_names, limit_values, 3);
}

SEXP lagrs_codes_call(void)
{
    section_list list;
    list.n = 0;
    arima_sections(&list);
    model_sections(&list);
    rolling_sections(&list);
    auto_arima_sections(&list);
    unitroot_sections(&list);
    collection_sections(&list);
    croston_sections(&list);
    baseline_sections(&list);
    theta_sections(&list);
    ensemble_sections(&list);
    ets_sections(&list);
    SEXP ans = PROTECT(Rf_allocVector(VECSXP, list.n));
    SEXP names = PROTECT(Rf_allocVector(STRSXP, list.n));
    for (int k = 0; k < list.n; k++) {
        SET_VECTOR_ELT(ans, k, list.values[k]);
        SET_STRING_ELT(names, k, Rf_mkChar(list.names[k]));
    }
    Rf_setAttrib(ans, R_NamesSymbol, names);
    UNPROTECT(2 + list.n);
    return ans;
}
