#include "lagrs.h"
#include "arima.h"
#include "model.h"
#include <string.h>

/* The codes and rules that R and C share are defined once, in the C headers;
 * this entry point hands them to R as one named list, which R/codes.R reads
 * once at load.  Each feature adds its own element below. */

/* A named integer vector from parallel arrays of names and values. */
static SEXP named_ints(const char **names, const int *values, int n)
{
    SEXP out = PROTECT(Rf_allocVector(INTSXP, n));
    SEXP nm = PROTECT(Rf_allocVector(STRSXP, n));
    for (int k = 0; k < n; k++) {
        INTEGER(out)[k] = values[k];
        SET_STRING_ELT(nm, k, Rf_mkChar(names[k]));
    }
    Rf_setAttrib(out, R_NamesSymbol, nm);
    UNPROTECT(2);
    return out;
}

SEXP lagrs_codes_call(void)
{
    const char *sections[] = {"arima_status", "fit_status", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, sections));
    {
        const char *names[] = {"ok", "warning", "input", "too_short", "numeric", "memory"};
        const int values[] = {LAGRS_ARIMA_OK, LAGRS_ARIMA_WARNING, LAGRS_ARIMA_ERR_INPUT,
                              LAGRS_ARIMA_ERR_TOO_SHORT, LAGRS_ARIMA_ERR_NUMERIC,
                              LAGRS_ARIMA_ERR_MEMORY};
        SET_VECTOR_ELT(ans, 0, named_ints(names, values, 6));
    }
    {
        /* every family's fits: 0 and 1 usable, larger values errors */
        const char *names[] = {"ok", "warning", "error"};
        const int values[] = {LAGRS_FIT_OK, LAGRS_FIT_WARNING, LAGRS_FIT_ERROR};
        SET_VECTOR_ELT(ans, 1, named_ints(names, values, 3));
    }
    UNPROTECT(1);
    return ans;
}
