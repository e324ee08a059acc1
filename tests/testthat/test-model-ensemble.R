# Ensembles against references computed here, independently of the C code:
# the forecast package's benchmark forecasts and plain R for weights,
# cross-validation and conformal bounds.

ensemble_series <- function() {
  set.seed(21)
  list(
    air = AirPassengers, nile = Nile, huron = LakeHuron,
    walk = ts(50 + cumsum(rnorm(40)), frequency = 4, start = c(2010, 1)),
    trend = ts(10 + 0.5 * (1:30) + rnorm(30), start = 1990)
  )
}

# The naive, mean and drift forecasts of the forecast package.
benchmark_reference <- function(y, h, level) {
  list(naive = forecast::naive(y, h = h, level = level),
       mean = forecast::meanf(y, h = h, level = level),
       drift = forecast::rwf(y, h = h, drift = TRUE, level = level))
}

bench_members <- function() {
  list(naive = naive_model(), mean = mean_model(), drift = drift_model())
}

rows_of <- function(fc, id) fc[fc$id == id, , drop = FALSE]

test_that("a mean ensemble is the mean of its members' forecasts and bounds", {
  skip_if_not_installed("forecast")
  series <- ensemble_series()
  combo <- do.call(ensemble_model, bench_members())
  expect_output(print(combo), "^<lagrs_model> Ensemble\\(mean: naive, mean, drift\\)$")
  fit <- fit_batch(series, combo)
  expect_true(all(fit$status == "ok"))
  fc <- forecast(fit, h = 7, level = c(80, 95))
  for (id in names(series)) {
    ref <- benchmark_reference(series[[id]], 7, c(80, 95))
    got <- rows_of(fc, id)
    mean_ref <- (ref$naive$mean + ref$mean$mean + ref$drift$mean) / 3
    expect_equal(got$mean, as.numeric(mean_ref), tolerance = 1e-12, label = id)
    lo_ref <- (ref$naive$lower + ref$mean$lower + ref$drift$lower) / 3
    hi_ref <- (ref$naive$upper + ref$mean$upper + ref$drift$upper) / 3
    expect_equal(got$lo_95, as.numeric(lo_ref[, 2]), tolerance = 1e-12)
    expect_equal(got$hi_80, as.numeric(hi_ref[, 1]), tolerance = 1e-12)
  }
  w <- coef(fit)
  expect_identical(colnames(w), c("naive", "mean", "drift"))
  expect_equal(unname(rowSums(w)), rep(1, length(series)))
})

test_that("a median ensemble takes the middle member, or the mean of the two middle", {
  skip_if_not_installed("forecast")
  series <- ensemble_series()
  fc3 <- forecast(fit_batch(series, do.call(ensemble_model, c(bench_members(),
                                                              combine = "median"))), h = 5)
  two <- bench_members()[c("naive", "mean")]
  fc2 <- forecast(fit_batch(series, do.call(ensemble_model, c(two, combine = "median"))),
                  h = 5)
  for (id in names(series)) {
    ref <- benchmark_reference(series[[id]], 5, 80)
    stacked <- cbind(ref$naive$mean, ref$mean$mean, ref$drift$mean)
    expect_equal(rows_of(fc3, id)$mean, apply(stacked, 1, stats::median), tolerance = 1e-12)
    expect_equal(rows_of(fc2, id)$mean, rowMeans(stacked[, 1:2]), tolerance = 1e-12)
    bounds <- cbind(ref$naive$lower, ref$mean$lower, ref$drift$lower)
    expect_equal(rows_of(fc3, id)$lo_80, apply(bounds, 1, stats::median), tolerance = 1e-12)
  }
})

test_that("Akaike weights come from the members' AICc", {
  series <- ensemble_series()[c("nile", "huron", "walk")]
  members <- list(ma = arima_model(c(0, 1, 1)), ar = arima_model(c(1, 0, 0)),
                  arma = arima_model(c(1, 0, 1)))
  fit <- fit_batch(series, do.call(ensemble_model, c(members, combine = "weighted",
                                                     weights = "ic")))
  aicc <- sapply(members, function(m) fit_batch(series, m)$aicc)
  delta <- aicc - apply(aicc, 1, min)
  ref <- exp(-delta / 2) / rowSums(exp(-delta / 2))
  expect_equal(unname(coef(fit)), unname(ref), tolerance = 1e-12)
  expect_equal(unname(rowSums(coef(fit))), rep(1, 3))
  # the combination uses those weights
  fc <- forecast(fit, h = 4)
  parts <- sapply(members, function(m) forecast(fit_batch(series, m), h = 4)$mean)
  expect_equal(fc$mean, rowSums(parts * ref[rep(seq_len(3), each = 4), ]), tolerance = 1e-12)
})

# The reference of a cross-validated ensemble of naive and mean members:
# origins n - h - (W - 1) .. n - h, each member refitted on y[1:origin].
cv_reference <- function(y, h, windows) {
  y <- as.numeric(y)
  n <- length(y)
  origins <- n - h - (windows - 1):0
  f <- lapply(origins, function(o) {
    rbind(naive = rep(y[o], h), mean = rep(mean(y[1:o]), h))
  })
  actual <- lapply(origins, function(o) y[o + seq_len(h)])
  mse <- sapply(c("naive", "mean"), function(m) {
    mean(unlist(Map(function(fc, a) (a - fc[m, ])^2, f, actual)))
  })
  w <- (1 / mse) / sum(1 / mse)
  errors <- t(mapply(function(fc, a) a - colSums(fc * w), f, actual))
  list(weights = w, scores = apply(abs(matrix(errors, nrow = windows)), 2, sort))
}

test_that("cross-validated weights and conformal bounds equal a plain R reference", {
  series <- ensemble_series()
  h <- 4
  windows <- 9
  combo <- ensemble_model(naive = naive_model(), mean = mean_model(), combine = "weighted",
                          weights = "cv", intervals = "conformal", cv_h = h,
                          cv_windows = windows)
  fit <- fit_batch(series, combo)
  fc <- forecast(fit, h = h + 2, level = c(50, 80))
  for (id in names(series)) {
    ref <- cv_reference(series[[id]], h, windows)
    expect_equal(coef(fit)[id, ], ref$weights, tolerance = 1e-12, label = id)
    got <- rows_of(fc, id)
    for (level in c(50, 80)) {
      rank <- ceiling((windows + 1) * level / 100)
      width <- ref$scores[rank, ]
      expect_equal(got[[paste0("hi_", level)]][1:h], got$mean[1:h] + width, tolerance = 1e-12)
      expect_equal(got[[paste0("lo_", level)]][1:h], got$mean[1:h] - width, tolerance = 1e-12)
    }
    # past the calibrated horizon there are no bounds
    expect_true(all(is.na(got$hi_80[h + 1:2])))
  }
})

test_that("a failing member is left out with a warning; all failing is an error", {
  set.seed(4)
  series <- list(fine = abs(rnorm(30)) + 1, negative = rnorm(30), empty = rep(NA_real_, 10))
  combo <- ensemble_model(croston = croston_model(), naive = naive_model())
  fit <- fit_batch(series, combo)
  expect_identical(unname(fit$status), c("ok", "warning", "error"))
  expect_match(fit$message[["negative"]], "member \"croston\" left out")
  expect_match(fit$message[["empty"]], "every member failed")
  expect_identical(unname(coef(fit)["negative", ]), c(0, 1))
  fc <- forecast(fit, h = 3)
  expect_equal(rows_of(fc, "negative")$mean, rep(series$negative[30], 3))
  expect_true(all(is.na(rows_of(fc, "empty")$mean)))
})

test_that("members = TRUE adds each member's own forecasts", {
  series <- ensemble_series()[c("nile", "walk")]
  members <- list(naive = naive_model(), theta = theta_model())
  fit <- fit_batch(series, do.call(ensemble_model, members))
  fc <- forecast(fit, h = 3, members = TRUE)
  expect_identical(unique(fc$model), c("ensemble", "naive", "theta"))
  for (m in names(members)) {
    alone <- forecast(fit_batch(series, members[[m]]), h = 3)
    expect_identical(fc$mean[fc$model == m], alone$mean)
    expect_identical(fc$lo_80[fc$model == m], alone$lo_80)
  }
  expect_identical(fc$mean[fc$model == "ensemble"], forecast(fit, h = 3)$mean)
})

test_that("ensembles give identical results at 1 and 2 threads", {
  series <- rep(ensemble_series(), 6)
  names(series) <- paste0("s", seq_along(series))
  combo <- ensemble_model(arima = arima_model(c(1, 1, 0)), theta = theta_model(),
                          combine = "weighted", weights = "cv", intervals = "conformal")
  runs <- at_thread_counts(forecast(fit_batch(series, combo), h = 6))
  expect_identical(runs[[1]], runs[[2]])
})

test_that("an ensemble cross-validates like any model", {
  series <- ensemble_series()[c("nile", "huron")]
  combo <- ensemble_model(naive = naive_model(), mean = mean_model())
  cv <- cross_validate(series, list(combo = combo, naive = naive_model(),
                                    mean = mean_model()), h = 3, n_windows = 2)
  expect_equal(cv$mean[cv$model == "combo"],
               (cv$mean[cv$model == "naive"] + cv$mean[cv$model == "mean"]) / 2,
               tolerance = 1e-12)
})

test_that("bad ensembles give errors that name the argument", {
  expect_error(ensemble_model(), "`...` must be 1 to 8 lagrs_models")
  expect_error(ensemble_model(naive_model(), mean_model()), "must name every member")
  expect_error(ensemble_model(a = naive_model(), b = 3), "`...` must be 1 to 8")
  inner <- ensemble_model(a = naive_model())
  expect_error(ensemble_model(x = inner), "must not hold ensembles")
  expect_error(ensemble_model(a = naive_model(), weights = "cv"), "needs `combine = \"weighted\"`")
  expect_error(ensemble_model(a = naive_model(), b = theta_model(), combine = "weighted",
                              weights = "ic"), "needs members of one family")
  expect_error(ensemble_model(a = naive_model(), combine = "max"), "`combine` must be one of")
  expect_error(ensemble_model(a = naive_model(), cv_windows = 0), "cv_windows")
  expect_error(ensemble_model(a = naive_model(), cv_h = NA), "cv_h")
})

test_that("conformal_model() gives any model conformal bounds; short series get fewer windows", {
  series <- ensemble_series()
  fit <- fit_batch(series, conformal_model(naive_model(), h = 3, windows = 19))
  expect_identical(unname(coef(fit)[, "model"]), rep(1, length(series)))
  fc <- forecast(fit, h = 3, level = 90)
  for (id in names(series)) {
    y <- as.numeric(series[[id]])
    n <- length(y)
    period <- stats::frequency(series[[id]])
    windows <- min(19, n - 3 - (if (period > 1) 2 * period else 6) + 1)
    origins <- n - 3 - (windows - 1):0
    errors <- t(sapply(origins, function(o) abs(y[o + 1:3] - y[o])))
    width <- apply(errors, 2, sort)[min(windows, ceiling((windows + 1) * 0.9)), ]
    got <- rows_of(fc, id)
    expect_equal(got$hi_90 - got$mean, width, tolerance = 1e-12, label = id)
    expect_identical(unname(fit$fits$codes[match(id, fit$ids), "cv_windows"]),
                     as.integer(windows))
  }
  expect_error(conformal_model(3), "`model` must be a lagrs_model")
  tiny <- fit_batch(list(a = c(1, 3, 2, 4, 3)), conformal_model(naive_model(), h = 2))
  expect_identical(unname(tiny$status), "warning")
  expect_match(tiny$message[["a"]], "too short for cross-validated")
  expect_true(all(is.na(forecast(tiny, h = 2)$hi_80)))
})

test_that("an ensemble batch plots its members behind the combination", {
  series <- ensemble_series()[c("nile", "walk")]
  fit <- fit_batch(series, ensemble_model(naive = naive_model(), theta = theta_model()))
  path <- tempfile(fileext = ".pdf")
  grDevices::pdf(path)
  on.exit({
    grDevices::dev.off()
    unlink(path)
  })
  expect_identical(plot(fit, h = 6), fit)
})
