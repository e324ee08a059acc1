#include "lagrs.h"
#include "arima.h"
#include "auto_arima.h"
#include "unitroot.h"
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
    const char *sections[] = {"arima_status", "auto_status", "auto_notes", "auto_outcome",
                              "unitroot_notes", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, sections));
    {
        const char *names[] = {"ok", "warning", "input", "too_short", "numeric", "memory"};
        const int values[] = {LAGRS_ARIMA_OK, LAGRS_ARIMA_WARNING, LAGRS_ARIMA_ERR_INPUT,
                              LAGRS_ARIMA_ERR_TOO_SHORT, LAGRS_ARIMA_ERR_NUMERIC,
                              LAGRS_ARIMA_ERR_MEMORY};
        SET_VECTOR_ELT(ans, 0, named_ints(names, values, 6));
    }
    {
        const char *names[] = {"ok", "all_missing", "too_short", "polynomial", "no_model",
                               "memory", "input"};
        const int values[] = {LAGRS_AUTO_OK, LAGRS_AUTO_ALL_MISSING, LAGRS_AUTO_TOO_SHORT,
                              LAGRS_AUTO_POLYNOMIAL, LAGRS_AUTO_NO_MODEL, LAGRS_AUTO_MEMORY,
                              LAGRS_AUTO_INPUT};
        SET_VECTOR_ELT(ans, 1, named_ints(names, values, 7));
    }
    {
        const char *names[] = {"two_seasonal", "three_diffs", "seas_test", "alpha"};
        const int values[] = {LAGRS_AUTO_NOTE_TWO_SEASONAL, LAGRS_AUTO_NOTE_THREE_DIFFS,
                              LAGRS_AUTO_NOTE_SEAS_TEST, LAGRS_AUTO_NOTE_ALPHA};
        SET_VECTOR_ELT(ans, 2, named_ints(names, values, 4));
    }
    {
        const char *names[] = {"search", "all_missing", "constant", "no_data",
                               "constant_diff", "polynomial"};
        const int values[] = {LAGRS_AUTO_PLAN_SEARCH, LAGRS_AUTO_PLAN_ALL_MISSING,
                              LAGRS_AUTO_PLAN_CONSTANT, LAGRS_AUTO_PLAN_NO_DATA,
                              LAGRS_AUTO_PLAN_CONSTANT_DIFF, LAGRS_AUTO_PLAN_POLYNOMIAL};
        SET_VECTOR_ELT(ans, 3, named_ints(names, values, 6));
    }
    {
        const char *names[] = {"alpha_clamped", "test_failed", "non_seasonal"};
        const int values[] = {LAGRS_UR_NOTE_ALPHA_CLAMPED, LAGRS_UR_NOTE_TEST_FAILED,
                              LAGRS_UR_NOTE_NON_SEASONAL};
        SET_VECTOR_ELT(ans, 4, named_ints(names, values, 3));
    }
    UNPROTECT(1);
    return ans;
}
