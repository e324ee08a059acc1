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
 * frozen (the family's filter, or its extend from the previous window's
 * state when the windows expand; a family without a filter refits each
 * window).
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
    /* the windows of one model (every model has the same): */
    R_xlen_t n_win;
    const int *series;            /* 1-based */
    const double *start, *cutoff; /* the training window [start, cutoff) */
    const R_xlen_t *block;        /* block b: windows block[b] .. block[b + 1] - 1 */
    R_xlen_t n_blocks;
    /* window w of the output is window w % n_win of model w / n_win */
    R_xlen_t n_windows;
    int h, n_levels;
    const double *levels;
    double *mean;              /* h per window */
    double **lower, **upper;   /* per level: h per window */
    int *status;
    char **messages;           /* per window: NULL (none) or malloc()ed text */
    const double *tsp_start, *tsp_frequency;  /* per series, or NULL: not ts */
} cv_ctx;

/* Window w's message: most windows have none, so only the others take
 * memory (a block that Ctrl-C cut short and runs again replaces its own). */
static void cv_message(cv_ctx *ctx, R_xlen_t w, const char *message)
{
    free(ctx->messages[w]);
    ctx->messages[w] = NULL;
    size_t len = strnlen(message, LAGRS_MSG_LEN - 1);
    if (len == 0)
        return;
    char *text = malloc(len + 1);
    if (text == NULL)
        return;  /* the status still says what happened */
    memcpy(text, message, len);
    text[len] = '\0';
    ctx->messages[w] = text;
}

static void cv_fail(cv_ctx *ctx, R_xlen_t w, int status, const char *message)
{
    for (int j = 0; j < ctx->h; j++)
        ctx->mean[w * ctx->h + j] = NAN;
    for (int k = 0; k < ctx->n_levels; k++)
        for (int j = 0; j < ctx->h; j++)
            ctx->lower[k][w * ctx->h + j] = ctx->upper[k][w * ctx->h + j] = NAN;
    ctx->status[w] = status > LAGRS_FIT_WARNING ? status : LAGRS_FIT_ERROR;
    cv_message(ctx, w, message);
}

/* The family's bounds (level after level) into the per-level outputs. */
static void cv_bounds(cv_ctx *ctx, R_xlen_t w, const double *bounds, double **out)
{
    for (int k = 0; k < ctx->n_levels; k++)
        memcpy(out[k] + w * ctx->h, bounds + (R_xlen_t) k * ctx->h,
               sizeof(double) * (size_t) ctx->h);
}

/* Window w's fit (frozen NULL), or with a frozen fit's parameters: its
 * extend (extend set: the frozen state was made from this window's first
 * values) or its filter, into *fit. */
static void cv_estimate(cv_ctx *ctx, R_xlen_t w, const lagrs_fit *frozen, int extend,
                        lagrs_fit *fit)
{
    lagrs_fit_init(fit, NULL);
    R_xlen_t m = w / ctx->n_win, v = w % ctx->n_win;
    const lagrs_family *family = ctx->family[m];
    const void *options = ctx->options[m];
    R_xlen_t start = (R_xlen_t) ctx->start[v], cutoff = (R_xlen_t) ctx->cutoff[v];
    int i = ctx->series[v] - 1;
    if (frozen == NULL)
        family->fit(options, ctx->y[i] + start, cutoff - start, ctx->frequency[i], fit);
    else if (extend)
        family->extend(options, frozen->state, frozen->state_len, ctx->y[i] + start,
                       cutoff - start, ctx->frequency[i], fit);
    else
        family->filter(options, frozen->state, frozen->state_len, ctx->y[i] + start,
                       cutoff - start, ctx->frequency[i], fit);
}

/* Window w's forecasts from its fit (or filter). */
static void cv_forecast(cv_ctx *ctx, R_xlen_t w, const lagrs_fit *fit)
{
    const lagrs_family *family = ctx->family[w / ctx->n_win];
    R_xlen_t width = (R_xlen_t) ctx->h * ctx->n_levels;
    double *bounds = fit->status <= LAGRS_FIT_WARNING && fit->state != NULL ?
        malloc(sizeof(double) * (size_t) (2 * width > 0 ? 2 * width : 1)) : NULL;
    if (bounds == NULL) {
        cv_fail(ctx, w, fit->status, fit->status > LAGRS_FIT_WARNING ? fit->message
                : "out of memory");
        return;
    }
    int status = family->forecast(ctx->options[w / ctx->n_win], fit->state, fit->state_len,
                                  ctx->h, ctx->levels, ctx->n_levels,
                                  ctx->mean + w * ctx->h, bounds, bounds + width, NULL);
    cv_bounds(ctx, w, bounds, ctx->lower);
    cv_bounds(ctx, w, bounds + width, ctx->upper);
    ctx->status[w] = status > fit->status ? status : fit->status;
    cv_message(ctx, w, fit->message);
    free(bounds);
}

/* One block: the fit at its first window, then each later window filtered
 * with that fit frozen (refitted when the family has no filter).  With
 * expanding windows a family's extend carries the last window's state on
 * over the new values instead (each window then costs its `step` new
 * values, not its whole length); the windows run in order, so the results
 * do not depend on the thread.  A failed fit fails the windows that depend
 * on it, with its status and message. */
static void cv_block(R_xlen_t task, void *vctx)
{
    cv_ctx *ctx = (cv_ctx *) vctx;
    R_xlen_t m = task / ctx->n_blocks, b = task % ctx->n_blocks;
    R_xlen_t first = m * ctx->n_win + ctx->block[b], end = m * ctx->n_win + ctx->block[b + 1];
    if (ctx->start[ctx->block[b]] < 0) {
        /* a window R found too short: its own block, its message R's */
        cv_fail(ctx, first, LAGRS_FIT_ERROR, "");
        return;
    }
    lagrs_fit frozen, last;
    cv_estimate(ctx, first, NULL, 0, &frozen);
    cv_forecast(ctx, first, &frozen);
    int usable = frozen.status <= LAGRS_FIT_WARNING && frozen.state != NULL;
    const lagrs_family *family = ctx->family[m];
    last = frozen;  /* the latest usable state; owns its state when not frozen's */
    for (R_xlen_t w = first + 1; w < end; w++) {
        if (!usable) {
            cv_fail(ctx, w, frozen.status, frozen.message);
            continue;
        }
        int expanding = ctx->start[w % ctx->n_win] == ctx->start[ctx->block[b]];
        lagrs_fit fit;
        if (family->filter == NULL)
            cv_estimate(ctx, w, NULL, 0, &fit);
        else if (family->extend != NULL && expanding)
            cv_estimate(ctx, w, &last, 1, &fit);
        else
            cv_estimate(ctx, w, &frozen, 0, &fit);
        cv_forecast(ctx, w, &fit);
        if (family->extend != NULL && expanding && family->filter != NULL &&
            fit.status <= LAGRS_FIT_WARNING && fit.state != NULL) {
            if (last.state != frozen.state)
                free(last.state);
            last = fit;
        } else {
            free(fit.state);
        }
    }
    if (last.state != frozen.state)
        free(last.state);
    free(frozen.state);
}

/* The outputs, in the rows of R's table (window after window, h steps
 * each): list(mean, actual, lower, upper, status, message), lower and upper
 * lists of one vector per level, status and message one per window, and
 * for ts series the cutoff and time columns (else NULL). */
static SEXP cv_output(cv_ctx *ctx)
{
    R_xlen_t rows = (R_xlen_t) ctx->h * ctx->n_windows;
    const char *names[] = {"mean", "actual", "lower", "upper", "status", "message",
                           "cutoff", "time", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    if (ctx->tsp_start != NULL) {
        SET_VECTOR_ELT(ans, 6, Rf_allocVector(REALSXP, rows));
        SET_VECTOR_ELT(ans, 7, Rf_allocVector(REALSXP, rows));
    }
    SET_VECTOR_ELT(ans, 0, Rf_allocVector(REALSXP, rows));
    SET_VECTOR_ELT(ans, 1, Rf_allocVector(REALSXP, rows));
    SET_VECTOR_ELT(ans, 2, Rf_allocVector(VECSXP, ctx->n_levels));
    SET_VECTOR_ELT(ans, 3, Rf_allocVector(VECSXP, ctx->n_levels));
    SET_VECTOR_ELT(ans, 4, Rf_allocVector(INTSXP, ctx->n_windows));
    SET_VECTOR_ELT(ans, 5, Rf_allocVector(STRSXP, ctx->n_windows));
    ctx->mean = REAL(VECTOR_ELT(ans, 0));
    ctx->lower = (double **) R_alloc(ctx->n_levels + 1, sizeof(double *));
    ctx->upper = (double **) R_alloc(ctx->n_levels + 1, sizeof(double *));
    for (int k = 0; k < ctx->n_levels; k++) {
        SET_VECTOR_ELT(VECTOR_ELT(ans, 2), k, Rf_allocVector(REALSXP, rows));
        SET_VECTOR_ELT(VECTOR_ELT(ans, 3), k, Rf_allocVector(REALSXP, rows));
        ctx->lower[k] = REAL(VECTOR_ELT(VECTOR_ELT(ans, 2), k));
        ctx->upper[k] = REAL(VECTOR_ELT(VECTOR_ELT(ans, 3), k));
    }
    ctx->status = INTEGER(VECTOR_ELT(ans, 4));
    UNPROTECT(1);
    return ans;
}

/* The table's cutoff and time columns when the series are ts (tsp_start,
 * tsp_frequency per series; else NULL): start + (cutoff - 1) / frequency
 * and start + (cutoff + step - 1) / frequency, R's arithmetic. */
static void cv_times(cv_ctx *ctx, SEXP ans)
{
    if (ctx->tsp_start == NULL)
        return;
    double *cutoff_time = REAL(VECTOR_ELT(ans, 6)), *time = REAL(VECTOR_ELT(ans, 7));
    for (R_xlen_t w = 0; w < ctx->n_windows; w++) {
        int i = ctx->series[w % ctx->n_win] - 1;
        double start = ctx->tsp_start[i], frequency = ctx->tsp_frequency[i];
        double cutoff = ctx->cutoff[w % ctx->n_win];
        for (int j = 0; j < ctx->h; j++) {
            cutoff_time[w * ctx->h + j] = start + (cutoff - 1) / frequency;
            time[w * ctx->h + j] = start + (cutoff + (j + 1) - 1) / frequency;
        }
    }
}

/* After the run, on the main thread: the actual values (NA past the end),
 * R's NA in every forecast of a failed window, the messages. */
static void cv_finish(cv_ctx *ctx, const R_xlen_t *lengths, SEXP ans)
{
    cv_times(ctx, ans);
    double *actual = REAL(VECTOR_ELT(ans, 1));
    SEXP messages = VECTOR_ELT(ans, 5);
    for (R_xlen_t w = 0; w < ctx->n_windows; w++) {
        R_xlen_t cutoff = (R_xlen_t) ctx->cutoff[w % ctx->n_win];
        int i = ctx->series[w % ctx->n_win] - 1;
        for (int j = 0; j < ctx->h; j++)
            actual[w * ctx->h + j] = cutoff + j < lengths[i] && cutoff + j >= 0
                ? ctx->y[i][cutoff + j] : NA_REAL;
        if (ctx->status[w] > LAGRS_FIT_WARNING) {
            for (int j = 0; j < ctx->h; j++) {
                ctx->mean[w * ctx->h + j] = NA_REAL;
                for (int k = 0; k < ctx->n_levels; k++)
                    ctx->lower[k][w * ctx->h + j] = ctx->upper[k][w * ctx->h + j] = NA_REAL;
            }
        }
        if (ctx->messages[w] != NULL)
            SET_STRING_ELT(messages, w, Rf_mkChar(ctx->messages[w]));
        else
            SET_STRING_ELT(messages, w, R_BlankString);
    }
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

/* The refit blocks of one model's windows: a new block at each series, at
 * every `every`-th window of a series that can run (start >= 0), and at
 * each window that cannot (a block of its own).  R_alloc'ed starts, and
 * their count in *n_blocks; the last entry is n. */
static R_xlen_t *cv_blocks(const int *series_of, const double *start, R_xlen_t n, int every,
                           R_xlen_t *n_blocks)
{
    R_xlen_t *block = (R_xlen_t *) R_alloc(n + 1, sizeof(R_xlen_t));
    R_xlen_t count = 0, rank = 0;
    for (R_xlen_t w = 0; w < n; w++) {
        int skip = start[w] < 0, new_series = w == 0 || series_of[w] != series_of[w - 1];
        if (new_series)
            rank = 0;
        if (new_series || skip || start[w - 1] < 0 || rank % every == 0)
            block[count++] = w;
        rank += !skip;
    }
    block[count] = n;
    *n_blocks = count;
    return block;
}

/* The windows of one model (checked: inside their series, grouped by
 * series), their blocks and the work of every model's fits. */
static double cv_windows(SEXP series, const R_xlen_t *lengths, R_xlen_t n_models,
                         SEXP win_series, SEXP win_start, SEXP win_cutoff, int every,
                         cv_ctx *ctx)
{
    R_xlen_t n = ctx->n_win = XLENGTH(win_series);
    if (TYPEOF(win_series) != INTSXP || TYPEOF(win_start) != REALSXP ||
        TYPEOF(win_cutoff) != REALSXP || XLENGTH(win_start) != n ||
        XLENGTH(win_cutoff) != n || every < 1)
        Rf_error("internal error: cv_batch_call's windows do not match");
    const int *series_of = INTEGER(win_series);
    const double *start = REAL(win_start), *cutoff = REAL(win_cutoff);
    double work = 0;
    for (R_xlen_t w = 0; w < n; w++) {
        int i = series_of[w] - 1;
        double s = start[w], c = cutoff[w];
        /* start < 0: a window that cannot run (R says why) */
        if (i < 0 || i >= XLENGTH(series) || isnan(c) ||
            (s >= 0 && !(c > s && c <= (double) lengths[i])) ||
            (w > 0 && series_of[w] < series_of[w - 1]))
            Rf_error("internal error: window %lld is outside its series", (long long) w + 1);
    }
    ctx->block = cv_blocks(series_of, start, n, every, &ctx->n_blocks);
    for (R_xlen_t b = 0; b < ctx->n_blocks; b++)
        for (R_xlen_t w = ctx->block[b]; w < ctx->block[b + 1] && start[w] >= 0; w++)
            for (R_xlen_t m = 0; m < n_models; m++) {
                /* a filter is a fraction of a fit; only the sum matters */
                double fit_work = ctx->family[m]->work(ctx->options[m],
                                                       (R_xlen_t) (cutoff[w] - start[w]));
                work += w == ctx->block[b] ? fit_work : 0.05 * fit_work;
            }
    ctx->series = series_of;
    ctx->start = start;
    ctx->cutoff = cutoff;
    ctx->n_windows = n * n_models;
    return work;
}

/* The windows' messages, owned by an external pointer so that they are
 * freed even when Ctrl-C or an error ends the call. */
typedef struct {
    R_xlen_t n;
    char **text;
} cv_message_store;

static void cv_messages_free(SEXP owner)
{
    cv_message_store *store = (cv_message_store *) R_ExternalPtrAddr(owner);
    if (store == NULL)
        return;
    for (R_xlen_t w = 0; w < store->n; w++)
        free(store->text[w]);
    free(store->text);
    free(store);
    R_ClearExternalPtr(owner);
}

static SEXP cv_messages_new(R_xlen_t n, char ***text)
{
    cv_message_store *store = calloc(1, sizeof *store);
    char **slots = calloc((size_t) (n > 0 ? n : 1), sizeof(char *));
    if (store == NULL || slots == NULL) {
        free(store);
        free(slots);
        Rf_error("out of memory");
    }
    store->n = n;
    store->text = slots;
    SEXP owner = PROTECT(R_MakeExternalPtr(store, R_NilValue, R_NilValue));
    R_RegisterCFinalizerEx(owner, cv_messages_free, TRUE);
    UNPROTECT(1);
    *text = slots;
    return owner;
}

/* series: list of double vectors; frequency: double per series; families,
 * options: per model, its family name and options; win_series (1-based),
 * win_start (0-based), win_cutoff: the windows of each model, checked by R
 * (0 <= start < cutoff <= length; start < 0: the window cannot run and is
 * marked failed), grouped by series in order of cutoff; refit_every: the
 * windows per refit block (integer(1)); h: integer(1); levels: percent;
 * tsp_start, tsp_frequency: per series when every series is a ts, else
 * empty; progress: logical(1). */
SEXP cv_batch_call(SEXP series, SEXP frequency, SEXP families, SEXP options,
                   SEXP win_series, SEXP win_start, SEXP win_cutoff,
                   SEXP refit_every, SEXP h, SEXP levels, SEXP tsp_start,
                   SEXP tsp_frequency, SEXP progress)
{
    cv_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    if (TYPEOF(tsp_start) != REALSXP || TYPEOF(tsp_frequency) != REALSXP ||
        XLENGTH(tsp_start) != XLENGTH(tsp_frequency) ||
        (XLENGTH(tsp_start) != 0 && XLENGTH(tsp_start) != XLENGTH(series)))
        Rf_error("internal error: cv_batch_call's ts attributes do not match");
    if (XLENGTH(tsp_start) > 0) {
        ctx.tsp_start = REAL(tsp_start);
        ctx.tsp_frequency = REAL(tsp_frequency);
    }
    cv_models(families, options, &ctx);
    const R_xlen_t *lengths;
    lagrs_batch_series(series, 0.0, &ctx.y, &lengths);
    if (TYPEOF(frequency) != REALSXP || XLENGTH(frequency) != XLENGTH(series) ||
        TYPEOF(levels) != REALSXP)
        Rf_error("internal error: cv_batch_call's arguments do not match");
    ctx.frequency = REAL(frequency);
    double work = cv_windows(series, lengths, XLENGTH(families), win_series, win_start,
                             win_cutoff, Rf_asInteger(refit_every), &ctx);
    ctx.h = Rf_asInteger(h);
    ctx.levels = REAL(levels);
    ctx.n_levels = (int) XLENGTH(levels);
    SEXP owner = PROTECT(cv_messages_new(ctx.n_windows, &ctx.messages));
    SEXP ans = PROTECT(cv_output(&ctx));
    lagrs_run_batch(ctx.n_blocks * XLENGTH(families), cv_block, &ctx, work,
                    Rf_asLogical(progress) == 1, "cross-validating");
    cv_finish(&ctx, lengths, ans);
    cv_messages_free(owner);
    UNPROTECT(2);
    return ans;
}
