/* Entry points of the differencing tests (unitrootR.c). */
#ifndef LAGRS_UNITROOTR_H
#define LAGRS_UNITROOTR_H

#include "lagrs.h"

SEXP lagrs_is_constant_call(SEXP x);
SEXP lagrs_kpss_call(SEXP x, SEXP lag);
SEXP lagrs_ndiffs_kpss_call(SEXP x, SEXP alpha, SEXP max_d);
SEXP lagrs_nsdiffs_seas_call(SEXP x, SEXP period, SEXP max_D);
SEXP lagrs_seasonal_strength_call(SEXP x, SEXP period);

#endif
