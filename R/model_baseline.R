# The benchmark methods (src/model_baseline.c) as lagrs models: the mean,
# naive, seasonal naive and random walk with drift forecasts of the forecast
# package, one C family ("baseline") whose `method` option picks the method.

#' Benchmark models: mean, naive, seasonal naive, random walk with drift
#'
#' The methods every forecast is compared against, as model objects for
#' [fit_batch()] (and everything built on it). Each gives the numbers of the
#' forecast package's function (version 8.20) for the same series: point
#' forecasts, prediction intervals, fitted values and residuals agree to
#' about 1e-15 relative (the tests require 1e-10).
#'
#' * `mean_model()` is [forecast::meanf()]: every forecast is the mean of
#'   the non-missing values; the intervals are `mean -/+ t * s * sqrt(1 + 1/n)`
#'   with `s` the standard deviation of the non-missing values, `t` the
#'   quantile of Student's t with `n - 1` degrees of freedom and `n` the
#'   length of the series, missing values included (as meanf counts them).
#'   The residuals are the deviations from the mean. Coefficients: `mean`
#'   and `mean_se` (`s / sqrt(n)`, meanf's `mu.se`); `sigma2` is `s^2`.
#' * `naive_model()` is [forecast::naive()] (= `rwf()`): every forecast is
#'   the last value; the fitted value at time t is the value at t - 1.
#' * `snaive_model()` is [forecast::snaive()]: the forecast for a season is
#'   the last value of that season; the fitted value at time t is the value
#'   at t - m.
#' * `drift_model()` is [forecast::rwf()] with `drift = TRUE`: the last value
#'   plus `h` times the drift, the mean of the one-step changes as
#'   `lm(changes ~ 1)` estimates it. Coefficients: `drift` and `drift_se`
#'   (its standard error); `sigma2` is the variance of the changes.
#'
#' Naive, seasonal naive and drift are forecast's `lagwalk()` with lag 1 or
#' m: a missing value (after the first m) is filled by the filled value m
#' steps before, so forecasts start from the last non-missing value of each
#' season; the residuals are the observed values minus the fitted ones
#' (missing where either is missing), and the h-step standard error is
#' `sqrt(mse * k + (k * drift_se)^2)` with k the number of periods ahead and
#' `mse` the residuals' mean square (divided by one less when the drift is
#' not 0, as forecast does); the intervals are normal. For naive and
#' seasonal naive `sigma2` is that mean square.
#'
#' A series that is empty, has only missing values or has an infinite value
#' fails alone (status `"error"`), as does a series shorter than one period
#' for `snaive_model()` (forecast would repeat a partial period), one without
#' two consecutive values for `drift_model()` (forecast's `lm()` stops) and,
#' for `snaive_model()` without `period`, a series whose frequency is not a
#' whole number. Where forecast gives point forecasts without intervals (one
#' non-missing value, no residuals, a season never observed) the fit is
#' usable with status `"warning"` and the intervals (or those seasons'
#' forecasts) are `NaN`. Fitted values are `NA` where the series is
#' missing (forecast fills them; lagrs gives `fitted = series - residuals`).
#'
#' @param period The seasonal period of `snaive_model()`. `NULL` (the
#'   default) uses each series' own frequency (as `snaive()` does), so a
#'   collection may mix yearly, quarterly and monthly series; a series of
#'   frequency 1 then gets the naive forecast.
#' @return A `lagrs_model` (class `lagrs_baseline_model`), which prints in
#'   one line: `MEAN`, `NAIVE`, `SNAIVE[m]` (or the period given) and
#'   `RW with drift`.
#' @references Hyndman, R.J. and Athanasopoulos, G. (2021) *Forecasting:
#'   principles and practice*, 3rd edition, section 5.2 "Some simple
#'   forecasting methods". OTexts.
#' @seealso [fit_batch()], [forecast.lagrs_batch()], [batch_member()].
#' @name baseline_models
#' @examples
#' naive_model()
#' snaive_model()
#' batch <- fit_batch(list(air = AirPassengers, deaths = USAccDeaths),
#'                    list(mean = mean_model(), naive = naive_model(),
#'                         snaive = snaive_model(), drift = drift_model()))
#' head(forecast(batch, h = 3))
#' coef(batch)$drift
NULL

#' @rdname baseline_models
#' @export
mean_model <- function() baseline_model("mean", NULL, "MEAN")

#' @rdname baseline_models
#' @export
naive_model <- function() baseline_model("naive", NULL, "NAIVE")

#' @rdname baseline_models
#' @export
snaive_model <- function(period = NULL) {
  if (!is.null(period)) period <- check_count(period, "period")
  label <- paste0("SNAIVE[", if (is.null(period)) "m" else period, "]")
  baseline_model("snaive", period, label)
}

#' @rdname baseline_models
#' @export
drift_model <- function() baseline_model("drift", NULL, "RW with drift")

baseline_model <- function(method, period, label) {
  code <- lagrs_codes("baseline_method")[[method]]
  options <- c(method = code, period = if (is.null(period)) NA_real_ else period)
  new_lagrs_model("baseline", options, list(method = method, period = period), label,
                  subclass = "lagrs_baseline_model")
}
