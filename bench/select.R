# Differencing-order selection for many series: lagrs's C plan (d by KPSS, D
# by seasonal strength, and auto.arima's other pre-fit rules) against the
# forecast calls auto.arima makes for the same decisions (nsdiffs + ndiffs).
# Run: R_LIBS=<lib> Rscript bench/select.R
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
time_median <- function(expr, times = 3L) {
  expr <- substitute(expr)
  env <- parent.frame()
  median(vapply(seq_len(times), function(i) system.time(eval(expr, env))[["elapsed"]], 0))
}
t_forecast <- time_median(ref <- vapply(series, forecast_orders, c(0, 0)), times = 1L)
old <- lagrs_threads(1L)
t_one <- time_median(b1 <- ns$autoarima_plan_batch(series), times = 7L)
lagrs_threads(2L)
t_two <- time_median(b2 <- ns$autoarima_plan_batch(series), times = 7L)
lagrs_threads(old)
stopifnot(identical(b1, b2))
agree <- mean(b1$d == ref[1, ] & b1$D == ref[2, ])
cat(sprintf("%d monthly series x 120: d and D agree with forecast on %.1f%%\n",
            n_series, 100 * agree))
print(data.frame(method = c("forecast nsdiffs + ndiffs (loop)", "lagrs plan, 1 thread",
                            "lagrs plan, 2 threads"),
                 median_s = c(t_forecast, t_one, t_two),
                 speedup = c(1, t_forecast / t_one, t_forecast / t_two)),
      row.names = FALSE)
