# tune_batch() and arima_grid(): the winner is the argmin of each candidate's
# own cross_validate() + accuracy() score, and the refitted batch is
# fit_batch() of the winner.

test_that("arima_grid() gives every combination as named arima_model()s", {
  grid <- arima_grid()
  expect_length(grid, 18L)
  expect_true(all(vapply(grid, inherits, TRUE, "lagrs_model")))
  expect_identical(names(grid)[1:3], c("ARIMA(0,0,0)", "ARIMA(1,0,0)", "ARIMA(2,0,0)"))
  seasonal <- arima_grid(p = 0:1, d = 1, q = 1, P = 0, D = 1, Q = 0:1, period = 12)
  expect_identical(names(seasonal), c("ARIMA(0,1,1)(0,1,0)[12]", "ARIMA(1,1,1)(0,1,0)[12]",
                                      "ARIMA(0,1,1)(0,1,1)[12]", "ARIMA(1,1,1)(0,1,1)[12]"))
  expect_identical(seasonal[[4]]$options, arima_model(c(1, 1, 1), c(0, 1, 1),
                                                      period = 12)$options)
  expect_error(arima_grid(p = -1), "`p` must be a vector of whole numbers")
  expect_error(arima_grid(q = 0.5), "`q`")
})

test_that("the winner is the argmin of each candidate's cross-validated score", {
  set.seed(19)
  skus <- lapply(1:6, function(i) {
    ar <- stats::filter(rnorm(70), 0.3 * (i %% 3) + 0.1, method = "recursive")
    ts(40 + as.numeric(ar) + (i > 3) * cumsum(rnorm(70, sd = 0.5)), frequency = 4)
  })
  names(skus) <- paste0("s", 1:6)
  models <- c(arima_grid(p = 0:1, d = 0:1, q = 0:1), list(naive = naive_model()))
  h <- 3
  n_windows <- 4
  for (metric in c("MASE", "RMSE")) {
    tuned <- tune_batch(skus, models, h = h, n_windows = n_windows, metric = metric,
                        progress = FALSE)
    scale_batch <- fit_batch(skus, naive_model(), progress = FALSE)
    # each candidate on its own: cross_validate() + accuracy()
    separate <- vapply(names(models), function(name) {
      cv <- cross_validate(skus, models[[name]], h = h, n_windows = n_windows,
                           progress = FALSE)
      acc <- accuracy(cv, batch = scale_batch, by = "id")
      acc[[metric]][match(names(skus), acc$id)]
    }, numeric(length(skus)))
    expect_equal(unname(tuned$scores), unname(separate), tolerance = 1e-12)
    expect_identical(tuned$best$model, names(models)[apply(separate, 1, which.min)])
    expect_identical(tuned$best$score, separate[cbind(1:6, apply(separate, 1, which.min))])
  }
  expect_identical(tuned$best$id, names(skus))
  expect_output(print(tuned), "<lagrs_tuned> 6 series, 9 candidates, by RMSE")
  expect_identical(names(summary(tuned)), c("id", "model", "score", "runner_up", "n_scored"))
  # the refitted batch: fit_batch() of each series' winner on the whole series
  fc <- forecast(tuned, h = 2, level = 90)
  expect_identical(unique(fc$id), names(skus))
  for (k in seq_along(skus)) {
    winner <- tuned$best$model[k]
    single <- forecast(fit_batch(skus[k], models[[winner]], progress = FALSE), h = 2,
                       level = 90)
    rows <- fc$id == names(skus)[k]
    expect_identical(fc$model[rows], rep(winner, 2))
    expect_identical(fc$mean[rows], single$mean)
    expect_identical(fc$hi_90[rows], single$hi_90)
  }
  runs <- at_thread_counts(tune_batch(skus, models, h = h, n_windows = n_windows,
                                      refit = 2, progress = FALSE)$scores)
  expect_identical(runs[[1]], runs[[2]])
})

test_that("a series every candidate fails has no winner; arguments are checked", {
  skus <- list(ok = as.numeric(lh), flat = rep(3, 48))
  tuned <- tune_batch(skus, arima_grid(p = 0:1, d = 0, q = 0), h = 2, n_windows = 2,
                      progress = FALSE)
  expect_true(is.na(tuned$best$model[2]))
  expect_false(is.na(tuned$best$model[1]))
  expect_identical(unique(forecast(tuned, h = 2)$id), "ok")
  expect_error(tune_batch(skus, arima_model(c(1, 0, 0)), h = 2, n_windows = 2),
               "`models` must be a named list")
  expect_error(tune_batch(skus, arima_grid(), h = 2, n_windows = 2, metric = "AIC"),
               "`metric` must be one of")
  expect_error(tune_batch(skus, arima_grid(), h = 2, n_windows = 2, refit = -2), "`refit`")
})
