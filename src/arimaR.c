/* R entry points of the ARIMA engine: argument coercion, allocation, the
 * R objects, and status reporting.  The numerical work is in the kernels
 * (arima.h; arima_fit.c, arima_forecast.c and their helpers). */
#include "arimaR.h"
#include <Rmath.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int int_elt(SEXP x, int i, const char *what)
{
    if (!isInteger(x) || XLENGTH(x) <= i)
        error("internal error: `%s` must be an integer vector", what);
    return INTEGER(x)[i];
}

static void fill_spec(lagrs_arima_spec *spec, SEXP order, SEXP seasonal,
                      SEXP period, SEXP include_mean, SEXP include_drift,
                      SEXP method, SEXP transform_pars)
{
    lagrs_arima_spec_init(spec, int_elt(order, 0, "order"),
                          int_elt(order, 1, "order"), int_elt(order, 2, "order"),
                          int_elt(seasonal, 0, "seasonal"),
                          int_elt(seasonal, 1, "seasonal"),
                          int_elt(seasonal, 2, "seasonal"),
                          int_elt(period, 0, "period"));
    spec->include_mean = asLogical(include_mean) == TRUE;
    spec->include_drift = asLogical(include_drift) == TRUE;
    spec->method = int_elt(method, 0, "method");
    spec->transform_pars = asLogical(transform_pars) == TRUE;
}

static void raise_status(int status, const char *message)
{
    if (status == LAGRS_ARIMA_WARNING && message[0] != '\0')
        warning("%s", message);
    else if (status > LAGRS_ARIMA_WARNING)
        error("%s", message);
}

/* model: list(order = int 3, seasonal = int 3, period = int,
 *             include_mean = lgl, include_drift = lgl, coef = dbl,
 *             sigma2 = dbl, state_a = dbl, state_P = dbl matrix, n = dbl,
 *             n_xreg = int) */

SEXP arima_forecast_call(SEXP model, SEXP h, SEXP xreg_future)
{
    SEXP one = PROTECT(ScalarInteger(LAGRS_ARIMA_ML));
    SEXP yes = PROTECT(ScalarLogical(TRUE));
    lagrs_arima_spec spec;
    fill_spec(&spec, lagrs_list_elt(model, "order"), lagrs_list_elt(model, "seasonal"),
              lagrs_list_elt(model, "period"), lagrs_list_elt(model, "include_mean"),
              lagrs_list_elt(model, "include_drift"), one, yes);
    int n_xreg = asInteger(lagrs_list_elt(model, "n_xreg"));
    int steps = asInteger(h);
    if (steps == NA_INTEGER || steps < 1)
        error("internal error: `h` must be a positive integer");
    SEXP coef = lagrs_list_elt(model, "coef"), sa = lagrs_list_elt(model, "state_a"),
         sP = lagrs_list_elt(model, "state_P");
    int rd = lagrs_arima_state_dim(&spec);
    if (!isReal(coef) || XLENGTH(coef) != lagrs_arima_n_coef(&spec, n_xreg) ||
        !isReal(sa) || XLENGTH(sa) != rd || !isReal(sP) ||
        XLENGTH(sP) != (R_xlen_t) rd * rd)
        error("internal error: the model's coefficients or state do not match its order");
    const double *xf = NULL;
    if (n_xreg > 0) {
        if (!isReal(xreg_future) || XLENGTH(xreg_future) != (R_xlen_t) steps * n_xreg)
            error("internal error: future `xreg` has the wrong size");
        xf = REAL(xreg_future);
    }
    lagrs_arima_result fit;
    memset(&fit, 0, sizeof fit);
    fit.coef = REAL(coef);
    fit.state_a = REAL(sa);
    fit.state_P = REAL(sP);
    fit.sigma2 = asReal(lagrs_list_elt(model, "sigma2"));
    R_xlen_t n = (R_xlen_t) asReal(lagrs_list_elt(model, "n"));

    const char *names[] = {"pred", "se", ""};
    SEXP ans = PROTECT(mkNamed(VECSXP, names));
    SEXP mean = PROTECT(allocVector(REALSXP, steps));
    SEXP se = PROTECT(allocVector(REALSXP, steps));
    char msg[LAGRS_ARIMA_MSG_LEN];
    int status = lagrs_arima_forecast_kernel(&spec, &fit, n, steps, xf, n_xreg,
                                             REAL(mean), REAL(se), msg);
    raise_status(status, msg);
    SET_VECTOR_ELT(ans, 0, mean);
    SET_VECTOR_ELT(ans, 1, se);
    UNPROTECT(5);
    return ans;
}

/* ------------------------------------------------------------------ */
/* Whole-object entry points.  arima_fit() and forecast() spend more time
 * in interpreted R (argument checks, names, ts attributes, list building)
 * than the small fits themselves take in C, so the common call shapes are
 * checked and assembled here in one .Call.  Whenever an argument is not in
 * its plain, valid form these return NULL and the R code takes its general
 * path, which explains bad input with the package's error messages (or
 * normalises the arguments and calls again). */

/* A numeric scalar or vector element that is a whole number in [lo, hi]. */
static int whole_elt(SEXP x, R_xlen_t i, double lo, double hi, int *out)
{
    double v;
    if (TYPEOF(x) == INTSXP) {
        int iv = INTEGER(x)[i];
        if (iv == NA_INTEGER) return 0;
        v = iv;
    } else if (TYPEOF(x) == REALSXP) {
        v = REAL(x)[i];
    } else {
        return 0;
    }
    if (!(v >= lo && v <= hi) || v != floor(v)) return 0;
    *out = (int) v;
    return 1;
}

/* order/seasonal: three whole numbers in [0, 1e4], not a factor. */
static int plain_order(SEXP x, int *out)
{
    if ((TYPEOF(x) != INTSXP && TYPEOF(x) != REALSXP) || XLENGTH(x) != 3 ||
        OBJECT(x))
        return 0;
    for (int i = 0; i < 3; i++)
        if (!whole_elt(x, i, 0.0, 1e4, out + i)) return 0;
    return 1;
}

static int plain_flag(SEXP x, int *out)
{
    if (TYPEOF(x) != LGLSXP || XLENGTH(x) != 1 || LOGICAL(x)[0] == NA_LOGICAL)
        return 0;
    *out = LOGICAL(x)[0];
    return 1;
}

/* A series' attributes are plain when it has none, or only `tsp` and the
 * class "ts".  *tsp receives the tsp attribute (or R_NilValue). */
static int plain_series_attrib(SEXP y, SEXP *tsp)
{
    *tsp = R_NilValue;
    for (SEXP a = ATTRIB(y); a != R_NilValue; a = CDR(a)) {
        SEXP tag = TAG(a), val = CAR(a);
        if (tag == R_TspSymbol) {
            if (!isReal(val) || XLENGTH(val) != 3) return 0;
            *tsp = val;
        } else if (tag == R_ClassSymbol) {
            if (!isString(val) || XLENGTH(val) != 1 ||
                strcmp(CHAR(STRING_ELT(val, 0)), "ts") != 0)
                return 0;
        } else {
            return 0;
        }
    }
    return 1;
}

static SEXP as_ts_like(SEXP x, SEXP tsp)
{
    if (tsp != R_NilValue) {
        setAttrib(x, R_TspSymbol, tsp);
        setAttrib(x, R_ClassSymbol, mkString("ts"));
    }
    return x;
}

/* The names of the model's own coefficients (lagrs_arima_coef_name())
 * followed by the user's xreg column names (xreg may be R_NilValue). */
static SEXP coef_names(const lagrs_arima_spec *spec, SEXP xreg, int n_coef)
{
    SEXP nms = PROTECT(allocVector(STRSXP, n_coef));
    char buf[32];
    int k = 0;
    while (k < n_coef && lagrs_arima_coef_name(spec, k, buf, sizeof buf))
        SET_STRING_ELT(nms, k++, mkChar(buf));
    if (!isNull(xreg)) {
        SEXP cn = VECTOR_ELT(getAttrib(xreg, R_DimNamesSymbol), 1);
        for (int j = 0; k < n_coef; j++)
            SET_STRING_ELT(nms, k++, STRING_ELT(cn, j));
    }
    UNPROTECT(1);
    return nms;
}

static void label_into(char *buf, size_t size, const int *order,
                       const int *seasonal, int period)
{
    int len = snprintf(buf, size, "ARIMA(%d,%d,%d)", order[0], order[1], order[2]);
    if ((seasonal[0] > 0 || seasonal[1] > 0 || seasonal[2] > 0) && len > 0 &&
        (size_t) len < size)
        snprintf(buf + len, size - (size_t) len, "(%d,%d,%d)[%d]", seasonal[0],
                 seasonal[1], seasonal[2], period);
}

static SEXP int_vector(int n, const int *values)
{
    SEXP v = allocVector(INTSXP, n);
    for (int i = 0; i < n; i++) INTEGER(v)[i] = values[i];
    return v;
}

/* A name R would print without backquotes. */
static int syntactic_name(const char *name)
{
    static const char *reserved[] = {"if", "else", "repeat", "while",
        "function", "for", "next", "break", "TRUE", "FALSE", "NULL", "Inf",
        "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_", "in", NULL};
    const unsigned char *c = (const unsigned char *) name;
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || *c == '.'))
        return 0;
    if (c[0] == '.' && c[1] >= '0' && c[1] <= '9') return 0;
    for (; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '.' || *c == '_'))
            return 0;
    if (strcmp(name, "...") == 0) return 0;
    for (int i = 0; reserved[i]; i++)
        if (strcmp(name, reserved[i]) == 0) return 0;
    return 1;
}

static int append_text(char *buf, size_t size, size_t *len, const char *text)
{
    size_t add = strlen(text);
    if (*len + add + 1 > size) return 0;
    memcpy(buf + *len, text, add + 1);
    *len += add;
    return 1;
}

/* deparse() of the common shapes of a series argument, without calling R:
 * a name, x$name, and calls f(a, b) of a named function on such
 * arguments (log(AirPassengers), diff(log(x)), data$sales).  Returns 0 for
 * anything else. */
static int simple_deparse(SEXP e, char *buf, size_t size, size_t *len, int depth)
{
    if (depth > 8) return 0;
    if (TYPEOF(e) == SYMSXP) {
        const char *name = CHAR(PRINTNAME(e));
        return syntactic_name(name) && append_text(buf, size, len, name);
    }
    if (TYPEOF(e) != LANGSXP || TYPEOF(CAR(e)) != SYMSXP) return 0;
    const char *fun = CHAR(PRINTNAME(CAR(e)));
    SEXP args = CDR(e);
    if (strcmp(fun, "$") == 0) {
        if (length(args) != 2 || TAG(args) != R_NilValue ||
            TAG(CDR(args)) != R_NilValue || TYPEOF(CADR(args)) != SYMSXP)
            return 0;
        return simple_deparse(CAR(args), buf, size, len, depth + 1) &&
            append_text(buf, size, len, "$") &&
            simple_deparse(CADR(args), buf, size, len, depth + 1);
    }
    if (!syntactic_name(fun) || !append_text(buf, size, len, fun) ||
        !append_text(buf, size, len, "("))
        return 0;
    for (SEXP a = args; a != R_NilValue; a = CDR(a)) {
        if (TAG(a) != R_NilValue) return 0;
        if (a != args && !append_text(buf, size, len, ", ")) return 0;
        if (!simple_deparse(CAR(a), buf, size, len, depth + 1)) return 0;
    }
    return append_text(buf, size, len, ")");
}

/* The series name as forecast::Arima records it: deparse1(substitute(y)). */
static SEXP series_name(SEXP expr)
{
    char buf[256];
    size_t len = 0;
    buf[0] = '\0';
    if (simple_deparse(expr, buf, sizeof buf, &len, 0))
        return mkString(buf);
    SEXP quoted = PROTECT(lang2(install("quote"), expr));
    SEXP call = PROTECT(lang2(install("deparse1"), quoted));
    SEXP out = eval(call, R_BaseEnv);
    UNPROTECT(2);
    return out;
}

static const char *method_names[] = {"CSS-ML", "ML", "CSS"};

/* arima_fit()'s arguments in their plain forms. */
typedef struct {
    int order[3], seasonal[3], period, include_mean, include_drift;
    int transform_pars, method, seasonal_model, n_xreg;
    SEXP tsp;                 /* the series' tsp, or R_NilValue */
} plain_args;

/* The period: only a seasonal model needs one (the default frequency(y),
 * or a whole number >= 2 that leaves more than one period of data).  A
 * model without a seasonal part keeps a given whole period >= 1 for its
 * `arma` and ignores anything else, as stats::arima does.  Returns 0 when R
 * must explain the argument. */
static int plain_period(SEXP period, R_xlen_t n, plain_args *a)
{
    int per = 1;
    if (!a->seasonal_model) {
        if (!isNull(period) && XLENGTH(period) == 1 && !OBJECT(period) &&
            whole_elt(period, 0, 1.0, (double) INT_MAX, &per))
            a->period = per;
        return 1;
    }
    if (isNull(period)) {
        if (a->tsp == R_NilValue || !whole_elt(a->tsp, 2, 2.0, (double) INT_MAX, &per))
            return 0;
    } else if (XLENGTH(period) != 1 || OBJECT(period) ||
               !whole_elt(period, 0, 2.0, (double) INT_MAX, &per)) {
        return 0;
    }
    a->period = per;
    return per < n;
}

/* xreg: NULL, or a finite double matrix with n rows and column names. */
static int plain_xreg(SEXP xreg, R_xlen_t n, int *n_xreg)
{
    *n_xreg = 0;
    if (isNull(xreg))
        return 1;
    SEXP dn = getAttrib(xreg, R_DimNamesSymbol);
    if (!isReal(xreg) || !isMatrix(xreg) || nrows(xreg) != n ||
        ncols(xreg) < 1 || isNull(dn) || !isString(VECTOR_ELT(dn, 1)))
        return 0;
    *n_xreg = ncols(xreg);
    const double *xr = REAL(xreg);
    for (R_xlen_t i = 0; i < n * *n_xreg; i++)
        if (isinf(xr[i])) return 0;
    return 1;
}

/* Reads the arguments into a; 0 when one is not in its plain, valid form. */
static int read_plain_args(SEXP y, SEXP order, SEXP seasonal, SEXP period,
                           SEXP include_mean, SEXP include_drift, SEXP xreg,
                           SEXP method, SEXP transform_pars, plain_args *a)
{
    if ((TYPEOF(y) != REALSXP && TYPEOF(y) != INTSXP) || XLENGTH(y) < 1)
        return 0;
    if (!plain_series_attrib(y, &a->tsp)) return 0;
    R_xlen_t n = XLENGTH(y);
    if (n > INT_MAX) return 0;
    a->period = 1;
    if (!plain_order(order, a->order) || !plain_order(seasonal, a->seasonal) ||
        !plain_flag(include_mean, &a->include_mean) ||
        !plain_flag(include_drift, &a->include_drift) ||
        !plain_flag(transform_pars, &a->transform_pars))
        return 0;
    a->seasonal_model = a->seasonal[0] > 0 || a->seasonal[1] > 0 || a->seasonal[2] > 0;
    if (!plain_period(period, n, a)) return 0;
    if (TYPEOF(method) != STRSXP || XLENGTH(method) < 1 ||
        STRING_ELT(method, 0) == NA_STRING)
        return 0;
    a->method = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(CHAR(STRING_ELT(method, 0)), method_names[i]) == 0)
            a->method = i;
    if (a->method < 0) return 0;
    /* drift with d + D > 1 is dropped with a warning in R */
    if (a->include_drift && a->order[1] + a->seasonal[1] > 1) return 0;
    return plain_xreg(xreg, n, &a->n_xreg);
}

static void plain_spec(const plain_args *a, lagrs_arima_spec *spec)
{
    lagrs_arima_spec_init(spec, a->order[0], a->order[1], a->order[2],
                          a->seasonal[0], a->seasonal[1], a->seasonal[2],
                          a->seasonal_model ? a->period : 1);
    spec->include_mean = a->include_mean;
    spec->include_drift = a->include_drift;
    spec->method = a->method;
    spec->transform_pars = a->transform_pars;
}

/* 1 when the finite series y has more non-missing values than the model
 * needs (lagrs_arima_min_obs()); 0 for R to explain. */
static int plain_series_fits(const double *y, R_xlen_t n,
                             const lagrs_arima_spec *spec)
{
    R_xlen_t n_ok = 0;
    for (R_xlen_t i = 0; i < n; i++) {
        if (isinf(y[i])) return 0;
        n_ok += !isnan(y[i]);
    }
    return n_ok > lagrs_arima_min_obs(spec);
}

/* The kernel's output vectors, held in one list while the object is made. */
enum { PART_COEF, PART_VAR, PART_RESID, PART_STATE_A, PART_STATE_P, N_PARTS };

/* The fit's warning.  An unbounded likelihood (the series is constant once
 * differenced) is raised by R/arima.R's arima_constant_warning(), with a
 * class that lets auto_arima() expect it without reading the message. */
static void warn_fit(const lagrs_arima_result *res)
{
    if (!(isinf(res->loglik) && res->loglik > 0)) {
        warningcall(R_NilValue, "%s", res->message);
        return;
    }
    SEXP ns = PROTECT(R_FindNamespace(PROTECT(mkString("lagrs"))));
    SEXP msg = PROTECT(mkString(res->message));
    SEXP call = PROTECT(lang2(install("arima_constant_warning"), msg));
    eval(call, ns);
    UNPROTECT(4);
}

/* Runs the fit kernel into the vectors of parts (a VECSXP of N_PARTS) and
 * raises its error or warning. */
static void run_fit(SEXP x, SEXP xreg, const lagrs_arima_spec *spec,
                    int n_xreg, SEXP parts, lagrs_arima_result *res)
{
    R_xlen_t n = XLENGTH(x);
    int n_coef = lagrs_arima_n_coef(spec, n_xreg);
    int rd = lagrs_arima_state_dim(spec);
    SET_VECTOR_ELT(parts, PART_COEF, allocVector(REALSXP, n_coef));
    SET_VECTOR_ELT(parts, PART_VAR, allocVector(REALSXP, (R_xlen_t) n_coef * n_coef));
    SET_VECTOR_ELT(parts, PART_RESID, allocVector(REALSXP, n));
    SET_VECTOR_ELT(parts, PART_STATE_A, allocVector(REALSXP, rd));
    SET_VECTOR_ELT(parts, PART_STATE_P, allocMatrix(REALSXP, rd, rd));
    memset(res, 0, sizeof *res);
    res->coef = REAL(VECTOR_ELT(parts, PART_COEF));
    res->var_coef = REAL(VECTOR_ELT(parts, PART_VAR));
    res->residuals = REAL(VECTOR_ELT(parts, PART_RESID));
    res->state_a = REAL(VECTOR_ELT(parts, PART_STATE_A));
    res->state_P = REAL(VECTOR_ELT(parts, PART_STATE_P));
    lagrs_arima_fit_kernel(REAL(x), n, isNull(xreg) ? NULL : REAL(xreg), n_xreg,
                           spec, res);
    if (res->status > LAGRS_ARIMA_WARNING)
        error("%s", res->message);
    if (res->status == LAGRS_ARIMA_WARNING && res->message[0] != '\0')
        warn_fit(res);
}

/* The free coefficients' covariance (nf x nf, with their names) from the
 * kernel's n_coef x n_coef buffer. */
static SEXP free_var(SEXP var_full, SEXP mask, SEXP names, int nf)
{
    int n_coef = (int) XLENGTH(mask);
    SEXP var = PROTECT(allocMatrix(REALSXP, nf, nf));
    if (nf > 0)
        memcpy(REAL(var), REAL(var_full), sizeof(double) * (size_t) nf * nf);
    SEXP free_names = PROTECT(allocVector(STRSXP, nf));
    for (int i = 0, k = 0; i < n_coef; i++)
        if (LOGICAL(mask)[i]) SET_STRING_ELT(free_names, k++, STRING_ELT(names, i));
    SEXP dn = PROTECT(allocVector(VECSXP, 2));
    if (nf > 0) {
        SET_VECTOR_ELT(dn, 0, free_names);
        SET_VECTOR_ELT(dn, 1, free_names);
    }
    setAttrib(var, R_DimNamesSymbol, dn);
    UNPROTECT(3);
    return var;
}

/* What forecasting needs (arima_forecast_call()'s `model`). */
static SEXP model_list(const plain_args *a, SEXP parts, double sigma2,
                       R_xlen_t n)
{
    const char *names[] = {"order", "seasonal", "period", "include_mean",
                           "include_drift", "coef", "sigma2", "state_a",
                           "state_P", "n", "n_xreg", ""};
    SEXP model = PROTECT(mkNamed(VECSXP, names));
    SET_VECTOR_ELT(model, 0, int_vector(3, a->order));
    SET_VECTOR_ELT(model, 1, int_vector(3, a->seasonal));
    SET_VECTOR_ELT(model, 2, ScalarInteger(a->period));
    SET_VECTOR_ELT(model, 3, ScalarLogical(a->include_mean &&
                                           a->order[1] + a->seasonal[1] == 0));
    SET_VECTOR_ELT(model, 4, ScalarLogical(a->include_drift));
    SET_VECTOR_ELT(model, 5, VECTOR_ELT(parts, PART_COEF));
    SET_VECTOR_ELT(model, 6, ScalarReal(sigma2));
    SET_VECTOR_ELT(model, 7, VECTOR_ELT(parts, PART_STATE_A));
    SET_VECTOR_ELT(model, 8, VECTOR_ELT(parts, PART_STATE_P));
    SET_VECTOR_ELT(model, 9, ScalarReal((double) n));
    SET_VECTOR_ELT(model, 10, ScalarInteger(a->n_xreg));
    UNPROTECT(1);
    return model;
}

/* fitted = y - residuals; both ts like y. */
static SEXP fitted_values(SEXP x, SEXP resid, SEXP tsp)
{
    R_xlen_t n = XLENGTH(x);
    SEXP fitted = PROTECT(allocVector(REALSXP, n));
    double *fv = REAL(fitted);
    const double *yv = REAL(x), *rv = REAL(resid);
    for (R_xlen_t i = 0; i < n; i++) fv[i] = yv[i] - rv[i];
    as_ts_like(resid, tsp);
    as_ts_like(fitted, tsp);
    UNPROTECT(1);
    return fitted;
}

/* The lagrs_arima object: the estimates as stats::arima names them, the
 * forecast package's extras (aicc, bic, series), and the model. */
static SEXP fit_object(const plain_args *a, const lagrs_arima_spec *spec,
                       SEXP x, SEXP xreg, SEXP parts,
                       const lagrs_arima_result *res, SEXP call, SEXP y_expr)
{
    int n_coef = (int) XLENGTH(VECTOR_ELT(parts, PART_COEF));
    SEXP names = PROTECT(coef_names(spec, xreg, n_coef));
    SEXP coef = PROTECT(duplicate(VECTOR_ELT(parts, PART_COEF)));
    setAttrib(coef, R_NamesSymbol, names);
    SEXP mask = PROTECT(allocVector(LGLSXP, n_coef));
    int nf = 0;
    for (int i = 0; i < n_coef; i++) {
        LOGICAL(mask)[i] = spec->fixed == NULL || isnan(spec->fixed[i]);
        nf += LOGICAL(mask)[i];
    }
    SEXP var = PROTECT(free_var(VECTOR_ELT(parts, PART_VAR), mask, names, nf));
    SEXP resid = VECTOR_ELT(parts, PART_RESID);
    SEXP fitted = PROTECT(fitted_values(x, resid, a->tsp));
    int arma[7] = {a->order[0], a->order[2], a->seasonal[0], a->seasonal[2],
                   a->period, a->order[1], a->seasonal[1]};
    char label[128];
    label_into(label, sizeof label, a->order, a->seasonal, a->period);
    const char *out_names[] = {"coef", "sigma2", "var.coef", "mask", "loglik",
                               "aic", "aicc", "bic", "arma", "residuals",
                               "fitted", "nobs", "code", "n.cond", "x", "xreg",
                               "method", "label", "call", "series", "model", ""};
    SEXP out = PROTECT(mkNamed(VECSXP, out_names));
    SET_VECTOR_ELT(out, 0, coef);
    SET_VECTOR_ELT(out, 1, ScalarReal(res->sigma2));
    SET_VECTOR_ELT(out, 2, var);
    SET_VECTOR_ELT(out, 3, mask);
    SET_VECTOR_ELT(out, 4, ScalarReal(res->loglik));
    SET_VECTOR_ELT(out, 5, ScalarReal(res->aic));
    SET_VECTOR_ELT(out, 6, ScalarReal(res->aicc));
    SET_VECTOR_ELT(out, 7, ScalarReal(res->bic));
    SET_VECTOR_ELT(out, 8, int_vector(7, arma));
    SET_VECTOR_ELT(out, 9, resid);
    SET_VECTOR_ELT(out, 10, fitted);
    SET_VECTOR_ELT(out, 11, ScalarReal((double) res->n_used));
    SET_VECTOR_ELT(out, 12, ScalarInteger(res->convergence));
    SET_VECTOR_ELT(out, 13, ScalarInteger(res->n_cond));
    SET_VECTOR_ELT(out, 14, x);
    SET_VECTOR_ELT(out, 15, xreg);
    SET_VECTOR_ELT(out, 16, mkString(method_names[a->method]));
    SET_VECTOR_ELT(out, 17, mkString(label));
    SET_VECTOR_ELT(out, 18, call);
    SET_VECTOR_ELT(out, 19, series_name(y_expr));
    SET_VECTOR_ELT(out, 20, model_list(a, parts, res->sigma2, XLENGTH(x)));
    setAttrib(out, R_ClassSymbol, mkString("lagrs_arima"));
    UNPROTECT(6);
    return out;
}

SEXP arima_fit_object_call(SEXP y, SEXP order, SEXP seasonal, SEXP period,
                           SEXP include_mean, SEXP include_drift, SEXP xreg,
                           SEXP method, SEXP fixed, SEXP transform_pars,
                           SEXP call, SEXP y_expr)
{
    plain_args a;
    if (!read_plain_args(y, order, seasonal, period, include_mean,
                         include_drift, xreg, method, transform_pars, &a))
        return R_NilValue;
    lagrs_arima_spec spec;
    plain_spec(&a, &spec);
    int n_coef = lagrs_arima_n_coef(&spec, a.n_xreg);
    if (!isNull(fixed)) {
        if (!isReal(fixed) || XLENGTH(fixed) != n_coef) return R_NilValue;
        spec.fixed = REAL(fixed);
    }
    /* the series as double; a plain double series is used in place */
    int nprot = 0;
    SEXP x = y;
    if (TYPEOF(y) == INTSXP) {
        x = PROTECT(coerceVector(y, REALSXP)); nprot++;
        x = as_ts_like(x, a.tsp);
    }
    if (!plain_series_fits(REAL(x), XLENGTH(x), &spec)) {
        UNPROTECT(nprot);
        return R_NilValue;  /* too short or infinite: R explains */
    }
    SEXP parts = PROTECT(allocVector(VECSXP, N_PARTS)); nprot++;
    lagrs_arima_result res;
    run_fit(x, xreg, &spec, a.n_xreg, parts, &res);
    SEXP out = fit_object(&a, &spec, x, xreg, parts, &res, call, y_expr);
    UNPROTECT(nprot);
    return out;
}

/* forecast() on a fit: h and level in their plain forms (level in percent
 * or as fractions), xreg_future NULL or the h x k double matrix checked by
 * R.  Returns the lagrs_forecast object, or NULL for R's general path. */
SEXP arima_forecast_object_call(SEXP object, SEXP h, SEXP level,
                                SEXP xreg_future)
{
    SEXP model = lagrs_find_elt(object, "model");
    SEXP n_xreg_s = lagrs_find_elt(model, "n_xreg");
    if (TYPEOF(n_xreg_s) != INTSXP || XLENGTH(n_xreg_s) != 1) return R_NilValue;
    int n_xreg = INTEGER(n_xreg_s)[0], steps;
    if (xlength(h) != 1 || OBJECT(h) || !whole_elt(h, 0, 1.0, (double) INT_MAX, &steps))
        return R_NilValue;
    if (n_xreg > 0) {
        if (!isReal(xreg_future) || XLENGTH(xreg_future) != (R_xlen_t) steps * n_xreg)
            return R_NilValue;
    } else if (!isNull(xreg_future)) {
        return R_NilValue;
    }
    if ((TYPEOF(level) != REALSXP && TYPEOF(level) != INTSXP) || OBJECT(level) ||
        XLENGTH(level) < 1 || XLENGTH(level) > INT_MAX)
        return R_NilValue;
    int n_level = (int) XLENGTH(level);
    SEXP lev = PROTECT(coerceVector(level, REALSXP));
    int all_fraction = 1;
    for (int i = 0; i < n_level; i++) {
        double v = REAL(lev)[i];
        if (isnan(v)) { UNPROTECT(1); return R_NilValue; }
        if (!(v > 0 && v < 1)) all_fraction = 0;
    }
    if (all_fraction) {
        SEXP scaled = PROTECT(allocVector(REALSXP, n_level));
        for (int i = 0; i < n_level; i++) REAL(scaled)[i] = 100 * REAL(lev)[i];
        lev = scaled;
        UNPROTECT(2);
        PROTECT(lev);
    }
    for (int i = 0; i < n_level; i++) {
        double v = REAL(lev)[i];
        if (!(v > 0 && v < 100)) { UNPROTECT(1); return R_NilValue; }
    }
    int nprot = 1;
    SEXP h_int = PROTECT(ScalarInteger(steps)); nprot++;
    SEXP pred = PROTECT(arima_forecast_call(model, h_int,
                                            n_xreg > 0 ? xreg_future : R_NilValue));
    nprot++;
    SEXP mean = VECTOR_ELT(pred, 0);
    const double *mv = REAL(mean), *sv = REAL(VECTOR_ELT(pred, 1));
    SEXP lower = PROTECT(allocMatrix(REALSXP, steps, n_level)); nprot++;
    SEXP upper = PROTECT(allocMatrix(REALSXP, steps, n_level)); nprot++;
    SEXP level_names = PROTECT(allocVector(STRSXP, n_level)); nprot++;
    for (int j = 0; j < n_level; j++) {
        double z = qnorm(0.5 + REAL(lev)[j] / 200, 0.0, 1.0, 1, 0);
        double *lo = REAL(lower) + (size_t) steps * j, *up = REAL(upper) + (size_t) steps * j;
        for (int i = 0; i < steps; i++) {
            double width = sv[i] * z;
            lo[i] = mv[i] - width;
            up[i] = mv[i] + width;
        }
        char buf[64];
        snprintf(buf, sizeof buf, "%.15g%%", REAL(lev)[j]);
        SET_STRING_ELT(level_names, j, mkChar(buf));
    }
    SEXP dn = PROTECT(allocVector(VECSXP, 2)); nprot++;
    SET_VECTOR_ELT(dn, 1, level_names);
    setAttrib(lower, R_DimNamesSymbol, dn);
    setAttrib(upper, R_DimNamesSymbol, dn);
    SEXP x = lagrs_find_elt(object, "x");
    SEXP tsp_x = getAttrib(x, R_TspSymbol);
    if (isReal(tsp_x) && XLENGTH(tsp_x) == 3) {
        const double *t = REAL(tsp_x);
        double start = t[1] + 1 / t[2];
        SEXP tsp_new = PROTECT(allocVector(REALSXP, 3)); nprot++;
        REAL(tsp_new)[0] = start;
        REAL(tsp_new)[1] = start + (steps - 1) / t[2];
        REAL(tsp_new)[2] = t[2];
        setAttrib(mean, R_TspSymbol, tsp_new);
        setAttrib(mean, R_ClassSymbol, mkString("ts"));
        SEXP mts = PROTECT(allocVector(STRSXP, 3)); nprot++;
        SET_STRING_ELT(mts, 0, mkChar("mts"));
        SET_STRING_ELT(mts, 1, mkChar("ts"));
        SET_STRING_ELT(mts, 2, mkChar("matrix"));
        setAttrib(lower, R_TspSymbol, tsp_new);
        setAttrib(lower, R_ClassSymbol, mts);
        setAttrib(upper, R_TspSymbol, tsp_new);
        setAttrib(upper, R_ClassSymbol, mts);
    }
    const char *out_names[] = {"method", "model", "level", "mean", "lower",
                               "upper", "x", "series", "fitted", "residuals", ""};
    SEXP out = PROTECT(mkNamed(VECSXP, out_names)); nprot++;
    SET_VECTOR_ELT(out, 0, lagrs_find_elt(object, "label"));
    SET_VECTOR_ELT(out, 1, object);
    SET_VECTOR_ELT(out, 2, lev);
    SET_VECTOR_ELT(out, 3, mean);
    SET_VECTOR_ELT(out, 4, lower);
    SET_VECTOR_ELT(out, 5, upper);
    SET_VECTOR_ELT(out, 6, x);
    SET_VECTOR_ELT(out, 7, lagrs_find_elt(object, "series"));
    SET_VECTOR_ELT(out, 8, lagrs_find_elt(object, "fitted"));
    SET_VECTOR_ELT(out, 9, lagrs_find_elt(object, "residuals"));
    SEXP cls = PROTECT(allocVector(STRSXP, 2)); nprot++;
    SET_STRING_ELT(cls, 0, mkChar("lagrs_forecast"));
    SET_STRING_ELT(cls, 1, mkChar("forecast"));
    setAttrib(out, R_ClassSymbol, cls);
    UNPROTECT(nprot);
    return out;
}

/* The light fit (no Hessian, no residuals) that order searches and batches
 * run through lagrs_arima_ic_kernel(); for the tests that check it gives
 * exactly the full fit's coefficients, sigma2 and loglik. */
SEXP arima_light_fit_call(SEXP y, SEXP order, SEXP seasonal, SEXP period,
                          SEXP include_mean, SEXP include_drift, SEXP method)
{
    if (!isReal(y))
        error("internal error: `y` must be a double vector");
    SEXP yes = PROTECT(ScalarLogical(TRUE));
    lagrs_arima_spec spec;
    fill_spec(&spec, order, seasonal, period, include_mean, include_drift,
              method, yes);
    int n_coef = lagrs_arima_n_coef(&spec, 0);
    const char *names[] = {"coef", "sigma2", "loglik", "aic", "aicc", "bic",
                           "status", ""};
    SEXP ans = PROTECT(mkNamed(VECSXP, names));
    SEXP coef = PROTECT(allocVector(REALSXP, n_coef));
    double loglik, aicc, aic, bic, sigma2;
    int status = lagrs_arima_ic_kernel(REAL(y), XLENGTH(y), NULL, 0, &spec,
                                       REAL(coef), &loglik, &aicc, &aic, &bic,
                                       &sigma2);
    SET_VECTOR_ELT(ans, 0, coef);
    SET_VECTOR_ELT(ans, 1, ScalarReal(sigma2));
    SET_VECTOR_ELT(ans, 2, ScalarReal(loglik));
    SET_VECTOR_ELT(ans, 3, ScalarReal(aic));
    SET_VECTOR_ELT(ans, 4, ScalarReal(aicc));
    SET_VECTOR_ELT(ans, 5, ScalarReal(bic));
    SET_VECTOR_ELT(ans, 6, ScalarInteger(status));
    UNPROTECT(3);
    return ans;
}

/* A whole number in an integer or double vector (R's order, seasonal and
 * period after its checks). */
static int count_elt(SEXP x, int i, const char *what)
{
    int v;
    if (XLENGTH(x) <= i || !whole_elt(x, i, 0.0, (double) INT_MAX, &v))
        error("internal error: `%s` must hold whole numbers", what);
    return v;
}

static void order_spec(lagrs_arima_spec *spec, SEXP order, SEXP seasonal,
                       SEXP period)
{
    lagrs_arima_spec_init(spec, count_elt(order, 0, "order"),
                          count_elt(order, 1, "order"), count_elt(order, 2, "order"),
                          count_elt(seasonal, 0, "seasonal"),
                          count_elt(seasonal, 1, "seasonal"),
                          count_elt(seasonal, 2, "seasonal"),
                          count_elt(period, 0, "period"));
}

SEXP arima_coef_names_call(SEXP order, SEXP seasonal, SEXP period,
                           SEXP include_mean, SEXP include_drift)
{
    lagrs_arima_spec spec;
    order_spec(&spec, order, seasonal, period);
    spec.include_mean = asLogical(include_mean) == TRUE;
    spec.include_drift = asLogical(include_drift) == TRUE;
    return coef_names(&spec, R_NilValue, lagrs_arima_n_coef(&spec, 0));
}

SEXP arima_min_obs_call(SEXP order, SEXP seasonal, SEXP period)
{
    lagrs_arima_spec spec;
    order_spec(&spec, order, seasonal, period);
    return ScalarReal((double) lagrs_arima_min_obs(&spec));
}
