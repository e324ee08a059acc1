#include "lagrs.h"
#include "batchR.h"
#include "model.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The entry points of every model family's batch: fit_batch_call() fits a
 * lagrs_model to every series, forecast_batch_call() forecasts the fits.
 * Both run one family-agnostic task per series on the batch runner
 * (batch.c), so a family added to model.c gets batches, forecasts, progress,
 * Ctrl-C and failure isolation without code of its own here. */

const lagrs_family *lagrs_model_family(SEXP name)
{
    if (TYPEOF(name) != STRSXP || XLENGTH(name) != 1)
        Rf_error("internal error: the model family must be a string");
    const lagrs_family *family = lagrs_family_find(CHAR(STRING_ELT(name, 0)));
    if (family == NULL)
        Rf_error("internal error: no model family \"%s\"", CHAR(STRING_ELT(name, 0)));
    return family;
}

/* A lagrs_model's options (a named double vector, NA for "not given") in
 * the family's order, parsed and checked by the family; R_alloc'ed. */
void *lagrs_model_options(const lagrs_family *family, SEXP options)
{
    SEXP names = Rf_getAttrib(options, R_NamesSymbol);
    if (TYPEOF(options) != REALSXP || TYPEOF(names) != STRSXP)
        Rf_error("internal error: model options must be a named double vector");
    double *values = (double *) R_alloc(family->n_options + 1, sizeof(double));
    for (int k = 0; k < family->n_options; k++) {
        R_xlen_t j = 0;
        while (j < XLENGTH(names) && strcmp(CHAR(STRING_ELT(names, j)), family->option_names[k]))
            j++;
        if (j == XLENGTH(names))
            Rf_error("internal error: the %s model has no option `%s`", family->name,
                     family->option_names[k]);
        values[k] = REAL(options)[j];
    }
    void *parsed = R_alloc(1, family->options_size);
    char message[LAGRS_MSG_LEN] = "";
    if (family->parse(values, parsed, message) != LAGRS_FIT_OK)
        Rf_error("Invalid options for the %s model: %s.", family->name, message);
    return parsed;
}

/* ---- the fits, owned until they are copied into R ----------------------- */

/* The fits and their malloc()ed states live in an external pointer, so that
 * an error or Ctrl-C between the runner and the copy into R frees them. */
typedef struct {
    lagrs_fit *fits;
    R_xlen_t n_series;
} fit_table;

static void free_table(SEXP ptr)
{
    fit_table *table = (fit_table *) R_ExternalPtrAddr(ptr);
    if (table == NULL)
        return;
    for (R_xlen_t i = 0; i < table->n_series; i++)
        free(table->fits[i].state);
    free(table->fits);
    free(table);
    R_ClearExternalPtr(ptr);
}

static SEXP new_table(R_xlen_t n_series, fit_table **table)
{
    *table = (fit_table *) calloc(1, sizeof(fit_table));
    lagrs_fit *fits = *table == NULL ? NULL :
        (lagrs_fit *) calloc((size_t) (n_series > 0 ? n_series : 1), sizeof(lagrs_fit));
    if (fits == NULL) {
        free(*table);
        Rf_error("out of memory for the fits of %lld series", (long long) n_series);
    }
    (*table)->fits = fits;
    (*table)->n_series = n_series;
    SEXP ptr = PROTECT(R_MakeExternalPtr(*table, R_NilValue, R_NilValue));
    R_RegisterCFinalizerEx(ptr, free_table, TRUE);
    UNPROTECT(1);
    return ptr;
}

typedef struct {
    const lagrs_family *family;
    const void *options;
    const double **y;
    const R_xlen_t *n;
    const double *frequency;
    double **residuals;        /* NULL, or a slot array per series */
    lagrs_fit *fits;
} fit_ctx;

static void fit_one(R_xlen_t i, void *vctx)
{
    fit_ctx *ctx = (fit_ctx *) vctx;
    lagrs_fit *out = &ctx->fits[i];
    free(out->state);   /* a series that Ctrl-C cut short runs again */
    memset(out, 0, sizeof *out);
    for (int k = 0; k < LAGRS_MAX_CODES; k++)
        out->codes[k] = LAGRS_NA_CODE;
    for (int k = 0; k < LAGRS_MAX_INFO; k++)
        out->info[k] = NAN;
    out->convergence = LAGRS_NA_CODE;
    out->residuals = ctx->residuals != NULL ? ctx->residuals[i] : NULL;
    ctx->family->fit(ctx->options, ctx->y[i], ctx->n[i], ctx->frequency[i], out);
    if (out->status > LAGRS_FIT_WARNING) {
        free(out->state);
        out->state = NULL;
        /* a failed fit has no residuals, whatever it wrote */
        for (R_xlen_t t = 0; out->residuals != NULL && t < ctx->n[i]; t++)
            out->residuals[t] = NAN;
    }
}

/* ---- the fits as R values ---------------------------------------------- */

static const char *fit_names[] = {
    "status", "message", "sigma2", "loglik", "aic", "aicc", "bic", "nobs", "convergence",
    "codes", "info", "coef", "state", "label", ""
};

static SEXP names_matrix(int type, R_xlen_t n_series, int n_cols, const char *const *names)
{
    SEXP m = PROTECT(Rf_allocMatrix(type, (int) n_series, n_cols));
    SEXP dimnames = PROTECT(Rf_allocVector(VECSXP, 2));
    SEXP cols = PROTECT(Rf_allocVector(STRSXP, n_cols));
    for (int k = 0; k < n_cols; k++)
        SET_STRING_ELT(cols, k, Rf_mkChar(names[k]));
    SET_VECTOR_ELT(dimnames, 1, cols);
    Rf_setAttrib(m, R_DimNamesSymbol, dimnames);
    UNPROTECT(3);
    return m;
}

static double na_if_error(const lagrs_fit *fit, double value)
{
    return fit->status > LAGRS_FIT_WARNING ? NA_REAL : value;
}

/* Statistics, status, message and label of series i. */
static void put_scalars(SEXP ans, const lagrs_family *family, const void *options,
                        const lagrs_fit *fit, R_xlen_t i)
{
    INTEGER(VECTOR_ELT(ans, 0))[i] = fit->status;
    SET_STRING_ELT(VECTOR_ELT(ans, 1), i, Rf_mkChar(fit->message));
    double stats[] = {fit->sigma2, fit->loglik, fit->aic, fit->aicc, fit->bic, fit->nobs};
    for (int k = 0; k < 6; k++)
        REAL(VECTOR_ELT(ans, 2 + k))[i] = na_if_error(fit, stats[k]);
    INTEGER(VECTOR_ELT(ans, 8))[i] = fit->convergence;
    char label[128];
    family->label(options, fit, label, sizeof label);
    SET_STRING_ELT(VECTOR_ELT(ans, 13), i, label[0] ? Rf_mkChar(label) : NA_STRING);
}

/* Codes, info, named coefficients and state of series i. */
static void put_model(SEXP ans, const lagrs_family *family, const void *options,
                      const lagrs_fit *fit, R_xlen_t i, R_xlen_t n_series)
{
    for (int k = 0; k < family->n_codes; k++)
        INTEGER(VECTOR_ELT(ans, 9))[i + n_series * k] = fit->codes[k];
    for (int k = 0; k < family->n_info; k++)
        REAL(VECTOR_ELT(ans, 10))[i + n_series * k] = isnan(fit->info[k]) ? NA_REAL : fit->info[k];
    if (fit->state == NULL)
        return;
    SEXP state = Rf_allocVector(REALSXP, fit->state_len);
    SET_VECTOR_ELT(VECTOR_ELT(ans, 12), i, state);
    memcpy(REAL(state), fit->state, sizeof(double) * (size_t) fit->state_len);
    SEXP coef = Rf_allocVector(REALSXP, fit->n_coef);
    SET_VECTOR_ELT(VECTOR_ELT(ans, 11), i, coef);
    memcpy(REAL(coef), fit->state + fit->coef_offset, sizeof(double) * (size_t) fit->n_coef);
    SEXP names = Rf_allocVector(STRSXP, fit->n_coef);
    Rf_setAttrib(coef, R_NamesSymbol, names);
    char name[64];
    for (int k = 0; k < fit->n_coef; k++) {
        if (!family->coef_name(options, fit, k, name, sizeof name))
            snprintf(name, sizeof name, "coef%d", k + 1);
        SET_STRING_ELT(names, k, Rf_mkChar(name));
    }
}

static SEXP fits_to_r(const lagrs_family *family, const void *options, const lagrs_fit *fits,
                      R_xlen_t n_series)
{
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, fit_names));
    SET_VECTOR_ELT(ans, 0, Rf_allocVector(INTSXP, n_series));
    SET_VECTOR_ELT(ans, 1, Rf_allocVector(STRSXP, n_series));
    for (int k = 2; k <= 7; k++)
        SET_VECTOR_ELT(ans, k, Rf_allocVector(REALSXP, n_series));
    SET_VECTOR_ELT(ans, 8, Rf_allocVector(INTSXP, n_series));
    SET_VECTOR_ELT(ans, 9, names_matrix(INTSXP, n_series, family->n_codes, family->code_names));
    SET_VECTOR_ELT(ans, 10, names_matrix(REALSXP, n_series, family->n_info, family->info_names));
    SET_VECTOR_ELT(ans, 11, Rf_allocVector(VECSXP, n_series));
    SET_VECTOR_ELT(ans, 12, Rf_allocVector(VECSXP, n_series));
    SET_VECTOR_ELT(ans, 13, Rf_allocVector(STRSXP, n_series));
    for (R_xlen_t i = 0; i < n_series; i++) {
        put_scalars(ans, family, options, &fits[i], i);
        put_model(ans, family, options, &fits[i], i, n_series);
    }
    UNPROTECT(1);
    return ans;
}

/* The residuals' vectors, one per series (allocated before the threads
 * start, filled by the fits). */
static SEXP residual_slots(R_xlen_t n_series, const R_xlen_t *n, double ***slots)
{
    SEXP out = PROTECT(Rf_allocVector(VECSXP, n_series));
    *slots = (double **) R_alloc(n_series > 0 ? n_series : 1, sizeof(double *));
    for (R_xlen_t i = 0; i < n_series; i++) {
        SEXP r = Rf_allocVector(REALSXP, n[i]);
        SET_VECTOR_ELT(out, i, r);
        (*slots)[i] = REAL(r);
    }
    UNPROTECT(1);
    return out;
}

/* series: list of double vectors; frequency: double, one per series; family:
 * the family's name; options: the model's named double vector; residuals,
 * progress: logical(1).  Returns the fits (fit_names, plus `residuals`). */
SEXP fit_batch_call(SEXP series, SEXP frequency, SEXP family_name, SEXP options,
                    SEXP residuals, SEXP progress)
{
    const lagrs_family *family = lagrs_model_family(family_name);
    fit_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.family = family;
    ctx.options = lagrs_model_options(family, options);
    R_xlen_t n_series = XLENGTH(series);
    lagrs_batch_series(series, 0.0, &ctx.y, &ctx.n);
    if (TYPEOF(frequency) != REALSXP || XLENGTH(frequency) != n_series)
        Rf_error("internal error: `frequency` must be a double per series");
    ctx.frequency = REAL(frequency);
    double work = 0;
    for (R_xlen_t i = 0; i < n_series; i++)
        work += family->work(ctx.options, ctx.n[i]);
    SEXP resid = R_NilValue;
    if (Rf_asLogical(residuals) == 1)
        resid = residual_slots(n_series, ctx.n, &ctx.residuals);
    PROTECT(resid);
    fit_table *table;
    SEXP owner = PROTECT(new_table(n_series, &table));
    ctx.fits = table->fits;
    lagrs_run_batch(n_series, fit_one, &ctx, work, Rf_asLogical(progress) == 1, "fitting");
    SEXP ans = PROTECT(fits_to_r(family, ctx.options, ctx.fits, n_series));
    free_table(owner);
    SEXP out = PROTECT(Rf_lengthgets(ans, XLENGTH(ans) + 1));
    SEXP names = PROTECT(Rf_lengthgets(Rf_getAttrib(ans, R_NamesSymbol), XLENGTH(ans) + 1));
    SET_STRING_ELT(names, XLENGTH(ans), Rf_mkChar("residuals"));
    Rf_setAttrib(out, R_NamesSymbol, names);
    SET_VECTOR_ELT(out, XLENGTH(ans), resid);
    UNPROTECT(5);
    return out;
}

/* ---- forecasts ---------------------------------------------------------- */

typedef struct {
    const lagrs_family *family;
    const void *options;
    const double **state;
    const R_xlen_t *state_len;
    const int *fit_status;
    R_xlen_t n_series;
    int h, n_levels;
    const double *levels;
    double *mean, *lower, *upper;
    int *status;
} forecast_ctx;

/* A family writes a series' bounds level after level (h each); the batch
 * output holds each level's bounds of all series together, so that R takes
 * a level's column without a strided copy: bound k of step j of series i
 * goes to out[(k * n_series + i) * h + j]. */
static void scatter_bounds(const double *bounds, const forecast_ctx *ctx, R_xlen_t i,
                           R_xlen_t n_series, double *out)
{
    for (int k = 0; k < ctx->n_levels; k++)
        memcpy(out + ((R_xlen_t) k * n_series + i) * ctx->h, bounds + (R_xlen_t) k * ctx->h,
               sizeof(double) * (size_t) ctx->h);
}

static void forecast_one(R_xlen_t i, void *vctx)
{
    forecast_ctx *ctx = (forecast_ctx *) vctx;
    R_xlen_t h = ctx->h, width = h * ctx->n_levels;
    double *mean = ctx->mean + i * h;
    double *bounds = malloc(sizeof(double) * (size_t) (2 * width > 0 ? 2 * width : 1));
    int failed = ctx->state[i] == NULL || ctx->fit_status[i] > LAGRS_FIT_WARNING;
    if (failed || bounds == NULL) {
        for (R_xlen_t k = 0; k < h; k++)
            mean[k] = NAN;
        for (int k = 0; k < ctx->n_levels; k++)
            for (R_xlen_t j = 0; j < h; j++)
                ctx->lower[((R_xlen_t) k * ctx->n_series + i) * h + j] =
                    ctx->upper[((R_xlen_t) k * ctx->n_series + i) * h + j] = NAN;
        ctx->status[i] = failed ? ctx->fit_status[i] : LAGRS_FIT_ERROR;
        free(bounds);
        return;
    }
    ctx->status[i] = ctx->family->forecast(ctx->options, ctx->state[i], ctx->state_len[i],
                                           ctx->h, ctx->levels, ctx->n_levels, mean, bounds,
                                           bounds + width, NULL);
    scatter_bounds(bounds, ctx, i, ctx->n_series, ctx->lower);
    scatter_bounds(bounds + width, ctx, i, ctx->n_series, ctx->upper);
    free(bounds);
}

/* state: the fits' states (NULL for failed series); status: the fits'
 * statuses; h: integer(1); levels: percent.  Returns list(mean = h x
 * n_series, lower, upper = (h * n_series) x n_levels, status). */
SEXP forecast_batch_call(SEXP family_name, SEXP options, SEXP state, SEXP status, SEXP h,
                         SEXP levels, SEXP progress)
{
    forecast_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.family = lagrs_model_family(family_name);
    ctx.options = lagrs_model_options(ctx.family, options);
    R_xlen_t n_series = XLENGTH(state);
    if (TYPEOF(status) != INTSXP || XLENGTH(status) != n_series || TYPEOF(levels) != REALSXP)
        Rf_error("internal error: forecast_batch_call's arguments do not match");
    R_xlen_t n_alloc = n_series > 0 ? n_series : 1;
    ctx.state = (const double **) R_alloc(n_alloc, sizeof(double *));
    R_xlen_t *lengths = (R_xlen_t *) R_alloc(n_alloc, sizeof(R_xlen_t));
    for (R_xlen_t i = 0; i < n_series; i++) {
        SEXP s = VECTOR_ELT(state, i);
        ctx.state[i] = TYPEOF(s) == REALSXP ? REAL(s) : NULL;
        lengths[i] = TYPEOF(s) == REALSXP ? XLENGTH(s) : 0;
    }
    ctx.state_len = lengths;
    ctx.n_series = n_series;
    ctx.fit_status = INTEGER(status);
    ctx.h = Rf_asInteger(h);
    ctx.levels = REAL(levels);
    ctx.n_levels = (int) XLENGTH(levels);
    const char *names[] = {"mean", "lower", "upper", "status", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    SET_VECTOR_ELT(ans, 0, Rf_allocMatrix(REALSXP, ctx.h, (int) n_series));
    R_xlen_t rows = (R_xlen_t) ctx.h * n_series;
    if (rows > INT_MAX)
        Rf_error("%lld series x %d steps is more forecasts than one batch holds",
                 (long long) n_series, ctx.h);
    SET_VECTOR_ELT(ans, 1, Rf_allocMatrix(REALSXP, (int) rows, ctx.n_levels));
    SET_VECTOR_ELT(ans, 2, Rf_allocMatrix(REALSXP, (int) rows, ctx.n_levels));
    SET_VECTOR_ELT(ans, 3, Rf_allocVector(INTSXP, n_series));
    ctx.mean = REAL(VECTOR_ELT(ans, 0));
    ctx.lower = REAL(VECTOR_ELT(ans, 1));
    ctx.upper = REAL(VECTOR_ELT(ans, 2));
    ctx.status = INTEGER(VECTOR_ELT(ans, 3));
    double work = (double) n_series * ctx.h * 1000.0;
    lagrs_run_batch(n_series, forecast_one, &ctx, work, Rf_asLogical(progress) == 1,
                    "forecasting");
    UNPROTECT(1);
    return ans;
}

/* ---- the families' declarations, for R ----------------------------------- */

static SEXP strings(const char *const *values, int n)
{
    SEXP out = PROTECT(Rf_allocVector(STRSXP, n));
    for (int k = 0; k < n; k++)
        SET_STRING_ELT(out, k, Rf_mkChar(values[k]));
    UNPROTECT(1);
    return out;
}

/* Every coefficient name a fit of this model may have, in the family's
 * order (coef_name() without a fit). */
SEXP model_coef_names_call(SEXP family_name, SEXP options)
{
    const lagrs_family *family = lagrs_model_family(family_name);
    const void *parsed = lagrs_model_options(family, options);
    char name[64];
    int n = 0;
    while (family->coef_name(parsed, NULL, n, name, sizeof name))
        n++;
    SEXP out = PROTECT(Rf_allocVector(STRSXP, n));
    for (int k = 0; k < n; k++) {
        family->coef_name(parsed, NULL, k, name, sizeof name);
        SET_STRING_ELT(out, k, Rf_mkChar(name));
    }
    UNPROTECT(1);
    return out;
}

/* The family's work estimate of one fit of each length: what the future
 * path (R/future.R) sizes its chunks by, as the runner sizes its blocks. */
SEXP model_work_call(SEXP family_name, SEXP options, SEXP lengths)
{
    const lagrs_family *family = lagrs_model_family(family_name);
    const void *parsed = lagrs_model_options(family, options);
    if (TYPEOF(lengths) != REALSXP)
        Rf_error("internal error: `lengths` must be a double vector");
    R_xlen_t n = XLENGTH(lengths);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    for (R_xlen_t i = 0; i < n; i++)
        REAL(out)[i] = family->work(parsed, (R_xlen_t) REAL(lengths)[i]);
    UNPROTECT(1);
    return out;
}

/* list(<family> = list(options, codes, info)) for every family. */
SEXP model_families_call(void)
{
    int n = 0;
    while (lagrs_family_at(n) != NULL)
        n++;
    SEXP ans = PROTECT(Rf_allocVector(VECSXP, n));
    SEXP names = PROTECT(Rf_allocVector(STRSXP, n));
    const char *parts[] = {"options", "codes", "info", ""};
    for (int i = 0; i < n; i++) {
        const lagrs_family *f = lagrs_family_at(i);
        SEXP one = Rf_mkNamed(VECSXP, parts);
        SET_VECTOR_ELT(ans, i, one);
        SET_STRING_ELT(names, i, Rf_mkChar(f->name));
        SET_VECTOR_ELT(one, 0, strings(f->option_names, f->n_options));
        SET_VECTOR_ELT(one, 1, strings(f->code_names, f->n_codes));
        SET_VECTOR_ELT(one, 2, strings(f->info_names, f->n_info));
    }
    Rf_setAttrib(ans, R_NamesSymbol, names);
    UNPROTECT(2);
    return ans;
}
