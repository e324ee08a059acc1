# Fit + forecast(h = 10) of one series: lagrs vs stats::arima + predict and
# forecast::Arima + forecast. Run with the package installed, e.g.
#   R_LIBS=/tmp/lib-arima Rscript bench/arima.R
# Prints median times (milliseconds) and ratios, at lagrs_threads(1).
suppressPackageStartupMessages(library(lagrs))
has_forecast <- requireNamespace("forecast", quietly = TRUE)
has_bench <- requireNamespace("bench", quietly = TRUE)
old <- lagrs_threads(1L)

set.seed(42)
sim <- cumsum(arima.sim(list(ar = 0.6, ma = -0.3), n = 99))
cases <- list(
  "ARIMA(1,1,1), n = 100" = list(y = ts(c(0, sim)), order = c(1, 1, 1),
                                 seasonal = c(0, 0, 0)),
  "log(AirPassengers) (0,1,1)(0,1,1)[12]" = list(y = log(AirPassengers),
                                                 order = c(0, 1, 1),
                                                 seasonal = c(0, 1, 1))
)

median_ms <- function(expr_fun, min_time = 1) {
  if (has_bench) {
    b <- bench::mark(expr_fun(), min_time = min_time, iterations = NULL,
                     check = FALSE, filter_gc = FALSE)
    return(as.numeric(b$median) * 1e3)
  }
  times <- numeric()
  start <- proc.time()[["elapsed"]]
  while (proc.time()[["elapsed"]] - start < min_time || length(times) < 5L) {
    t0 <- proc.time()[["elapsed"]]
    expr_fun()
    times <- c(times, proc.time()[["elapsed"]] - t0)
  }
  stats::median(times) * 1e3
}

rows <- list()
for (nm in names(cases)) {
  cs <- cases[[nm]]
  t_lagrs <- median_ms(function() {
    fit <- arima_fit(cs$y, order = cs$order, seasonal = cs$seasonal)
    forecast(fit, h = 10)
  })
  t_stats <- median_ms(function() {
    fit <- stats::arima(cs$y, order = cs$order, seasonal = cs$seasonal)
    stats::predict(fit, n.ahead = 10)
  })
  t_fc <- if (has_forecast) median_ms(function() {
    fit <- forecast::Arima(cs$y, order = cs$order, seasonal = cs$seasonal)
    forecast::forecast(fit, h = 10)
  }) else NA_real_
  rows[[nm]] <- data.frame(case = nm, lagrs_ms = t_lagrs, stats_ms = t_stats,
                           forecast_ms = t_fc, x_vs_stats = t_stats / t_lagrs,
                           x_vs_forecast = t_fc / t_lagrs)
}
tab <- do.call(rbind, rows)
rownames(tab) <- NULL
cat("Median time of fit + forecast(h = 10), one series, lagrs_threads(1)\n")
print(format(tab, digits = 3), row.names = FALSE)
lagrs_threads(old)
