/* R entry points of the ARIMA engine: argument coercion, allocation and
 * status reporting.  The numerical work is in arima.c. */
#include "arima.h"
#include <Rmath.h>
#include <limits.h>
#include <math.h>
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

SEXP arima_fit_call(SEXP y, SEXP order, SEXP seasonal, SEXP period,
                    SEXP include_mean, SEXP include_drift, SEXP xreg,
                    SEXP method, SEXP fixed, SEXP transform_pars)
{
    if (!isReal(y))
        error("internal error: `y` must be a double vector");
    lagrs_arima_spec spec;
    fill_spec(&spec, order, seasonal, period, include_mean, include_drift,
              method, transform_pars);
    R_xlen_t n = XLENGTH(y);
    int n_xreg = 0;
    const double *xr = NULL;
    if (!isNull(xreg)) {
        if (!isReal(xreg) || !isMatrix(xreg) || nrows(xreg) != n)
            error("internal error: `xreg` must be a double matrix with n rows");
        n_xreg = ncols(xreg);
        xr = REAL(xreg);
    }
    int n_coef = lagrs_arima_n_coef(&spec, n_xreg);
    if (!isNull(fixed)) {
        if (!isReal(fixed) || XLENGTH(fixed) != n_coef)
            error("internal error: `fixed` must be a double vector of length %d", n_coef);
        spec.fixed = REAL(fixed);
    }
    int rd = lagrs_arima_state_dim(&spec);

    const char *names[] = {"coef", "sigma2", "var_coef", "loglik", "aic", "aicc",
                           "bic", "residuals", "n_used", "convergence",
                           "state_a", "state_P", "n_cond", "status", "message", ""};
    SEXP ans = PROTECT(mkNamed(VECSXP, names));
    SEXP coef = PROTECT(allocVector(REALSXP, n_coef));
    SEXP var_full = PROTECT(allocVector(REALSXP, (R_xlen_t) n_coef * n_coef));
    SEXP resid = PROTECT(allocVector(REALSXP, n));
    SEXP state_a = PROTECT(allocVector(REALSXP, rd));
    SEXP state_P = PROTECT(allocMatrix(REALSXP, rd, rd));

    lagrs_arima_result res;
    memset(&res, 0, sizeof res);
    res.coef = REAL(coef);
    res.var_coef = REAL(var_full);
    res.residuals = REAL(resid);
    res.state_a = REAL(state_a);
    res.state_P = REAL(state_P);
    lagrs_arima_fit_kernel(REAL(y), n, xr, n_xreg, &spec, &res);
    if (res.status > LAGRS_ARIMA_WARNING)
        error("%s", res.message);

    int nf = res.n_free;
    SEXP var = PROTECT(allocMatrix(REALSXP, nf, nf));
    if (nf > 0)
        memcpy(REAL(var), REAL(var_full), sizeof(double) * (size_t) nf * nf);

    SET_VECTOR_ELT(ans, 0, coef);
    SET_VECTOR_ELT(ans, 1, ScalarReal(res.sigma2));
    SET_VECTOR_ELT(ans, 2, var);
    SET_VECTOR_ELT(ans, 3, ScalarReal(res.loglik));
    SET_VECTOR_ELT(ans, 4, ScalarReal(res.aic));
    SET_VECTOR_ELT(ans, 5, ScalarReal(res.aicc));
    SET_VECTOR_ELT(ans, 6, ScalarReal(res.bic));
    SET_VECTOR_ELT(ans, 7, resid);
    SET_VECTOR_ELT(ans, 8, ScalarReal((double) res.n_used));
    SET_VECTOR_ELT(ans, 9, ScalarInteger(res.convergence));
    SET_VECTOR_ELT(ans, 10, state_a);
    SET_VECTOR_ELT(ans, 11, state_P);
    SET_VECTOR_ELT(ans, 12, ScalarInteger(res.n_cond));
    SET_VECTOR_ELT(ans, 13, ScalarInteger(res.status));
    SET_VECTOR_ELT(ans, 14, mkString(res.message));
    UNPROTECT(7);
    return ans;
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

static SEXP coef_names(const lagrs_arima_spec *spec, int intercept, SEXP xreg,
                       int n_coef)
{
    SEXP nms = PROTECT(allocVector(STRSXP, n_coef));
    char buf[32];
    int k = 0;
    const char *stem[4] = {"ar", "ma", "sar", "sma"};
    int count[4] = {spec->p, spec->q, spec->P, spec->Q};
    for (int b = 0; b < 4; b++)
        for (int i = 1; i <= count[b]; i++) {
            snprintf(buf, sizeof buf, "%s%d", stem[b], i);
            SET_STRING_ELT(nms, k++, mkChar(buf));
        }
    if (intercept) SET_STRING_ELT(nms, k++, mkChar("intercept"));
    if (spec->include_drift) SET_STRING_ELT(nms, k++, mkChar("drift"));
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

SEXP arima_fit_object_call(SEXP y, SEXP order, SEXP seasonal, SEXP period,
                           SEXP include_mean, SEXP include_drift, SEXP xreg,
                           SEXP method, SEXP fixed, SEXP transform_pars,
                           SEXP call, SEXP y_expr)
{
    /* ---- the plain forms; anything else goes back to R ---- */
    if ((TYPEOF(y) != REALSXP && TYPEOF(y) != INTSXP) || XLENGTH(y) < 1)
        return R_NilValue;
    SEXP y_tsp;
    if (!plain_series_attrib(y, &y_tsp)) return R_NilValue;
    R_xlen_t n = XLENGTH(y);
    if (n > INT_MAX) return R_NilValue;
    int ord[3], seas[3], per = 1, mean_flag, drift_flag, trans_flag;
    if (!plain_order(order, ord) || !plain_order(seasonal, seas) ||
        !plain_flag(include_mean, &mean_flag) ||
        !plain_flag(include_drift, &drift_flag) ||
        !plain_flag(transform_pars, &trans_flag))
        return R_NilValue;
    int seasonal_model = seas[0] > 0 || seas[1] > 0 || seas[2] > 0;
    if (isNull(period)) {
        /* the default frequency(y), which only matters for seasonal models */
        if (seasonal_model) {
            if (y_tsp == R_NilValue ||
                !whole_elt(y_tsp, 2, 2.0, (double) INT_MAX, &per))
                return R_NilValue;
        }
    } else {
        if (XLENGTH(period) != 1 || OBJECT(period) ||
            !whole_elt(period, 0, 1.0, (double) INT_MAX, &per))
            return R_NilValue;
        if (seasonal_model && per < 2) return R_NilValue;
    }
    if (seasonal_model && per >= n) return R_NilValue;
    if (TYPEOF(method) != STRSXP || XLENGTH(method) < 1 ||
        STRING_ELT(method, 0) == NA_STRING)
        return R_NilValue;
    int method_code = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(CHAR(STRING_ELT(method, 0)), method_names[i]) == 0)
            method_code = i;
    if (method_code < 0) return R_NilValue;
    if (drift_flag && ord[1] + seas[1] > 1) return R_NilValue;  /* warns in R */
    int n_xreg = 0;
    if (!isNull(xreg)) {
        SEXP dn = getAttrib(xreg, R_DimNamesSymbol);
        if (!isReal(xreg) || !isMatrix(xreg) || nrows(xreg) != n ||
            ncols(xreg) < 1 || isNull(dn) || !isString(VECTOR_ELT(dn, 1)))
            return R_NilValue;
        n_xreg = ncols(xreg);
        const double *xr = REAL(xreg);
        for (R_xlen_t i = 0; i < n * n_xreg; i++)
            if (isinf(xr[i])) return R_NilValue;
    }

    lagrs_arima_spec spec;
    lagrs_arima_spec_init(&spec, ord[0], ord[1], ord[2], seas[0], seas[1],
                          seas[2], seasonal_model ? per : 1);
    if (!seasonal_model) spec.period = 1;
    spec.include_mean = mean_flag;
    spec.include_drift = drift_flag;
    spec.method = method_code;
    spec.transform_pars = trans_flag;
    int intercept = mean_flag && ord[1] + seas[1] == 0;
    int n_coef = lagrs_arima_n_coef(&spec, n_xreg);
    if (!isNull(fixed)) {
        if (!isReal(fixed) || XLENGTH(fixed) != n_coef) return R_NilValue;
        spec.fixed = REAL(fixed);
    }

    /* the series as double; a plain double series is used in place */
    int nprot = 0;
    SEXP x = y;
    if (TYPEOF(y) == INTSXP) {
        x = PROTECT(coerceVector(y, REALSXP)); nprot++;
        x = as_ts_like(x, y_tsp);
    }
    const double *yv = REAL(x);
    R_xlen_t n_ok = 0;
    for (R_xlen_t i = 0; i < n; i++) {
        if (isinf(yv[i])) { UNPROTECT(nprot); return R_NilValue; }
        n_ok += !isnan(yv[i]);
    }
    int s_used = seasonal_model ? per : 0;
    if (n_ok <= (R_xlen_t) ord[1] + (R_xlen_t) seas[1] * s_used + ord[0] +
        (R_xlen_t) seas[0] * s_used) {
        UNPROTECT(nprot);
        return R_NilValue;  /* too short: R explains */
    }

    /* ---- the fit ---- */
    int rd = lagrs_arima_state_dim(&spec);
    SEXP model_coef = PROTECT(allocVector(REALSXP, n_coef)); nprot++;
    SEXP var_full = PROTECT(allocVector(REALSXP, (R_xlen_t) n_coef * n_coef)); nprot++;
    SEXP resid = PROTECT(allocVector(REALSXP, n)); nprot++;
    SEXP state_a = PROTECT(allocVector(REALSXP, rd)); nprot++;
    SEXP state_P = PROTECT(allocMatrix(REALSXP, rd, rd)); nprot++;
    lagrs_arima_result res;
    memset(&res, 0, sizeof res);
    res.coef = REAL(model_coef);
    res.var_coef = REAL(var_full);
    res.residuals = REAL(resid);
    res.state_a = REAL(state_a);
    res.state_P = REAL(state_P);
    lagrs_arima_fit_kernel(yv, n, isNull(xreg) ? NULL : REAL(xreg), n_xreg,
                           &spec, &res);
    if (res.status > LAGRS_ARIMA_WARNING)
        error("%s", res.message);
    if (res.status == LAGRS_ARIMA_WARNING && res.message[0] != '\0')
        warn_fit(&res);

    /* ---- the object ---- */
    SEXP names = PROTECT(coef_names(&spec, intercept, xreg, n_coef)); nprot++;
    SEXP coef = PROTECT(duplicate(model_coef)); nprot++;
    setAttrib(coef, R_NamesSymbol, names);
    SEXP mask = PROTECT(allocVector(LGLSXP, n_coef)); nprot++;
    int nf = 0;
    for (int i = 0; i < n_coef; i++) {
        LOGICAL(mask)[i] = spec.fixed == NULL || isnan(spec.fixed[i]);
        nf += LOGICAL(mask)[i];
    }
    SEXP var = PROTECT(allocMatrix(REALSXP, nf, nf)); nprot++;
    if (nf > 0)
        memcpy(REAL(var), REAL(var_full), sizeof(double) * (size_t) nf * nf);
    {
        SEXP free_names = PROTECT(allocVector(STRSXP, nf));
        for (int i = 0, k = 0; i < n_coef; i++)
            if (LOGICAL(mask)[i]) SET_STRING_ELT(free_names, k++, STRING_ELT(names, i));
        SEXP dn = PROTECT(allocVector(VECSXP, 2));
        if (nf > 0) {
            SET_VECTOR_ELT(dn, 0, free_names);
            SET_VECTOR_ELT(dn, 1, free_names);
        }
        setAttrib(var, R_DimNamesSymbol, dn);
        UNPROTECT(2);
    }
    SEXP fitted = PROTECT(allocVector(REALSXP, n)); nprot++;
    {
        double *fv = REAL(fitted);
        const double *rv = REAL(resid);
        for (R_xlen_t i = 0; i < n; i++) fv[i] = yv[i] - rv[i];
    }
    as_ts_like(resid, y_tsp);
    as_ts_like(fitted, y_tsp);
    int seas_used[3] = {seasonal_model ? seas[0] : 0, seasonal_model ? seas[1] : 0,
                        seasonal_model ? seas[2] : 0};
    int arma[7] = {ord[0], ord[2], seas_used[0], seas_used[2], per, ord[1],
                   seas_used[1]};
    char label[128];
    label_into(label, sizeof label, ord, seas_used, per);

    const char *model_names[] = {"order", "seasonal", "period", "include_mean",
                                 "include_drift", "coef", "sigma2", "state_a",
                                 "state_P", "n", "n_xreg", ""};
    SEXP model = PROTECT(mkNamed(VECSXP, model_names)); nprot++;
    SET_VECTOR_ELT(model, 0, int_vector(3, ord));
    SET_VECTOR_ELT(model, 1, int_vector(3, seas_used));
    SET_VECTOR_ELT(model, 2, ScalarInteger(per));
    SET_VECTOR_ELT(model, 3, ScalarLogical(intercept));
    SET_VECTOR_ELT(model, 4, ScalarLogical(drift_flag));
    SET_VECTOR_ELT(model, 5, model_coef);
    SET_VECTOR_ELT(model, 6, ScalarReal(res.sigma2));
    SET_VECTOR_ELT(model, 7, state_a);
    SET_VECTOR_ELT(model, 8, state_P);
    SET_VECTOR_ELT(model, 9, ScalarReal((double) n));
    SET_VECTOR_ELT(model, 10, ScalarInteger(n_xreg));

    const char *out_names[] = {"coef", "sigma2", "var.coef", "mask", "loglik",
                               "aic", "aicc", "bic", "arma", "residuals",
                               "fitted", "nobs", "code", "n.cond", "x", "xreg",
                               "method", "label", "call", "series", "model", ""};
    SEXP out = PROTECT(mkNamed(VECSXP, out_names)); nprot++;
    SET_VECTOR_ELT(out, 0, coef);
    SET_VECTOR_ELT(out, 1, ScalarReal(res.sigma2));
    SET_VECTOR_ELT(out, 2, var);
    SET_VECTOR_ELT(out, 3, mask);
    SET_VECTOR_ELT(out, 4, ScalarReal(res.loglik));
    SET_VECTOR_ELT(out, 5, ScalarReal(res.aic));
    SET_VECTOR_ELT(out, 6, ScalarReal(res.aicc));
    SET_VECTOR_ELT(out, 7, ScalarReal(res.bic));
    SET_VECTOR_ELT(out, 8, int_vector(7, arma));
    SET_VECTOR_ELT(out, 9, resid);
    SET_VECTOR_ELT(out, 10, fitted);
    SET_VECTOR_ELT(out, 11, ScalarReal((double) res.n_used));
    SET_VECTOR_ELT(out, 12, ScalarInteger(res.convergence));
    SET_VECTOR_ELT(out, 13, ScalarInteger(res.n_cond));
    SET_VECTOR_ELT(out, 14, x);
    SET_VECTOR_ELT(out, 15, xreg);
    SET_VECTOR_ELT(out, 16, mkString(method_names[method_code]));
    SET_VECTOR_ELT(out, 17, mkString(label));
    SET_VECTOR_ELT(out, 18, call);
    SET_VECTOR_ELT(out, 19, series_name(y_expr));
    SET_VECTOR_ELT(out, 20, model);
    setAttrib(out, R_ClassSymbol, mkString("lagrs_arima"));
    UNPROTECT(nprot);
    return out;
}

/* The element `name` of a named list, or NULL. */

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
