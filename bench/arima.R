# Fit + forecast(h = 10) of one series: lagrs vs stats::arima + predict and
# forecast::Arima + forecast. Run with the package installed, e.g.
#   R_LIBS=/tmp/lib-arima Rscript bench/arima.R
# Prints median times (milliseconds) and ratios, at lagrs_threads(1).
source(file.path("bench", "common.R"))
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

now <- if (has_bench) bench::hires_time else function() proc.time()[["elapsed"]]

# Median milliseconds per call of each function in `funs`. The functions are
# timed in interleaved rounds (each round runs every function `reps` times),
# so that a load change on the shared machine hits them all alike.
interleaved_ms <- function(funs, rounds = 25L, target_s = 0.02) {
  reps <- vapply(funs, function(f) {
    t0 <- now(); f(); el <- as.numeric(now() - t0)
    max(1L, as.integer(ceiling(target_s / max(el, 1e-6))))
  }, integer(1))
  times <- matrix(NA_real_, rounds, length(funs), dimnames = list(NULL, names(funs)))
  for (r in seq_len(rounds)) {
    for (k in seq_along(funs)) {
      f <- funs[[k]]
      t0 <- now()
      for (i in seq_len(reps[k])) f()
      times[r, k] <- as.numeric(now() - t0) / reps[k]
    }
  }
  apply(times, 2L, stats::median) * 1e3
}

rows <- list()
for (nm in names(cases)) {
  cs <- cases[[nm]]
  funs <- list(
    lagrs = function() {
      fit <- arima_fit(cs$y, order = cs$order, seasonal = cs$seasonal)
      forecast(fit, h = 10)
    },
    # the engine alone: the two .Call entry points behind arima_fit() and
    # forecast() (the fit kernel with the object built in C, then the
    # forecast kernel), without their R wrappers.
    engine = function() {
      fit <- .Call(lagrs:::C_arima_fit_object_call, cs$y, cs$order, cs$seasonal,
                   NULL, TRUE, FALSE, NULL, "CSS-ML", NULL, TRUE, NULL, quote(y))
      .Call(lagrs:::C_arima_forecast_call, fit$model, 10L, NULL)
    },
    stats = function() {
      fit <- stats::arima(cs$y, order = cs$order, seasonal = cs$seasonal)
      stats::predict(fit, n.ahead = 10)
    }
  )
  if (has_forecast) {
    funs$forecast <- function() {
      fit <- forecast::Arima(cs$y, order = cs$order, seasonal = cs$seasonal)
      forecast::forecast(fit, h = 10)
    }
  }
  ms <- interleaved_ms(funs)
  t_lagrs <- ms[["lagrs"]]
  t_engine <- ms[["engine"]]
  t_stats <- ms[["stats"]]
  t_fc <- if (has_forecast) ms[["forecast"]] else NA_real_
  rows[[nm]] <- data.frame(case = nm, lagrs_ms = t_lagrs,
                           engine_ms = t_engine, stats_ms = t_stats,
                           forecast_ms = t_fc, x_vs_stats = t_stats / t_lagrs,
                           x_vs_forecast = t_fc / t_lagrs,
                           engine_x_vs_stats = t_stats / t_engine)
}
tab <- do.call(rbind, rows)
rownames(tab) <- NULL
cat("Median time (ms) of fit + forecast(h = 10), one series, lagrs_threads(1)\n")
cat("lagrs = arima_fit() + forecast(); engine = their two .Call entry points only\n")
old_width <- options(width = 200)
print(format(tab, digits = 3), row.names = FALSE)
save_bench_results(format(tab, digits = 3), "arima", threads = 1L)
options(old_width)
lagrs_threads(old)
