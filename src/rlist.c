#include "lagrs.h"
#include <string.h>

/* Named elements of R lists, for entry points that receive lists built by
 * lagrs's own R code (model state, batch results). */

static R_xlen_t elt_index(SEXP list, const char *name)
{
    if (TYPEOF(list) != VECSXP)
        return -1;
    SEXP names = Rf_getAttrib(list, R_NamesSymbol);
    if (!Rf_isString(names))
        return -1;
    for (R_xlen_t k = 0; k < XLENGTH(list); k++)
        if (strcmp(CHAR(STRING_ELT(names, k)), name) == 0)
            return k;
    return -1;
}

SEXP lagrs_find_elt(SEXP list, const char *name)
{
    R_xlen_t k = elt_index(list, name);
    return k < 0 ? R_NilValue : VECTOR_ELT(list, k);
}

SEXP lagrs_list_elt(SEXP list, const char *name)
{
    R_xlen_t k = elt_index(list, name);
    if (k < 0)
        Rf_error("internal error: no element '%s' in the list", name);
    return VECTOR_ELT(list, k);
}
