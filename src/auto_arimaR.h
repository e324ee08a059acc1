/* Entry points of automatic ARIMA order selection (auto_arimaR.c). */
#ifndef LAGRS_AUTO_ARIMAR_H
#define LAGRS_AUTO_ARIMAR_H

#include "lagrs.h"

SEXP auto_arima_plan_call(SEXP x, SEXP frequency, SEXP opts);
SEXP auto_arima_call(SEXP y, SEXP frequency, SEXP options);

#endif
