#include "lagrs.h"
#include "batchR.h"
#include "model.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The forecasts of a batch's fits: forecast_table_call() gives the long
 * table that forecast() returns (one row per series and step), built in
 * one pass; forecast_batch_call() the matrices a single member's forecast
 * reads.  Both run one task per series on the batch runner (batch.c) over
 * the batch's states, which lie one after another in one double vector
 * (fit_batch_call() in batchR.c). */

typedef struct {
    const lagrs_family *family;
    const void *options;
    const double **state;
    const R_xlen_t *state_len;
    const int *fit_status;
    int h, n_levels;
    const double *levels;
    double *mean;              /* h per series */
    double **lower, **upper;   /* per level: h per series */
    int *status;
    double na;                 /* R's NA_real_, read on the main thread */
} forecast_ctx;

/* A series without a usable fit forecasts NA, as its statistics are. */
static void forecast_na(const forecast_ctx *ctx, R_xlen_t i, double value)
{
    R_xlen_t h = ctx->h;
    for (R_xlen_t j = 0; j < h; j++)
        ctx->mean[i * h + j] = value;
    for (int k = 0; k < ctx->n_levels; k++)
        for (R_xlen_t j = 0; j < h; j++)
            ctx->lower[k][i * h + j] = ctx->upper[k][i * h + j] = value;
}

static void forecast_one(R_xlen_t i, void *vctx)
{
    forecast_ctx *ctx = (forecast_ctx *) vctx;
    R_xlen_t h = ctx->h, width = h * ctx->n_levels;
    int usable = ctx->state_len[i] > 0 && (ctx->fit_status[i] == LAGRS_FIT_OK ||
                                           ctx->fit_status[i] == LAGRS_FIT_WARNING);
    if (!usable) {
        forecast_na(ctx, i, ctx->na);
        ctx->status[i] = ctx->fit_status[i] > LAGRS_FIT_WARNING ? ctx->fit_status[i]
                                                                : LAGRS_FIT_ERROR;
        return;
    }
    /* the usual few levels and steps fit on the stack: no malloc per series */
    double local[256];
    double *bounds = 2 * width <= 256 ? local
        : malloc(sizeof(double) * (size_t) (2 * width > 0 ? 2 * width : 1));
    if (bounds == NULL) {
        forecast_na(ctx, i, NAN);
        ctx->status[i] = LAGRS_FIT_ERROR;
        return;
    }
    ctx->status[i] = ctx->family->forecast(ctx->options, ctx->state[i], ctx->state_len[i],
                                           ctx->h, ctx->levels, ctx->n_levels,
                                           ctx->mean + i * h, bounds, bounds + width, NULL);
    /* the family writes level after level; each level is a column here */
    for (int k = 0; k < ctx->n_levels; k++) {
        memcpy(ctx->lower[k] + i * h, bounds + k * h, sizeof(double) * (size_t) h);
        memcpy(ctx->upper[k] + i * h, bounds + width + k * h, sizeof(double) * (size_t) h);
    }
    if (bounds != local)
        free(bounds);
}

/* Reads the model, the states (state: all series' states one after
 * another; state_length: integer per series) and the fits' statuses. */
static R_xlen_t forecast_setup(forecast_ctx *ctx, SEXP family_name, SEXP options, SEXP state,
                               SEXP state_length, SEXP status, SEXP h, SEXP levels)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->family = lagrs_model_family(family_name);
    ctx->options = lagrs_model_options(ctx->family, options);
    R_xlen_t n_series = XLENGTH(state_length);
    if (TYPEOF(state) != REALSXP || TYPEOF(state_length) != INTSXP ||
        TYPEOF(status) != INTSXP || XLENGTH(status) != n_series || TYPEOF(levels) != REALSXP)
        Rf_error("internal error: the forecast's arguments do not match");
    R_xlen_t n_alloc = n_series > 0 ? n_series : 1;
    ctx->state = (const double **) R_alloc(n_alloc, sizeof(double *));
    R_xlen_t *lengths = (R_xlen_t *) R_alloc(n_alloc, sizeof(R_xlen_t));
    R_xlen_t at = 0;
    for (R_xlen_t i = 0; i < n_series; i++) {
        int len = INTEGER(state_length)[i];
        if (len == NA_INTEGER || len < 0 || len > XLENGTH(state) - at)
            Rf_error("internal error: the states do not match their lengths");
        ctx->state[i] = REAL(state) + at;
        lengths[i] = len;
        at += len;
    }
    ctx->state_len = lengths;
    ctx->fit_status = INTEGER(status);
    ctx->na = NA_REAL;
    ctx->h = Rf_asInteger(h);
    ctx->levels = REAL(levels);
    ctx->n_levels = (int) XLENGTH(levels);
    ctx->lower = (double **) R_alloc(ctx->n_levels + 1, sizeof(double *));
    ctx->upper = (double **) R_alloc(ctx->n_levels + 1, sizeof(double *));
    if ((R_xlen_t) ctx->h * n_series > INT_MAX)
        Rf_error("%lld series x %d steps is more forecasts than one batch holds",
                 (long long) n_series, ctx->h);
    return n_series;
}

static void forecast_run(forecast_ctx *ctx, R_xlen_t n_series, SEXP progress)
{
    ctx->status = (int *) R_alloc(n_series > 0 ? n_series : 1, sizeof(int));
    double work = (double) n_series * ctx->h * 1000.0;
    lagrs_run_batch(n_series, forecast_one, ctx, work, Rf_asLogical(progress) == 1,
                    "forecasting");
}

/* state, state_length: the fits' states; status: the fits' statuses; h:
 * integer(1); levels: percent.  Returns list(mean = h x n_series, lower,
 * upper = (h * n_series) x n_levels, status). */
SEXP forecast_batch_call(SEXP family_name, SEXP options, SEXP state, SEXP state_length,
                         SEXP status, SEXP h, SEXP levels, SEXP progress)
{
    forecast_ctx ctx;
    R_xlen_t n_series = forecast_setup(&ctx, family_name, options, state, state_length,
                                       status, h, levels);
    int rows = (int) ((R_xlen_t) ctx.h * n_series);
    const char *names[] = {"mean", "lower", "upper", "status", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    SET_VECTOR_ELT(ans, 0, Rf_allocMatrix(REALSXP, ctx.h, (int) n_series));
    SET_VECTOR_ELT(ans, 1, Rf_allocMatrix(REALSXP, rows, ctx.n_levels));
    SET_VECTOR_ELT(ans, 2, Rf_allocMatrix(REALSXP, rows, ctx.n_levels));
    SET_VECTOR_ELT(ans, 3, Rf_allocVector(INTSXP, n_series));
    ctx.mean = REAL(VECTOR_ELT(ans, 0));
    for (int k = 0; k < ctx.n_levels; k++) {
        ctx.lower[k] = REAL(VECTOR_ELT(ans, 1)) + (R_xlen_t) k * rows;
        ctx.upper[k] = REAL(VECTOR_ELT(ans, 2)) + (R_xlen_t) k * rows;
    }
    forecast_run(&ctx, n_series, progress);
    memcpy(INTEGER(VECTOR_ELT(ans, 3)), ctx.status, sizeof(int) * (size_t) n_series);
    UNPROTECT(1);
    return ans;
}

/* The table's time column, when every series has ts attributes (tsp: a
 * triple per series): the end of the series plus the step
 * over the frequency, as R computes it. */
static void put_time(SEXP tsp, R_xlen_t n_series, int h, double *time)
{
    for (R_xlen_t i = 0; i < n_series; i++) {
        SEXP t = VECTOR_ELT(tsp, i);
        if (TYPEOF(t) != REALSXP || XLENGTH(t) != 3)
            Rf_error("internal error: a series' tsp is not a triple");
    }
    for (R_xlen_t i = 0; i < n_series; i++) {
        const double *t = REAL(VECTOR_ELT(tsp, i));
        for (int j = 0; j < h; j++)
            time[i * h + j] = t[1] + (double) (j + 1) / t[2];
    }
}

static int all_tsp(SEXP tsp, R_xlen_t n_series)
{
    if (n_series == 0 || TYPEOF(tsp) != VECSXP || XLENGTH(tsp) != n_series)
        return 0;
    for (R_xlen_t i = 0; i < n_series; i++)
        if (VECTOR_ELT(tsp, i) == R_NilValue)
            return 0;
    return 1;
}

/* As forecast_batch_call(), plus ids (character per series), tsp (list per
 * series: a triple or NULL) and names (the columns' names: id, step, time
 * when every series has a tsp, mean, then lo and hi of each level).
 * Returns the data frame (class lagrs_batch_forecast) with the attributes
 * level and h. */
SEXP forecast_table_call(SEXP family_name, SEXP options, SEXP state, SEXP state_length,
                         SEXP status, SEXP h, SEXP levels, SEXP ids, SEXP tsp, SEXP names,
                         SEXP progress)
{
    forecast_ctx ctx;
    R_xlen_t n_series = forecast_setup(&ctx, family_name, options, state, state_length,
                                       status, h, levels);
    int timed = all_tsp(tsp, n_series);
    int n_cols = 3 + timed + 2 * ctx.n_levels;
    if (TYPEOF(ids) != STRSXP || XLENGTH(ids) != n_series || TYPEOF(names) != STRSXP ||
        XLENGTH(names) != n_cols)
        Rf_error("internal error: the forecast table's ids or names do not match");
    R_xlen_t rows = (R_xlen_t) ctx.h * n_series;
    SEXP out = PROTECT(Rf_allocVector(VECSXP, n_cols));
    SEXP id = Rf_allocVector(STRSXP, rows);
    SET_VECTOR_ELT(out, 0, id);
    SEXP step = Rf_allocVector(INTSXP, rows);
    SET_VECTOR_ELT(out, 1, step);
    for (R_xlen_t i = 0; i < n_series; i++)
        for (int j = 0; j < ctx.h; j++) {
            SET_STRING_ELT(id, i * ctx.h + j, STRING_ELT(ids, i));
            INTEGER(step)[i * ctx.h + j] = j + 1;
        }
    if (timed) {
        SEXP time = Rf_allocVector(REALSXP, rows);
        SET_VECTOR_ELT(out, 2, time);
        put_time(tsp, n_series, ctx.h, REAL(time));
    }
    SEXP mean = Rf_allocVector(REALSXP, rows);
    SET_VECTOR_ELT(out, 2 + timed, mean);
    ctx.mean = REAL(mean);
    for (int k = 0; k < ctx.n_levels; k++) {
        SEXP lo = Rf_allocVector(REALSXP, rows), hi;
        SET_VECTOR_ELT(out, 3 + timed + 2 * k, lo);
        hi = Rf_allocVector(REALSXP, rows);
        SET_VECTOR_ELT(out, 4 + timed + 2 * k, hi);
        ctx.lower[k] = REAL(lo);
        ctx.upper[k] = REAL(hi);
    }
    forecast_run(&ctx, n_series, progress);
    Rf_setAttrib(out, R_NamesSymbol, names);
    /* R's compact form of the row names 1..rows */
    SEXP row_names = Rf_allocVector(INTSXP, rows > 0 ? 2 : 0);
    if (rows > 0) {
        INTEGER(row_names)[0] = NA_INTEGER;
        INTEGER(row_names)[1] = (int) -rows;
    }
    Rf_setAttrib(out, R_RowNamesSymbol, row_names);
    Rf_setAttrib(out, Rf_install("level"), levels);
    Rf_setAttrib(out, Rf_install("h"), h);
    SEXP class = PROTECT(Rf_allocVector(STRSXP, 2));
    SET_STRING_ELT(class, 0, Rf_mkChar("lagrs_batch_forecast"));
    SET_STRING_ELT(class, 1, Rf_mkChar("data.frame"));
    Rf_classgets(out, class);
    UNPROTECT(2);
    return out;
}
