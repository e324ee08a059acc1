#include "lagrs.h"
#include "rollingR.h"
#include "unitrootR.h"
#include "stlR.h"
#include "arimaR.h"
#include "batchR.h"
#include "collectionR.h"
#include "featuresR.h"
#include "auto_arimaR.h"
#include "model_ensembleR.h"
#include "etsR.h"
#include <R_ext/Rdynload.h>

#define CALLDEF(name, n) {#name, (DL_FUNC) &name, n}

static const R_CallMethodDef call_methods[] = {
    CALLDEF(lagrs_threads_get, 1),
    CALLDEF(lagrs_threads_set, 1),
    CALLDEF(lagrs_codes_call, 0),
    CALLDEF(lagrs_is_constant_call, 1),
    CALLDEF(lagrs_kpss_call, 2),
    CALLDEF(lagrs_ndiffs_kpss_call, 3),
    CALLDEF(lagrs_nsdiffs_seas_call, 3),
    CALLDEF(lagrs_seasonal_strength_call, 2),
    CALLDEF(lagrs_stl_call, 2),
    CALLDEF(lagrs_rolling_call, 10),
    CALLDEF(arima_forecast_call, 3),
    CALLDEF(fit_batch_call, 6),
    CALLDEF(forecast_batch_call, 8),
    CALLDEF(forecast_table_call, 11),
    CALLDEF(model_families_call, 0),
    CALLDEF(model_coef_names_call, 2),
    CALLDEF(ensemble_member_states_call, 3),
    CALLDEF(ets_states_call, 2),
    CALLDEF(model_work_call, 3),
    CALLDEF(cv_batch_call, 13),
    CALLDEF(dated_spacing_call, 4),
    CALLDEF(list_collection_call, 1),
    CALLDEF(long_runs_call, 3),
    CALLDEF(features_call, 5),
    CALLDEF(collection_frequency_call, 1),
    CALLDEF(auto_arima_plan_call, 3),
    CALLDEF(auto_arima_call, 3),
    CALLDEF(arima_fit_object_call, 12),
    CALLDEF(arima_forecast_object_call, 4),
    CALLDEF(arima_light_fit_call, 7),
    CALLDEF(arima_coef_names_call, 5),
    CALLDEF(arima_min_obs_call, 3),
    {NULL, NULL, 0}
};

void R_init_lagrs(DllInfo *dll)
{
    R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
    lagrs_threads_init();
}
