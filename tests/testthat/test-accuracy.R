# accuracy(): forecast::accuracy()'s measures on the same forecasts, the
# added measures against hand computations, and the batch table's grouping.

accuracy_cases <- list(
  USAccDeaths = list(y = USAccDeaths, order = c(0, 1, 1), seasonal = c(0, 1, 1), h = 12),
  ldeaths = list(y = ldeaths, order = c(1, 0, 0), seasonal = c(0, 1, 1), h = 12),
  mdeaths = list(y = mdeaths, order = c(0, 1, 1), seasonal = c(0, 1, 1), h = 12),
  fdeaths = list(y = fdeaths, order = c(1, 0, 0), seasonal = c(1, 1, 0), h = 12),
  nottem = list(y = nottem, order = c(1, 0, 0), seasonal = c(0, 1, 1), h = 24),
  co2 = list(y = co2, order = c(0, 1, 1), seasonal = c(0, 1, 1), h = 24),
  UKgas = list(y = log(UKgas), order = c(0, 1, 1), seasonal = c(0, 1, 1), h = 8),
  AirPassengers = list(y = log(AirPassengers), order = c(0, 1, 1), seasonal = c(0, 1, 1),
                       h = 12),
  Nile = list(y = Nile, order = c(0, 1, 1), seasonal = c(0, 0, 0), h = 10),
  LakeHuron = list(y = LakeHuron, order = c(2, 0, 0), seasonal = c(0, 0, 0), h = 8),
  WWWusage = list(y = WWWusage, order = c(1, 1, 1), seasonal = c(0, 0, 0), h = 10),
  lh = list(y = lh, order = c(1, 0, 0), seasonal = c(0, 0, 0), h = 6)
)

split_case <- function(case) {
  n <- length(case$y)
  times <- time(case$y)
  list(train = window(case$y, end = times[n - case$h]),
       test = window(case$y, start = times[n - case$h + 1L]))
}

forecast_measures <- c("ME", "RMSE", "MAE", "MPE", "MAPE", "MASE", "ACF1")

test_that("accuracy() equals forecast::accuracy() on the same forecasts", {
  skip_if_not_installed("forecast")
  for (name in names(accuracy_cases)) {
    case <- accuracy_cases[[name]]
    parts <- split_case(case)
    fc <- forecast(arima_fit(parts$train, order = case$order, seasonal = case$seasonal),
                   h = case$h)
    ours <- accuracy(fc, parts$test)
    # a plain forecast object of the same numbers runs forecast's own code
    plain <- structure(unclass(fc)[c("mean", "x", "fitted", "lower", "upper", "level")],
                       class = "forecast")
    theirs <- forecast::accuracy(plain, parts$test)
    expect_equal(ours[, forecast_measures], theirs[, forecast_measures], tolerance = 1e-12,
                 info = name)
  }
})

test_that("accuracy() agrees with forecast's own ARIMA forecasts where the fits agree", {
  skip_if_not_installed("forecast")
  for (name in c("USAccDeaths", "Nile", "LakeHuron")) {
    case <- accuracy_cases[[name]]
    parts <- split_case(case)
    fit <- forecast::Arima(parts$train, order = case$order, seasonal = case$seasonal)
    theirs <- forecast::accuracy(forecast::forecast(fit, h = case$h), parts$test)
    ours <- accuracy(forecast(arima_fit(parts$train, order = case$order,
                                        seasonal = case$seasonal), h = case$h), parts$test)
    expect_equal(ours[, forecast_measures], theirs[, forecast_measures], tolerance = 1e-4,
                 info = name)
  }
})

# A hand-made forecast: training series, fitted values, forecasts, bounds.
toy_forecast <- function(train, fitted, mean, lower, upper, level, frequency = 1) {
  start <- length(train) / frequency + 1
  as_ts <- function(v) ts(v, start = start, frequency = frequency)
  structure(list(x = ts(train, start = 1, frequency = frequency), fitted = fitted,
                 mean = as_ts(mean), lower = as_ts(matrix(lower, ncol = length(level))),
                 upper = as_ts(matrix(upper, ncol = length(level))), level = level),
            class = c("lagrs_forecast", "forecast"))
}

test_that("sMAPE, RMSSE, Winkler, coverage and PIS match hand computations", {
  train <- c(2, 4, 3, 7, 5)        # naive errors 2, -1, 4, -2
  fc <- toy_forecast(train, fitted = c(NA, 2, 4, 3, 7), mean = c(4, 6, 5),
                     lower = c(3, 5, 5.5), upper = c(5, 7, 6), level = 90)
  actual <- c(5, 4, 5)             # errors y - f: 1, -2, 0
  out <- accuracy(fc, actual)["Test set", ]
  expect_equal(out[["sMAPE"]], mean(c(200 * 1 / 9, 200 * 2 / 10, 0)))
  expect_equal(out[["MASE"]], mean(c(1, 2, 0)) / mean(c(2, 1, 4, 2)))
  expect_equal(out[["RMSSE"]], sqrt(mean(c(1, 4, 0)) / mean(c(4, 1, 16, 4))))
  # 5 in [3, 5]; 4 below [5, 7] by 1; 5 below [5.5, 6] by 0.5; alpha = 0.1
  expect_equal(out[["Coverage_90"]], 100 / 3)
  expect_equal(out[["Winkler_90"]], mean(c(2, 2 + 20 * 1, 0.5 + 20 * 0.5)))
  # over-forecasts f - y: -1, 2, 0; cumulative -1, 1, 1; PIS = 1
  expect_equal(out[["PIS"]], 1)
  expect_true(is.na(accuracy(fc, actual)["Training set", "PIS"]))
  # seasonal scale: differences at lag m = frequency
  seasonal <- toy_forecast(c(1, 2, 4, 3, 6, 8), fitted = rep(NA, 6), mean = 5, lower = 4,
                           upper = 6, level = 80, frequency = 2)
  expect_equal(accuracy(seasonal, 6)["Test set", "MASE"], 1 / mean(c(3, 1, 2, 5)))
})

test_that("scaled measures stay finite on zero actuals, Inf on a constant training series", {
  fc <- toy_forecast(c(0, 0, 3, 0, 1, 0), fitted = rep(0.5, 6), mean = c(0.6, 0.6, 0.6),
                     lower = c(0, 0, 0), upper = c(2, 2, 2), level = 80)
  out <- accuracy(fc, c(0, 0, 0))["Test set", ]
  expect_true(is.finite(out[["MASE"]]) && is.finite(out[["RMSSE"]]))
  expect_true(is.finite(out[["PIS"]]))
  expect_equal(out[["PIS"]], 0.6 * (1 + 2 + 3))
  expect_equal(out[["MAPE"]], Inf)
  flat <- toy_forecast(rep(0, 5), fitted = rep(0, 5), mean = c(1, 1), lower = c(0, 0),
                       upper = c(2, 2), level = 80)
  flat_out <- accuracy(flat, c(0, 2))["Test set", ]
  expect_equal(flat_out[["MASE"]], Inf)
  expect_equal(flat_out[["RMSSE"]], Inf)
  expect_true(is.na(accuracy(flat, c(1, 1))["Test set", "MASE"]))  # 0 / 0
})

batch_accuracy_data <- function() {
  full <- list(a = ldeaths, b = mdeaths, c = fdeaths, d = USAccDeaths)
  train <- lapply(full, function(y) window(y, end = time(y)[length(y) - 12L]))
  test <- lapply(full, function(y) window(y, start = time(y)[length(y) - 11L]))
  actual <- data.frame(id = rep(names(full), each = 12), step = rep(1:12, 4),
                       value = unlist(lapply(test, as.numeric), use.names = FALSE))
  list(train = train, test = test, actual = actual)
}

test_that("the batch table's measures equal the single-series method per series", {
  d <- batch_accuracy_data()
  models <- list(airline = arima_model(c(0, 1, 1), c(0, 1, 1)),
                 ar = arima_model(c(1, 0, 0), c(0, 1, 1)))
  batches <- fit_batch(d$train, models)
  fc <- forecast(batches, h = 12)
  results <- at_thread_counts(accuracy(fc, d$actual, batch = batches))
  expect_identical(results[[1]], results[[2]])
  out <- results[[1]]
  expect_equal(nrow(out), 8L)
  expect_identical(names(out)[1:3], c("model", "id", "n"))
  for (model in names(models)) {
    for (id in names(d$train)) {
      single <- accuracy(forecast(batches$batches[[model]][[id]], h = 12), d$test[[id]])
      row <- out[out$model == model & out$id == id, colnames(single)]
      expect_equal(unlist(row), single["Test set", ], tolerance = 1e-10,
                   info = paste(model, id))
    }
  }
  # the same actuals matched by time, in a long table that has the training rows too
  long <- do.call(rbind, lapply(names(d$train), function(id) {
    y <- c(d$train[[id]], d$test[[id]])
    data.frame(id = id, time = as.numeric(time(ts(y, start = start(d$train[[id]]),
                                                   frequency = 12))), value = y)
  }))
  expect_equal(accuracy(fc, long, batch = batches), out)
})

test_that("grouping: by model, by step, and overall", {
  d <- batch_accuracy_data()
  batch <- fit_batch(d$train, arima_model(c(0, 1, 1), c(0, 1, 1)))
  fc <- forecast(batch, h = 12)
  per_series <- accuracy(fc, d$actual, batch = batch)
  expect_identical(per_series$id, names(d$train))  # no model column: "model" is ignored
  overall <- accuracy(fc, d$actual, batch = batch, by = character())
  expect_equal(nrow(overall), 1L)
  expect_equal(overall$n, 48L)
  e <- d$actual$value - fc$mean
  expect_equal(overall$ME, mean(e))
  expect_equal(overall$RMSE, sqrt(mean(e^2)))
  expect_equal(overall$PIS, mean(per_series$PIS))
  by_step <- accuracy(fc, d$actual, batch = batch, by = "step")
  expect_identical(by_step$step, 1:12)
  expect_equal(by_step$MAE, as.vector(tapply(abs(e), fc$step, mean)))
  expect_true(all(is.na(by_step$ACF1)))
  # MASE pools each series' own scale
  scale <- vapply(d$train, function(y) mean(abs(diff(y, lag = 12))), 1)
  expect_equal(overall$MASE, mean(abs(e) / rep(scale, each = 12)))
  # without the batch there is no scale
  expect_true(all(is.na(accuracy(fc, d$actual)$MASE)))
})

test_that("actuals missing for some steps leave those forecasts out", {
  d <- batch_accuracy_data()
  batch <- fit_batch(d$train, arima_model(c(0, 1, 1), c(0, 1, 1)))
  fc <- forecast(batch, h = 12)
  short <- d$actual[d$actual$step <= 6, ]
  out <- accuracy(fc, short, batch = batch)
  expect_equal(out$n, rep(6L, 4))
  single <- accuracy(forecast(batch[["b"]], h = 12), as.numeric(d$test$b)[1:6])
  expect_equal(unlist(out[2, colnames(single)]), single["Test set", ], tolerance = 1e-10)
})

test_that("bad data, by, batch and x give errors naming the argument", {
  d <- batch_accuracy_data()
  batch <- fit_batch(d$train, arima_model(c(0, 1, 1), c(0, 1, 1)))
  fc <- forecast(batch, h = 3)
  expect_error(accuracy(fc, as.matrix(d$actual)), "`data` must be a data frame")
  expect_error(accuracy(fc, d$actual[c("id", "step")]), "`data` must have the columns")
  expect_error(accuracy(fc, d$actual[c("id", "value")]), "`data` must have a column \"step\"")
  expect_error(accuracy(fc, rbind(d$actual, d$actual)), "`data` has more than one actual")
  expect_error(accuracy(fc, transform(d$actual, id = paste0(id, "z"))), "`data` has no actual value")
  expect_error(accuracy(fc, transform(d$actual, value = "x")), "`data` column \"value\"")
  expect_error(accuracy(fc, d$actual, by = "series"), "`by` must name")
  expect_error(accuracy(fc, d$actual, by = NA), "`by` must name")
  expect_error(accuracy(fc, d$actual, value = 1), "`value` must be")
  expect_error(accuracy(fc, d$actual, batch = list()), "`batch` must be")
  other <- fit_batch(list(q = ldeaths), arima_model(c(0, 1, 1)))
  expect_error(accuracy(fc, d$actual, batch = other), "`batch` has no series \"a\"")
  single <- forecast(batch[["a"]], h = 3)
  expect_error(accuracy(single, "a"), "`x` must be a numeric")
  expect_error(accuracy(single, 1:5), "`x` has 5 values")
  expect_error(accuracy(single, ts(1:3, start = 1900)), "`x` must overlap")
})

test_that("a ts of actuals is matched to the forecasts by time", {
  parts <- split_case(accuracy_cases$USAccDeaths)
  fc <- forecast(arima_fit(parts$train, order = c(0, 1, 1), seasonal = c(0, 1, 1)), h = 12)
  later <- window(parts$test, start = c(1978, 4))
  tail_fc <- toy_forecast(as.numeric(parts$train), fitted = as.numeric(fc$fitted),
                          mean = fc$mean[4:12], lower = fc$lower[4:12, ],
                          upper = fc$upper[4:12, ], level = fc$level, frequency = 12)
  expect_equal(accuracy(fc, later)["Test set", ],
               accuracy(tail_fc, as.numeric(later))["Test set", ])
})

test_that("groups come in the table's order", {
  set.seed(2)
  series <- lapply(1:12, function(i) ts(rpois(30, 3), frequency = 4))
  names(series) <- paste0("s", 1:12)
  batch <- fit_batch(series, naive_model())
  fc <- forecast(batch, h = 2)
  actual <- data.frame(id = fc$id, step = fc$step, value = rpois(24, 3))
  out <- accuracy(fc, actual, batch = batch)
  expect_identical(out$id, names(series))
  expect_equal(out$MAE, as.vector(tapply(abs(actual$value - fc$mean),
                                         factor(fc$id, names(series)), mean)))
})

test_that("without actuals, accuracy() gives the training set alone", {
  fc <- forecast(arima_fit(USAccDeaths, order = c(0, 1, 1), seasonal = c(0, 1, 1)), h = 3)
  out <- accuracy(fc)
  expect_identical(rownames(out), "Training set")
  expect_equal(out[1L, ], accuracy(fc, c(1, 2, 3))["Training set", ])
})
