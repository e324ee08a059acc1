/* Entry points of automatic ARIMA order selection (auto_arima.h): the plan
 * alone and one search.  R's vectors in, the kernels on their raw data,
 * statuses handed to R.  Batches are the model family's
 * (model_auto_arima.c, run by batchR.c). */
#include "lagrs.h"
#include "auto_arima.h"
#include "auto_arimaR.h"
#include "arima.h"
#include "batchR.h"
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- the plan ------------------------------------------------------------ */

/* opts: integer vector d, D, max_p, max_q, max_P, max_Q, max_d, max_D,
 * start_p, start_q, start_P, start_Q, stationary, seasonal, allow_drift,
 * allow_mean (NA d or D = choose), then alpha as attribute "alpha". */
static void plan_options_from_r(SEXP opts, lagrs_auto_options *o)
{
    if (TYPEOF(opts) != INTSXP || XLENGTH(opts) != 16)
        Rf_error("internal error: auto.arima options must be 16 integers.");
    const int *v = INTEGER(opts);
    lagrs_auto_options_init(o);
    o->d = v[0] == NA_INTEGER ? -1 : v[0];
    o->D = v[1] == NA_INTEGER ? -1 : v[1];
    o->max_p = v[2];
    o->max_q = v[3];
    o->max_P = v[4];
    o->max_Q = v[5];
    o->max_d = v[6];
    o->max_D = v[7];
    o->start_p = v[8];
    o->start_q = v[9];
    o->start_P = v[10];
    o->start_Q = v[11];
    o->stationary = v[12];
    o->seasonal = v[13];
    o->allow_drift = v[14];
    o->allow_mean = v[15];
    o->alpha = Rf_asReal(Rf_getAttrib(opts, Rf_install("alpha")));
}

static SEXP plan_to_r(const lagrs_auto_plan *plan)
{
    const char *names[] = {"outcome", "first", "n_used", "series_length", "m",
                           "d", "D", "max_p", "max_q", "max_P", "max_Q",
                           "start_p", "start_q", "start_P", "start_Q",
                           "ic_aic", "approximation", "allow_drift",
                           "allow_mean", "constant", "fixed_constant",
                           "warnings", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    int ints[] = {plan->outcome, 0, 0, 0, plan->m, plan->d, plan->D, plan->max_p,
                  plan->max_q, plan->max_P, plan->max_Q, plan->start_p,
                  plan->start_q, plan->start_P, plan->start_Q};
    SET_VECTOR_ELT(ans, 0, Rf_ScalarInteger(ints[0]));
    SET_VECTOR_ELT(ans, 1, Rf_ScalarReal((double) plan->first + 1.0));
    SET_VECTOR_ELT(ans, 2, Rf_ScalarReal((double) plan->n_used));
    SET_VECTOR_ELT(ans, 3, Rf_ScalarReal((double) plan->series_length));
    for (int k = 4; k < 15; k++)
        SET_VECTOR_ELT(ans, k, Rf_ScalarInteger(ints[k]));
    SET_VECTOR_ELT(ans, 15, Rf_ScalarLogical(plan->ic_aic));
    SET_VECTOR_ELT(ans, 16, Rf_ScalarLogical(plan->approximation));
    SET_VECTOR_ELT(ans, 17, Rf_ScalarLogical(plan->allow_drift));
    SET_VECTOR_ELT(ans, 18, Rf_ScalarLogical(plan->allow_mean));
    SET_VECTOR_ELT(ans, 19, Rf_ScalarLogical(plan->constant));
    SET_VECTOR_ELT(ans, 20, Rf_ScalarReal(plan->has_fixed_constant ? plan->constant_value
                                                                   : NA_REAL));
    SET_VECTOR_ELT(ans, 21, Rf_ScalarInteger(plan->warnings));
    UNPROTECT(1);
    return ans;
}

/* x: double vector; frequency: double(1); opts as plan_options_from_r()
 * reads them.  The plan as a named list. */
SEXP auto_arima_plan_call(SEXP x, SEXP frequency, SEXP opts)
{
    if (TYPEOF(x) != REALSXP)
        Rf_error("internal error: `x` must be a double vector.");
    R_xlen_t n = XLENGTH(x);
    lagrs_auto_options o;
    plan_options_from_r(opts, &o);
    double freq = Rf_asReal(frequency);
    int m_guess = (o.seasonal && freq >= 1.0 && freq < INT_MAX) ? (int) nearbyint(freq) : 1;
    size_t n_work = lagrs_auto_plan_work_size(n, m_guess);
    double *work = (double *) R_alloc(n_work > 0 ? n_work : 1, sizeof(double));
    lagrs_auto_plan plan;
    int status = lagrs_auto_prepare(REAL(x), n, freq, &o, work, &plan);
    if (status == LAGRS_AUTO_MEMORY)
        Rf_error("autoarima_prepare(): out of memory.");
    if (status != LAGRS_AUTO_OK)
        Rf_error("autoarima_prepare(): invalid parameters.");
    return plan_to_r(&plan);
}

/* ---- the search ------------------------------------------------------------ */

/* options: an integer vector in this order (see R/auto_arima.R):
 * max_p, max_q, max_P, max_Q, max_order, max_d, max_D, start_p, start_q,
 * start_P, start_Q, ic, stepwise, nmodels, approximation (-1 = default),
 * d, D (-1 = test), allow_drift, allow_mean, seasonal. */
#define N_AUTO_OPTIONS 20

static void options_from_r(SEXP options, lagrs_auto_options *opt)
{
    if (TYPEOF(options) != INTSXP || XLENGTH(options) != N_AUTO_OPTIONS)
        Rf_error("internal error: `options` must be an integer vector of length %d",
                 N_AUTO_OPTIONS);
    const int *o = INTEGER(options);
    lagrs_auto_options_init(opt);
    opt->max_p = o[0]; opt->max_q = o[1]; opt->max_P = o[2]; opt->max_Q = o[3];
    opt->max_order = o[4]; opt->max_d = o[5]; opt->max_D = o[6];
    opt->start_p = o[7]; opt->start_q = o[8]; opt->start_P = o[9]; opt->start_Q = o[10];
    opt->ic = o[11]; opt->stepwise = o[12]; opt->nmodels = o[13];
    opt->approximation = o[14]; opt->d = o[15]; opt->D = o[16];
    opt->allow_drift = o[17]; opt->allow_mean = o[18]; opt->seasonal = o[19];
}

static const char *search_names[] = {
    "orders", "method", "fixed", "start", "path", "approximation", "offset",
    "n_models", "ic", "status", "message", "notes", ""
};

/* One series' search result as an R list (single calls). */
static SEXP search_to_r(const lagrs_auto_result *res)
{
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, search_names));
    SEXP orders = Rf_allocVector(INTSXP, 8);
    SET_VECTOR_ELT(ans, 0, orders);
    int *o = INTEGER(orders);
    int ok = res->status == LAGRS_AUTO_OK;
    o[0] = res->p; o[1] = res->d; o[2] = res->q;
    o[3] = res->P; o[4] = res->D; o[5] = res->Q;
    o[6] = res->period; o[7] = res->constant;
    if (!ok)
        for (int k = 0; k < 8; k++) o[k] = NA_INTEGER;
    SET_VECTOR_ELT(ans, 1, Rf_ScalarInteger(res->method));
    SET_VECTOR_ELT(ans, 2, Rf_ScalarReal(res->has_fixed ? res->fixed_value : NA_REAL));
    SET_VECTOR_ELT(ans, 3, Rf_ScalarReal((double) res->start + 1.0));
    SET_VECTOR_ELT(ans, 4, Rf_ScalarInteger(res->path));
    SET_VECTOR_ELT(ans, 5, Rf_ScalarLogical(res->approximation));
    SET_VECTOR_ELT(ans, 6, Rf_ScalarReal(res->offset));
    SET_VECTOR_ELT(ans, 7, Rf_ScalarInteger(res->n_models));
    SET_VECTOR_ELT(ans, 8, Rf_ScalarReal(ok ? res->ic : NA_REAL));
    SET_VECTOR_ELT(ans, 9, Rf_ScalarInteger(res->status));
    SET_VECTOR_ELT(ans, 10, Rf_mkString(res->message));
    SET_VECTOR_ELT(ans, 11, Rf_ScalarInteger(res->plan_notes));
    UNPROTECT(1);
    return ans;
}

typedef struct {
    const double *y;
    R_xlen_t n;
    double frequency;
    lagrs_auto_options opt;
    lagrs_auto_result result;
} search_ctx;

static void search_one(R_xlen_t i, void *vctx)
{
    (void) i;
    search_ctx *ctx = (search_ctx *) vctx;
    lagrs_auto_arima_kernel(ctx->y, ctx->n, ctx->frequency, &ctx->opt, &ctx->result);
}

SEXP auto_arima_call(SEXP y, SEXP frequency, SEXP options)
{
    if (TYPEOF(y) != REALSXP)
        Rf_error("internal error: `y` must be a double vector");
    search_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    options_from_r(options, &ctx.opt);
    ctx.frequency = Rf_asReal(frequency);
    ctx.y = REAL(y);
    ctx.n = XLENGTH(y);
    /* a batch of one on one thread, so that Ctrl-C stops a long search; the
     * batches of many series are the auto_arima model family's
     * (model_auto_arima.c) */
    lagrs_run_batch(1, search_one, &ctx, 0.0, 0, "searching");
    return search_to_r(&ctx.result);
}
