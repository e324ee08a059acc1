#include "lagrs.h"
#include "collection.h"
#include "collectionR.h"

/* times: double, sorted by series then time; counts: integer rows per
 * series; seconds_per_unit: 86400 (Dates) or 1 (date-times); civil: NULL or
 * an integer local calendar day per time.  Returns list(status, frequency,
 * start, irregular, repeated) with `repeated` 1-based (NA when none). */
SEXP dated_spacing_call(SEXP times, SEXP counts, SEXP seconds_per_unit, SEXP civil)
{
    if (TYPEOF(times) != REALSXP || TYPEOF(counts) != INTSXP ||
        (civil != R_NilValue && (TYPEOF(civil) != INTSXP || XLENGTH(civil) != XLENGTH(times))))
        Rf_error("internal error: dated_spacing_call's arguments do not match");
    R_xlen_t n_series = XLENGTH(counts), total = 0;
    for (R_xlen_t k = 0; k < n_series; k++)
        total += INTEGER(counts)[k];
    if (total != XLENGTH(times))
        Rf_error("internal error: the series' row counts do not add up to the times");
    const char *names[] = {"status", "frequency", "start", "irregular", "repeated", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    SEXP start = Rf_allocVector(REALSXP, n_series);
    SET_VECTOR_ELT(ans, 2, start);
    SEXP irregular = Rf_allocVector(LGLSXP, n_series);
    SET_VECTOR_ELT(ans, 3, irregular);
    double frequency;
    R_xlen_t repeated;
    int status = lagrs_dated_spacing(REAL(times), XLENGTH(times), INTEGER(counts), n_series,
                                     Rf_asReal(seconds_per_unit),
                                     civil == R_NilValue ? NULL : INTEGER(civil), &frequency,
                                     REAL(start), LOGICAL(irregular), &repeated);
    if (status == LAGRS_SPACING_NOMEM)
        Rf_error("out of memory while reading the dates of %lld series", (long long) n_series);
    SET_VECTOR_ELT(ans, 0, Rf_ScalarInteger(status));
    SET_VECTOR_ELT(ans, 1, Rf_ScalarReal(frequency));
    SET_VECTOR_ELT(ans, 4, Rf_ScalarReal(repeated >= 0 ? (double) repeated + 1 : NA_REAL));
    UNPROTECT(1);
    return ans;
}
