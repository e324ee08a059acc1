#include "lagrs.h"
#include "threads.h"

/* lagrs_threads() (R/threads.R): the thread count and what decides it. */

static SEXP positive_or_na(int value)
{
    return Rf_ScalarInteger(value > 0 ? value : NA_INTEGER);
}

SEXP lagrs_threads_get(SEXP verbose)
{
    if (!Rf_asLogical(verbose))
        return Rf_ScalarInteger(lagrs_threads_current());

    lagrs_threads_info info;
    lagrs_threads_describe(&info);
    const char *names[] = {"threads", "openmp", "user_setting",
                           "LAGRS_NUM_THREADS", "OMP_THREAD_LIMIT",
                           "omp_get_thread_limit", "omp_get_max_threads",
                           "omp_get_num_procs", "forked_child", ""};
    SEXP ans = PROTECT(Rf_mkNamed(VECSXP, names));
    SET_VECTOR_ELT(ans, 0, Rf_ScalarInteger(info.threads));
    SET_VECTOR_ELT(ans, 1, Rf_ScalarLogical(info.openmp));
    SET_VECTOR_ELT(ans, 2, positive_or_na(info.user_setting));
    SET_VECTOR_ELT(ans, 3, positive_or_na(info.env_threads));
    SET_VECTOR_ELT(ans, 4, positive_or_na(info.env_limit));
    SET_VECTOR_ELT(ans, 5, Rf_ScalarInteger(info.omp_thread_limit));
    SET_VECTOR_ELT(ans, 6, Rf_ScalarInteger(info.omp_max_threads));
    SET_VECTOR_ELT(ans, 7, Rf_ScalarInteger(info.omp_num_procs));
    SET_VECTOR_ELT(ans, 8, Rf_ScalarLogical(info.forked_child));
    UNPROTECT(1);
    return ans;
}

/* n >= 1 sets the count; n == 0 returns to the default.  The R wrapper has
 * already checked n. */
SEXP lagrs_threads_set(SEXP n)
{
    return Rf_ScalarInteger(lagrs_threads_set_user(Rf_asInteger(n)));
}
