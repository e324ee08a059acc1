# Differencing-order selection: lagrs's C plan (d by KPSS, D by seasonal
# strength, and auto.arima's other pre-fit rules; src/auto_arima_plan.c)
# against the forecast calls auto.arima makes for the same decisions
# (nsdiffs + ndiffs), series by series.  The plan runs inside every
# auto_arima() and auto_arima_batch() search; bench/batch_auto.R times the
# whole search over threads.
# Run: R_LIBS=<lib> Rscript bench/auto_arima_plan.R
suppressPackageStartupMessages({
  library(lagrs)
  library(forecast)
})
ns <- asNamespace("lagrs")
set.seed(1)
n_series <- 1000L
series <- lapply(seq_len(n_series), function(i) {
  n <- 120L
  ts(cumsum(rnorm(n)) + 3 * sin(2 * pi * seq_len(n) / 12), frequency = 12)
})
forecast_orders <- function(x) {
  D <- nsdiffs(x)
  dx <- if (D > 0) diff(x, lag = 12, differences = D) else x
  c(ndiffs(dx), D)
}
lagrs_orders <- function(x) {
  plan <- ns$autoarima_plan(x)
  c(plan$d, plan$D)
}
time_median <- function(expr, times = 3L) {
  expr <- substitute(expr)
  env <- parent.frame()
  median(vapply(seq_len(times), function(i) system.time(eval(expr, env))[["elapsed"]], 0))
}
t_forecast <- time_median(ref <- vapply(series, forecast_orders, c(0, 0)), times = 1L)
t_lagrs <- time_median(got <- vapply(series, lagrs_orders, c(0, 0)), times = 5L)
agree <- mean(got[1, ] == ref[1, ] & got[2, ] == ref[2, ])
cat(sprintf("%d monthly series x 120: d and D agree with forecast on %.1f%%\n",
            n_series, 100 * agree))
print(data.frame(method = c("forecast nsdiffs + ndiffs (loop)", "lagrs plan (loop)"),
                 median_s = c(t_forecast, t_lagrs),
                 speedup = c(1, t_forecast / t_lagrs)),
      row.names = FALSE)
