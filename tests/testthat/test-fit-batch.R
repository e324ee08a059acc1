# fit_batch() and the model interface: any model through the one runner.

monthly_skus <- function(n_series, n_obs = 60, seed = 11) {
  set.seed(seed)
  out <- lapply(seq_len(n_series), function(i) {
    season <- 3 * sin(2 * pi * (1:n_obs) / 12 + runif(1, 0, 6))
    ts(100 + cumsum(rnorm(n_obs)) + season, frequency = 12, start = c(2019, 1))
  })
  names(out) <- sprintf("SKU-%02d", seq_len(n_series))
  out
}

result_fields <- c("ids", "status", "message", "coef", "sigma2", "loglik", "aic", "aicc",
                   "bic", "nobs", "convergence")

expect_same_batch <- function(a, b) {
  for (f in result_fields) expect_identical(a[[f]], b[[f]], label = f)
}

test_that("models print in one line", {
  expect_output(print(arima_model(c(0, 1, 1), c(0, 1, 1), period = 12)),
                "^<lagrs_model> ARIMA\\(0,1,1\\)\\(0,1,1\\)\\[12\\]$")
  expect_output(print(arima_model(c(1, 0, 0))), "^<lagrs_model> ARIMA\\(1,0,0\\)$")
  expect_output(print(arima_model()), "^<lagrs_model> ARIMA\\(auto\\)$")
  expect_output(print(arima_model(c(0, 1, 1), c(0, 1, 1))), "\\[m\\]")
  expect_s3_class(arima_model(max_p = 2, ic = "bic"), "lagrs_model")
})

test_that("model arguments are checked with the argument's name", {
  expect_error(arima_model(c(1, -1, 0)), "`order` must be three non-negative")
  expect_error(arima_model(seasonal = c(0, 1, 1)), "`order` must be given with `seasonal`")
  expect_error(arima_model(c(0, 1, 1), max_p = 3), "`...` takes options of the automatic")
  expect_error(arima_model(ic = "hqc"), "`ic` must be one of")
  expect_error(arima_model(period = -1), "`period` must be")
  expect_error(fit_batch(list(1:10), "arima"), "`model` must be a lagrs_model")
  expect_error(fit_batch(list(1:10), list(arima_model(c(1, 0, 0)))), "unique, non-empty names")
})

test_that("the options R sends are the ones each C family declares", {
  families <- lagrs:::model_families()
  expect_true(all(c("arima", "auto_arima") %in% names(families)))
  expect_identical(names(arima_model(c(1, 0, 0))$options), families$arima$options)
  expect_identical(names(arima_model()$options), families$auto_arima$options)
})

test_that("fit_batch() with a fixed ARIMA equals arima_batch() and arima_fit()", {
  skus <- monthly_skus(8)
  skus[[2]][5] <- NA
  model <- arima_model(c(0, 1, 1), c(0, 1, 1))
  runs <- at_thread_counts(fit_batch(skus, model, progress = FALSE))
  expect_identical(runs[[1]], runs[[2]])
  batch <- runs[[1]]
  expect_same_batch(batch, arima_batch(skus, c(0, 1, 1), c(0, 1, 1), progress = FALSE))
  for (k in c(1, 2, 8)) {
    single <- arima_fit(skus[[k]], order = c(0, 1, 1), seasonal = c(0, 1, 1))
    expect_identical(coef(batch)[k, ], coef(single))
    expect_identical(residuals(batch)[[k]], residuals(single))
    expect_identical(fitted(batch)[[k]], fitted(single))
  }
  # and the reference itself
  ar <- fit_batch(skus, arima_model(c(1, 1, 0)), progress = FALSE)
  ref <- stats::arima(skus[[1]], order = c(1, 1, 0))
  expect_equal(unname(coef(ar)[1, ]), unname(coef(ref)), tolerance = 1e-5)
  expect_equal(as.numeric(residuals(ar)[[1]]), as.numeric(residuals(ref)), tolerance = 1e-5)
  expect_equal(as.numeric(fitted(ar)[[1]]), as.numeric(skus[[1]] - residuals(ref)),
               tolerance = 1e-5)
})

test_that("fit_batch() with the automatic model equals auto_arima_batch() and auto_arima()", {
  skus <- monthly_skus(6, n_obs = 48, seed = 3)
  skus[[4]] <- ts(c(NA, NA, as.numeric(skus[[4]])[-(1:2)]), frequency = 12, start = c(2019, 1))
  batch <- fit_batch(skus, arima_model(), progress = FALSE)
  expect_s3_class(batch, c("lagrs_auto_batch", "lagrs_batch"))
  wrapped <- auto_arima_batch(skus, progress = FALSE)
  expect_same_batch(batch, wrapped)
  expect_identical(batch$orders, wrapped$orders)
  for (k in c(1, 4)) {
    single <- auto_arima(skus[[k]])
    expect_identical(batch$orders[k, ], single$auto$orders)
    row <- coef(batch)[k, names(coef(single)), drop = FALSE]
    expect_identical(colnames(row), names(coef(single)))
    expect_identical(unname(row[1, ]), unname(coef(single)))
    expect_true(all(is.na(coef(batch)[k, setdiff(colnames(coef(batch)), colnames(row))])))
    # the leading NAs the search dropped have no residual
    expect_equal(as.numeric(residuals(batch)[[k]]),
                 c(rep(NA, single$auto$start - 1), as.numeric(residuals(single))))
  }
})

test_that("coef() is a matrix with NA rows for failed series; members and elements", {
  skus <- c(monthly_skus(3), list(short = c(1, 2), flat = rep(4, 30)))
  batch <- arima_batch(skus, order = c(1, 1, 0), progress = FALSE)
  cf <- coef(batch)
  expect_true(is.matrix(cf))
  expect_identical(dim(cf), c(5L, 1L))
  expect_identical(rownames(cf), names(skus))
  expect_true(all(is.na(cf[c("short", "flat"), ])))
  expect_identical(colnames(cf), "ar1")
  expect_identical(unname(cf["SKU-01", ]), unname(coef(arima_fit(skus[[1]], order = c(1, 1, 0)))))
  expect_true(all(is.na(unlist(residuals(batch)[c("short", "flat")]))))
  # `$` and `[[` agree on elements; members have their own accessor too
  expect_identical(batch$coef, batch[["coef"]])
  expect_identical(batch$sigma2, batch[["sigma2"]])
  expect_identical(coef(batch_member(batch, "SKU-02")), coef(batch[["SKU-02"]]))
  expect_error(batch_member(batch, "flat"), "Series \"flat\" of the batch has no model")
  expect_error(batch_member(batch, "nope"), "`i` must be one of the batch's series ids")
})

test_that("a list of models gives one forecast table with a model column", {
  skus <- monthly_skus(4)
  models <- list(airline = arima_model(c(0, 1, 1), c(0, 1, 1)), ar = arima_model(c(1, 1, 0)))
  both <- fit_batch(skus, models, progress = FALSE)
  expect_s3_class(both, "lagrs_batches")
  expect_output(print(both), "2 models fitted to 4 series")
  fc <- forecast(both, h = 3, level = 90)
  expect_identical(names(fc)[1:3], c("model", "id", "step"))
  expect_identical(fc$model, rep(c("airline", "ar"), each = 12))
  one <- forecast(arima_batch(skus, c(1, 1, 0), progress = FALSE), h = 3, level = 90)
  expect_identical(fc$mean[fc$model == "ar"], one$mean)
  expect_identical(fc$lo_90[fc$model == "ar"], one$lo_90)
  wide <- forecast(both, h = 3, wide = TRUE)
  expect_identical(names(wide), c("id", "step", "time", "airline", "ar"))
  expect_identical(wide$ar, one$mean)
  expect_identical(coef(both)$ar, coef(arima_batch(skus, c(1, 1, 0), progress = FALSE)))
  wide_matrix <- as.matrix(fc)
  expect_identical(dim(wide_matrix), c(3L, 8L))
  expect_identical(wide_matrix[, "ar/SKU-02"], one$mean[one$id == "SKU-02"],
                   ignore_attr = TRUE)
  s <- summary(both)
  expect_identical(unique(s$model), c("airline", "ar"))
})

test_that("levels in (0, 1) are fractions for batches as for single fits", {
  skus <- monthly_skus(3)
  batch <- arima_batch(skus, order = c(0, 1, 1), progress = FALSE)
  fraction <- forecast(batch, h = 4, level = c(0.8, 0.95))
  percent <- forecast(batch, h = 4, level = c(80, 95))
  expect_identical(fraction, percent)
  expect_true(all(c("lo_95", "hi_95") %in% names(fraction)))
  single <- forecast(arima_fit(skus[[1]], order = c(0, 1, 1)), h = 4, level = 0.95)
  expect_identical(fraction$lo_95[1:4], as.numeric(single$lower[, 1]))
  expect_identical(names(forecast(batch, h = 1, level = c(0.5, 80)))[5:8],
                   c("lo_0.5", "hi_0.5", "lo_80", "hi_80"))  # 0.5% and 80%
  expect_error(forecast(batch, level = 100), "`level` must be numbers strictly between")
  expect_error(forecast(batch, level = c(0, 0.5)), "`level` must be numbers strictly between")
})

test_that("interval bounds use R's normal quantiles", {
  skus <- monthly_skus(2)
  batch <- arima_batch(skus, order = c(0, 1, 1), progress = FALSE)
  levels <- c(50, 66.6, 80, 90, 95, 99, 99.9)
  fc <- forecast(batch, h = 2, level = levels)
  single <- forecast(arima_fit(skus[[2]], order = c(0, 1, 1)), h = 2)
  se <- (single$upper[, 1] - single$mean) / stats::qnorm(0.9)
  for (lev in levels) {
    z <- stats::qnorm(0.5 + lev / 200)
    expect_equal(fc[[paste0("hi_", lev)]][3:4], as.numeric(single$mean + z * se),
                 tolerance = 1e-12)
  }
})

test_that("each series keeps its own frequency: M3-like mixed collections", {
  set.seed(21)
  mixed <- list(
    yearly = ts(cumsum(rnorm(30)) + 50, start = 1990),
    quarterly = ts(cumsum(rnorm(40)) + rep(c(2, -1, 0, 1), 10), frequency = 4, start = 2010),
    monthly = monthly_skus(1, n_obs = 72)[[1]]
  )
  batch <- auto_arima_batch(mixed, progress = FALSE)
  for (id in names(mixed)) {
    single <- auto_arima(mixed[[id]])
    expect_identical(batch$orders[id, ], single$auto$orders)
    expect_identical(unname(batch$aicc[id]), single$aicc)
  }
  fixed <- arima_batch(mixed[2:3], order = c(0, 1, 1), seasonal = c(0, 1, 1), progress = FALSE)
  expect_identical(unname(fixed$fits$codes[, "period"]), c(4L, 12L))
  expect_identical(fixed$coef["monthly", ],
                   coef(arima_fit(mixed$monthly, order = c(0, 1, 1), seasonal = c(0, 1, 1))))
  # a seasonal model on a yearly series fails alone
  alone <- arima_batch(mixed, order = c(0, 1, 1), seasonal = c(0, 1, 1), progress = FALSE)
  expect_identical(unname(alone$status), c("error", "ok", "ok"))
  expect_match(alone$message[["yearly"]], "needs a period of at least 2")
  # `period` given overrides every series' frequency
  forced <- auto_arima_batch(mixed[2:3], period = 1, progress = FALSE)
  expect_identical(forced$orders["monthly", ], auto_arima(mixed$monthly, period = 1)$auto$orders)
})

test_that("a long frame with a Date column needs neither `time` nor `period`", {
  skus <- monthly_skus(3, n_obs = 48, seed = 9)
  months <- seq(as.Date("2019-01-01"), by = "month", length.out = 48)
  long <- data.frame(id = rep(names(skus), each = 48), month = rep(months, 3),
                     value = unlist(lapply(skus, as.numeric)))
  long <- long[sample(nrow(long)), ]  # any row order
  batch <- arima_batch(long, order = c(0, 1, 1), seasonal = c(0, 1, 1), progress = FALSE)
  spelled <- arima_batch(long, order = c(0, 1, 1), seasonal = c(0, 1, 1), time = "month",
                         period = 12, progress = FALSE)
  expect_identical(batch$coef, spelled$coef)
  expect_identical(batch$coef["SKU-02", ],
                   coef(arima_fit(skus[[2]], order = c(0, 1, 1), seasonal = c(0, 1, 1))))
  expect_output(print(batch), "inferred from the dates: time column \"month\", frequency 12")
  fc <- forecast(batch, h = 2)
  expect_equal(fc$time[1:2], 2023 + c(0, 1) / 12)
  weekly <- data.frame(id = "w", week = seq(as.Date("2020-01-06"), by = "week", length.out = 60),
                       value = cumsum(rnorm(60)))
  expect_output(print(auto_arima_batch(weekly, max_P = 0, max_Q = 0, progress = FALSE)),
                "frequency 52")
})

test_that("the generic one-series fit of any family forecasts as the batch does", {
  skus <- monthly_skus(3)
  batch <- arima_batch(skus, order = c(0, 1, 1), seasonal = c(0, 1, 1), progress = FALSE)
  # the default for families without a single-series object of their own
  member <- lagrs:::member_fit.lagrs_model(batch$model, batch, 2)
  expect_s3_class(member, "lagrs_model_fit")
  expect_identical(residuals(member), residuals(batch)[[2]])
  fc <- forecast(member, h = 5, level = c(80, 95))
  single <- forecast(arima_fit(skus[[2]], order = c(0, 1, 1), seasonal = c(0, 1, 1)), h = 5)
  expect_s3_class(fc, "lagrs_forecast")
  expect_identical(as.numeric(fc$mean), as.numeric(single$mean))
  expect_identical(unclass(fc$lower), unclass(single$lower))
  expect_identical(tsp(fc$mean), tsp(single$mean))
  expect_output(print(member), "ARIMA\\(0,1,1\\)\\(0,1,1\\)\\[12\\]")
})

test_that("a batch keeps its fits in long vectors, and serialises", {
  skus <- monthly_skus(4, n_obs = 30)
  skus[["SKU-03"]] <- ts(rep(NA_real_, 10), frequency = 12)   # fails alone
  batch <- fit_batch(skus, mean_model(), progress = FALSE)
  fits <- unclass(batch)$fits
  # no R object per series: plain vectors and matrices only
  expect_false(any(vapply(fits, is.list, TRUE)))
  expect_type(fits$state, "double")
  expect_equal(length(fits$state), sum(fits$state_length))
  expect_identical(fits$state_length[3], 0L)
  expect_identical(fits$residual_length, lengths(skus, use.names = FALSE))
  # the residuals split out of the one vector are the deviations from the mean
  for (k in c(1L, 2L, 4L)) {
    y <- skus[[k]]
    expect_equal(as.numeric(residuals(batch)[[k]]), as.numeric(y - mean(y)), tolerance = 1e-12)
    expect_identical(tsp(residuals(batch)[[k]]), tsp(y))
  }
  expect_true(all(is.na(residuals(batch)[[3]])))
  # a copy made in another process (serialize) forecasts the same
  copy <- unserialize(serialize(batch, NULL))
  expect_identical(forecast(copy, h = 4), forecast(batch, h = 4))
  expect_identical(residuals(copy), residuals(batch))
  expect_identical(coef(batch_member(copy, "SKU-02")), coef(batch_member(batch, "SKU-02")))
  # batches of chunks hold their series' states and residuals in order
  first <- fit_batch(skus[1:2], mean_model(), progress = FALSE)
  rest <- fit_batch(skus[3:4], mean_model(), progress = FALSE)
  for (part in c("state", "state_length", "residuals", "residual_length")) {
    expect_identical(c(first$fits[[part]], rest$fits[[part]]), fits[[part]], label = part)
  }
})

test_that("the forecast table agrees with forecast::meanf, NA for a failed series", {
  skip_if_not_installed("forecast")
  skus <- monthly_skus(3, n_obs = 24)
  skus[["SKU-02"]] <- ts(c(NA, NA, NA), frequency = 12)
  fc <- forecast(fit_batch(skus, mean_model(), progress = FALSE), h = 5, level = c(80, 95))
  expect_identical(names(fc), c("id", "step", "time", "mean", "lo_80", "hi_80", "lo_95",
                                "hi_95"))
  for (id in c("SKU-01", "SKU-03")) {
    ref <- forecast::meanf(skus[[id]], h = 5, level = c(80, 95))
    rows <- fc[fc$id == id, ]
    expect_equal(rows$mean, as.numeric(ref$mean), tolerance = 1e-10)
    expect_equal(rows$lo_95, as.numeric(ref$lower[, 2]), tolerance = 1e-10)
    expect_equal(rows$hi_80, as.numeric(ref$upper[, 1]), tolerance = 1e-10)
    expect_equal(rows$time, as.numeric(time(ref$mean)), tolerance = 1e-12)
  }
  failed <- fc[fc$id == "SKU-02", ]
  expect_identical(failed$step, 1:5)
  expect_true(all(is.na(unlist(failed[c("mean", "lo_80", "hi_80", "lo_95", "hi_95")]))))
})
