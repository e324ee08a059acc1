# Batch benchmark, part (b) (issue 4); bench/batch.R runs it after part (a)
# unless LAGRS_BENCH_PARTS excludes "b", or run it alone:
#
#   Rscript bench/batch_auto.R [n_series] [n_forecast_sample]
#
# (b) 1,000 monthly series x 120 points: auto_arima_batch() (fit + forecast
#     h = 12) at 2 threads and at 1 thread against a loop of
#     forecast::auto.arima() + forecast(). The forecast loop is timed on a
#     sample of the series (default 50) and scaled to the whole set; the
#     output says so. The chosen models of the sample are compared too.
#     Environment: LAGRS_BENCH_AUTO_SERIES, LAGRS_BENCH_AUTO_SAMPLE.
if (!exists("save_bench_results")) source(file.path("bench", "common.R"))
suppressMessages({
  library(lagrs)
  library(forecast)
})
args <- commandArgs(trailingOnly = TRUE)
n_series <- if (length(args) >= 1) as.integer(args[1]) else
  as.integer(Sys.getenv("LAGRS_BENCH_AUTO_SERIES", "1000"))
n_sample <- if (length(args) >= 2) as.integer(args[2]) else
  as.integer(Sys.getenv("LAGRS_BENCH_AUTO_SAMPLE", "50"))
n_obs <- 120L
h <- 12L

# Monthly SKU-like series: a level, a seasonal pattern of random strength,
# and seasonal or non-seasonal ARIMA noise (some integrated).
simulate_series <- function(i) {
  set.seed(1000 + i)
  kind <- i %% 4
  noise <- switch(kind + 1,
    stats::arima.sim(list(ar = runif(1, -0.5, 0.8)), n_obs),
    cumsum(stats::arima.sim(list(ma = runif(1, -0.6, 0.6)), n_obs)),
    stats::arima.sim(list(ar = runif(1, 0, 0.6), ma = runif(1, -0.4, 0.4)), n_obs),
    cumsum(rnorm(n_obs)) * 0.5
  )
  season <- sin(2 * pi * (1:n_obs) / 12 + runif(1, 0, 2 * pi)) * runif(1, 0, 4)
  stats::ts(100 + season + as.numeric(noise) * 2, frequency = 12, start = c(2015, 1))
}
series <- lapply(seq_len(n_series), simulate_series)
names(series) <- sprintf("SKU-%04d", seq_len(n_series))

cat(sprintf("(b) auto ARIMA: %d monthly series x %d points, forecast h = %d\n", n_series,
            n_obs, h))
cat(sprintf("machine: %d cores reported by parallel::detectCores()\n\n",
            parallel::detectCores()))

time_lagrs <- function(threads, ids) {
  old <- lagrs_threads(threads)
  on.exit(lagrs_threads(old))
  gc()
  t <- system.time({
    batch <- auto_arima_batch(series[ids], progress = FALSE)
    fc <- lagrs::forecast(batch, h = h, progress = FALSE)
  })[["elapsed"]]
  list(time = t, batch = batch)
}

# forecast loop on a sample, every series timed
sample_ids <- round(seq(1, n_series, length.out = n_sample))
fc_times <- numeric(length(sample_ids))
fc_orders <- vector("list", length(sample_ids))
for (k in seq_along(sample_ids)) {
  y <- series[[sample_ids[k]]]
  fc_times[k] <- system.time({
    fit <- forecast::auto.arima(y)
    f <- forecast::forecast(fit, h = h)
  })[["elapsed"]]
  a <- fit$arma
  fc_orders[[k]] <- c(a[1], a[6], a[2], a[3], a[7], a[4], a[5],
                      as.integer(any(c("intercept", "drift") %in% names(fit$coef))))
}
fc_total <- sum(fc_times) * n_series / n_sample

one <- time_lagrs(1L, sample_ids)
two_sample <- time_lagrs(2L, sample_ids)
two_all <- time_lagrs(2L, seq_len(n_series))

same <- vapply(seq_along(sample_ids), function(k) {
  all(fc_orders[[k]] == unname(two_all$batch$orders[sample_ids[k], ]))
}, TRUE)
identical_threads <- identical(one$batch$orders, two_sample$batch$orders) &&
  identical(one$batch$coef, two_sample$batch$coef)

per_series <- data.frame(
  method = c("forecast::auto.arima + forecast (loop)",
             "lagrs auto_arima_batch + forecast, 1 thread",
             "lagrs auto_arima_batch + forecast, 2 threads",
             "lagrs auto_arima_batch + forecast, 2 threads, all series"),
  series_timed = c(n_sample, n_sample, n_sample, n_series),
  seconds = c(sum(fc_times), one$time, two_sample$time, two_all$time),
  stringsAsFactors = FALSE
)
per_series$ms_per_series <- 1000 * per_series$seconds / per_series$series_timed
per_series$speedup_vs_forecast <- per_series$ms_per_series[1] / per_series$ms_per_series
print(per_series, row.names = FALSE, digits = 4)
if (n_series >= 1000L && n_sample >= 50L) {
  save_bench_results(format(per_series, digits = 4), "batch_auto", threads = 2L)
} else {
  cat("not saved: inst/bench-results/batch_auto.csv holds runs of >= 1,000 series (sample >= 50)\n")
}
cat(sprintf("\nforecast loop: median %.0f ms per series over the %d-series sample; ",
            1000 * stats::median(fc_times), n_sample))
cat(sprintf("scaled to %d series: %.0f s (not run on all series)\n", n_series, fc_total))
cat(sprintf("lagrs, %d series at 2 threads: %.1f s -> %.1fx the scaled forecast loop (target 30x)\n",
            n_series, two_all$time, fc_total / two_all$time))
cat(sprintf("same model as forecast::auto.arima on the sample: %d / %d\n", sum(same), length(same)))
cat(sprintf("1 and 2 threads identical (orders and coefficients): %s\n", identical_threads))
cat(sprintf("batch status: %s\n", paste(names(table(two_all$batch$status)),
                                         table(two_all$batch$status), collapse = ", ")))
