# Batch benchmark, part (b) (issues 4 and 16); bench/batch.R runs it after
# part (a) unless LAGRS_BENCH_PARTS excludes "b", or run it alone:
#
#   Rscript bench/batch_auto.R [n_series] [n_forecast_sample]
#
# (b) 1,000 monthly series x 120 points: auto_arima_batch() (fit + forecast
#     h = 12) at 2 threads and at 1 thread against a loop of
#     forecast::auto.arima() + forecast(). The forecast loop is timed on a
#     sample of the series (default 50) and scaled to the whole set; the
#     output says so. The chosen models of the sample are compared too.
#     Environment: LAGRS_BENCH_AUTO_SERIES, LAGRS_BENCH_AUTO_SAMPLE.
# (c) long seasons (issue 16): 200 weekly series x 520 points (period 52)
#     and 100 daily series x 730 points (period 7), random walks with a
#     seasonal wave of varied strength and phase and some AR noise. lagrs
#     fits them all at 1 and 2 threads; forecast::auto.arima() needs minutes
#     on one weekly series, so it is timed on a small sample (default 2
#     weekly, 4 daily), scaled, and compared series by series with lagrs at
#     1 thread (the slowest ratio is reported). Environment:
#     LAGRS_BENCH_WEEKLY_SERIES, LAGRS_BENCH_WEEKLY_SAMPLE,
#     LAGRS_BENCH_DAILY_SERIES, LAGRS_BENCH_DAILY_SAMPLE (a sample of 0
#     skips the forecast loop; a series count of 0 skips the case).
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

cat(sprintf("load: %s\n", system("uptime", intern = TRUE)))
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

# ---- (c) long seasons ---------------------------------------------------
env_int <- function(name, default) as.integer(Sys.getenv(name, default))

# A random walk with a seasonal wave (strength and phase varied) and AR(1)
# noise, as the weekly and daily examples of issue 16.
simulate_long <- function(i, n_obs, period, seed0) {
  set.seed(seed0 + i)
  level <- cumsum(rnorm(n_obs, 0, runif(1, 0.2, 0.6)))
  wave <- runif(1, 2, 10) * sin(2 * pi * (1:n_obs) / period + runif(1, 0, 2 * pi))
  noise <- stats::arima.sim(list(ar = runif(1, -0.3, 0.5)), n_obs)
  stats::ts(100 + level + wave + as.numeric(noise), frequency = period)
}

long_season_case <- function(label, n_series, n_obs, period, h, n_sample, seed0) {
  if (n_series <= 0L) return(NULL)
  long <- lapply(seq_len(n_series), simulate_long, n_obs = n_obs, period = period,
                 seed0 = seed0)
  fit_all <- function(threads, ids) {
    old <- lagrs_threads(threads)
    on.exit(lagrs_threads(old))
    gc()
    t <- system.time({
      b <- auto_arima_batch(long[ids], progress = FALSE)
      f <- lagrs::forecast(b, h = h, progress = FALSE)
    })[["elapsed"]]
    list(time = t, batch = b)
  }
  one <- fit_all(1L, seq_len(n_series))
  two <- fit_all(2L, seq_len(n_series))
  identical_threads <- identical(one$batch$orders, two$batch$orders) &&
    identical(one$batch$coef, two$batch$coef)
  ids <- if (n_sample > 0L) round(seq(1, n_series, length.out = n_sample)) else integer()
  fc_t <- lg_t <- numeric(length(ids))
  same <- logical(length(ids))
  for (k in seq_along(ids)) {
    y <- long[[ids[k]]]
    fc_t[k] <- system.time({
      fit <- forecast::auto.arima(y)
      f <- forecast::forecast(fit, h = h)
    })[["elapsed"]]
    lg_t[k] <- fit_all(1L, ids[k])$time
    a <- fit$arma
    o <- c(a[1], a[6], a[2], a[3], a[7], a[4], a[5],
           as.integer(any(c("intercept", "drift") %in% names(fit$coef))))
    same[k] <- all(o == unname(one$batch$orders[ids[k], ]))
  }
  ms_fc <- if (length(ids)) 1000 * mean(fc_t) else NA_real_
  tab <- data.frame(
    case = label,
    method = c("forecast::auto.arima + forecast (sample, scaled)",
               "lagrs auto_arima_batch + forecast, 1 thread",
               "lagrs auto_arima_batch + forecast, 2 threads"),
    series_timed = c(length(ids), n_series, n_series),
    ms_per_series = c(ms_fc, 1000 * one$time / n_series, 1000 * two$time / n_series),
    stringsAsFactors = FALSE
  )
  tab$speedup_vs_forecast <- tab$ms_per_series[1] / tab$ms_per_series
  cat(sprintf("\n(c) %s: %d series x %d points, period %d, h = %d\n", label, n_series,
              n_obs, period, h))
  print(tab[, -1], row.names = FALSE, digits = 4)
  if (length(ids)) {
    cat(sprintf("forecast sample: %s s per series; lagrs alone (1 thread): %s s\n",
                paste(sprintf("%.1f", fc_t), collapse = ", "),
                paste(sprintf("%.2f", lg_t), collapse = ", ")))
    cat(sprintf("slowest per-series ratio forecast / lagrs: %.1fx (target >= 10x)\n",
                min(fc_t / pmax(lg_t, 1e-3))))
    cat(sprintf("same model as forecast::auto.arima on the sample: %d / %d\n", sum(same),
                length(same)))
  }
  cat(sprintf("1 and 2 threads identical (orders and coefficients): %s\n", identical_threads))
  cat(sprintf("batch status: %s\n", paste(names(table(one$batch$status)),
                                           table(one$batch$status), collapse = ", ")))
  tab
}

cat(sprintf("\nload before (c): %s\n", system("uptime", intern = TRUE)))
long_tabs <- rbind(
  long_season_case("weekly", env_int("LAGRS_BENCH_WEEKLY_SERIES", "200"), 520L, 52L, 52L,
                   env_int("LAGRS_BENCH_WEEKLY_SAMPLE", "2"), 20000L),
  long_season_case("daily", env_int("LAGRS_BENCH_DAILY_SERIES", "100"), 730L, 7L, 14L,
                   env_int("LAGRS_BENCH_DAILY_SAMPLE", "4"), 30000L)
)
cat(sprintf("load after (c): %s\n", system("uptime", intern = TRUE)))
