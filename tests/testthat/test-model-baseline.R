# The benchmark models against the forecast package: meanf(), naive(),
# snaive() and rwf(drift = TRUE), on the same series.

baseline_series <- function() {
  set.seed(14)
  with_gaps <- ts(100 + cumsum(rnorm(60)) + 5 * sin(2 * pi * (1:60) / 12), frequency = 12,
                  start = c(2018, 1))
  with_gaps[c(1, 2, 17, 30, 31, 32, 60)] <- NA
  long_gap <- ts(50 + cumsum(rnorm(40)), frequency = 4, start = c(2010, 2))
  long_gap[c(5, 9, 13, 21:28)] <- NA
  list(
    air = AirPassengers, lh = lh, accdeaths = USAccDeaths, www = WWWusage, nottem = nottem,
    nile = Nile, co2 = co2, ldeaths = ldeaths, ukgas = UKgas, presidents = presidents,
    airmiles = airmiles, austres = austres, huron = LakeHuron,
    with_gaps = with_gaps, long_gap = long_gap,
    short_monthly = ts(round(rnorm(14, 20), 2), frequency = 12, start = c(2020, 3)),
    short_quarterly = ts(cumsum(rnorm(9)), frequency = 4, start = c(2021, 2)),
    yearly = ts(c(3.1, 2.7, 4.4, 5.0, 4.1), start = 2019),
    flat_then_jump = ts(c(rep(7, 10), 9, 9, 12), frequency = 4),
    plain = cumsum(rnorm(30)) + 10
  )
}

forecast_reference <- function(method, y, h, level) {
  switch(method,
         mean = forecast::meanf(y, h = h, level = level),
         naive = forecast::naive(y, h = h, level = level),
         snaive = forecast::snaive(y, h = h, level = level),
         drift = forecast::rwf(y, h = h, drift = TRUE, level = level))
}

baseline_models <- function() {
  list(mean = mean_model(), naive = naive_model(), snaive = snaive_model(),
       drift = drift_model())
}

# Largest difference relative to the reference's largest magnitude, after
# checking that both are missing in the same places.
expect_close <- function(actual, expected, tol = 1e-10, label = "") {
  actual <- as.numeric(actual)
  expected <- as.numeric(expected)
  expect_identical(is.na(actual), is.na(expected), label = paste(label, "missing values"))
  ok <- !is.na(expected)
  if (!any(ok)) return(invisible(0))
  scale <- max(abs(expected[ok]), .Machine$double.xmin)
  err <- max(abs(actual[ok] - expected[ok])) / scale
  expect_lte(err, tol, label = label)
  invisible(err)
}

test_that("the models print in one line and name their options as C declares them", {
  expect_output(print(mean_model()), "^<lagrs_model> MEAN$")
  expect_output(print(naive_model()), "^<lagrs_model> NAIVE$")
  expect_output(print(snaive_model()), "^<lagrs_model> SNAIVE\\[m\\]$")
  expect_output(print(snaive_model(4)), "^<lagrs_model> SNAIVE\\[4\\]$")
  expect_output(print(drift_model()), "^<lagrs_model> RW with drift$")
  families <- lagrs:::model_families()
  expect_identical(names(naive_model()$options), families$baseline$options)
  expect_s3_class(drift_model(), c("lagrs_baseline_model", "lagrs_model"))
  codes <- lagrs:::lagrs_codes("baseline_method")
  expect_identical(names(codes), c("mean", "naive", "snaive", "drift"))
  expect_identical(unname(snaive_model()$options[["method"]]), as.double(codes[["snaive"]]))
  expect_error(snaive_model(0), "`period` must be a single positive whole number")
  expect_error(snaive_model("12"), "`period` must be")
})

test_that("forecasts, intervals, fitted values and residuals equal forecast's", {
  skip_if_not_installed("forecast")
  series <- baseline_series()
  h <- 27
  level <- c(80, 95)
  for (method in names(baseline_models())) {
    model <- baseline_models()[[method]]
    runs <- at_thread_counts(fit_batch(series, model, progress = FALSE))
    expect_identical(runs[[1]], runs[[2]])
    batch <- runs[[1]]
    fcs <- at_thread_counts(forecast(batch, h = h, level = level, progress = FALSE))
    expect_identical(fcs[[1]], fcs[[2]])
    fc <- fcs[[1]]
    res <- residuals(batch)
    fit <- fitted(batch)
    for (id in names(series)) {
      label <- paste(method, id)
      y <- series[[id]]
      ref <- forecast_reference(method, y, h, level)
      expect_identical(batch$status[[id]], "ok", label = label)
      rows <- fc$id == id
      expect_close(fc$mean[rows], ref$mean, label = paste(label, "mean"))
      expect_close(fc$lo_80[rows], ref$lower[, 1], label = paste(label, "lo_80"))
      expect_close(fc$hi_80[rows], ref$upper[, 1], label = paste(label, "hi_80"))
      expect_close(fc$lo_95[rows], ref$lower[, 2], label = paste(label, "lo_95"))
      expect_close(fc$hi_95[rows], ref$upper[, 2], label = paste(label, "hi_95"))
      expect_close(res[[id]], residuals(ref), label = paste(label, "residuals"))
      # lagrs's fitted values are y - residuals: NA where y is missing
      observed <- !is.na(y)
      expect_close(fit[[id]][observed], fitted(ref)[observed], label = paste(label, "fitted"))
    }
  }
})

test_that("coefficients and sigma2 are forecast's", {
  skip_if_not_installed("forecast")
  series <- baseline_series()
  mean_batch <- fit_batch(series, mean_model(), progress = FALSE)
  drift_batch <- fit_batch(series, drift_model(), progress = FALSE)
  naive_batch <- fit_batch(series, naive_model(), progress = FALSE)
  snaive_batch <- fit_batch(series, snaive_model(), progress = FALSE)
  expect_identical(colnames(coef(mean_batch)), c("mean", "mean_se"))
  expect_identical(colnames(coef(drift_batch)), c("drift", "drift_se"))
  expect_identical(ncol(coef(naive_batch)), 0L)
  for (id in names(series)) {
    y <- series[[id]]
    m <- forecast::meanf(y)$model
    expect_close(coef(mean_batch)[id, ], c(m$mu, m$mu.se), label = paste(id, "mean"))
    expect_close(mean_batch$sigma2[[id]], m$sd^2, label = paste(id, "mean sigma2"))
    d <- forecast::rwf(y, drift = TRUE)$model
    expect_close(coef(drift_batch)[id, ], c(d$par$drift, d$par$drift.se),
                 label = paste(id, "drift"))
    expect_close(drift_batch$sigma2[[id]], d$sigma2, label = paste(id, "drift sigma2"))
    expect_close(naive_batch$sigma2[[id]], forecast::naive(y)$model$sigma2,
                 label = paste(id, "naive sigma2"))
    expect_close(snaive_batch$sigma2[[id]], forecast::snaive(y)$model$sigma2,
                 label = paste(id, "snaive sigma2"))
    expect_identical(unname(snaive_batch$fits$codes[match(id, names(series)), "period"]),
                     as.integer(frequency(y)))
  }
  expect_identical(unname(snaive_batch$fits$label[names(series) == "air"]), "SNAIVE[12]")
  expect_identical(unname(drift_batch$fits$label[1]), "RW with drift")
})

test_that("snaive_model(period) overrides the series' frequency", {
  skip_if_not_installed("forecast")
  y <- as.numeric(USAccDeaths)
  batch <- fit_batch(list(a = y), snaive_model(12), progress = FALSE)
  ref <- forecast::snaive(ts(y, frequency = 12), h = 30)
  fc <- forecast(batch, h = 30)
  expect_close(fc$mean, ref$mean)
  expect_close(fc$hi_95, ref$upper[, 2])
  expect_output(print(batch), "SNAIVE\\[12\\]")
  # a frequency that is not whole needs `period`
  weekly <- ts(rnorm(120), frequency = 365.25 / 7)
  bad <- fit_batch(list(w = weekly), snaive_model(), progress = FALSE)
  expect_identical(bad$status[["w"]], "error")
  expect_match(bad$message[["w"]], "is not a whole number: give `period`")
  expect_identical(fit_batch(list(w = weekly), snaive_model(52), progress = FALSE)$status[["w"]],
                   "ok")
})

test_that("mean_model() intervals use Student t quantiles as qt() gives them", {
  levels <- c(1, 2.5, 5, 10, 20, 33.3, 50, 68.27, 80, 90, 95, 97.5, 99, 99.5, 99.9, 99.99,
              99.999, 99.9999, 99.99999)
  lengths <- c(2:80, 99, 100, 101, 250, 1000, 1001, 5000, 20001, 100001)
  # values symmetric about 0: the mean is exactly 0, so upper = t s sqrt(1 + 1/n)
  series <- lapply(lengths, function(n) {
    k <- n %/% 2
    c(-(seq_len(k)), if (n %% 2) 0, seq_len(k))
  })
  names(series) <- paste0("n", lengths)
  fc <- forecast(fit_batch(series, mean_model(), progress = FALSE), h = 1, level = levels)
  upper_columns <- which(startsWith(names(fc), "hi_"))
  worst <- 0
  for (k in seq_along(lengths)) {
    n <- lengths[k]
    row <- fc[fc$id == names(series)[k], ]
    scale <- stats::sd(series[[k]]) * sqrt(1 + 1 / n)
    expect_identical(row$mean, 0)
    for (j in seq_along(levels)) {
      t_mine <- row[[upper_columns[j]]] / scale
      t_r <- -stats::qt(0.5 - levels[j] / 200, n - 1)
      worst <- max(worst, abs(t_mine - t_r) / t_r)
    }
  }
  expect_lt(worst, 1e-13)
})

test_that("t quantiles near the center are exact where qt() is not", {
  # df = 1 (Cauchy) and df = 2 have closed forms; p - 1/2 is exact near 1/2
  levels <- c(1e-6, 1e-3, 0.01, 0.2, 1)
  series <- list(n2 = c(-1, 1), n3 = c(-1, 0, 1))
  fc <- forecast(fit_batch(series, mean_model(), progress = FALSE), h = 1, level = levels)
  for (level in levels) {
    p <- 0.5 - level / 200
    exact <- c(n2 = -tan(pi * (p - 0.5)), n3 = -(2 * p - 1) / sqrt(2 * p * (1 - p)))
    for (id in names(series)) {
      n <- length(series[[id]])
      t_mine <- fc[fc$id == id, paste0("hi_", format(level))] /
        (stats::sd(series[[id]]) * sqrt(1 + 1 / n))
      expect_lt(abs(t_mine - exact[[id]]) / exact[[id]], 1e-14)
    }
  }
})

test_that("bad series fail alone with a clear message, or warn where forecast answers", {
  skip_if_not_installed("forecast")
  series <- list(
    ok = ts(c(5, 6, 8, 7, 9, 10, 12, 11), frequency = 4),
    all_na = ts(rep(NA_real_, 8), frequency = 4),
    one = ts(4.5, frequency = 4),
    two = ts(c(1, 3), frequency = 4),
    inf = ts(c(1, 2, Inf, 4, 5), frequency = 4),
    short = ts(c(1, 2, 3), frequency = 4),
    only_one_observed = ts(c(NA, 2, NA, NA, NA), frequency = 4)
  )
  runs <- at_thread_counts(fit_batch(series, baseline_models(), progress = FALSE))
  expect_identical(runs[[1]], runs[[2]])
  b <- runs[[1]]$batches
  status <- vapply(b, function(x) unname(x$status), character(length(series)))
  rownames(status) <- names(series)
  expected <- rbind(
    ok = c("ok", "ok", "ok", "ok"),
    all_na = c("error", "error", "error", "error"),
    one = c("warning", "warning", "error", "error"),
    two = c("ok", "ok", "error", "warning"),
    inf = c("error", "error", "error", "error"),
    short = c("ok", "ok", "error", "ok"),
    only_one_observed = c("warning", "warning", "warning", "error")
  )
  colnames(expected) <- names(b)
  expect_identical(status, expected)
  expect_match(b$naive$message[["all_na"]], "all values are missing")
  expect_match(b$mean$message[["inf"]], "1 infinite value")
  expect_match(b$snaive$message[["short"]], "too short: 3 values, the method needs at least 4")
  expect_match(b$drift$message[["one"]], "too short")
  expect_match(b$drift$message[["only_one_observed"]], "no two consecutive non-missing values")
  expect_match(b$mean$message[["one"]], "intervals are NaN")
  expect_match(b$snaive$message[["only_one_observed"]], "3 of the 4 seasons")
  fc <- forecast(runs[[1]], h = 4)
  # usable fits with a warning: forecast's point forecasts, NaN intervals
  for (case in list(c("mean", "one"), c("naive", "one"), c("drift", "two"),
                    c("snaive", "only_one_observed"))) {
    rows <- fc$model == case[1] & fc$id == case[2]
    ref <- forecast_reference(case[1], series[[case[2]]], 4, c(80, 95))
    expect_close(fc$mean[rows], ref$mean, label = paste(case, collapse = " "))
    expect_true(all(is.na(fc$lo_95[rows])))
  }
  # failed fits: NA forecasts, and members that say why
  expect_true(all(is.na(fc$mean[fc$id %in% c("all_na", "inf")])))
  expect_error(batch_member(b$drift, "one"), "Series \"one\" of the batch has no model")
})

test_that("a season never observed has NaN forecasts, as in forecast::snaive()", {
  skip_if_not_installed("forecast")
  y <- ts(100 + cumsum(rnorm(48)), frequency = 12, start = c(2020, 1))
  y[cycle(y) == 3] <- NA
  batch <- fit_batch(list(y = y), snaive_model(), progress = FALSE)
  expect_identical(batch$status[["y"]], "warning")
  expect_match(batch$message[["y"]], "1 of the 12 seasons")
  fc <- forecast(batch, h = 24)
  ref <- forecast::snaive(y, h = 24)
  expect_close(fc$mean, ref$mean)
  expect_close(fc$lo_80, ref$lower[, 1])
})

test_that("batch_member() gives a lagrs_model_fit that forecasts as the batch does", {
  series <- baseline_series()[c("air", "nile", "with_gaps")]
  batch <- fit_batch(series, drift_model(), progress = FALSE)
  member <- batch_member(batch, "with_gaps")
  expect_s3_class(member, "lagrs_model_fit")
  expect_identical(residuals(member), residuals(batch)[["with_gaps"]])
  expect_identical(coef(member), coef(batch)["with_gaps", ])
  fc <- forecast(member, h = 5)
  rows <- forecast(batch, h = 5)
  rows <- rows[rows$id == "with_gaps", ]
  expect_identical(as.numeric(fc$mean), rows$mean)
  expect_identical(as.numeric(fc$upper[, 2]), rows$hi_95)
  expect_output(print(member), "RW with drift")
  expect_output(print(batch), "<lagrs_batch> RW with drift fitted to 3 series")
})
