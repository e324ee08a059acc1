/* The ARIMA engine's R entry points (arimaR.c): SEXP in, SEXP out.  The
 * kernels they call are declared in arima.h. */
#ifndef LAGRS_ARIMAR_H
#define LAGRS_ARIMAR_H

#include "lagrs.h"
#include "arima.h"

/* One forecast from a fit's model list: list(pred, se). */
SEXP arima_forecast_call(SEXP fit_parts, SEXP h, SEXP xreg_future);
/* The whole lagrs_arima / lagrs_forecast objects in one call; NULL when an
 * argument is not in its plain form (R then checks it). */
SEXP arima_fit_object_call(SEXP y, SEXP order, SEXP seasonal, SEXP period,
                           SEXP include_mean, SEXP include_drift, SEXP xreg,
                           SEXP method, SEXP fixed, SEXP transform_pars,
                           SEXP call, SEXP y_expr);
SEXP arima_forecast_object_call(SEXP object, SEXP h, SEXP level,
                                SEXP xreg_future);
/* lagrs_arima_ic_kernel() from R (for tests). */
SEXP arima_light_fit_call(SEXP y, SEXP order, SEXP seasonal, SEXP period,
                          SEXP include_mean, SEXP include_drift, SEXP method);
/* The model's own coefficient names (lagrs_arima_coef_name()), without the
 * user's xreg columns, as a character vector. */
SEXP arima_coef_names_call(SEXP order, SEXP seasonal, SEXP period,
                           SEXP include_mean, SEXP include_drift);
/* The length rule (lagrs_arima_min_obs()): a fit needs more non-missing
 * values than this number. */
SEXP arima_min_obs_call(SEXP order, SEXP seasonal, SEXP period);

#endif
