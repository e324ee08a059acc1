#include "lagrs.h"
#include "batchR.h"
#include "model.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The entry points of every model family's batch: fit_batch_call() fits a
 * lagrs_model to every series (batch_forecastR.c forecasts the fits).  Both
 * run one family-agnostic task per series on the batch runner (batch.c), so
 * a family added to model.c gets batches, forecasts, progress, Ctrl-C and
 * failure isolation without code of its own here. */

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
    /* values named "packed" follow the declared ones, in order: a family
     * with nested options (the ensemble's members) reads them from there */
    R_xlen_t n_packed = 0;
    for (R_xlen_t j = 0; j < XLENGTH(names); j++)
        n_packed += strcmp(CHAR(STRING_ELT(names, j)), "packed") == 0;
    double *values = (double *) R_alloc(family->n_options + n_packed + 1, sizeof(double));
    for (R_xlen_t j = 0, k = family->n_options; j < XLENGTH(names); j++)
        if (strcmp(CHAR(STRING_ELT(names, j)), "packed") == 0)
            values[k++] = REAL(options)[j];
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
    lagrs_fit_init(out, ctx->residuals != NULL ? ctx->residuals[i] : NULL);
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

/* A batch keeps its per-series results in a few long vectors rather than an
 * R object per series, so that its size in R allocations does not grow with
 * the number of series: the states of all series one after another in one
 * double vector (`state`, with `state_length` per series, 0 for a failed
 * fit), the residuals likewise (`residuals`, `residual_length`), and the
 * coefficients straight into the batch's matrix (`coef`). */
static const char *fit_names[] = {
    "status", "message", "sigma2", "loglik", "aic", "aicc", "bic", "nobs", "convergence",
    "codes", "info", "coef", "state", "state_length", "label", "residuals",
    "residual_length", ""
};
enum { F_STATUS, F_MESSAGE, F_SIGMA2, F_CONVERGENCE = 8, F_CODES, F_INFO, F_COEF, F_STATE,
       F_STATE_LENGTH, F_LABEL, F_RESIDUALS, F_RESIDUAL_LENGTH };

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

/* The same text as the previous series' gives the same CHARSXP: a batch's
 * labels and messages repeat, and a hash lookup per series is most of the
 * cost of a trivial model's output. */
typedef struct {
    char text[LAGRS_MSG_LEN];
    SEXP charsxp;
} last_string;

static SEXP cached_char(last_string *last, const char *text)
{
    if (last->charsxp == NULL || strcmp(last->text, text)) {
        last->charsxp = Rf_mkChar(text);
        snprintf(last->text, sizeof last->text, "%s", text);
    }
    return last->charsxp;
}

/* Statistics, status, message, label, codes and info of every series. */
static void put_scalars(SEXP ans, const lagrs_family *family, const void *options,
                        const lagrs_fit *fits, R_xlen_t n_series)
{
    last_string message = {"", NULL}, label = {"", NULL};
    int *status = INTEGER(VECTOR_ELT(ans, F_STATUS));
    int *convergence = INTEGER(VECTOR_ELT(ans, F_CONVERGENCE));
    int *codes = INTEGER(VECTOR_ELT(ans, F_CODES));
    double *info = REAL(VECTOR_ELT(ans, F_INFO));
    double *stats[6];
    for (int k = 0; k < 6; k++)
        stats[k] = REAL(VECTOR_ELT(ans, F_SIGMA2 + k));
    char text[128];
    for (R_xlen_t i = 0; i < n_series; i++) {
        const lagrs_fit *fit = &fits[i];
        status[i] = fit->status;
        /* the cached CHARSXPs are protected by the vectors holding them */
        SET_STRING_ELT(VECTOR_ELT(ans, F_MESSAGE), i, cached_char(&message, fit->message));
        double values[] = {fit->sigma2, fit->loglik, fit->aic, fit->aicc, fit->bic, fit->nobs};
        for (int k = 0; k < 6; k++)
            stats[k][i] = na_if_error(fit, values[k]);
        convergence[i] = fit->convergence;
        family->label(options, fit, text, sizeof text);
        SET_STRING_ELT(VECTOR_ELT(ans, F_LABEL), i,
                       text[0] ? cached_char(&label, text) : NA_STRING);
        for (int k = 0; k < family->n_codes; k++)
            codes[i + n_series * k] = fit->codes[k];
        for (int k = 0; k < family->n_info; k++)
            info[i + n_series * k] = isnan(fit->info[k]) ? NA_REAL : fit->info[k];
    }
}

/* The states of the usable fits, one after another, and their lengths. */
static void put_states(SEXP ans, const lagrs_fit *fits, R_xlen_t n_series)
{
    R_xlen_t total = 0;
    for (R_xlen_t i = 0; i < n_series; i++)
        total += fits[i].state != NULL ? fits[i].state_len : 0;
    SEXP state = Rf_allocVector(REALSXP, total);
    SET_VECTOR_ELT(ans, F_STATE, state);
    SEXP lengths = Rf_allocVector(INTSXP, n_series);
    SET_VECTOR_ELT(ans, F_STATE_LENGTH, lengths);
    R_xlen_t at = 0;
    for (R_xlen_t i = 0; i < n_series; i++) {
        R_xlen_t len = fits[i].state != NULL ? fits[i].state_len : 0;
        if (len > INT_MAX)
            Rf_error("internal error: a state of %lld values", (long long) len);
        INTEGER(lengths)[i] = (int) len;
        if (len > 0)
            memcpy(REAL(state) + at, fits[i].state, sizeof(double) * (size_t) len);
        at += len;
    }
}

/* Column c of the coefficient matrix for coefficient k of fit i: the
 * family's canonical names (coef_name() without a fit) in their order, then
 * any other name in order of appearance; columns no fit uses are dropped. */
typedef struct {
    int n_names, capacity;
    char (*names)[64];
} name_table;

static int name_column(name_table *t, const char *name)
{
    for (int c = 0; c < t->n_names; c++)
        if (!strcmp(t->names[c], name))
            return c;
    if (t->n_names == t->capacity) {
        int capacity = 2 * t->capacity + 8;
        char (*grown)[64] = (char (*)[64]) R_alloc((size_t) capacity, 64);
        if (t->n_names > 0)
            memcpy(grown, t->names, (size_t) t->n_names * 64);
        t->names = grown;
        t->capacity = capacity;
    }
    snprintf(t->names[t->n_names], 64, "%s", name);
    return t->n_names++;
}

static SEXP coef_matrix(const lagrs_family *family, const void *options,
                        const lagrs_fit *fits, R_xlen_t n_series)
{
    name_table table = {0, 0, NULL};
    char name[64];
    for (int k = 0; family->coef_name(options, NULL, k, name, sizeof name); k++)
        name_column(&table, name);
    R_xlen_t n_coef = 0;
    for (R_xlen_t i = 0; i < n_series; i++)
        n_coef += fits[i].state != NULL ? fits[i].n_coef : 0;
    int *column = (int *) R_alloc(n_coef > 0 ? n_coef : 1, sizeof(int));
    R_xlen_t at = 0;
    for (R_xlen_t i = 0; i < n_series; i++)
        for (int k = 0; fits[i].state != NULL && k < fits[i].n_coef; k++) {
            if (!family->coef_name(options, &fits[i], k, name, sizeof name))
                snprintf(name, sizeof name, "coef%d", k + 1);
            column[at++] = name_column(&table, name);
        }
    int *kept = (int *) R_alloc(table.n_names + 1, sizeof(int));
    for (int c = 0; c < table.n_names; c++)
        kept[c] = -1;
    for (R_xlen_t j = 0; j < n_coef; j++)
        kept[column[j]] = 0;
    int n_kept = 0;
    for (int c = 0; c < table.n_names; c++)
        if (kept[c] == 0)
            kept[c] = n_kept++;
    SEXP m = PROTECT(Rf_allocMatrix(REALSXP, (int) n_series, n_kept));
    double *out = REAL(m);
    for (R_xlen_t j = 0; j < n_series * n_kept; j++)
        out[j] = NA_REAL;
    at = 0;
    for (R_xlen_t i = 0; i < n_series; i++)
        for (int k = 0; fits[i].state != NULL && k < fits[i].n_coef; k++)
            out[i + n_series * kept[column[at++]]] = fits[i].state[fits[i].coef_offset + k];
    SEXP dimnames = PROTECT(Rf_allocVector(VECSXP, 2));
    SEXP cols = Rf_allocVector(STRSXP, n_kept);
    SET_VECTOR_ELT(dimnames, 1, cols);
    for (int c = 0; c < table.n_names; c++)
        if (kept[c] >= 0)
            SET_STRING_ELT(cols, kept[c], Rf_mkChar(table.names[c]));
    Rf_setAttrib(m, R_DimNamesSymbol, dimnames);
    UNPROTECT(2);
    return m;
}

static SEXP fits_to_r(const lagrs_family *family, const void *options, const lagrs_fit *fits,
                      R_xlen_t n_series)
{
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, fit_names));
    SET_VECTOR_ELT(ans, F_STATUS, Rf_allocVector(INTSXP, n_series));
    SET_VECTOR_ELT(ans, F_MESSAGE, Rf_allocVector(STRSXP, n_series));
    for (int k = 0; k < 6; k++)
        SET_VECTOR_ELT(ans, F_SIGMA2 + k, Rf_allocVector(REALSXP, n_series));
    SET_VECTOR_ELT(ans, F_CONVERGENCE, Rf_allocVector(INTSXP, n_series));
    SET_VECTOR_ELT(ans, F_CODES,
                   names_matrix(INTSXP, n_series, family->n_codes, family->code_names));
    SET_VECTOR_ELT(ans, F_INFO,
                   names_matrix(REALSXP, n_series, family->n_info, family->info_names));
    SET_VECTOR_ELT(ans, F_LABEL, Rf_allocVector(STRSXP, n_series));
    put_scalars(ans, family, options, fits, n_series);
    SET_VECTOR_ELT(ans, F_COEF, coef_matrix(family, options, fits, n_series));
    put_states(ans, fits, n_series);
    UNPROTECT(1);
    return ans;
}

/* All residuals in one vector, series after series (allocated before the
 * threads start, filled by the fits through per-series pointers). */
static SEXP residual_slots(R_xlen_t n_series, const R_xlen_t *n, double ***slots)
{
    R_xlen_t total = 0;
    for (R_xlen_t i = 0; i < n_series; i++)
        total += n[i];
    SEXP out = PROTECT(Rf_allocVector(REALSXP, total));
    *slots = (double **) R_alloc(n_series > 0 ? n_series : 1, sizeof(double *));
    R_xlen_t at = 0;
    for (R_xlen_t i = 0; i < n_series; i++) {
        (*slots)[i] = REAL(out) + at;
        at += n[i];
    }
    UNPROTECT(1);
    return out;
}

/* series: list of double vectors; frequency: double, one per series; family:
 * the family's name; options: the model's named double vector; residuals,
 * progress: logical(1).  Returns the fits (fit_names; `residuals` NULL when
 * not asked for, `residual_length` the series' lengths). */
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
    for (R_xlen_t i = 0; i < n_series; i++) {
        if (ctx.n[i] > INT_MAX)
            Rf_error("series %lld has more than %d values", (long long) i + 1, INT_MAX);
        work += family->work(ctx.options, ctx.n[i]);
    }
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
    SET_VECTOR_ELT(ans, F_RESIDUALS, resid);
    SEXP lengths = Rf_allocVector(INTSXP, n_series);
    SET_VECTOR_ELT(ans, F_RESIDUAL_LENGTH, lengths);
    for (R_xlen_t i = 0; i < n_series; i++)
        INTEGER(lengths)[i] = (int) ctx.n[i];
    UNPROTECT(3);
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
