#include "lagrs.h"
#include "model_ensemble.h"
#include <string.h>

/* state, state_length: an ensemble batch's states, one after another, and
 * their lengths (0 for a failed series); member: the member's position
 * (1-based).  Returns list(state, state_length, status): that member's
 * states laid out the same way, and its fit status per series, so that R
 * can forecast a member through the member family's own forecast. */
SEXP ensemble_member_states_call(SEXP state, SEXP state_length, SEXP member)
{
    R_xlen_t n_series = XLENGTH(state_length);
    if (TYPEOF(state) != REALSXP || TYPEOF(state_length) != INTSXP)
        Rf_error("internal error: ensemble states must be a double and an integer vector");
    int m = Rf_asInteger(member) - 1;
    const double *all = REAL(state);
    const int *lengths = INTEGER(state_length);
    const char *names[] = {"state", "state_length", "status", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    SEXP out_length = Rf_allocVector(INTSXP, n_series);
    SET_VECTOR_ELT(ans, 1, out_length);
    SEXP status = Rf_allocVector(INTSXP, n_series);
    SET_VECTOR_ELT(ans, 2, status);
    R_xlen_t at = 0, total = 0;
    R_xlen_t *offset = (R_xlen_t *) R_alloc(n_series > 0 ? n_series : 1, sizeof(R_xlen_t));
    for (R_xlen_t i = 0; i < n_series; i++) {
        R_xlen_t length = 0;
        offset[i] = 0;
        if (lengths[i] < 0 || at + lengths[i] > XLENGTH(state))
            Rf_error("internal error: the ensemble's state lengths do not add up");
        int code = lengths[i] == 0 ? LAGRS_FIT_ERROR :
            lagrs_ensemble_member_state(all + at, lengths[i], m, &offset[i], &length);
        if (code > LAGRS_FIT_WARNING)
            length = 0;
        offset[i] += at;
        INTEGER(status)[i] = code;
        INTEGER(out_length)[i] = (int) length;
        total += length;
        at += lengths[i];
    }
    SEXP out = Rf_allocVector(REALSXP, total);
    SET_VECTOR_ELT(ans, 0, out);
    R_xlen_t to = 0;
    for (R_xlen_t i = 0; i < n_series; i++) {
        memcpy(REAL(out) + to, all + offset[i], sizeof(double) * (size_t) INTEGER(out_length)[i]);
        to += INTEGER(out_length)[i];
    }
    UNPROTECT(1);
    return ans;
}
