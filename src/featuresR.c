#include "featuresR.h"
#include "features.h"
#include "rollingR.h"
#include <limits.h>
#include <math.h>

/* The entry point of the feature verbs: a table's values (and times), the
 * order that groups its rows into series and the series' starts, and the
 * features as parallel vectors; gives one column per feature, a value per
 * row. */

/* Element k of the spec's column `name` (R gives doubles). */
static double spec_value(SEXP spec, const char *name, int k)
{
    SEXP column = lagrs_list_elt(spec, name);
    if (TYPEOF(column) != REALSXP || k >= XLENGTH(column))
        Rf_error("internal error: the feature spec's column `%s` is not valid", name);
    return REAL(column)[k];
}

/* Feature k from R's spec, which R has checked: a failure here is an
 * internal error.  An infinite width (an expanding window) becomes the
 * longest series. */
static void feature_from_spec(lagrs_feature *f, SEXP spec, int k, R_xlen_t longest)
{
    f->kind = (int) spec_value(spec, "kind", k);
    f->roll.stat = (int) spec_value(spec, "stat", k);
    f->align = (int) spec_value(spec, "align", k);
    double width = spec_value(spec, "width", k);
    if (isinf(width))
        width = longest > 0 ? (double) longest : 1;
    f->span = spec_value(spec, "span", k);
    int bad = lagrs_roll_set_window(&f->roll, (R_xlen_t) width, f->align);
    f->roll.min_obs = (R_xlen_t) spec_value(spec, "min_obs", k);
    f->roll.na_rm = (int) spec_value(spec, "na_rm", k);
    f->roll.fill = spec_value(spec, "fill", k);
    f->roll.na_value = NA_REAL;
    f->roll.prob = spec_value(spec, "prob", k);
    f->lag = spec_value(spec, "lag", k);
    f->alpha = spec_value(spec, "alpha", k);
    f->adjust = (int) spec_value(spec, "adjust", k);
    f->ignore_na = (int) spec_value(spec, "ignore_na", k);
    if (f->kind < LAGRS_FEATURE_ROLL || f->kind > LAGRS_FEATURE_EWMA || f->roll.min_obs < 1)
        Rf_error("internal error: feature %d is not valid", k + 1);
    if (f->kind == LAGRS_FEATURE_ROLL &&
        (bad || f->roll.stat < LAGRS_ROLL_SUM || f->roll.stat > LAGRS_ROLL_QUANTILE ||
         (f->span <= 0 && f->roll.min_obs > f->roll.width)))
        Rf_error("internal error: the window of feature %d is not valid", k + 1);
}

/* Checks the layout: order (NULL, or a permutation R made) and start
 * (non-decreasing offsets from 0 to the number of rows). */
static R_xlen_t check_layout(SEXP x, SEXP time, SEXP order, SEXP start)
{
    R_xlen_t n = XLENGTH(x);
    if (TYPEOF(x) != REALSXP || TYPEOF(start) != INTSXP || XLENGTH(start) < 1 ||
        (time != R_NilValue && (TYPEOF(time) != REALSXP || XLENGTH(time) != n)) ||
        (order != R_NilValue && (TYPEOF(order) != INTSXP || XLENGTH(order) != n)) ||
        n > INT_MAX)
        Rf_error("internal error: features_call's arguments do not match");
    const int *s = INTEGER(start);
    R_xlen_t n_series = XLENGTH(start) - 1, longest = 0;
    if (s[0] != 0 || s[n_series] != n)
        Rf_error("internal error: the series' starts do not cover the rows");
    for (R_xlen_t g = 0; g < n_series; g++) {
        if (s[g + 1] < s[g])
            Rf_error("internal error: the series' starts decrease");
        if (s[g + 1] - s[g] > longest)
            longest = s[g + 1] - s[g];
    }
    return longest;
}

SEXP features_call(SEXP x, SEXP time, SEXP order, SEXP start, SEXP spec)
{
    R_xlen_t longest = check_layout(x, time, order, start);
    const R_xlen_t n = XLENGTH(x), n_series = XLENGTH(start) - 1;
    const int n_features = Rf_length(lagrs_list_elt(spec, "kind"));
    lagrs_feature *features =
        (lagrs_feature *) R_alloc((size_t) (n_features > 0 ? n_features : 1), sizeof(lagrs_feature));
    for (int k = 0; k < n_features; k++)
        feature_from_spec(&features[k], spec, k, longest);

    SEXP ans = PROTECT(Rf_allocVector(VECSXP, n_features));
    double **out = (double **) R_alloc((size_t) (n_features > 0 ? n_features : 1), sizeof(double *));
    for (int k = 0; k < n_features; k++) {
        SET_VECTOR_ELT(ans, k, Rf_allocVector(REALSXP, n));
        out[k] = REAL(VECTOR_ELT(ans, k));
        lagrs_prefer_huge_pages(out[k], sizeof(double) * (size_t) n);
    }
    lagrs_feature_job job = {
        .x = REAL_RO(x), .time = time == R_NilValue ? NULL : REAL_RO(time),
        .order = order == R_NilValue ? NULL : INTEGER_RO(order), .start = INTEGER_RO(start),
        .n_series = n_series, .n_features = n_features, .features = features, .out = out,
        .longest = longest, .max_threads = lagrs_nthreads(INFINITY)};
    job.ws_bytes = lagrs_features_workspace_bytes(&job);
    job.workspace = R_alloc((size_t) job.max_threads, job.ws_bytes);
    /* in batches, so that Ctrl-C is heard between them */
    const R_xlen_t batch = 8192;
    for (R_xlen_t g0 = 0; g0 < n_series; g0 += batch) {
        lagrs_features_run(&job, g0, g0 + batch < n_series ? g0 + batch : n_series);
        R_CheckUserInterrupt();
    }
    UNPROTECT(1);
    return ans;
}
