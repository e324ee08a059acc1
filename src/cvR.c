#include "lagrs.h"
#include "batchR.h"
#include "model.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rolling-origin cross-validation of any model family: one unit of work per
 * (series, window), scheduled by the batch runner, so two series with fifty
 * windows keep the threads as busy as ten thousand series with one.  A
 * window is a length over the series' own memory (no fold is copied): the
 * fit reads y[start .. cutoff - 1] and the forecast is compared with
 * y[cutoff .. cutoff + h - 1] in R.  Every window is fitted on its own
 * (refit at every origin), so results do not depend on the thread count. */

typedef struct {
    const lagrs_family *family;
    const void *options;
    const double **y;
    const double *frequency;
    const int *series;         /* per task: the series */
    const double *start, *cutoff; /* per task: the training window [start, cutoff) */
    int h, n_levels;
    const double *levels;
    R_xlen_t n_tasks;
    double *mean, *lower, *upper;  /* h x tasks; (h * tasks) x levels */
    int *status;
    char *messages;            /* LAGRS_MSG_LEN per task */
} cv_ctx;

static void cv_fail(cv_ctx *ctx, R_xlen_t task, int status)
{
    for (int j = 0; j < ctx->h; j++)
        ctx->mean[task * ctx->h + j] = NAN;
    for (int k = 0; k < ctx->n_levels; k++)
        for (int j = 0; j < ctx->h; j++)
            ctx->lower[((R_xlen_t) k * ctx->n_tasks + task) * ctx->h + j] =
                ctx->upper[((R_xlen_t) k * ctx->n_tasks + task) * ctx->h + j] = NAN;
    ctx->status[task] = status;
}

/* The family's bounds (level after level) into the level-major output. */
static void cv_bounds(cv_ctx *ctx, R_xlen_t task, const double *bounds, double *out)
{
    for (int k = 0; k < ctx->n_levels; k++)
        memcpy(out + ((R_xlen_t) k * ctx->n_tasks + task) * ctx->h,
               bounds + (R_xlen_t) k * ctx->h, sizeof(double) * (size_t) ctx->h);
}

static void cv_one(R_xlen_t task, void *vctx)
{
    cv_ctx *ctx = (cv_ctx *) vctx;
    char *message = ctx->messages + task * LAGRS_MSG_LEN;
    lagrs_fit fit;
    memset(&fit, 0, sizeof fit);
    for (int k = 0; k < LAGRS_MAX_CODES; k++)
        fit.codes[k] = LAGRS_NA_CODE;
    for (int k = 0; k < LAGRS_MAX_INFO; k++)
        fit.info[k] = NAN;
    R_xlen_t start = (R_xlen_t) ctx->start[task], cutoff = (R_xlen_t) ctx->cutoff[task];
    int i = ctx->series[task];
    ctx->family->fit(ctx->options, ctx->y[i] + start, cutoff - start, ctx->frequency[i], &fit);
    memcpy(message, fit.message, LAGRS_MSG_LEN);
    message[LAGRS_MSG_LEN - 1] = '\0';
    R_xlen_t width = (R_xlen_t) ctx->h * ctx->n_levels;
    double *bounds = fit.status <= LAGRS_FIT_WARNING && fit.state != NULL ?
        malloc(sizeof(double) * (size_t) (2 * width > 0 ? 2 * width : 1)) : NULL;
    if (bounds == NULL) {
        cv_fail(ctx, task, fit.status > LAGRS_FIT_WARNING ? fit.status : LAGRS_FIT_ERROR);
        free(fit.state);
        return;
    }
    int status = ctx->family->forecast(ctx->options, fit.state, fit.state_len, ctx->h,
                                       ctx->levels, ctx->n_levels,
                                       ctx->mean + task * ctx->h, bounds, bounds + width,
                                       NULL);
    cv_bounds(ctx, task, bounds, ctx->lower);
    cv_bounds(ctx, task, bounds + width, ctx->upper);
    ctx->status[task] = status > fit.status ? status : fit.status;
    free(bounds);
    free(fit.state);
}

/* The tasks' outputs: list(mean, lower, upper, status, message). */
static SEXP cv_output(cv_ctx *ctx)
{
    R_xlen_t rows = (R_xlen_t) ctx->h * ctx->n_tasks;
    if (rows > INT_MAX)
        Rf_error("%lld windows x %d steps is more forecasts than one run holds",
                 (long long) ctx->n_tasks, ctx->h);
    const char *names[] = {"mean", "lower", "upper", "status", "message", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    SET_VECTOR_ELT(ans, 0, Rf_allocMatrix(REALSXP, ctx->h, (int) ctx->n_tasks));
    SET_VECTOR_ELT(ans, 1, Rf_allocMatrix(REALSXP, (int) rows, ctx->n_levels));
    SET_VECTOR_ELT(ans, 2, Rf_allocMatrix(REALSXP, (int) rows, ctx->n_levels));
    SET_VECTOR_ELT(ans, 3, Rf_allocVector(INTSXP, ctx->n_tasks));
    SET_VECTOR_ELT(ans, 4, Rf_allocVector(STRSXP, ctx->n_tasks));
    ctx->mean = REAL(VECTOR_ELT(ans, 0));
    ctx->lower = REAL(VECTOR_ELT(ans, 1));
    ctx->upper = REAL(VECTOR_ELT(ans, 2));
    ctx->status = INTEGER(VECTOR_ELT(ans, 3));
    UNPROTECT(1);
    return ans;
}

/* series: list of double vectors; frequency: double per series; family,
 * options: the model's; task_series (1-based), task_start (0-based),
 * task_cutoff: the windows, one per task, checked by R (0 <= start < cutoff
 * <= length); h: integer(1); levels: percent; progress: logical(1). */
SEXP cv_batch_call(SEXP series, SEXP frequency, SEXP family_name, SEXP options,
                   SEXP task_series, SEXP task_start, SEXP task_cutoff, SEXP h, SEXP levels,
                   SEXP progress)
{
    cv_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.family = lagrs_model_family(family_name);
    ctx.options = lagrs_model_options(ctx.family, options);
    const R_xlen_t *lengths;
    lagrs_batch_series(series, 0.0, &ctx.y, &lengths);
    ctx.n_tasks = XLENGTH(task_series);
    if (TYPEOF(frequency) != REALSXP || XLENGTH(frequency) != XLENGTH(series) ||
        TYPEOF(task_series) != INTSXP || TYPEOF(task_start) != REALSXP ||
        TYPEOF(task_cutoff) != REALSXP || XLENGTH(task_start) != ctx.n_tasks ||
        XLENGTH(task_cutoff) != ctx.n_tasks || TYPEOF(levels) != REALSXP)
        Rf_error("internal error: cv_batch_call's arguments do not match");
    ctx.frequency = REAL(frequency);
    int *series_index = (int *) R_alloc(ctx.n_tasks > 0 ? ctx.n_tasks : 1, sizeof(int));
    double work = 0;
    for (R_xlen_t t = 0; t < ctx.n_tasks; t++) {
        series_index[t] = INTEGER(task_series)[t] - 1;
        double s = REAL(task_start)[t], c = REAL(task_cutoff)[t];
        if (series_index[t] < 0 || series_index[t] >= XLENGTH(series) || !(s >= 0) ||
            !(c > s) || c > (double) lengths[series_index[t]])
            Rf_error("internal error: window %lld is outside its series", (long long) t + 1);
        work += ctx.family->work(ctx.options, (R_xlen_t) (c - s));
    }
    ctx.series = series_index;
    ctx.start = REAL(task_start);
    ctx.cutoff = REAL(task_cutoff);
    ctx.h = Rf_asInteger(h);
    ctx.levels = REAL(levels);
    ctx.n_levels = (int) XLENGTH(levels);
    ctx.messages = R_alloc(ctx.n_tasks > 0 ? ctx.n_tasks : 1, LAGRS_MSG_LEN);
    SEXP ans = PROTECT(cv_output(&ctx));
    lagrs_run_batch(ctx.n_tasks, cv_one, &ctx, work, Rf_asLogical(progress) == 1,
                    "cross-validating");
    SEXP messages = VECTOR_ELT(ans, 4);
    for (R_xlen_t t = 0; t < ctx.n_tasks; t++)
        SET_STRING_ELT(messages, t, Rf_mkChar(ctx.messages + t * LAGRS_MSG_LEN));
    UNPROTECT(1);
    return ans;
}
