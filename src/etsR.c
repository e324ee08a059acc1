#include "lagrs.h"
#include "model_ets.h"

/* What ets_fit() adds to a batch fit of one series: the states matrix and
 * forecast's residuals (relative errors for a multiplicative error). */
SEXP ets_states_call(SEXP y, SEXP state)
{
    if (TYPEOF(y) != REALSXP || TYPEOF(state) != REALSXP || XLENGTH(state) < 16)
        Rf_error("internal error: ets_states_call takes a double series and a state");
    R_xlen_t n = XLENGTH(y);
    int width = lagrs_ets_state_width(REAL(state));
    SEXP states = PROTECT(Rf_allocMatrix(REALSXP, (int) n + 1, width));
    SEXP e = PROTECT(Rf_allocVector(REALSXP, n));
    double *by_rows = (double *) R_alloc((size_t) (n + 1) * width, sizeof(double));
    if (lagrs_ets_run(REAL(state), REAL(y), n, by_rows, REAL(e)) != 0)
        Rf_error("the ETS recursions failed: a multiplicative trend turned negative");
    double *out = REAL(states);
    for (R_xlen_t t = 0; t <= n; t++)
        for (int j = 0; j < width; j++)
            out[t + (n + 1) * j] = by_rows[t * width + j];
    SEXP ans = PROTECT(Rf_allocVector(VECSXP, 2));
    SET_VECTOR_ELT(ans, 0, states);
    SET_VECTOR_ELT(ans, 1, e);
    UNPROTECT(3);
    return ans;
}
