/* Entry points of the differencing tests (unitroot.h): R's vectors in,
 * the kernels on their raw data, statuses raised as R errors.  Main thread
 * only. */
#include "lagrs.h"
#include "unitroot.h"
#include "unitrootR.h"

/* A REALSXP view of x: read in place when double, converted otherwise. */
static SEXP as_double_vector(SEXP x, int *n_protected)
{
    if (TYPEOF(x) == REALSXP)
        return x;
    SEXP ans = PROTECT(Rf_coerceVector(x, REALSXP));
    (*n_protected)++;
    return ans;
}

static double *alloc_work(size_t n_doubles)
{
    return (double *) R_alloc(n_doubles > 0 ? n_doubles : 1, sizeof(double));
}

static void raise_status(int status, const char *what)
{
    switch (status) {
    case LAGRS_UR_OK:
        return;
    case LAGRS_UR_NOMEM:
        Rf_error("%s: out of memory.", what);
    case LAGRS_UR_TOO_SHORT:
        Rf_error("%s: `x` must have more than two full periods.", what);
    case LAGRS_UR_MISSING:
        Rf_error("%s: `x` must not contain missing or infinite values.", what);
    default:
        Rf_error("%s: invalid parameters.", what);
    }
}

SEXP lagrs_is_constant_call(SEXP x)
{
    int np = 0;
    SEXP xd = as_double_vector(x, &np);
    int ans = lagrs_is_constant(REAL(xd), XLENGTH(xd));
    UNPROTECT(np);
    return Rf_ScalarLogical(ans);
}

/* list(statistic, lag, p_value); lag < 0 means ndiffs' default. */
SEXP lagrs_kpss_call(SEXP x, SEXP lag)
{
    int np = 0;
    SEXP xd = as_double_vector(x, &np);
    R_xlen_t n = XLENGTH(xd);
    int use_lag = Rf_asInteger(lag);
    if (use_lag < 0)
        use_lag = lagrs_kpss_lag(n);
    double stat = lagrs_kpss_stat(REAL(xd), n, use_lag);
    const char *names[] = {"statistic", "lag", "p_value", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    np++;
    SET_VECTOR_ELT(ans, 0, Rf_ScalarReal(stat));
    SET_VECTOR_ELT(ans, 1, Rf_ScalarInteger(use_lag));
    SET_VECTOR_ELT(ans, 2, Rf_ScalarReal(lagrs_kpss_pvalue(stat)));
    UNPROTECT(np);
    return ans;
}

/* The order, with attribute "notes" (the LAGRS_UR_NOTE_* bits). */
static SEXP order_with_notes(int order, int notes)
{
    SEXP ans = PROTECT(Rf_ScalarInteger(order));
    Rf_setAttrib(ans, Rf_install("notes"), Rf_ScalarInteger(notes));
    UNPROTECT(1);
    return ans;
}

SEXP lagrs_ndiffs_kpss_call(SEXP x, SEXP alpha, SEXP max_d)
{
    int np = 0;
    SEXP xd = as_double_vector(x, &np);
    R_xlen_t n = XLENGTH(xd);
    double *work = alloc_work(lagrs_ndiffs_work_size(n));
    int d = 0, notes = 0;
    int status = lagrs_ndiffs_kpss(REAL(xd), n, Rf_asReal(alpha),
                                   Rf_asInteger(max_d), work, &d, &notes);
    UNPROTECT(np);
    raise_status(status, "ndiffs_kpss()");
    return order_with_notes(d, notes);
}

SEXP lagrs_nsdiffs_seas_call(SEXP x, SEXP period, SEXP max_D)
{
    int np = 0;
    SEXP xd = as_double_vector(x, &np);
    R_xlen_t n = XLENGTH(xd);
    double m = Rf_asReal(period);
    double *work = alloc_work(lagrs_seasonal_work_size(n, m));
    int D = 0, notes = 0;
    int status = lagrs_nsdiffs_seas(REAL(xd), n, m, Rf_asInteger(max_D),
                                    work, &D, &notes);
    UNPROTECT(np);
    raise_status(status, "nsdiffs_seas()");
    return order_with_notes(D, notes);
}

SEXP lagrs_seasonal_strength_call(SEXP x, SEXP period)
{
    int np = 0;
    SEXP xd = as_double_vector(x, &np);
    R_xlen_t n = XLENGTH(xd);
    double m = Rf_asReal(period);
    double *work = alloc_work(lagrs_seasonal_work_size(n, m));
    double strength = NA_REAL;
    int status = lagrs_seasonal_strength(REAL(xd), n, m, work, &strength);
    UNPROTECT(np);
    raise_status(status, "seasonal_strength()");
    return Rf_ScalarReal(strength);
}
