#include "lagrs.h"
#include "batchR.h"
#include "model.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Rolling-origin cross-validation of any model families: windows of every
 * (model, series) pair, laid out by R, grouped into refit blocks.  A block
 * is a run of consecutive windows of one model and one series: its first
 * window is fitted, the others are filtered with that fit's parameters
 * frozen (the family's filter; a family without one refits each window).
 * refit = TRUE makes every window a block, refit = FALSE one block per
 * (model, series), an integer k blocks of k windows.  The unit of work
 * scheduled by the batch runner is one block, so the filters of a block run
 * in order after its fit, and two series with fifty candidate models keep
 * the threads as busy as ten thousand series with one.  A window is a
 * length over the series' own memory (no fold is copied): the fit reads
 * y[start .. cutoff - 1] and the forecast is compared with
 * y[cutoff .. cutoff + h - 1] in R.  A block's results depend only on its
 * inputs, so they do not depend on the thread count; a block that Ctrl-C cut
 * short is run again whole. */

typedef struct {
    const lagrs_family **family;  /* per model */
    void **options;               /* per model */
    const double **y;
    const double *frequency;
    const int *model, *series;    /* per window (0-based) */
    const double *start, *cutoff; /* per window: the training window [start, cutoff) */
    const R_xlen_t *block;        /* block b: windows block[b] .. block[b + 1] - 1 */
    int h, n_levels;
    const double *levels;
    R_xlen_t n_windows;
    double *mean, *lower, *upper;  /* h x windows; (h * windows) x levels */
    int *status;
    char *messages;            /* LAGRS_MSG_LEN per window */
} cv_ctx;

static void cv_fail(cv_ctx *ctx, R_xlen_t w, int status, const char *message)
{
    for (int j = 0; j < ctx->h; j++)
        ctx->mean[w * ctx->h + j] = NAN;
    for (int k = 0; k < ctx->n_levels; k++)
        for (int j = 0; j < ctx->h; j++)
            ctx->lower[((R_xlen_t) k * ctx->n_windows + w) * ctx->h + j] =
                ctx->upper[((R_xlen_t) k * ctx->n_windows + w) * ctx->h + j] = NAN;
    ctx->status[w] = status > LAGRS_FIT_WARNING ? status : LAGRS_FIT_ERROR;
    snprintf(ctx->messages + w * LAGRS_MSG_LEN, LAGRS_MSG_LEN, "%s", message);
}

/* The family's bounds (level after level) into the level-major output. */
static void cv_bounds(cv_ctx *ctx, R_xlen_t w, const double *bounds, double *out)
{
    for (int k = 0; k < ctx->n_levels; k++)
        memcpy(out + ((R_xlen_t) k * ctx->n_windows + w) * ctx->h,
               bounds + (R_xlen_t) k * ctx->h, sizeof(double) * (size_t) ctx->h);
}

static void cv_fit_init(lagrs_fit *fit)
{
    memset(fit, 0, sizeof *fit);
    for (int k = 0; k < LAGRS_MAX_CODES; k++)
        fit->codes[k] = LAGRS_NA_CODE;
    for (int k = 0; k < LAGRS_MAX_INFO; k++)
        fit->info[k] = NAN;
}

/* Window w's fit (frozen NULL) or filter with a frozen fit, into *fit. */
static void cv_estimate(cv_ctx *ctx, R_xlen_t w, const lagrs_fit *frozen, lagrs_fit *fit)
{
    cv_fit_init(fit);
    const lagrs_family *family = ctx->family[ctx->model[w]];
    const void *options = ctx->options[ctx->model[w]];
    R_xlen_t start = (R_xlen_t) ctx->start[w], cutoff = (R_xlen_t) ctx->cutoff[w];
    int i = ctx->series[w];
    if (frozen == NULL)
        family->fit(options, ctx->y[i] + start, cutoff - start, ctx->frequency[i], fit);
    else
        family->filter(options, frozen->state, frozen->state_len, ctx->y[i] + start,
                       cutoff - start, ctx->frequency[i], fit);
}

/* Window w's forecasts from its fit (or filter). */
static void cv_forecast(cv_ctx *ctx, R_xlen_t w, const lagrs_fit *fit)
{
    const lagrs_family *family = ctx->family[ctx->model[w]];
    R_xlen_t width = (R_xlen_t) ctx->h * ctx->n_levels;
    double *bounds = fit->status <= LAGRS_FIT_WARNING && fit->state != NULL ?
        malloc(sizeof(double) * (size_t) (2 * width > 0 ? 2 * width : 1)) : NULL;
    if (bounds == NULL) {
        cv_fail(ctx, w, fit->status, fit->status > LAGRS_FIT_WARNING ? fit->message
                : "out of memory");
        return;
    }
    int status = family->forecast(ctx->options[ctx->model[w]], fit->state, fit->state_len,
                                  ctx->h, ctx->levels, ctx->n_levels,
                                  ctx->mean + w * ctx->h, bounds, bounds + width, NULL);
    cv_bounds(ctx, w, bounds, ctx->lower);
    cv_bounds(ctx, w, bounds + width, ctx->upper);
    ctx->status[w] = status > fit->status ? status : fit->status;
    char *to = ctx->messages + w * LAGRS_MSG_LEN;
    memcpy(to, fit->message, LAGRS_MSG_LEN);
    to[LAGRS_MSG_LEN - 1] = '\0';
    free(bounds);
}

/* One block: the fit at its first window, then each later window filtered
 * with that fit frozen (refitted when the family has no filter).  A failed
 * fit fails the windows that depend on it, with its status and message. */
static void cv_block(R_xlen_t b, void *vctx)
{
    cv_ctx *ctx = (cv_ctx *) vctx;
    R_xlen_t first = ctx->block[b], end = ctx->block[b + 1];
    lagrs_fit frozen;
    cv_estimate(ctx, first, NULL, &frozen);
    cv_forecast(ctx, first, &frozen);
    int usable = frozen.status <= LAGRS_FIT_WARNING && frozen.state != NULL;
    int can_filter = ctx->family[ctx->model[first]]->filter != NULL;
    for (R_xlen_t w = first + 1; w < end; w++) {
        if (!usable) {
            cv_fail(ctx, w, frozen.status, frozen.message);
            continue;
        }
        lagrs_fit fit;
        cv_estimate(ctx, w, can_filter ? &frozen : NULL, &fit);
        cv_forecast(ctx, w, &fit);
        free(fit.state);
    }
    free(frozen.state);
}

/* The windows' outputs: list(mean, lower, upper, status, message). */
static SEXP cv_output(cv_ctx *ctx)
{
    R_xlen_t rows = (R_xlen_t) ctx->h * ctx->n_windows;
    if (rows > INT_MAX)
        Rf_error("%lld windows x %d steps is more forecasts than one run holds",
                 (long long) ctx->n_windows, ctx->h);
    const char *names[] = {"mean", "lower", "upper", "status", "message", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    SET_VECTOR_ELT(ans, 0, Rf_allocMatrix(REALSXP, ctx->h, (int) ctx->n_windows));
    SET_VECTOR_ELT(ans, 1, Rf_allocMatrix(REALSXP, (int) rows, ctx->n_levels));
    SET_VECTOR_ELT(ans, 2, Rf_allocMatrix(REALSXP, (int) rows, ctx->n_levels));
    SET_VECTOR_ELT(ans, 3, Rf_allocVector(INTSXP, ctx->n_windows));
    SET_VECTOR_ELT(ans, 4, Rf_allocVector(STRSXP, ctx->n_windows));
    ctx->mean = REAL(VECTOR_ELT(ans, 0));
    ctx->lower = REAL(VECTOR_ELT(ans, 1));
    ctx->upper = REAL(VECTOR_ELT(ans, 2));
    ctx->status = INTEGER(VECTOR_ELT(ans, 3));
    UNPROTECT(1);
    return ans;
}

/* The models: a family and parsed options per model. */
static void cv_models(SEXP families, SEXP options, cv_ctx *ctx)
{
    R_xlen_t n_models = XLENGTH(families);
    if (TYPEOF(families) != STRSXP || TYPEOF(options) != VECSXP ||
        XLENGTH(options) != n_models || n_models == 0)
        Rf_error("internal error: cv_batch_call's models do not match");
    ctx->family = (const lagrs_family **) R_alloc(n_models, sizeof(lagrs_family *));
    ctx->options = (void **) R_alloc(n_models, sizeof(void *));
    for (R_xlen_t m = 0; m < n_models; m++) {
        SEXP name = PROTECT(Rf_ScalarString(STRING_ELT(families, m)));
        ctx->family[m] = lagrs_model_family(name);
        UNPROTECT(1);
        ctx->options[m] = lagrs_model_options(ctx->family[m], VECTOR_ELT(options, m));
    }
}

/* The windows (checked: inside their series, blocks of one model and one
 * series in order) and the work of the blocks' fits. */
static double cv_windows(SEXP series, const R_xlen_t *lengths, R_xlen_t n_models,
                         SEXP win_model, SEXP win_series, SEXP win_start, SEXP win_cutoff,
                         SEXP block_first, cv_ctx *ctx)
{
    R_xlen_t n = ctx->n_windows = XLENGTH(win_series), n_blocks = XLENGTH(block_first);
    if (TYPEOF(win_model) != INTSXP || TYPEOF(win_series) != INTSXP ||
        TYPEOF(win_start) != REALSXP || TYPEOF(win_cutoff) != REALSXP ||
        TYPEOF(block_first) != INTSXP || XLENGTH(win_model) != n ||
        XLENGTH(win_start) != n || XLENGTH(win_cutoff) != n || (n > 0) != (n_blocks > 0))
        Rf_error("internal error: cv_batch_call's windows do not match");
    int *model = (int *) R_alloc(n > 0 ? n : 1, sizeof(int));
    int *series_index = (int *) R_alloc(n > 0 ? n : 1, sizeof(int));
    R_xlen_t *block = (R_xlen_t *) R_alloc(n_blocks + 1, sizeof(R_xlen_t));
    for (R_xlen_t b = 0; b < n_blocks; b++)
        block[b] = INTEGER(block_first)[b];
    block[n_blocks] = n;
    double work = 0;
    for (R_xlen_t b = 0, w = 0; b < n_blocks; b++) {
        if (block[b] != w || block[b + 1] <= block[b])
            Rf_error("internal error: cv_batch_call's blocks do not match");
        for (; w < block[b + 1]; w++) {
            model[w] = INTEGER(win_model)[w] - 1;
            series_index[w] = INTEGER(win_series)[w] - 1;
            double s = REAL(win_start)[w], c = REAL(win_cutoff)[w];
            if (model[w] < 0 || model[w] >= n_models || series_index[w] < 0 ||
                series_index[w] >= XLENGTH(series) || !(s >= 0) || !(c > s) ||
                c > (double) lengths[series_index[w]] || model[w] != model[block[b]] ||
                series_index[w] != series_index[block[b]])
                Rf_error("internal error: window %lld is outside its series or block",
                         (long long) w + 1);
            /* a filter is a fraction of a fit; only the sum matters */
            double fit_work = ctx->family[model[w]]->work(ctx->options[model[w]],
                                                          (R_xlen_t) (c - s));
            work += w == block[b] ? fit_work : 0.05 * fit_work;
        }
    }
    ctx->model = model;
    ctx->series = series_index;
    ctx->block = block;
    ctx->start = REAL(win_start);
    ctx->cutoff = REAL(win_cutoff);
    return work;
}

/* series: list of double vectors; frequency: double per series; families,
 * options: per model, its family name and options; win_model, win_series
 * (1-based), win_start (0-based), win_cutoff: the windows, checked by R
 * (0 <= start < cutoff <= length), each block's in order; block_first: the
 * first window (0-based) of each block; h: integer(1); levels: percent;
 * progress: logical(1). */
SEXP cv_batch_call(SEXP series, SEXP frequency, SEXP families, SEXP options,
                   SEXP win_model, SEXP win_series, SEXP win_start, SEXP win_cutoff,
                   SEXP block_first, SEXP h, SEXP levels, SEXP progress)
{
    cv_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    cv_models(families, options, &ctx);
    const R_xlen_t *lengths;
    lagrs_batch_series(series, 0.0, &ctx.y, &lengths);
    if (TYPEOF(frequency) != REALSXP || XLENGTH(frequency) != XLENGTH(series) ||
        TYPEOF(levels) != REALSXP)
        Rf_error("internal error: cv_batch_call's arguments do not match");
    ctx.frequency = REAL(frequency);
    double work = cv_windows(series, lengths, XLENGTH(families), win_model, win_series,
                             win_start, win_cutoff, block_first, &ctx);
    ctx.h = Rf_asInteger(h);
    ctx.levels = REAL(levels);
    ctx.n_levels = (int) XLENGTH(levels);
    ctx.messages = R_alloc(ctx.n_windows > 0 ? ctx.n_windows : 1, LAGRS_MSG_LEN);
    SEXP ans = PROTECT(cv_output(&ctx));
    lagrs_run_batch(XLENGTH(block_first), cv_block, &ctx, work,
                    Rf_asLogical(progress) == 1, "cross-validating");
    SEXP messages = VECTOR_ELT(ans, 4);
    for (R_xlen_t w = 0; w < ctx.n_windows; w++)
        SET_STRING_ELT(messages, w, Rf_mkChar(ctx.messages + w * LAGRS_MSG_LEN));
    UNPROTECT(1);
    return ans;
}
