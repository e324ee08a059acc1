# Cross-validation benchmark (issue 12):
#
#   Rscript bench/cv.R [n_series] [n_sample]
#
# 1,000 monthly series x 120 points, ARIMA(0,1,1)(0,1,1)[12], h = 12,
# n_windows = 8, every origin refitted: lagrs's cross_validate() at 2 threads
# against a loop of forecast::tsCV() with Arima() + forecast() over the same
# windows, and against a loop of stats::arima() + predict() over the same
# windows. The two loops are timed on a sample of the series (default 20)
# and scaled; the output says so. Medians of 3 runs for lagrs; the machine's
# load is printed before and after.
if (!exists("save_bench_results")) source(file.path("bench", "common.R"))
suppressMessages({
  library(lagrs)
  library(forecast)
})
args <- commandArgs(trailingOnly = TRUE)
n_series <- if (length(args) >= 1) as.integer(args[1]) else 1000L
n_sample <- if (length(args) >= 2) as.integer(args[2]) else 20L
n_obs <- 120L
h <- 12L
n_windows <- 8L

load_now <- function() {
  tryCatch(readLines("/proc/loadavg", warn = FALSE), error = function(e) "unknown")
}
cat("load before:", load_now(), "\n")
set.seed(20261203)
series <- lapply(seq_len(n_series), function(i) {
  season <- sin(2 * pi * (1:n_obs) / 12 + runif(1, 0, 2 * pi)) * runif(1, 0, 4)
  ts(100 + season + cumsum(rnorm(n_obs)), frequency = 12, start = c(2015, 1))
})
names(series) <- sprintf("SKU-%04d", seq_len(n_series))
model <- arima_model(c(0, 1, 1), c(0, 1, 1))
first <- n_obs - h - n_windows + 1L

old <- lagrs_threads(2)
invisible(cross_validate(series[1:10], model, h = h, n_windows = n_windows, progress = FALSE))
t_lagrs <- stats::median(vapply(1:3, function(i) {
  gc(FALSE)
  system.time(cross_validate(series, model, h = h, n_windows = n_windows,
                             progress = FALSE))[["elapsed"]]
}, 0))
lagrs_threads(old)

sample_ids <- seq_len(min(n_sample, n_series))
t_tscv <- system.time(for (i in sample_ids) {
  forecast::tsCV(series[[i]], function(x, h) {
    forecast::forecast(forecast::Arima(x, order = c(0, 1, 1), seasonal = c(0, 1, 1)), h = h)
  }, h = h, initial = first - 1L)
})[["elapsed"]] * n_series / length(sample_ids)
t_stats <- system.time(for (i in sample_ids) {
  y <- series[[i]]
  for (cutoff in first:(n_obs - h)) {
    fit <- stats::arima(window(y, end = time(y)[cutoff]), order = c(0, 1, 1),
                        seasonal = c(0, 1, 1))
    stats::predict(fit, n.ahead = h)
  }
})[["elapsed"]] * n_series / length(sample_ids)

table <- data.frame(
  method = c("lagrs cross_validate, 2 threads",
             sprintf("forecast::tsCV + Arima loop (timed on %d, scaled)", length(sample_ids)),
             sprintf("stats::arima + predict loop (timed on %d, scaled)", length(sample_ids))),
  seconds = c(t_lagrs, t_tscv, t_stats),
  ratio = c(1, t_tscv / t_lagrs, t_stats / t_lagrs))
cat(sprintf("\n%d monthly series x %d, ARIMA(0,1,1)(0,1,1)[12], h = %d, %d windows, refit at every origin\n",
            n_series, n_obs, h, n_windows))
print(table, row.names = FALSE, digits = 3)
cat("targets: at least 50x the tsCV loop, at least 20x the stats::arima loop\n")
cat("load after:", load_now(), "\n")
if (n_series == 1000L) save_bench_results(format(table, digits = 3), "cv", threads = 2L)
