# Ensembles on held-out data: the M3 and M1 competitions' series (package
# Mcomp), each forecast over its test period from its training part.
#
#   Rscript bench/ensemble.R [m3_stride] [m1_stride] [speed_series]
#
# Series: M3[seq(6, 3003, m3_stride)] (default stride 20: 150 series; the
# automatic ARIMA issue used seq(1, 3003, 10), so none of these) and
# M1[seq(1, 1001, m1_stride)] (default 10: 101 series), all of them, chosen
# by position only. Nothing here was tuned on them: the models run with
# their defaults.
#
# Accuracy, per competition and frequency group and overall: sMAPE and MASE
# of lagrs's automatic ARIMA, ETS and Theta alone, of lagrs's mean and median
# ensembles of the three, and of the mean of forecast's auto.arima(), ets()
# and thetaf(). Coverage of the 80% and 95% intervals: the mean ensemble's
# quantile-averaged bounds, and conformal bounds (cv_windows = 19, cv_h = the
# test horizon).
#
# Speed: the three-member mean ensemble on 1,000 monthly series x 120 points,
# fit + forecast(h = 18), 2 threads, against a loop of auto.arima + ets +
# thetaf (timed on `speed_series` series, default 10, and scaled).
#
# forecast's forecasts take minutes per hundred series; set
# LAGRS_BENCH_CACHE=<file.rds> to keep them between runs.
suppressMessages({
  library(lagrs)
  library(forecast)
  library(Mcomp)
})
source(file.path("bench", "common.R"))
args <- as.integer(commandArgs(trailingOnly = TRUE))
m3_stride <- if (length(args) >= 1L) args[1L] else 20L
m1_stride <- if (length(args) >= 2L) args[2L] else 10L
speed_series <- if (length(args) >= 3L) args[3L] else 10L
has_ets <- exists("ets_model", envir = asNamespace("lagrs"))

sample_series <- function() {
  pick <- function(data, ids, name) {
    lapply(data[ids], function(s) {
      list(name = paste0(name, ":", s$sn), competition = name,
           group = tolower(s$period), x = s$x, xx = s$xx, h = length(s$xx))
    })
  }
  c(pick(M3, seq(6L, length(M3), by = m3_stride), "M3"),
    pick(M1, seq(1L, length(M1), by = m1_stride), "M1"))
}

smape <- function(actual, fc) mean(200 * abs(actual - fc) / (abs(actual) + abs(fc)))
mase <- function(train, actual, fc) {
  m <- stats::frequency(train)
  mean(abs(actual - fc)) / mean(abs(diff(as.numeric(train), lag = m)))
}
covered <- function(actual, lo, hi) mean(actual >= lo & actual <= hi)

# forecast's three models and their mean, for one series.
forecast_trio <- function(s) {
  f <- list(arima = forecast::forecast(forecast::auto.arima(s$x), h = s$h)$mean,
            ets = forecast::forecast(forecast::ets(s$x), h = s$h)$mean,
            theta = forecast::thetaf(s$x, h = s$h)$mean)
  as.numeric((f$arima + f$ets + f$theta) / 3)
}

peer_forecasts <- function(series) {
  cache <- Sys.getenv("LAGRS_BENCH_CACHE")
  if (nzchar(cache) && file.exists(cache)) {
    saved <- readRDS(cache)
    if (all(vapply(series, `[[`, "", "name") %in% names(saved))) return(saved)
  }
  out <- lapply(series, forecast_trio)
  names(out) <- vapply(series, `[[`, "", "name")
  if (nzchar(cache)) saveRDS(out, cache)
  out
}

lagrs_members <- function() {
  m <- list(arima = arima_model(), theta = theta_model())
  if (has_ets) m <- c(m[1L], list(ets = ets_model()), m[2L])
  m
}

# Every lagrs forecast of one group of series (one horizon): the members and
# the mean ensemble (one fit), the median ensemble, and conformal bounds.
lagrs_group <- function(series) {
  h <- series[[1L]]$h
  train <- lapply(series, `[[`, "x")
  names(train) <- vapply(series, `[[`, "", "name")
  members <- lagrs_members()
  mean_fc <- forecast(fit_batch(train, do.call(ensemble_model, members)), h = h,
                      level = c(80, 95), members = TRUE)
  median_fc <- forecast(fit_batch(train, do.call(ensemble_model,
                                                 c(members, combine = "median"))), h = h)
  conformal <- do.call(ensemble_model, c(members, intervals = "conformal", cv_h = h,
                                          cv_windows = 19))
  conformal_fc <- forecast(fit_batch(train, conformal), h = h, level = c(80, 95))
  list(mean = mean_fc, median = median_fc, conformal = conformal_fc)
}

score_series <- function(s, fc, peer) {
  actual <- as.numeric(s$xx)
  pick <- function(frame, model = NULL) {
    rows <- frame$id == s$name
    if (!is.null(model)) rows <- rows & frame$model == model
    frame[rows, , drop = FALSE]
  }
  methods <- list(ensemble_mean = pick(fc$mean, "ensemble")$mean,
                  ensemble_median = pick(fc$median)$mean, forecast_mean = peer)
  for (m in names(lagrs_members())) methods[[m]] <- pick(fc$mean, m)$mean
  acc <- do.call(rbind, lapply(names(methods), function(m) {
    data.frame(method = m, smape = smape(actual, methods[[m]]),
               mase = mase(s$x, actual, methods[[m]]))
  }))
  q <- pick(fc$mean, "ensemble")
  cf <- pick(fc$conformal)
  cover <- data.frame(
    quantile_80 = covered(actual, q$lo_80, q$hi_80), quantile_95 = covered(actual, q$lo_95, q$hi_95),
    conformal_80 = covered(actual, cf$lo_80, cf$hi_80),
    conformal_95 = covered(actual, cf$lo_95, cf$hi_95))
  list(acc = cbind(name = s$name, competition = s$competition, group = s$group, acc),
       cover = cbind(name = s$name, competition = s$competition, group = s$group, cover,
                     n_test = length(actual)))
}

accuracy_tables <- function(series) {
  peers <- peer_forecasts(series)
  key <- vapply(series, function(s) paste(s$competition, s$group, s$h), "")
  scored <- list()
  for (k in unique(key)) {
    group <- series[key == k]
    fc <- lagrs_group(group)
    scored <- c(scored, lapply(group, function(s) score_series(s, fc, peers[[s$name]])))
  }
  acc <- do.call(rbind, lapply(scored, `[[`, "acc"))
  cover <- do.call(rbind, lapply(scored, `[[`, "cover"))
  list(acc = acc, cover = cover)
}

summarise_accuracy <- function(acc) {
  acc$set <- paste(acc$competition, acc$group)
  by_set <- stats::aggregate(cbind(smape, mase) ~ set + method, acc, mean)
  overall <- stats::aggregate(cbind(smape, mase) ~ method, acc, mean)
  overall$set <- "all"
  out <- rbind(by_set, overall[names(by_set)])
  wide <- stats::reshape(out, idvar = "set", timevar = "method", direction = "wide")
  wide[order(wide$set), ]
}

summarise_coverage <- function(cover) {
  cover$set <- paste(cover$competition, cover$group)
  cols <- c("quantile_80", "quantile_95", "conformal_80", "conformal_95")
  # weighted by test points: the share of all test values inside the bounds
  weighted <- function(rows) {
    vapply(cols, function(c) stats::weighted.mean(rows[[c]], rows$n_test, na.rm = TRUE), 0)
  }
  sets <- c(sort(unique(cover$set)), "all")
  out <- t(vapply(sets, function(s) {
    weighted(if (s == "all") cover else cover[cover$set == s, ])
  }, numeric(length(cols))))
  data.frame(set = sets, round(100 * out, 1), row.names = NULL)
}

speed_table <- function(n_series = 1000L, n_obs = 120L, h = 18L) {
  set.seed(17)
  series <- lapply(seq_len(n_series), function(i) {
    ts(100 + cumsum(rnorm(n_obs)) + 8 * sin(2 * pi * (1:n_obs) / 12 + i) +
         rnorm(n_obs, 0, 2), frequency = 12)
  })
  names(series) <- paste0("s", seq_len(n_series))
  combo <- do.call(ensemble_model, lagrs_members())
  old <- lagrs_threads(2L)
  on.exit(lagrs_threads(old))
  t_lagrs <- median_time(forecast(fit_batch(series, combo), h = h), times = 1L)
  sample <- series[seq_len(speed_series)]
  t_peer <- system.time(for (y in sample) {
    f <- forecast::forecast(forecast::auto.arima(y), h = h)$mean
    e <- forecast::forecast(forecast::ets(y), h = h)$mean
    th <- forecast::thetaf(y, h = h)$mean
  })[["elapsed"]] * n_series / speed_series
  data.frame(series = n_series, lagrs_s = t_lagrs, forecast_loop_s = t_peer,
             ratio = t_peer / t_lagrs)
}

cat("load:", readLines("/proc/loadavg"), "\n")
if (!has_ets) cat("ets_model() is not in this lagrs: the ensembles have ARIMA and Theta\n")
series <- sample_series()
cat(length(series), "series:", sum(grepl("^M3", names(series)) | TRUE), "\n")
tables <- accuracy_tables(series)
cat("\nAccuracy (mean sMAPE and MASE over the series):\n")
print(summarise_accuracy(tables$acc), row.names = FALSE, digits = 4)
cat("\nCoverage of the test values (percent):\n")
print(summarise_coverage(tables$cover), row.names = FALSE)
cat("\nSpeed, 2 threads:\n")
print(speed_table(), row.names = FALSE, digits = 4)
cat("load:", readLines("/proc/loadavg"), "\n")
