# cross_validate(refit = FALSE | k): the families' filters (frozen
# parameters) against forecast::Arima(y, model = fit), forecast's baselines
# and croston(), and refit blocks against refitting at their first origins.

# The training series of origin `cutoff`, with y's ts attributes.
train_of <- function(y, cutoff) {
  stats::ts(as.numeric(y)[seq_len(cutoff)], start = stats::tsp(y)[1L],
            frequency = stats::frequency(y))
}

# Max |difference| between a one-series lagrs_cv (level 80) and forecasts
# fc(train, k) at each of its origins (k = 0, 1, ...): means and lower bounds.
cv_gap <- function(cv, y, h, first, fc) {
  origins <- sort(unique(cv$cutoff))
  gap <- 0
  for (k in seq_along(origins) - 1L) {
    f <- fc(train_of(y, first + k))
    rows <- cv$cutoff == origins[k + 1L]
    gap <- max(gap, abs(cv$mean[rows] - as.numeric(f$mean)),
               abs(cv$lo_80[rows] - as.numeric(f$lower[, 1])))
  }
  gap
}

arima_cases <- list(
  list(y = lh, order = c(1, 0, 0)),
  list(y = Nile, order = c(0, 1, 1)),
  list(y = WWWusage, order = c(1, 1, 1)),
  list(y = LakeHuron, order = c(2, 0, 0)),
  list(y = austres, order = c(1, 1, 0), drift = TRUE),
  list(y = window(nottem, end = c(1935, 12)), order = c(1, 0, 0), seasonal = c(1, 0, 0)),
  list(y = log(AirPassengers), order = c(0, 1, 1), seasonal = c(0, 1, 1)),
  list(y = USAccDeaths, order = c(1, 0, 1), seasonal = c(0, 1, 1))
)

test_that("refit = FALSE equals forecast::Arima(y, model = fit) at every origin", {
  skip_if_not_installed("forecast")
  h <- 4
  n_windows <- 5
  for (case in arima_cases) {
    seasonal <- if (is.null(case$seasonal)) c(0, 0, 0) else case$seasonal
    drift <- isTRUE(case$drift)
    model <- arima_model(case$order, seasonal, include_drift = drift)
    cv <- cross_validate(case$y, model, h = h, n_windows = n_windows, refit = FALSE,
                         level = 80, progress = FALSE)
    expect_true(all(cv$status != "error"))
    first <- length(case$y) - h - n_windows + 1
    train <- train_of(case$y, first)
    # (1) the filter alone: forecast's filter of lagrs's own first fit (its
    # coefficients fixed, its sigma2), to rounding
    batch <- fit_batch(train, model, progress = FALSE)
    frozen <- forecast::Arima(train, order = case$order, seasonal = seasonal,
                              include.drift = drift, fixed = batch$coef[1, ])
    frozen$sigma2 <- batch$sigma2[[1]]
    gap <- cv_gap(cv, case$y, h, first, function(x) {
      forecast::forecast(forecast::Arima(x, model = frozen), h = h, level = 80)
    })
    expect_lt(gap, 1e-8 * stats::sd(case$y))
    # (2) with forecast's own fit of the first window: the same up to the
    # optimizers' optimum; lagrs's ARIMA keeps stats::arima's sigma2 (the
    # MLE), which forecast::Arima() rescales by n / (n - parameters), so
    # the intervals are compared with stats::arima's sigma2
    fit <- forecast::Arima(train, order = case$order, seasonal = seasonal,
                           include.drift = drift)
    fit$sigma2 <- stats::arima(train, order = case$order, seasonal = seasonal,
                               xreg = if (drift) seq_along(train))$sigma2
    gap <- cv_gap(cv, case$y, h, first, function(x) {
      forecast::forecast(forecast::Arima(x, model = fit), h = h, level = 80)
    })
    expect_lt(gap, 1e-3 * stats::sd(case$y))
  }
})

test_that("automatic ARIMA with refit = FALSE filters the chosen model, as forecast", {
  skip_if_not_installed("forecast")
  h <- 3
  for (y in list(WWWusage, USAccDeaths, log(AirPassengers))) {
    cv <- cross_validate(y, arima_model(), h = h, n_windows = 4, refit = FALSE, level = 80,
                         progress = FALSE)
    first <- length(y) - h - 3
    fit <- forecast::auto.arima(train_of(y, first))
    gap <- cv_gap(cv, y, h, first, function(x) {
      forecast::forecast(forecast::Arima(x, model = fit), h = h, level = 80)
    })
    expect_lt(gap, 1e-3 * stats::sd(y))
  }
})

test_that("an integer refit refits at origins 1, 1 + k, ... and filters in between", {
  set.seed(41)
  skus <- lapply(1:3, function(i) ts(50 + cumsum(rnorm(60 + 4 * i)), frequency = 4))
  names(skus) <- paste0("s", 1:3)
  model <- arima_model(c(1, 1, 1))
  h <- 2
  n_windows <- 7
  k <- 3
  cv <- cross_validate(skus, model, h = h, n_windows = n_windows, refit = k, level = 90,
                       progress = FALSE)
  every <- cross_validate(skus, model, h = h, n_windows = n_windows, level = 90,
                          progress = FALSE)
  for (id in names(skus)) {
    y <- skus[[id]]
    n <- length(y)
    origins <- n - h - rev(seq_len(n_windows) - 1L)
    for (b in seq(1, n_windows, by = k)) {
      block <- origins[b:min(b + k - 1L, n_windows)]
      # the block alone: fitted at its first origin, filtered up to its last
      alone <- cross_validate(ts(as.numeric(y)[seq_len(max(block) + h)], frequency = 4,
                                 start = tsp(y)[1L]),
                              model, h = h, initial = block[1], refit = FALSE, level = 90,
                              progress = FALSE)
      ours <- cv[cv$id == id & round((cv$cutoff - tsp(y)[1L]) * 4) + 1 >= block[1] &
                   round((cv$cutoff - tsp(y)[1L]) * 4) + 1 <= max(block), ]
      expect_identical(ours$mean, alone$mean)
      expect_identical(ours$lo_90, alone$lo_90)
      # the refit origin itself is an ordinary fit
      refit_rows <- every$id == id & every$cutoff == ours$cutoff[1]
      expect_identical(ours$mean[ours$cutoff == ours$cutoff[1]], every$mean[refit_rows])
    }
  }
  # refit = 1 is refit = TRUE; refit = n_windows or more is refit = FALSE
  expect_identical(cross_validate(skus, model, h = h, n_windows = 4, refit = 1,
                                  progress = FALSE),
                   cross_validate(skus, model, h = h, n_windows = 4, progress = FALSE))
  expect_identical(cross_validate(skus, model, h = h, n_windows = 4, refit = 9,
                                  progress = FALSE),
                   cross_validate(skus, model, h = h, n_windows = 4, refit = FALSE,
                                  progress = FALSE))
})

test_that("frozen baselines and Croston follow forecast's functions", {
  skip_if_not_installed("forecast")
  y <- USAccDeaths
  h <- 3
  first <- length(y) - h - 3
  cv <- cross_validate(y, list(mean = mean_model(), naive = naive_model(),
                               snaive = snaive_model(), drift = drift_model()),
                       h = h, n_windows = 4, refit = FALSE, level = 80, progress = FALSE)
  pick <- function(name) cv[cv$model == name, ]
  start <- forecast::meanf(train_of(y, first), h = h, level = 80)
  expect_lt(cv_gap(pick("mean"), y, h, first, function(x) start), 1e-9 * sd(y))
  # naive, snaive: the window's own last values, the first window's variance
  for (name in c("naive", "snaive")) {
    fun <- if (name == "naive") forecast::naive else forecast::snaive
    width <- as.numeric(fun(train_of(y, first), h = h, level = 80)$mean -
                          fun(train_of(y, first), h = h, level = 80)$lower)
    gap <- cv_gap(pick(name), y, h, first, function(x) {
      f <- fun(x, h = h, level = 80)
      list(mean = f$mean, lower = cbind(as.numeric(f$mean) - width))
    })
    expect_lt(gap, 1e-9 * sd(y))
  }
  # drift: the first window's slope and interval widths, from each window's last value
  first_fit <- forecast::rwf(train_of(y, first), drift = TRUE, h = h, level = 80)
  slope <- (y[first] - y[1]) / (first - 1)
  width <- as.numeric(first_fit$mean - first_fit$lower)
  gap <- cv_gap(pick("drift"), y, h, first, function(x) {
    mean <- x[length(x)] + seq_len(h) * slope
    list(mean = mean, lower = cbind(mean - width))
  })
  expect_lt(gap, 1e-9 * sd(y))

  # Croston: the first window's alpha, frozen, as croston(alpha = )
  set.seed(5)
  demand <- rpois(60, 0.4) * rpois(60, 6)
  cv <- cross_validate(demand, croston_model(), h = 2, n_windows = 5, refit = FALSE,
                       progress = FALSE)
  alpha <- coef(fit_batch(demand[1:54], croston_model(), progress = FALSE))[1, "alpha"]
  for (cutoff in 54:58) {
    ref <- forecast::croston(demand[1:cutoff], h = 2, alpha = alpha)$mean
    expect_equal(cv$mean[cv$cutoff == cutoff], as.numeric(ref), tolerance = 1e-12)
  }
})

test_that("refit blocks are identical at 1 and 2 threads, for every family", {
  set.seed(77)
  skus <- lapply(1:5, function(i) ts(30 + cumsum(rnorm(50 + 3 * i)), frequency = 4))
  names(skus) <- paste0("s", 1:5)
  models <- list(arima = arima_model(c(0, 1, 1)), auto = arima_model(),
                 drift = drift_model(), theta = theta_model(), croston = croston_model())
  for (refit in list(FALSE, 2L)) {
    runs <- at_thread_counts(cross_validate(skus, models, h = 3, n_windows = 5,
                                            refit = refit, level = 80, progress = FALSE))
    expect_identical(runs[[1]], runs[[2]])
    expect_true(all(runs[[1]]$status[runs[[1]]$model != "croston"] != "error"))
  }
})

test_that("a failed fit at a refit origin fails the windows that depend on it", {
  y <- c(rep(2, 46), 3, 1, 4, 2)
  model <- arima_model(c(1, 0, 0))
  frozen <- cross_validate(y, model, h = 1, n_windows = 4, refit = FALSE, progress = FALSE)
  expect_true(all(frozen$status == "error"))
  expect_true(all(is.na(frozen$mean)))
  expect_true(all(grepl("constant", frozen$message)))
  every <- cross_validate(y, model, h = 1, n_windows = 4, progress = FALSE)
  expect_identical(every$status[1], "error")
  expect_true(all(every$status[-1] != "error"))
  blocks <- cross_validate(y, model, h = 1, n_windows = 4, refit = 2, progress = FALSE)
  expect_identical(blocks$status[1:2], c("error", "error"))
  # the second block is refitted at its first origin
  expect_identical(blocks$mean[3], every$mean[3])
  expect_true(all(blocks$status[3:4] != "error"))
})

test_that("bad refit values are errors naming `refit`", {
  m <- arima_model(c(1, 0, 0))
  for (bad in list(NA, 0, -1, 1.5, "yes", c(TRUE, FALSE), NULL, Inf)) {
    expect_error(cross_validate(lh, m, h = 2, refit = bad), "`refit` must be TRUE, FALSE")
  }
})

test_that("with sliding windows, refit = FALSE filters each window from its start", {
  skip_if_not_installed("forecast")
  y <- LakeHuron
  h <- 3
  width <- 60
  cv <- cross_validate(y, arima_model(c(2, 0, 0)), h = h, n_windows = 4, refit = FALSE,
                       window = width, level = 80, progress = FALSE)
  first <- length(y) - h - 3
  sliding <- function(cutoff) {
    ts(as.numeric(y)[(cutoff - width + 1):cutoff], frequency = 1,
       start = tsp(y)[1L] + cutoff - width)
  }
  batch <- fit_batch(sliding(first), arima_model(c(2, 0, 0)), progress = FALSE)
  frozen <- forecast::Arima(sliding(first), order = c(2, 0, 0), fixed = batch$coef[1, ])
  frozen$sigma2 <- batch$sigma2[[1]]
  for (k in 0:3) {
    f <- forecast::forecast(forecast::Arima(sliding(first + k), model = frozen), h = h,
                            level = 80)
    rows <- cv$cutoff == tsp(y)[1L] + first + k - 1
    expect_equal(cv$mean[rows], as.numeric(f$mean), tolerance = 1e-10)
    expect_equal(cv$lo_80[rows], as.numeric(f$lower), tolerance = 1e-10)
  }
})

test_that("frozen Theta: thetaf()'s alpha, level, drift and seasonal indexes on longer stretches", {
  skip_if_not_installed("forecast")
  h <- 4
  for (y in list(USAccDeaths, Nile)) {
    expect_identical(fit_batch(y, theta_model(), progress = FALSE)$fits$codes[[1, "seasonal"]],
                     as.integer(frequency(y) > 1))
    cv <- cross_validate(y, theta_model(), h = h, n_windows = 5, refit = FALSE, level = 80,
                         progress = FALSE)
    first <- length(y) - h - 4
    train <- train_of(y, first)
    m <- frequency(y)
    # thetaf() on the first window, step by step (its source), kept frozen
    seasonal <- m > 1 && {
      r <- as.numeric(stats::acf(train, lag.max = m, plot = FALSE)$acf)[-1L]
      abs(r[m]) > stats::qnorm(0.95) * sqrt((1 + 2 * sum(r[-m]^2)) / first)
    }
    index <- if (seasonal) as.numeric(stats::decompose(train, "multiplicative")$figure) else 1
    index_at <- function(t) if (seasonal) index[(t - 1) %% m + 1] else 1
    x <- as.numeric(train) / index_at(seq_len(first))
    ses <- forecast::ses(x, h = h)
    alpha <- max(1e-10, ses$model$par[["alpha"]])
    level0 <- ses$model$par[["l"]]
    drift <- stats::lsfit(0:(first - 1), x)$coefficients[[2]] / 2
    sigma <- sqrt(ses$model$sigma2)
    for (cutoff in first:(first + 4)) {
      level <- level0
      for (t in seq_len(cutoff)) {
        level <- level + alpha * (y[t] / index_at(t) - level)
      }
      mean <- (level + drift * (0:(h - 1) + (1 - (1 - alpha)^cutoff) / alpha)) *
        index_at(cutoff + seq_len(h))
      # thetaf's intervals: the reseasonalised mean -/+ z * the SES se
      lower <- mean - stats::qnorm(0.9) * sigma * sqrt(1 + (0:(h - 1)) * alpha^2)
      rows <- cv$cutoff == tsp(y)[1L] + (cutoff - 1) / m
      expect_equal(cv$mean[rows], mean, tolerance = 1e-6)
      expect_equal(cv$lo_80[rows], lower, tolerance = 1e-6)
    }
  }
})

test_that("frozen ADIDA keeps its aggregation level and alpha; IMAPA refits", {
  skip_if_not_installed("forecast")
  set.seed(8)
  demand <- rpois(80, 0.3) * rpois(80, 5)
  h <- 2
  cv <- cross_validate(demand, adida_model("classic"), h = h, n_windows = 5, refit = FALSE,
                       progress = FALSE)
  first <- length(demand) - h - 4
  fit <- fit_batch(demand[1:first], adida_model("classic"), progress = FALSE)
  level <- fit$fits$info[[1, "aggregation"]]
  alpha <- coef(fit)[1, "alpha"]
  expect_gt(level, 1)
  for (cutoff in first:(first + 4)) {
    # buckets of `level` periods aligned on the window's end, Croston on their sums
    n_buckets <- cutoff %/% level
    kept <- demand[(cutoff - n_buckets * level + 1):cutoff]
    sums <- colSums(matrix(kept, nrow = level))
    ref <- as.numeric(forecast::croston(sums, h = 1, alpha = alpha)$mean)[1] / level
    expect_equal(cv$mean[cv$cutoff == cutoff], rep(ref, h), tolerance = 1e-12)
  }
  imapa <- imapa_model("classic")
  expect_identical(cross_validate(demand, imapa, h = h, n_windows = 3, refit = FALSE,
                                  progress = FALSE)$mean,
                   cross_validate(demand, imapa, h = h, n_windows = 3, progress = FALSE)$mean)
})

test_that("frozen ETS equals forecast::ets(y, model = fit, use.initial.values = TRUE)", {
  skip_if_not_installed("forecast")
  h <- 6
  n_windows <- 4
  cases <- list(list(y = USAccDeaths, model = "AAA"), list(y = AirPassengers, model = "MAM"),
                list(y = Nile, model = "ANN"), list(y = austres, model = "AAdN"))
  for (case in cases) {
    y <- case$y
    comp <- strsplit(case$model, "")[[1]]
    damped <- length(comp) == 4L
    spec <- ets_model(error = comp[1], trend = comp[2], season = comp[length(comp)],
                      damped = damped)
    cv <- cross_validate(list(y = y), spec, h = h, n_windows = n_windows, refit = FALSE,
                         level = 80)
    first <- length(y) - h - n_windows + 1L
    fit <- forecast::ets(train_of(y, first), model = paste(comp[c(1, 2, length(comp))],
                                                            collapse = ""),
                         damped = damped)
    origins <- sort(unique(cv$cutoff))
    for (k in seq_along(origins)[-1L] - 1L) {
      again <- forecast::ets(train_of(y, first + k), model = fit, use.initial.values = TRUE)
      f <- forecast::forecast(again, h = h, PI = FALSE)$mean
      got <- cv$mean[cv$cutoff == origins[k + 1L]]
      expect_lte(max(abs(got - as.numeric(f))) / stats::sd(y), 1e-5, label = case$model)
    }
  }
})
