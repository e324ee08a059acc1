# cross_validate(): every (series, window) fit through the batch runner,
# against forecast::tsCV() and against single fits of each window.

cv_errors <- function(cv) cv$actual - cv$mean

# tsCV's errors at the rows of a lagrs_cv of one series
tscv_at <- function(y, cv, fcfun, h, first_origin) {
  e <- forecast::tsCV(y, fcfun, h = h, initial = first_origin - 1)
  origin <- round((cv$cutoff - tsp(y)[1L]) * frequency(y)) + 1
  e[cbind(origin, cv$step)]
}

test_that("refitting at every origin equals forecast::tsCV() with Arima()", {
  skip_if_not_installed("forecast")
  cases <- list(
    list(y = lh, order = c(1, 0, 0)),
    list(y = WWWusage, order = c(1, 1, 1)),
    list(y = Nile, order = c(0, 1, 1)),
    list(y = LakeHuron, order = c(2, 0, 0)),
    list(y = log(airmiles), order = c(0, 1, 1)),
    list(y = lynx, order = c(2, 0, 0)),
    list(y = austres, order = c(1, 1, 0)),
    list(y = window(nottem, end = c(1935, 12)), order = c(1, 0, 0), seasonal = c(1, 0, 0)),
    list(y = log(AirPassengers), order = c(0, 1, 1), seasonal = c(0, 1, 1)),
    list(y = USAccDeaths, order = c(0, 1, 1), seasonal = c(0, 1, 1)),
    list(y = ldeaths, order = c(1, 0, 0), seasonal = c(1, 1, 0))
  )
  h <- 3
  n_windows <- 4
  same <- 0
  for (case in cases) {
    seasonal <- if (is.null(case$seasonal)) c(0, 0, 0) else case$seasonal
    model <- arima_model(case$order, seasonal)
    cv <- cross_validate(case$y, model, h = h, n_windows = n_windows, progress = FALSE)
    expect_true(all(cv$status != "error"))
    first <- length(case$y) - h - n_windows + 1
    ref <- tscv_at(case$y, cv, function(x, h) {
      forecast::forecast(forecast::Arima(x, order = case$order, seasonal = seasonal), h = h)
    }, h, first)
    diff <- max(abs(cv_errors(cv) - ref))
    if (nzchar(Sys.getenv("LAGRS_SHOW_CV"))) message(sprintf("%.2e sd", diff / stats::sd(case$y)))
    if (diff < 1e-6 * stats::sd(case$y)) same <- same + 1
    expect_lt(diff, 1e-3 * stats::sd(case$y))
  }
  # most windows reach stats::arima's optimum to 1e-6 sd; the others differ
  # by less than 1e-3 sd (the optimizers stop at slightly different points)
  expect_gte(same, 7)
})

test_that("every window equals a single fit of that window, for any family", {
  set.seed(31)
  skus <- lapply(1:4, function(i) ts(50 + cumsum(rnorm(40 + 5 * i)), frequency = 4))
  names(skus) <- paste0("s", 1:4)
  models <- list(ma = arima_model(c(0, 1, 1)), naive = naive_model(), theta = theta_model())
  cv <- cross_validate(skus, models, h = 2, n_windows = 3, step = 2, level = 90,
                       window = 30, progress = FALSE)
  expect_identical(names(cv)[1:2], c("model", "id"))
  for (k in c(1, 7, 12)) {
    row <- which(cv$model == "theta" & cv$step == 1)[k]
    id <- cv$id[row]
    y <- skus[[id]]
    cutoff <- round((cv$cutoff[row] - tsp(y)[1L]) * 4) + 1
    train <- ts(as.numeric(y)[(cutoff - 29):cutoff], frequency = 4,
                start = tsp(y)[1L] + (cutoff - 30) / 4)
    single <- forecast(batch_member(fit_batch(train, theta_model(), progress = FALSE), 1),
                       h = 2, level = 90)
    expect_identical(cv$mean[row], as.numeric(single$mean)[1])
    expect_identical(cv$lo_90[row], as.numeric(single$lower)[1])
    expect_identical(cv$actual[row], as.numeric(y)[cutoff + 1])
  }
  runs <- at_thread_counts(cross_validate(skus, models, h = 2, n_windows = 3, step = 2,
                                          progress = FALSE))
  expect_identical(runs[[1]], runs[[2]])
})

test_that("short series and failed windows fail alone; arguments are checked", {
  series <- list(long = as.numeric(lh), short = c(1, 2, 3), flat = rep(2, 48))
  cv <- cross_validate(series, arima_model(c(1, 0, 0)), h = 4, n_windows = 2,
                       progress = FALSE)
  expect_true(all(cv$status[cv$id == "long"] == "ok"))
  expect_true(all(cv$status[cv$id == "short"] == "error"))
  expect_match(cv$message[cv$id == "short"][1], "too short")
  expect_true(all(is.na(cv$mean[cv$id %in% c("short", "flat")])))
  expect_match(cv$message[cv$id == "flat"][1], "constant")
  expect_output(print(cv), "<lagrs_cv> 3 series, 6 windows x 4 steps, 4 windows failed")
  y <- as.numeric(lh)
  m <- arima_model(c(1, 0, 0))
  expect_error(cross_validate(y, m, h = 0), "`h` must be a single positive whole number")
  expect_error(cross_validate(y, m, h = 2, n_windows = NA), "`n_windows`")
  expect_error(cross_validate(y, m, h = 2, step = 1.5), "`step`")
  expect_error(cross_validate(y, m, h = 2, window = 0), "`window`")
  expect_error(cross_validate(y, m, h = 2, initial = -1), "`initial`")
  expect_error(cross_validate(y, "arima", h = 2), "`model` must be a lagrs_model")
  # with `initial`, every origin from it on, as tsCV
  all_origins <- cross_validate(y, m, h = 2, initial = 40, progress = FALSE)
  expect_identical(unique(all_origins$cutoff), 40:46)
})

test_that("accuracy() of a cross-validation: plain means, and MASE per training window", {
  set.seed(12)
  skus <- lapply(1:3, function(i) ts(20 + cumsum(rnorm(50)), frequency = 4, start = 2000))
  names(skus) <- c("a", "b", "c")
  models <- list(ma = arima_model(c(0, 1, 1)), naive = naive_model())
  cv <- cross_validate(skus, models, h = 2, n_windows = 3, progress = FALSE)
  acc <- accuracy(cv, batch = fit_batch(skus, naive_model(), progress = FALSE))
  expect_identical(acc$model, rep(c("ma", "naive"), each = 3))
  for (k in seq_len(nrow(acc))) {
    rows <- cv$model == acc$model[k] & cv$id == acc$id[k]
    e <- cv$actual[rows] - cv$mean[rows]
    expect_equal(acc$MAE[k], mean(abs(e)), tolerance = 1e-12)
    expect_equal(acc$RMSE[k], sqrt(mean(e^2)), tolerance = 1e-12)
    # each window's scale: mean |y_t - y_{t-4}| over its own training values
    y <- as.numeric(skus[[acc$id[k]]])
    origin <- round((cv$cutoff[rows] - 2000) * 4) + 1
    scale <- vapply(origin, function(o) mean(abs(diff(y[1:o], lag = 4))), 1)
    expect_equal(acc$MASE[k], mean(abs(e) / scale), tolerance = 1e-12)
  }
  by_step <- accuracy(cv, by = c("model", "step"))
  expect_identical(nrow(by_step), 4L)
  expect_error(accuracy(cv, by = "nope"), "`by` must name distinct columns")
})
