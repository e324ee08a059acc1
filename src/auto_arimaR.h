/* Entry points of automatic ARIMA order selection (auto_arimaR.c). */
#ifndef LAGRS_AUTO_ARIMAR_H
#define LAGRS_AUTO_ARIMAR_H

#include "lagrs.h"

SEXP auto_arima_plan_call(SEXP x, SEXP frequency, SEXP opts);
SEXP auto_arima_call(SEXP y, SEXP frequency, SEXP options);
SEXP auto_arima_batch_call(SEXP series, SEXP frequency, SEXP options,
                           SEXP progress);
SEXP auto_arima_batch_forecast_call(SEXP model, SEXP orders, SEXP h,
                                    SEXP progress);

#endif
