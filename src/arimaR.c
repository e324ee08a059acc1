/* R entry points of the ARIMA engine: argument coercion, allocation and
 * status reporting.  The numerical work is in arima.c. */
#include "arima.h"
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
static SEXP list_elt(SEXP list, const char *name)
{
    SEXP nms = getAttrib(list, R_NamesSymbol);
    for (R_xlen_t i = 0; i < XLENGTH(list); i++)
        if (strcmp(CHAR(STRING_ELT(nms, i)), name) == 0)
            return VECTOR_ELT(list, i);
    error("internal error: model component `%s` is missing", name);
    return R_NilValue;
}

SEXP arima_forecast_call(SEXP model, SEXP h, SEXP xreg_future)
{
    SEXP one = PROTECT(ScalarInteger(LAGRS_ARIMA_ML));
    SEXP yes = PROTECT(ScalarLogical(TRUE));
    lagrs_arima_spec spec;
    fill_spec(&spec, list_elt(model, "order"), list_elt(model, "seasonal"),
              list_elt(model, "period"), list_elt(model, "include_mean"),
              list_elt(model, "include_drift"), one, yes);
    int n_xreg = asInteger(list_elt(model, "n_xreg"));
    int steps = asInteger(h);
    if (steps == NA_INTEGER || steps < 1)
        error("internal error: `h` must be a positive integer");
    SEXP coef = list_elt(model, "coef"), sa = list_elt(model, "state_a"),
         sP = list_elt(model, "state_P");
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
    fit.sigma2 = asReal(list_elt(model, "sigma2"));
    R_xlen_t n = (R_xlen_t) asReal(list_elt(model, "n"));

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
