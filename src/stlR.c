/* The entry point of the STL decomposition (stl.h).  Main thread only. */
#include "lagrs.h"
#include "stl.h"
#include "stlR.h"

static void raise_stl_status(int status)
{
    switch (status) {
    case LAGRS_STL_OK:
        return;
    case LAGRS_STL_NOMEM:
        Rf_error("stl_decompose(): out of memory.");
    case LAGRS_STL_TOO_SHORT:
        Rf_error("stl_decompose(): `x` must have more than two full periods.");
    case LAGRS_STL_MISSING:
        Rf_error("stl_decompose(): `x` must not contain missing or infinite values.");
    default:
        Rf_error("stl_decompose(): invalid parameters.");
    }
}

/* params: integer vector period, s_window, s_degree, t_window, t_degree,
 * l_window, l_degree, s_jump, t_jump, l_jump, inner, outer (the R wrapper
 * has filled in stl's defaults).  Returns list(seasonal, trend, weights). */
SEXP lagrs_stl_call(SEXP x, SEXP params)
{
    if (TYPEOF(x) != REALSXP)
        Rf_error("internal error: `x` must be a double vector.");
    int np = 0;
    R_xlen_t n = XLENGTH(x);
    if (TYPEOF(params) != INTSXP || XLENGTH(params) != 12)
        Rf_error("internal error: stl parameters must be 12 integers.");
    const int *p = INTEGER(params);
    lagrs_stl_opts opts = {.period = p[0], .s_window = p[1], .s_degree = p[2],
                           .t_window = p[3], .t_degree = p[4],
                           .l_window = p[5], .l_degree = p[6],
                           .s_jump = p[7], .t_jump = p[8], .l_jump = p[9],
                           .inner = p[10], .outer = p[11]};
    const char *names[] = {"seasonal", "trend", "weights", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    np++;
    SEXP seasonal = PROTECT(Rf_allocVector(REALSXP, n));
    SEXP trend = PROTECT(Rf_allocVector(REALSXP, n));
    SEXP weights = PROTECT(Rf_allocVector(REALSXP, n));
    np += 3;
    SET_VECTOR_ELT(ans, 0, seasonal);
    SET_VECTOR_ELT(ans, 1, trend);
    SET_VECTOR_ELT(ans, 2, weights);
    size_t n_work = lagrs_stl_work_size(n, opts.period > 0 ? opts.period : 0);
    double *work = (double *) R_alloc(n_work > 0 ? n_work : 1, sizeof(double));
    int status = lagrs_stl(REAL(x), n, &opts, REAL(seasonal), REAL(trend),
                           REAL(weights), work);
    UNPROTECT(np);
    raise_stl_status(status);
    return ans;
}
