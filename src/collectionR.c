#include "lagrs.h"
#include "collection.h"
#include "collectionR.h"
#include <limits.h>
#include <string.h>

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

/* The attributes reading a series needs, from one walk of its attribute
 * list (a collection reads ten thousand series: one walk each, not seven). */
typedef struct {
    SEXP klass, dim, tsp;
} series_attributes;

static series_attributes attributes_of(SEXP x)
{
    series_attributes a = {R_NilValue, R_NilValue, R_NilValue};
    for (SEXP at = ATTRIB(x); at != R_NilValue; at = CDR(at)) {
        if (TAG(at) == R_ClassSymbol)
            a.klass = CAR(at);
        else if (TAG(at) == R_DimSymbol)
            a.dim = CAR(at);
        else if (TAG(at) == R_TspSymbol)
            a.tsp = CAR(at);
    }
    return a;
}

/* inherits(x, name) for an S3 object whose class attribute is klass (S4
 * objects go through Rf_inherits(), which asks their class definitions). */
static int has_class(SEXP x, SEXP klass, const char *name)
{
    if (IS_S4_OBJECT(x))
        return Rf_inherits(x, name);
    if (!OBJECT(x) || TYPEOF(klass) != STRSXP)
        return 0;
    for (R_xlen_t k = 0; k < XLENGTH(klass); k++)
        if (!strcmp(CHAR(STRING_ELT(klass, k)), name))
            return 1;
    return 0;
}

/* is.numeric() without its FALSE methods (factor, Date, POSIXt, difftime),
 * or a logical vector that holds only NA (read as all missing). */
static int numeric_series(SEXP x, SEXP klass)
{
    if (TYPEOF(x) == LGLSXP) {
        const int *v = LOGICAL(x);
        for (R_xlen_t i = 0; i < XLENGTH(x); i++)
            if (v[i] != NA_LOGICAL)
                return 0;
        return 1;
    }
    if (TYPEOF(x) != REALSXP && TYPEOF(x) != INTSXP)
        return 0;
    return !(has_class(x, klass, "factor") || has_class(x, klass, "Date") ||
             has_class(x, klass, "POSIXt") || has_class(x, klass, "difftime"));
}

/* as.double(x): the values alone, without attributes.  x is a double,
 * integer or all-NA logical vector. */
static SEXP plain_doubles(SEXP x)
{
    R_xlen_t n = XLENGTH(x);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    double *v = REAL(out);
    if (TYPEOF(x) == REALSXP) {
        memcpy(v, REAL(x), sizeof(double) * (size_t) n);
    } else {
        /* integer, or logical holding only NA: NA stays NA */
        const int *from = TYPEOF(x) == INTSXP ? INTEGER(x) : LOGICAL(x);
        for (R_xlen_t i = 0; i < n; i++)
            v[i] = from[i] == NA_INTEGER ? NA_REAL : (double) from[i];
    }
    UNPROTECT(1);
    return out;
}

/* A list of series as series_collection() reads it: list(bad, values, tsp).
 * bad: the 1-based position of the first element that is not a numeric
 * series (0 when all are); values: each element as doubles (the element
 * itself when it is a double vector without dim, read in place); tsp: the
 * tsp of each element that is a ts, else NULL. */
SEXP list_collection_call(SEXP series)
{
    if (TYPEOF(series) != VECSXP)
        Rf_error("internal error: `series` must be a list");
    R_xlen_t n = XLENGTH(series);
    const char *names[] = {"bad", "values", "tsp", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    SEXP values = Rf_allocVector(VECSXP, n);
    SET_VECTOR_ELT(ans, 1, values);
    SEXP tsp = Rf_allocVector(VECSXP, n);
    SET_VECTOR_ELT(ans, 2, tsp);
    SET_VECTOR_ELT(ans, 0, Rf_ScalarInteger(0));
    for (R_xlen_t k = 0; k < n; k++) {
        SEXP x = VECTOR_ELT(series, k);
        series_attributes a = attributes_of(x);
        if (!numeric_series(x, a.klass)) {
            SET_VECTOR_ELT(ans, 0, Rf_ScalarInteger((int) (k + 1)));
            break;
        }
        if (has_class(x, a.klass, "ts") && XLENGTH(x) > 0)
            SET_VECTOR_ELT(tsp, k, IS_S4_OBJECT(x) ? Rf_getAttrib(x, R_TspSymbol) : a.tsp);
        if (TYPEOF(x) == REALSXP && a.dim == R_NilValue) {
            SET_VECTOR_ELT(values, k, x);
        } else {
            SET_VECTOR_ELT(values, k, plain_doubles(x));
        }
    }
    UNPROTECT(1);
    return ans;
}

/* A column as lagrs_long_runs() reads it: NULL is absent. */
static lagrs_key key_of(SEXP column)
{
    lagrs_key key = {NULL, NULL, NULL};
    switch (TYPEOF(column)) {
    case NILSXP:
        break;
    case INTSXP:
    case LGLSXP:
        key.ints = INTEGER_RO(column);
        break;
    case REALSXP:
        key.doubles = REAL_RO(column);
        break;
    case STRSXP:
        key.pointers = (const void *const *) STRING_PTR_RO(column);
        break;
    default:
        Rf_error("internal error: long_runs_call cannot read a %s column",
                 Rf_type2char(TYPEOF(column)));
    }
    return key;
}

/* ids, times: the table's columns (or NULL); order: R's order() of the rows
 * by id then time (or NULL: the rows as they are).  Returns list(start,
 * repeated): the 0-based offsets into the order at which the series start,
 * closed by the number of rows, and the 1-based position in the order of a
 * time repeated within a series (NA when none). */
SEXP long_runs_call(SEXP ids, SEXP times, SEXP order)
{
    R_xlen_t n = order != R_NilValue ? XLENGTH(order) : XLENGTH(ids);
    if ((order != R_NilValue && TYPEOF(order) != INTSXP) || n > INT_MAX ||
        (ids != R_NilValue && XLENGTH(ids) != n) || (times != R_NilValue && XLENGTH(times) != n))
        Rf_error("internal error: long_runs_call's arguments do not match");
    lagrs_key id = key_of(ids), time = key_of(times);
    const int *rows = order != R_NilValue ? INTEGER_RO(order) : NULL;
    R_xlen_t n_runs, repeated;
    const char *names[] = {"start", "repeated", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    int status = lagrs_long_runs(&id, &time, rows, n, NULL, &n_runs, &repeated);
    if (status == LAGRS_SPACING_REPEATED) {
        SET_VECTOR_ELT(ans, 1, Rf_ScalarReal((double) repeated + 1));
        UNPROTECT(1);
        return ans;
    }
    /* counted first, so the starts take no more memory than they need */
    SEXP start = Rf_allocVector(INTSXP, n_runs + 1);
    SET_VECTOR_ELT(ans, 0, start);
    (void) lagrs_long_runs(&id, &time, rows, n, INTEGER(start), &n_runs, &repeated);
    SET_VECTOR_ELT(ans, 1, Rf_ScalarReal(NA_REAL));
    UNPROTECT(1);
    return ans;
}

/* tsp: a list with a tsp triple or NULL per series.  Returns each series'
 * frequency: the triple's third value, 1 without one. */
SEXP collection_frequency_call(SEXP tsp)
{
    if (TYPEOF(tsp) != VECSXP)
        Rf_error("internal error: `tsp` must be a list");
    R_xlen_t n = XLENGTH(tsp);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    for (R_xlen_t k = 0; k < n; k++) {
        SEXP t = VECTOR_ELT(tsp, k);
        if (t != R_NilValue && (TYPEOF(t) != REALSXP || XLENGTH(t) != 3))
            Rf_error("internal error: the tsp of series %lld is not a triple", (long long) k + 1);
        REAL(out)[k] = t == R_NilValue ? 1.0 : REAL(t)[2];
    }
    UNPROTECT(1);
    return out;
}
