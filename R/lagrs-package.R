#' lagrs: fast rolling statistics and ARIMA forecasting for many series
#'
#' lagrs computes rolling-window statistics and fits ARIMA models over one
#' long series or many thousands of series at once. The numerical work runs in
#' C, in parallel with OpenMP, and gives the same numbers as base R.
#'
#' @section Rolling windows:
#' [rolling_mean()], [rolling_sum()], [rolling_var()], [rolling_sd()],
#' [rolling_min()], [rolling_max()], [rolling_median()] and
#' [rolling_quantile()].
#'
#' @section ARIMA:
#' [arima_fit()] fits seasonal ARIMA models with regressors, in agreement
#' with [stats::arima()]; [forecast()][forecast.lagrs_arima] and
#' [predict()][predict.lagrs_arima] forecast from them. The kernels are
#' plain C (declared in `src/arima.h`) and can run in parallel threads.
#'
#' @section Threads:
#' [lagrs_threads()] reads and sets the number of threads. The default is
#' every processor, or the `LAGRS_NUM_THREADS` environment variable, capped by
#' `OMP_THREAD_LIMIT`. Results are identical for any number of threads.
#'
#' @keywords internal
#' @useDynLib lagrs, .registration = TRUE, .fixes = "C_"
"_PACKAGE"
