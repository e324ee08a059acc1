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
#' @section Many series:
#' A model is an object without data: [arima_model()] (fixed orders, or the
#' automatic search), [theta_model()], the benchmarks [mean_model()],
#' [naive_model()], [snaive_model()] and [drift_model()], and
#' [croston_model()], [adida_model()] and [imapa_model()] for intermittent
#' demand (with [demand_class()] to sort series by the Syntetos-Boylan
#' classes). [fit_batch()] fits any model, or a
#' named list of models, to every series through one parallel runner in C.
#' [arima_batch()] fits one model to every series of a list, matrix or long
#' data frame, in parallel; [auto_arima()] and [auto_arima_batch()] choose
#' each series' orders with the stepwise search of `forecast::auto.arima()`.
#' [forecast()][forecast.lagrs_batch] forecasts a whole batch into a long data
#' frame; [summary()][summary.lagrs_batch] and [plot()][plot.lagrs_batch]
#' summarise and draw it. A series that cannot be fitted gets an `"error"`
#' status and never stops the batch.
#'
#' @section Plots:
#' Base graphics: [plot()][plot.lagrs_forecast] for fits and forecasts,
#' [plot()][plot.lagrs_batch] for batches. With ggplot2 installed,
#' [autoplot()][autoplot.lagrs] draws the same.
#'
#' @section Vignettes:
#' `vignette("lagrs")` (getting started), `vignette("many-skus")`
#' (forecasting many SKUs) and `vignette("performance")`.
#'
#' @section Threads:
#' [lagrs_threads()] reads and sets the number of threads. The default is
#' every processor, or the `LAGRS_NUM_THREADS` environment variable, capped by
#' `OMP_THREAD_LIMIT`. Results are identical for any number of threads.
#'
#' @useDynLib lagrs, .registration = TRUE, .fixes = "C_"
"_PACKAGE"
