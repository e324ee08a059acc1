# Batch results must equal single-series arima_fit() results bit for bit.

sim_skus <- function(n_series, n_obs, seed = 42) {
  set.seed(seed)
  out <- lapply(seq_len(n_series), function(i) {
    e <- rnorm(n_obs + 1)
    x <- cumsum(0.5 * c(0, head(e, -1)) + e)  # ARIMA(0,1,1)-ish
    100 + x[-1]
  })
  names(out) <- sprintf("SKU-%03d", seq_len(n_series))
  out
}

single_fit_parts <- function(y, ...) {
  fit <- arima_fit(y, ...)
  list(coef = coef(fit), sigma2 = fit$sigma2, loglik = fit$loglik, aic = fit$aic,
       aicc = fit$aicc, bic = fit$bic, nobs = nobs(fit))
}

test_that("each series of a batch is identical to its single fit", {
  skus <- sim_skus(12, 80)
  skus[[3]] <- skus[[3]][1:50]              # lengths may differ
  skus[[5]][c(10, 40)] <- NA                # missing values inside
  for (method in c("CSS-ML", "ML", "CSS")) {
    batch <- arima_batch(skus, order = c(1, 1, 1), method = method)
    expect_identical(batch$ids, names(skus))
    for (k in seq_along(skus)) {
      single <- single_fit_parts(skus[[k]], order = c(1, 1, 1), method = method)
      expect_identical(unname(batch$coef[k, ]), unname(single$coef))
      expect_identical(colnames(batch$coef), names(single$coef))
      expect_identical(unname(batch$sigma2[k]), single$sigma2)
      expect_identical(unname(batch$loglik[k]), single$loglik)
      expect_identical(unname(batch$aicc[k]), single$aicc)
      expect_identical(unname(batch$bic[k]), single$bic)
    }
  }
})

test_that("batch fits agree with stats::arima", {
  skus <- sim_skus(6, 100, seed = 7)
  batch <- arima_batch(skus, order = c(1, 1, 1))
  for (k in seq_along(skus)) {
    ref <- stats::arima(skus[[k]], order = c(1, 1, 1))
    expect_gte(batch$loglik[[k]], ref$loglik - 1e-4)
    if (abs(batch$loglik[[k]] - ref$loglik) < 1e-4) {
      expect_equal(unname(batch$coef[k, ]), unname(coef(ref)), tolerance = 1e-3)
    }
  }
})

test_that("results do not depend on thread count or series order", {
  skus <- sim_skus(300, 60, seed = 11)
  runs <- at_thread_counts(arima_batch(skus, order = c(1, 1, 0)), counts = c(1L, 2L, 8L))
  expect_identical(runs[[1]]$coef, runs[[2]]$coef)
  expect_identical(runs[[1]]$coef, runs[[3]]$coef)
  expect_identical(runs[[1]]$loglik, runs[[3]]$loglik)
  fc <- at_thread_counts(forecast(arima_batch(skus, order = c(1, 1, 0)), h = 5),
                         counts = c(1L, 2L, 8L))
  expect_identical(fc[[1]], fc[[2]])
  expect_identical(fc[[1]], fc[[3]])
  perm <- rev(seq_along(skus))
  shuffled <- arima_batch(skus[perm], order = c(1, 1, 0))
  expect_identical(shuffled$coef[names(skus), , drop = FALSE], runs[[1]]$coef)
})

test_that("batch forecasts equal single-series forecasts", {
  skus <- lapply(sim_skus(4, 72, seed = 3), ts, frequency = 12, start = c(2015, 1))
  batch <- arima_batch(skus, order = c(0, 1, 1), seasonal = c(0, 1, 1))
  fc <- forecast(batch, h = 12, level = c(80, 95))
  expect_s3_class(fc, "lagrs_batch_forecast")
  expect_identical(names(fc), c("id", "step", "time", "mean", "lo_80", "hi_80", "lo_95", "hi_95"))
  expect_identical(nrow(fc), 4L * 12L)
  for (k in seq_along(skus)) {
    single <- forecast(arima_fit(skus[[k]], order = c(0, 1, 1), seasonal = c(0, 1, 1)),
                       h = 12, level = c(80, 95))
    rows <- fc$id == names(skus)[k]
    expect_identical(fc$mean[rows], as.numeric(single$mean))
    expect_identical(fc$lo_95[rows], as.numeric(single$lower[, "95%"]))
    expect_identical(fc$hi_80[rows], as.numeric(single$upper[, "80%"]))
    expect_equal(fc$time[rows], as.numeric(time(single$mean)))
  }
  wide <- as.matrix(fc)
  expect_identical(dim(wide), c(12L, 4L))
  expect_identical(colnames(wide), names(skus))
  expect_identical(unname(wide[, 2]), fc$mean[fc$id == names(skus)[2]])
})

test_that("one bad series never sinks the batch", {
  skus <- sim_skus(5, 60, seed = 5)
  skus$short <- c(1, 2)
  skus$all_na <- rep(NA_real_, 40)
  batch <- arima_batch(skus, order = c(1, 1, 1))
  expect_identical(unname(batch$status[1:5]), rep("ok", 5))
  expect_identical(unname(batch$status[c("short", "all_na")]), c("error", "error"))
  expect_true(all(nzchar(batch$message[c("short", "all_na")])))
  expect_true(all(is.na(batch$coef["short", ])))
  fc <- forecast(batch, h = 3)
  expect_true(all(is.na(fc$mean[fc$id == "short"])))
  expect_false(anyNA(fc$mean[fc$id == "SKU-001"]))
  s <- summary(batch)
  expect_identical(s$status, unname(batch$status))
  expect_output(print(batch), "error: 2")
})

test_that("a series of NA only fails on its own, even when R made it logical", {
  skus <- sim_skus(2, 40, seed = 8)
  reference <- arima_batch(skus, order = c(1, 0, 0))
  all_na <- list(logical = c(NA, NA, NA), ts = ts(c(NA, NA), frequency = 4),
                 empty = logical(0), double = rep(NA_real_, 3))
  batch <- arima_batch(c(skus, all_na), order = c(1, 0, 0))
  expect_identical(batch$coef[names(skus), ], reference$coef)
  expect_identical(unname(batch$status[names(all_na)]), rep("error", 4))
  expect_identical(unname(batch$message[c("logical", "ts", "double")]),
                   rep("all values are missing", 3))
  expect_match(batch$message[["empty"]], "too short")
  expect_true(all(is.na(batch$coef[names(all_na), ])))
  fc <- forecast(batch, h = 2)
  expect_identical(fc$mean[fc$id %in% names(all_na)], rep(NA_real_, 8))
  auto <- auto_arima_batch(c(skus, all_na), max_p = 1, max_q = 1, period = 1, progress = FALSE)
  expect_identical(unname(auto$status[names(all_na)]), rep("error", 4))
  expect_identical(unname(auto$status[names(skus)]), c("ok", "ok"))

  # every shape: a matrix, a value column and a single series of NA only
  for (fn in list(arima_batch, auto_arima_batch)) {
    from_matrix <- fn(matrix(NA, 5, 2))
    expect_identical(unname(from_matrix$status), c("error", "error"))
    long <- data.frame(id = c("a", "a", "b"), value = NA)
    expect_identical(unname(fn(long)$status), c("error", "error"))
    expect_identical(unname(fn(c(NA, NA))$status), "error")
  }

  # other non-numeric series are a mistake in the data: the call fails
  expect_error(arima_batch(list(a = skus[[1]], b = c(TRUE, NA))),
               "`series` element 2 \\(\"b\"\\) must be a numeric vector, not a logical vector")
  expect_error(auto_arima_batch(list(a = skus[[1]], b = factor("x"))),
               "`series` element 2 \\(\"b\"\\) must be a numeric vector")
  expect_error(arima_batch(matrix(c(TRUE, NA), 2, 2)), "`series` must be numeric, not a logical matrix")
  expect_error(arima_batch(data.frame(id = 1:2, value = c(FALSE, NA))),
               "`value` column \"value\" must be numeric")
})

test_that("a constant series fails in a batch; arima_fit() keeps its warning", {
  skus <- sim_skus(2, 40, seed = 11)
  flat <- list(flat = rep(7, 40), flat_na = c(NA, 3, NA, 3, 3, NA, rep(3, 30)))
  reference <- arima_batch(skus, order = c(1, 1, 1))
  batch <- arima_batch(c(skus, flat), order = c(1, 1, 1))
  expect_identical(batch$coef[names(skus), ], reference$coef)
  expect_identical(batch$sigma2[names(skus)], reference$sigma2)
  expect_identical(unname(batch$status), c("ok", "ok", "error", "error"))
  expect_identical(unname(batch$message[names(flat)]),
                   rep("the series is constant: all non-missing values are equal", 2))
  expect_true(all(is.na(batch$coef[names(flat), ])))
  expect_true(all(is.na(c(batch$sigma2[names(flat)], batch$loglik[names(flat)],
                          batch$aicc[names(flat)], batch$nobs[names(flat)]))))
  fc <- forecast(batch, h = 3)
  expect_identical(fc$mean[fc$id %in% names(flat)], rep(NA_real_, 6))
  expect_identical(fc$lo_95[fc$id %in% names(flat)], rep(NA_real_, 6))
  expect_output(print(batch), "error: 2")
  # one differing value is enough to be fitted as usual
  bumped <- replace(flat$flat, 20, 7.5)
  one <- suppressWarnings(arima_batch(list(bumped = bumped), order = c(1, 1, 1)))
  expect_false(identical(one$status[["bumped"]], "error"))
  # the single-series function still fits it, with its warning
  expect_warning(single <- arima_fit(flat$flat, order = c(0, 0, 0)), "constant")
  expect_identical(single$sigma2, 0)
  expect_identical(unname(coef(single)), 7)
})

test_that("matrices, long data frames and single series are accepted", {
  skus <- sim_skus(3, 50, seed = 9)
  m <- do.call(cbind, skus)
  from_list <- arima_batch(skus, order = c(1, 1, 0))
  from_matrix <- arima_batch(m, order = c(1, 1, 0))
  expect_identical(from_matrix$coef, from_list$coef)

  long <- data.frame(sku = rep(names(skus), each = 50), day = rep(1:50, 3),
                     sales = unlist(skus, use.names = FALSE))
  shuffled <- long[sample(nrow(long)), ]
  from_long <- arima_batch(shuffled, order = c(1, 1, 0), id = "sku", value = "sales",
                           time = "day")
  expect_identical(sort(from_long$ids), sort(names(skus)))
  expect_identical(from_long$coef[names(skus), , drop = FALSE], from_list$coef)

  one <- arima_batch(skus[[1]], order = c(1, 1, 0))
  expect_identical(unname(one$coef[1, ]), unname(from_list$coef[1, ]))
})

test_that("batch[[id]] gives the single fit", {
  skus <- sim_skus(3, 50, seed = 2)
  batch <- arima_batch(skus, order = c(0, 1, 1))
  fit <- batch[["SKU-002"]]
  expect_s3_class(fit, "lagrs_arima")
  expect_identical(fit$series, "SKU-002")
  expect_identical(unname(coef(fit)), unname(batch$coef["SKU-002", ]))
  expect_identical(coef(batch[[2]]), coef(fit))
  expect_error(batch[["nope"]], "`i` must be one of the batch's series ids")
  expect_error(batch[[4]], "`i` must be at most 3")
})

test_that("batch[[id]] of a failed series names it and gives its batch message", {
  skus <- c(sim_skus(1, 30, seed = 3), list(short = c(1, 2), flat = rep(4, 30)))
  batch <- arima_batch(skus, order = c(1, 1, 0))
  expect_error(batch[["short"]],
               "Series \"short\" of the batch has no model: it failed with \"too short: 2 non-missing values, the model needs more than 2\"\\.")
  expect_error(batch[[3]], "Series \"flat\" of the batch has no model: it failed with \"the series is constant")
  auto <- auto_arima_batch(skus, max_p = 1, max_q = 1, progress = FALSE)
  expect_error(auto[["flat"]], "Series \"flat\" of the batch has no model: it failed with \"the series is constant")
  expect_s3_class(batch[["SKU-001"]], "lagrs_arima")
})

test_that("plotting a batch whose series all failed says so", {
  batch <- arima_batch(list(a = c(1, 2), b = rep(NA_real_, 5)), order = c(1, 1, 0))
  pdf(NULL)
  on.exit(dev.off())
  expect_error(plot(batch), "Nothing to plot: none of the batch's 2 series could be fitted")
  # chosen failed series get panels with their messages
  expect_silent(plot(batch, ids = c("a", "b")))
  skip_if_not_installed("ggplot2")
  expect_error(ggplot2::autoplot(batch), "Nothing to plot: none of the batch's 2 series")
})

test_that("bad batch input gives clear errors", {
  skus <- sim_skus(2, 30)
  expect_error(arima_batch("a"), "`series` must be a list, matrix or data frame")
  expect_error(arima_batch(list(a = 1:10, b = letters)), "`series` element 2 \\(\"b\"\\)")
  expect_error(arima_batch(setNames(skus, c("x", "x"))), "id \"x\" more than once")
  long <- data.frame(id = c("a", "a", "b"), t = c(1, 1, 1), value = c(1, 2, 3))
  expect_error(arima_batch(long, time = "t"), "`time` column \"t\" has the time 1 more than once for id \"a\"")
  expect_error(arima_batch(long, id = "sku"), "`id` column \"sku\" is not in `series`")
  expect_error(arima_batch(data.frame(id = 1, value = "x")), "`value` column \"value\" must be numeric")
  expect_error(arima_batch(skus, order = c(1, -1, 0)), "`order` must be three non-negative whole numbers")
  expect_warning(arima_batch(skus, order = c(1, 1, 0), include_drift = TRUE, seasonal = c(0, 1, 0), period = 4),
                 "No drift term fitted")
  expect_error(arima_batch(skus, progress = NA), "`progress` must be TRUE or FALSE")
  expect_error(forecast(arima_batch(skus), h = 0), "`h` must be a single positive whole number")
  expect_error(forecast(arima_batch(skus), level = 120), "`level` must be numbers strictly between 0 and 100")
})

test_that("monthly and quarterly Date columns give calendar times", {
  months <- seq(as.Date("2020-03-01"), by = "month", length.out = 30)
  set.seed(8)
  long <- data.frame(id = rep(c("a", "b"), each = 30), when = c(months, months),
                     y = c(cumsum(rnorm(30)), cumsum(rnorm(30))))
  batch <- arima_batch(long[30:1, ], order = c(0, 1, 1), time = "when", value = "y")
  expect_identical(batch$spec$period, 1L)
  fc <- forecast(batch, h = 2)
  # the last month is August 2022: forecasts for September and October
  expect_equal(fc$time[fc$id == "a"], 2022 + c(8, 9) / 12)
  single <- forecast(arima_fit(ts(long$y[1:30], start = c(2020, 3), frequency = 12),
                               order = c(0, 1, 1)), h = 2)
  expect_identical(fc$mean[fc$id == "a"], as.numeric(single$mean))

  quarters <- seq(as.Date("2019-04-01"), by = "quarter", length.out = 12)
  expect_identical(calendar_tsp(quarters), c(2019.25, 2019.25 + 11 / 4, 4))
  # irregular spacing or mixed days of the month: no calendar
  expect_null(calendar_tsp(months[-5]))
  expect_null(calendar_tsp(months + c(0, 1)))
  expect_null(calendar_tsp(months[1]))
})

test_that("subsets of a batch summary are plain data frames", {
  batch <- arima_batch(sim_skus(3, 40), order = c(0, 1, 1))
  s <- summary(batch)
  expect_s3_class(s, "summary.lagrs_batch")
  sub <- s[s$status == "ok", c("id", "ma1")]
  expect_identical(class(sub), "data.frame")
  expect_identical(sub$ma1, unname(batch$coef[, "ma1"]))
  expect_output(print(sub), "SKU-001")
})
