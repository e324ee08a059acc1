/* Entry points of automatic ARIMA order selection (auto_arima.h): the plan
 * alone, one search, and the batch searches and forecasts.  R's vectors
 * in, the kernels on their raw data, statuses handed to R.  Main thread
 * only (the batch tasks run in lagrs_run_batch()'s threads and use no R
 * API). */
#include "lagrs.h"
#include "auto_arima.h"
#include "auto_arimaR.h"
#include "arima.h"
#include "batch.h"
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
    const double **y;
    const R_xlen_t *n;
    double frequency;
    lagrs_auto_options opt;
    lagrs_auto_result *results;
    int in_batch;   /* auto_arima_batch(): constant or infinite series fail */
} batch_search_ctx;

static void batch_search_one(R_xlen_t i, void *vctx)
{
    batch_search_ctx *ctx = (batch_search_ctx *) vctx;
    if (ctx->in_batch) {
        /* auto_arima() refuses infinite values; in a batch only this series
         * fails, as in arima_batch() */
        R_xlen_t n_inf = 0;
        for (R_xlen_t t = 0; t < ctx->n[i]; t++)
            if (isinf(ctx->y[i][t]))
                n_inf++;
        if (n_inf > 0) {
            lagrs_auto_result *out = &ctx->results[i];
            memset(out, 0, sizeof *out);
            out->period = 1;
            out->method = LAGRS_ARIMA_CSS_ML;
            out->fixed_value = NAN;
            out->ic = NAN;
            char text[96];
            snprintf(text, sizeof text, "the series has %lld infinite value%s",
                     (long long) n_inf, n_inf == 1 ? "" : "s");
            lagrs_auto_set_status(out, LAGRS_AUTO_NO_MODEL, text);
            return;
        }
    }
    lagrs_auto_arima_kernel(ctx->y[i], ctx->n[i], ctx->frequency, &ctx->opt,
                            &ctx->results[i]);
    /* auto_arima() gives a constant series its mean as the model; in a batch
     * it is a failed series, as in arima_batch() */
    if (ctx->in_batch && ctx->results[i].status == LAGRS_AUTO_OK &&
        ctx->results[i].path == LAGRS_AUTO_CONSTANT_SERIES)
        lagrs_auto_set_status(&ctx->results[i], LAGRS_AUTO_NO_MODEL,
                   "the series is constant: all non-missing values are equal");
}

SEXP auto_arima_call(SEXP y, SEXP frequency, SEXP options)
{
    if (TYPEOF(y) != REALSXP)
        Rf_error("internal error: `y` must be a double vector");
    batch_search_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    options_from_r(options, &ctx.opt);
    ctx.frequency = Rf_asReal(frequency);
    const double *values = REAL(y);
    R_xlen_t n = XLENGTH(y);
    ctx.y = &values;
    ctx.n = &n;
    lagrs_auto_result res;
    ctx.results = &res;
    /* a batch of one on one thread, so that Ctrl-C stops a long search */
    lagrs_run_batch(1, batch_search_one, &ctx, 0.0, 0, "searching");
    return search_to_r(&res);
}

/* ---- batch ------------------------------------------------------------- */

typedef struct {
    const double **y;
    const R_xlen_t *n;
    const lagrs_auto_result *results;
    double **coef, **state_a, **state_P;
    double *sigma2, *loglik, *aic, *aicc, *bic, *n_used;
    int *convergence, *status;
    char *messages;
} batch_final_ctx;

static void batch_final_one(R_xlen_t i, void *vctx)
{
    batch_final_ctx *ctx = (batch_final_ctx *) vctx;
    const lagrs_auto_result *sr = &ctx->results[i];
    char *msg = ctx->messages + (size_t) i * LAGRS_ARIMA_MSG_LEN;
    if (sr->status != LAGRS_AUTO_OK) {
        ctx->status[i] = sr->status;
        memcpy(msg, sr->message, LAGRS_ARIMA_MSG_LEN);
        return;
    }
    lagrs_arima_result res;
    memset(&res, 0, sizeof res);
    res.coef = ctx->coef[i];
    res.state_a = ctx->state_a[i];
    res.state_P = ctx->state_P[i];
    int st = lagrs_auto_final_fit(ctx->y[i], ctx->n[i], sr, 0, &res);
    ctx->status[i] = st;
    ctx->convergence[i] = res.convergence;
    memcpy(msg, res.message, LAGRS_ARIMA_MSG_LEN);
    if (st > LAGRS_ARIMA_WARNING)
        return;
    if (sr->path != LAGRS_AUTO_SEARCHED) {
        /* the engine warns that the likelihood of these deterministic
         * models is unbounded; say instead what the model is */
        snprintf(msg, LAGRS_ARIMA_MSG_LEN, "%s",
                 sr->path == LAGRS_AUTO_CONSTANT_SERIES
                     ? "the series is constant: the model is its mean"
                     : "the series is constant once differenced: a deterministic model");
        ctx->status[i] = LAGRS_ARIMA_WARNING;
    } else if (st == LAGRS_ARIMA_OK && sr->message[0] != '\0') {
        memcpy(msg, sr->message, LAGRS_ARIMA_MSG_LEN);
        ctx->status[i] = LAGRS_ARIMA_WARNING;
    }
    ctx->sigma2[i] = res.sigma2;
    ctx->loglik[i] = res.loglik;
    ctx->aic[i] = res.aic;
    ctx->aicc[i] = res.aicc;
    ctx->bic[i] = res.bic;
    ctx->n_used[i] = (double) res.n_used;
}

static const char *batch_names[] = {
    "orders", "method", "fixed", "start", "path", "approximation", "offset",
    "n_models", "ic", "search_status", "coef", "state_a", "state_P", "sigma2",
    "loglik", "aic", "aicc", "bic", "n_used", "convergence", "status",
    "message", ""
};

/* series: list of double vectors; frequency: double(1); options as for
 * auto_arima_call.  Two parallel passes: the searches, then (after the
 * main thread has allocated each chosen model's outputs) the final fits. */
SEXP auto_arima_batch_call(SEXP series, SEXP frequency, SEXP options, SEXP progress)
{
    R_xlen_t n_series = XLENGTH(series);
    R_xlen_t n_alloc = n_series > 0 ? n_series : 1;
    int show = Rf_asLogical(progress) == 1;
    batch_search_ctx sctx;
    memset(&sctx, 0, sizeof sctx);
    options_from_r(options, &sctx.opt);
    sctx.frequency = Rf_asReal(frequency);
    double work = lagrs_batch_series(series, 20000.0, &sctx.y, &sctx.n);
    sctx.results = (lagrs_auto_result *) R_alloc(n_alloc, sizeof(lagrs_auto_result));
    sctx.in_batch = 1;
    lagrs_run_batch(n_series, batch_search_one, &sctx, work, show, "searching");

    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, batch_names));
    SEXP orders = Rf_allocMatrix(INTSXP, (int) n_series, 8);
    SET_VECTOR_ELT(ans, 0, orders);
    for (int k = 1; k <= 8; k++)
        SET_VECTOR_ELT(ans, k, Rf_allocVector(k == 1 || k == 4 || k == 7 ? INTSXP :
                                              k == 5 ? LGLSXP : REALSXP, n_series));
    SET_VECTOR_ELT(ans, 9, Rf_allocVector(INTSXP, n_series));
    for (int k = 10; k <= 12; k++)
        SET_VECTOR_ELT(ans, k, Rf_allocVector(VECSXP, n_series));
    for (int k = 13; k <= 18; k++)
        SET_VECTOR_ELT(ans, k, Rf_allocVector(REALSXP, n_series));
    SET_VECTOR_ELT(ans, 19, Rf_allocVector(INTSXP, n_series));
    SET_VECTOR_ELT(ans, 20, Rf_allocVector(INTSXP, n_series));
    SET_VECTOR_ELT(ans, 21, Rf_allocVector(STRSXP, n_series));

    batch_final_ctx fctx;
    memset(&fctx, 0, sizeof fctx);
    fctx.y = sctx.y;
    fctx.n = sctx.n;
    fctx.results = sctx.results;
    fctx.coef = (double **) R_alloc(n_alloc, sizeof(double *));
    fctx.state_a = (double **) R_alloc(n_alloc, sizeof(double *));
    fctx.state_P = (double **) R_alloc(n_alloc, sizeof(double *));
    fctx.sigma2 = REAL(VECTOR_ELT(ans, 13));
    fctx.loglik = REAL(VECTOR_ELT(ans, 14));
    fctx.aic = REAL(VECTOR_ELT(ans, 15));
    fctx.aicc = REAL(VECTOR_ELT(ans, 16));
    fctx.bic = REAL(VECTOR_ELT(ans, 17));
    fctx.n_used = REAL(VECTOR_ELT(ans, 18));
    fctx.convergence = INTEGER(VECTOR_ELT(ans, 19));
    fctx.status = INTEGER(VECTOR_ELT(ans, 20));
    fctx.messages = R_alloc(n_alloc, LAGRS_ARIMA_MSG_LEN);

    int *o = INTEGER(orders);
    double work2 = 0;
    for (R_xlen_t i = 0; i < n_series; i++) {
        const lagrs_auto_result *r = &sctx.results[i];
        int ok = r->status == LAGRS_AUTO_OK;
        int vals[8] = {r->p, r->d, r->q, r->P, r->D, r->Q, r->period, r->constant};
        for (int k = 0; k < 8; k++)
            o[i + n_series * k] = ok ? vals[k] : NA_INTEGER;
        INTEGER(VECTOR_ELT(ans, 1))[i] = r->method;
        REAL(VECTOR_ELT(ans, 2))[i] = ok && r->has_fixed ? r->fixed_value : NA_REAL;
        REAL(VECTOR_ELT(ans, 3))[i] = (double) r->start + 1.0;
        INTEGER(VECTOR_ELT(ans, 4))[i] = r->path;
        LOGICAL(VECTOR_ELT(ans, 5))[i] = r->approximation;
        REAL(VECTOR_ELT(ans, 6))[i] = r->offset;
        INTEGER(VECTOR_ELT(ans, 7))[i] = r->n_models;
        REAL(VECTOR_ELT(ans, 8))[i] = ok ? r->ic : NA_REAL;
        INTEGER(VECTOR_ELT(ans, 9))[i] = r->status;
        fctx.sigma2[i] = fctx.loglik[i] = fctx.aic[i] = fctx.aicc[i] = NA_REAL;
        fctx.bic[i] = fctx.n_used[i] = NA_REAL;
        fctx.convergence[i] = NA_INTEGER;
        fctx.coef[i] = fctx.state_a[i] = fctx.state_P[i] = NULL;
        if (!ok)
            continue;
        lagrs_arima_spec spec;
        lagrs_auto_spec(r, &spec, NULL);
        int n_coef = lagrs_arima_n_coef(&spec, 0);
        int sd = lagrs_arima_state_dim(&spec);
        SEXP coef = Rf_allocVector(REALSXP, n_coef);
        SET_VECTOR_ELT(VECTOR_ELT(ans, 10), i, coef);
        SEXP sa = Rf_allocVector(REALSXP, sd);
        SET_VECTOR_ELT(VECTOR_ELT(ans, 11), i, sa);
        SEXP sp = Rf_allocVector(REALSXP, (R_xlen_t) sd * sd);
        SET_VECTOR_ELT(VECTOR_ELT(ans, 12), i, sp);
        fctx.coef[i] = REAL(coef);
        fctx.state_a[i] = REAL(sa);
        fctx.state_P[i] = REAL(sp);
        work2 += (double) sctx.n[i] * 1000.0;
    }
    lagrs_run_batch(n_series, batch_final_one, &fctx, work2, show, "refitting");
    SEXP messages = VECTOR_ELT(ans, 21);
    for (R_xlen_t i = 0; i < n_series; i++)
        SET_STRING_ELT(messages, i,
                       Rf_mkChar(fctx.messages + (size_t) i * LAGRS_ARIMA_MSG_LEN));
    UNPROTECT(1);
    return ans;
}

typedef struct {
    const int *orders;   /* n_series x 8 */
    R_xlen_t n_series;
    const double **coef, **state_a, **state_P;
    const double *sigma2, *n_fit;
    const int *fit_status;
    int h;
    double *mean, *se;
    int *status;
} batch_fc_ctx;

static void batch_forecast_one_auto(R_xlen_t i, void *vctx)
{
    batch_fc_ctx *ctx = (batch_fc_ctx *) vctx;
    double *mean = ctx->mean + (size_t) i * ctx->h, *se = ctx->se + (size_t) i * ctx->h;
    if (ctx->fit_status[i] > LAGRS_ARIMA_WARNING || ctx->coef[i] == NULL) {
        for (int k = 0; k < ctx->h; k++)
            mean[k] = se[k] = NAN;
        ctx->status[i] = ctx->fit_status[i];
        return;
    }
    const int *o = ctx->orders;
    R_xlen_t ns = ctx->n_series;
    lagrs_auto_result r;
    memset(&r, 0, sizeof r);
    r.p = o[i]; r.d = o[i + ns]; r.q = o[i + 2 * ns];
    r.P = o[i + 3 * ns]; r.D = o[i + 4 * ns]; r.Q = o[i + 5 * ns];
    r.period = o[i + 6 * ns];
    lagrs_auto_set_model(&r, r.p, r.q, r.P, r.Q, o[i + 7 * ns]);
    r.method = LAGRS_ARIMA_CSS_ML;
    lagrs_arima_spec spec;
    lagrs_auto_spec(&r, &spec, NULL);
    lagrs_arima_result fit;
    memset(&fit, 0, sizeof fit);
    fit.coef = (double *) ctx->coef[i];
    fit.state_a = (double *) ctx->state_a[i];
    fit.state_P = (double *) ctx->state_P[i];
    fit.sigma2 = ctx->sigma2[i];
    fit.n_coef = lagrs_arima_n_coef(&spec, 0);
    fit.state_dim = lagrs_arima_state_dim(&spec);
    fit.status = ctx->fit_status[i];
    ctx->status[i] = lagrs_arima_forecast_kernel(&spec, &fit, (R_xlen_t) ctx->n_fit[i],
                                                 ctx->h, NULL, 0, mean, se, NULL);
}


/* model: list(coef, state_a, state_P = lists of double vectors (NULL for
 * failed series), sigma2, n_fit = double, status = integer); orders: integer
 * n_series x 8 matrix (p, d, q, P, D, Q, period, constant). */
SEXP auto_arima_batch_forecast_call(SEXP model, SEXP orders, SEXP h, SEXP progress)
{
    batch_fc_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    SEXP coef = lagrs_list_elt(model, "coef"), sa = lagrs_list_elt(model, "state_a");
    SEXP sp = lagrs_list_elt(model, "state_P");
    R_xlen_t n_series = XLENGTH(coef);
    if (TYPEOF(orders) != INTSXP || XLENGTH(orders) != 8 * n_series)
        Rf_error("internal error: `orders` must be an integer matrix with 8 columns");
    ctx.orders = INTEGER(orders);
    ctx.n_series = n_series;
    ctx.h = Rf_asInteger(h);
    R_xlen_t n_alloc = n_series > 0 ? n_series : 1;
    ctx.coef = (const double **) R_alloc(n_alloc, sizeof(double *));
    ctx.state_a = (const double **) R_alloc(n_alloc, sizeof(double *));
    ctx.state_P = (const double **) R_alloc(n_alloc, sizeof(double *));
    for (R_xlen_t i = 0; i < n_series; i++) {
        SEXP c = VECTOR_ELT(coef, i);
        int usable = TYPEOF(c) == REALSXP && TYPEOF(VECTOR_ELT(sa, i)) == REALSXP &&
            TYPEOF(VECTOR_ELT(sp, i)) == REALSXP;
        ctx.coef[i] = usable ? REAL(c) : NULL;
        ctx.state_a[i] = usable ? REAL(VECTOR_ELT(sa, i)) : NULL;
        ctx.state_P[i] = usable ? REAL(VECTOR_ELT(sp, i)) : NULL;
    }
    ctx.sigma2 = REAL(lagrs_list_elt(model, "sigma2"));
    ctx.n_fit = REAL(lagrs_list_elt(model, "n_fit"));
    ctx.fit_status = INTEGER(lagrs_list_elt(model, "status"));
    SEXP ans = PROTECT(lagrs_batch_forecast_output(n_series, ctx.h, &ctx.mean, &ctx.se,
                                                   &ctx.status));
    double work = (double) n_series * ctx.h * 400.0;
    lagrs_run_batch(n_series, batch_forecast_one_auto, &ctx, work, Rf_asLogical(progress) == 1,
                    "forecasting");
    UNPROTECT(1);
    return ans;
}
