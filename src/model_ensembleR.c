#include "lagrs.h"
#include "model_ensemble.h"
#include <string.h>

/* state: the ensemble batch's states (NULL for failed series); member: the
 * member's position (1-based).  Returns list(state, status): that member's
 * state per series (NULL where it failed) and its fit status, so that R can
 * forecast a member through the member family's own forecast. */
SEXP ensemble_member_states_call(SEXP state, SEXP member)
{
    if (TYPEOF(state) != VECSXP)
        Rf_error("internal error: `state` must be a list");
    int m = Rf_asInteger(member) - 1;
    R_xlen_t n_series = XLENGTH(state);
    const char *names[] = {"state", "status", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    SEXP states = Rf_allocVector(VECSXP, n_series);
    SET_VECTOR_ELT(ans, 0, states);
    SEXP status = Rf_allocVector(INTSXP, n_series);
    SET_VECTOR_ELT(ans, 1, status);
    for (R_xlen_t i = 0; i < n_series; i++) {
        SEXP s = VECTOR_ELT(state, i);
        R_xlen_t offset = 0, length = 0;
        int code = TYPEOF(s) != REALSXP ? LAGRS_FIT_ERROR :
            lagrs_ensemble_member_state(REAL(s), XLENGTH(s), m, &offset, &length);
        INTEGER(status)[i] = code;
        if (code > LAGRS_FIT_WARNING)
            continue;
        SEXP one = Rf_allocVector(REALSXP, length);
        SET_VECTOR_ELT(states, i, one);
        memcpy(REAL(one), REAL(s) + offset, sizeof(double) * (size_t) length);
    }
    UNPROTECT(1);
    return ans;
}
