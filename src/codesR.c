#include "lagrs.h"
#include "arima.h"
#include "rolling.h"
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
    const char *sections[] = {"arima_status", "rolling_stat", "rolling_align", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, sections));
    {
        const char *names[] = {"ok", "warning", "input", "too_short", "numeric", "memory"};
        const int values[] = {LAGRS_ARIMA_OK, LAGRS_ARIMA_WARNING, LAGRS_ARIMA_ERR_INPUT,
                              LAGRS_ARIMA_ERR_TOO_SHORT, LAGRS_ARIMA_ERR_NUMERIC,
                              LAGRS_ARIMA_ERR_MEMORY};
        SET_VECTOR_ELT(ans, 0, named_ints(names, values, 6));
    }
    {
        const char *names[] = LAGRS_ROLL_STAT_NAMES;
        const int values[] = {LAGRS_ROLL_SUM, LAGRS_ROLL_MEAN, LAGRS_ROLL_VAR,
                              LAGRS_ROLL_SD, LAGRS_ROLL_MIN, LAGRS_ROLL_MAX,
                              LAGRS_ROLL_MEDIAN, LAGRS_ROLL_QUANTILE};
        SET_VECTOR_ELT(ans, 1, named_ints(names, values, LAGRS_ROLL_N_STATS));
    }
    {
        const char *names[] = LAGRS_ROLL_ALIGN_NAMES;
        const int values[] = {LAGRS_ROLL_RIGHT, LAGRS_ROLL_CENTER, LAGRS_ROLL_LEFT};
        SET_VECTOR_ELT(ans, 2, named_ints(names, values, LAGRS_ROLL_N_ALIGNS));
    }
    UNPROTECT(1);
    return ans;
}
