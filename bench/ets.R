# ETS benchmark (issue 13):
#
#   Rscript bench/ets.R [n_series] [n_forecast_sample]
#
# (a) 1,000 monthly series x 120 points: fit_batch(series, ets_model()) (the
#     automatic choice) + forecast(h = 18) at 2 threads, against a loop of
#     forecast::ets() + forecast() timed on a sample (default 50) and scaled
#     to the whole set. The chosen models of the sample are compared.
# (b) One series (AirPassengers) at 1 thread: ets_fit() + forecast() against
#     forecast::ets() + forecast(), median of 5 runs.
# (c) Accuracy on every 10th M3 series (Mcomp::M3[seq(1, 3003, by = 10)],
#     301 series): MASE and sMAPE of lagrs's automatic ETS and of
#     forecast::ets() on the M3 test periods. Skipped unless
#     LAGRS_BENCH_ETS_M3 = "true" (it runs forecast::ets() 301 times).
# Environment: LAGRS_BENCH_ETS_SERIES, LAGRS_BENCH_ETS_SAMPLE.
if (!exists("save_bench_results")) source(file.path("bench", "common.R"))
suppressMessages({
  library(lagrs)
  library(forecast)
})
args <- commandArgs(trailingOnly = TRUE)
n_series <- if (length(args) >= 1) as.integer(args[1]) else
  as.integer(Sys.getenv("LAGRS_BENCH_ETS_SERIES", "1000"))
n_sample <- if (length(args) >= 2) as.integer(args[2]) else
  as.integer(Sys.getenv("LAGRS_BENCH_ETS_SAMPLE", "50"))
n_obs <- 120L
h <- 18L

# Positive monthly SKU-like series: a level, a trend of random size, a
# seasonal pattern of random strength (additive or multiplicative) and
# noise of random persistence.
simulate_series <- function(i) {
  set.seed(2000 + i)
  t <- seq_len(n_obs)
  season <- sin(2 * pi * t / 12 + runif(1, 0, 2 * pi)) * runif(1, 0, 0.15)
  level <- 100 + cumsum(rnorm(n_obs, runif(1, -0.1, 0.3), runif(1, 0.2, 1.5)))
  noise <- stats::arima.sim(list(ar = runif(1, -0.3, 0.7)), n_obs, sd = runif(1, 1, 4))
  y <- if (i %% 2 == 0) level * (1 + season) + noise else level + 100 * season + noise
  stats::ts(pmax(as.numeric(y), 1), frequency = 12, start = c(2015, 1))
}
series <- lapply(seq_len(n_series), simulate_series)
names(series) <- sprintf("SKU-%04d", seq_len(n_series))

cat(sprintf("(a) automatic ETS: %d monthly series x %d points, forecast h = %d\n",
            n_series, n_obs, h))
cat("load before:", system("uptime", intern = TRUE), "\n\n")

time_lagrs <- function(threads, ids) {
  old <- lagrs_threads(threads)
  on.exit(lagrs_threads(old))
  gc()
  t <- system.time({
    batch <- fit_batch(series[ids], ets_model(seed = 1), progress = FALSE)
    fc <- forecast(batch, h = h, progress = FALSE)
  })[["elapsed"]]
  list(time = t, batch = batch)
}

sample_ids <- round(seq(1, n_series, length.out = n_sample))
fc_times <- numeric(length(sample_ids))
fc_methods <- character(length(sample_ids))
for (k in seq_along(sample_ids)) {
  y <- series[[sample_ids[k]]]
  fc_times[k] <- system.time({
    fit <- forecast::ets(y)
    f <- forecast::forecast(fit, h = h)
  })[["elapsed"]]
  fc_methods[k] <- fit$method
}
fc_total <- sum(fc_times) * n_series / n_sample

one <- time_lagrs(1L, sample_ids)
two_sample <- time_lagrs(2L, sample_ids)
two_all <- time_lagrs(2L, seq_len(n_series))

same <- fc_methods == unname(two_all$batch$fits$label[sample_ids])
identical_threads <- identical(one$batch$coef, two_sample$batch$coef) &&
  identical(one$batch$fits$label, two_sample$batch$fits$label)

per_series <- data.frame(
  method = c("forecast::ets + forecast (loop)",
             "lagrs fit_batch(ets_model()) + forecast, 1 thread",
             "lagrs fit_batch(ets_model()) + forecast, 2 threads",
             "lagrs fit_batch(ets_model()) + forecast, 2 threads, all series"),
  series_timed = c(n_sample, n_sample, n_sample, n_series),
  seconds = c(sum(fc_times), one$time, two_sample$time, two_all$time),
  stringsAsFactors = FALSE
)
per_series$ms_per_series <- 1000 * per_series$seconds / per_series$series_timed
per_series$speedup_vs_forecast <- per_series$ms_per_series[1] / per_series$ms_per_series
print(per_series, row.names = FALSE, digits = 4)
cat(sprintf("\nforecast loop: median %.0f ms per series over the %d-series sample; ",
            1000 * stats::median(fc_times), n_sample))
cat(sprintf("scaled to %d series: %.0f s (not run on all series)\n", n_series, fc_total))
cat(sprintf("lagrs, %d series at 2 threads: %.1f s -> %.1fx the scaled forecast loop (target 50x)\n",
            n_series, two_all$time, fc_total / two_all$time))
cat(sprintf("same model as forecast::ets on the sample: %d / %d\n", sum(same), length(same)))
cat(sprintf("1 and 2 threads identical (models and coefficients): %s\n", identical_threads))
cat(sprintf("batch status: %s\n", paste(names(table(two_all$batch$status)),
                                         table(two_all$batch$status), collapse = ", ")))

cat("\n(b) one series (AirPassengers), 1 thread, median of 5\n")
old <- lagrs_threads(1L)
t_ours <- median_time({
  fit <- ets_fit(AirPassengers)
  f <- forecast(fit, h = 24)
}, times = 5L)
t_ref <- median_time({
  fit <- forecast::ets(AirPassengers)
  f <- forecast::forecast(fit, h = 24)
}, times = 5L)
lagrs_threads(old)
cat(sprintf("lagrs %.3f s, forecast %.3f s: %.1fx\n", t_ours, t_ref, t_ref / t_ours))
results <- rbind(per_series,
                 data.frame(method = c("forecast::ets, one series (AirPassengers)",
                                       "lagrs ets_fit, one series, 1 thread"),
                            series_timed = 1L, seconds = c(t_ref, t_ours),
                            ms_per_series = 1000 * c(t_ref, t_ours),
                            speedup_vs_forecast = c(1, t_ref / t_ours)))

if (identical(Sys.getenv("LAGRS_BENCH_ETS_M3"), "true") &&
    requireNamespace("Mcomp", quietly = TRUE)) {
  m3 <- Mcomp::M3[seq(1, 3003, by = 10)]
  cat(sprintf("\n(c) accuracy on %d M3 series (every 10th)\n", length(m3)))
  measures <- function(x, xx, f) {
    m <- stats::frequency(x)
    scale <- mean(abs(diff(as.numeric(x), lag = m)))
    e <- as.numeric(xx) - as.numeric(f)
    c(MASE = mean(abs(e)) / scale,
      sMAPE = mean(200 * abs(e) / (abs(as.numeric(xx)) + abs(as.numeric(f)))))
  }
  train <- lapply(m3, `[[`, "x")
  names(train) <- vapply(m3, `[[`, "", "sn")
  batch <- fit_batch(train, ets_model(seed = 1), progress = FALSE)
  ours <- t(vapply(seq_along(m3), function(k) {
    fc <- forecast(batch[[k]], h = m3[[k]]$h)
    measures(m3[[k]]$x, m3[[k]]$xx, fc$mean)
  }, c(MASE = 0, sMAPE = 0)))
  ref_fits <- lapply(m3, function(s) suppressWarnings(forecast::ets(s$x)))
  ref <- t(vapply(seq_along(m3), function(k) {
    fc <- forecast::forecast(ref_fits[[k]], h = m3[[k]]$h)
    measures(m3[[k]]$x, m3[[k]]$xx, fc$mean)
  }, c(MASE = 0, sMAPE = 0)))
  acc <- data.frame(method = c("lagrs ets_model()", "forecast::ets"),
                    MASE = c(mean(ours[, 1]), mean(ref[, 1])),
                    sMAPE = c(mean(ours[, 2]), mean(ref[, 2])))
  print(acc, row.names = FALSE, digits = 5)
  cat(sprintf("relative difference: MASE %.2f%%, sMAPE %.2f%% (target within 2%%)\n",
              100 * (acc$MASE[1] / acc$MASE[2] - 1), 100 * (acc$sMAPE[1] / acc$sMAPE[2] - 1)))
  ref_models <- vapply(ref_fits, `[[`, "", "method")
  cat(sprintf("same model: %d / %d\n", sum(ref_models == batch$fits$label), length(m3)))
}
cat("load after:", system("uptime", intern = TRUE), "\n")
if (n_series >= 1000L && n_sample >= 50L) {
  save_bench_results(format(results, digits = 4), "ets", threads = 2L)
} else {
  cat("not saved: inst/bench-results/ets.csv holds runs of >= 1,000 series (sample >= 50)\n")
}
