# The Theta family: forecast::thetaf()'s point forecasts and intervals.

theta_series <- function() {
  set.seed(42)
  list(
    AirPassengers = AirPassengers, USAccDeaths = USAccDeaths, ldeaths = ldeaths,
    nottem = nottem, UKgas = UKgas, co2 = window(co2, 1990), lh = lh, Nile = Nile,
    WWWusage = WWWusage, airmiles = airmiles, lynx = lynx, uspop = uspop,
    sunspots = window(sunspot.month, 1950, c(1959, 12)),
    sim_yearly = ts(cumsum(rnorm(40, 1)) + 50, start = 1980),
    sim_quarterly = ts(100 + cumsum(rnorm(48)) + rep(c(5, -3, 2, -4), 12), frequency = 4),
    sim_monthly = ts(200 + 2 * (1:96) + 20 * sin(2 * pi * (1:96) / 12) + rnorm(96, 0, 5),
                     frequency = 12),
    sim_noise = ts(rnorm(30, 10)),
    sim_seasonal = ts(50 * (1 + 0.3 * rep(c(1, -1, 0.5, -0.5), 15)) + rnorm(60), frequency = 4),
    short_7 = ts(c(1, 2, 4, 3, 5, 6, 8), frequency = 4),
    short_6 = ts(c(1, 3, 2, 5, 4, 6)),
    short_5 = ts(c(3, 5, 4, 6, 8)),
    short_4 = ts(c(10, 12, 9, 14), frequency = 12),
    short_2 = ts(c(4, 2))
  )
}

rel_diff <- function(a, b) max(abs(a - b) / pmax(abs(b), 1e-8))

# thetaf()'s forecast and lagrs's, for each series, at forecast's default h
theta_pairs <- function(series, batch) {
  lapply(names(series), function(id) {
    y <- series[[id]]
    h <- if (frequency(y) > 1) 2 * frequency(y) else 10
    list(id = id, ref = forecast::thetaf(y, h = h), ours = forecast(batch[[id]], h = h))
  })
}

test_that("theta_model() prints in one line and checks `period`", {
  expect_output(print(theta_model()), "^<lagrs_model> Theta$")
  expect_identical(names(theta_model()$options), lagrs:::model_families()$theta$options)
  expect_identical(unname(theta_model(period = 4)$options), 4)
  expect_error(theta_model(period = 0), "`period` must be a single positive whole number")
  expect_error(theta_model(period = 2.5), "`period` must be")
  expect_error(theta_model(period = c(4, 12)), "`period` must be")
})

test_that("Theta equals forecast::thetaf() on 23 series, seasonal and not", {
  skip_if_not_installed("forecast")
  series <- theta_series()
  runs <- at_thread_counts(fit_batch(series, theta_model(), progress = FALSE))
  expect_identical(runs[[1]], runs[[2]])
  batch <- runs[[1]]
  expect_true(all(batch$status == "ok"))
  seasonal <- batch$fits$codes[, "seasonal"]
  expect_gte(sum(seasonal == 1L), 8L)
  expect_gte(sum(seasonal == 0L), 8L)
  for (pair in theta_pairs(series, batch)) {
    ref <- pair$ref
    ours <- pair$ours
    # series of six values or fewer: L-BFGS-B in forecast, Brent here (below)
    tol <- if (length(series[[pair$id]]) <= 6L) 1e-6 else 1e-10
    expect_lt(rel_diff(as.numeric(ours$mean), as.numeric(ref$mean)), tol, label = pair$id)
    expect_lt(rel_diff(as.numeric(ours$lower), as.numeric(ref$lower)), tol, label = pair$id)
    expect_lt(rel_diff(as.numeric(ours$upper), as.numeric(ref$upper)), tol, label = pair$id)
    expect_equal(unname(coef(batch)[pair$id, "alpha"]), unname(ref$model$alpha),
                 tolerance = tol, label = pair$id)
    expect_equal(unname(coef(batch)[pair$id, "drift"]), unname(ref$model$drift),
                 tolerance = 1e-10, label = pair$id)
    expect_equal(unname(batch$sigma2[pair$id]), ref$model$sigma, tolerance = tol,
                 label = pair$id)
    expect_equal(as.numeric(residuals(batch)[[pair$id]]), as.numeric(ref$residuals),
                 tolerance = tol, label = pair$id)
  }
})

test_that("the SES fit reaches ets()'s optimum, or a lower sum of squares", {
  skip_if_not_installed("forecast")
  series <- theta_series()
  batch <- fit_batch(series, theta_model(), progress = FALSE)
  long <- names(series)[lengths(series) > 6L & batch$fits$codes[, "seasonal"] == 0L]
  for (id in long) {
    ses_fit <- forecast::ses(series[[id]])$model
    expect_equal(unname(coef(batch)[id, c("alpha", "l")]), unname(ses_fit$par[c("alpha", "l")]),
                 tolerance = 1e-12, label = id)
    expect_equal(unname(batch$fits$info[match(id, batch$ids), "mse"]), ses_fit$mse,
                 tolerance = 1e-12, label = id)
  }
  # six values or fewer: the sum of squares as HoltWintersZZ() has it
  sse <- function(y, alpha) {
    level <- y[1]
    out <- 0
    for (v in y) {
      out <- out + (v - level)^2
      level <- alpha * v + (1 - alpha) * level
    }
    out
  }
  for (id in names(series)[lengths(series) <= 6L]) {
    y <- as.numeric(series[[id]])
    ref_alpha <- unname(forecast::thetaf(series[[id]])$model$alpha)
    ours <- sse(y, unname(coef(batch)[id, "alpha"]))
    expect_lte(ours, sse(y, ref_alpha) * (1 + 1e-12), label = id)
  }
})

test_that("`period` overrides the series' frequency as thetaf() on a re-stamped series", {
  skip_if_not_installed("forecast")
  y <- as.numeric(USAccDeaths)
  batch <- fit_batch(list(a = y), theta_model(period = 12), progress = FALSE)
  expect_identical(unname(batch$fits$codes[1, c("period", "seasonal")]), c(12L, 1L))
  ref <- forecast::thetaf(ts(y, frequency = 12), h = 24)
  ours <- forecast(batch, h = 24)
  expect_lt(rel_diff(ours$mean, as.numeric(ref$mean)), 1e-10)
  expect_lt(rel_diff(ours$lo_95, as.numeric(ref$lower[, 2])), 1e-10)
  expect_lt(rel_diff(ours$hi_80, as.numeric(ref$upper[, 1])), 1e-10)
})

test_that("bad series fail alone with a message; a constant one warns", {
  skip_if_not_installed("forecast")
  with_na <- Nile
  with_na[50] <- NA
  series <- list(all_na = ts(rep(NA_real_, 20)), one = ts(5), with_na = with_na,
                 infinite = ts(c(1, 2, Inf, 4, 5, 6, 7, 8)), constant = ts(rep(5, 20)),
                 fine = Nile, odd_frequency = ts(1:30 + rnorm(30), frequency = 2.5))
  batch <- fit_batch(series, theta_model(), progress = FALSE)
  expect_identical(unname(batch$status),
                   c("error", "error", "error", "error", "warning", "ok", "error"))
  expect_match(batch$message[["all_na"]], "all values are missing")
  expect_match(batch$message[["one"]], "at least 2 values")
  expect_match(batch$message[["with_na"]], "1 missing value: Theta needs a complete series")
  expect_match(batch$message[["infinite"]], "infinite value")
  expect_match(batch$message[["constant"]], "the series is constant")
  expect_match(batch$message[["odd_frequency"]], "give `period`")
  # forecast::thetaf(): an error for one value, the value itself for a constant
  expect_error(forecast::thetaf(ts(5)))
  fc <- forecast(batch[["constant"]], h = 3)
  # (thetaf's lsfit() slope of a constant is 1e-16, not 0)
  expect_equal(as.numeric(fc$mean), as.numeric(forecast::thetaf(ts(rep(5, 20)), h = 3)$mean),
               tolerance = 1e-12)
  expect_identical(as.numeric(fc$lower), rep(5, 6))
  fc <- forecast(batch, h = 2)
  expect_true(all(is.na(fc$mean[fc$id == "with_na"])))
  expect_false(anyNA(fc$mean[fc$id == "fine"]))
})

test_that("a theta batch prints, summarises and forecasts like any batch", {
  batch <- fit_batch(list(air = AirPassengers, nile = Nile), theta_model(), progress = FALSE)
  expect_output(print(batch), "fitted to 2 series")
  expect_identical(colnames(coef(batch)), c("alpha", "l", "drift"))
  expect_output(print(batch[["air"]]), "Theta")
  fc <- forecast(batch, h = 3)
  expect_identical(nrow(fc), 6L)
  expect_identical(batch$fits$label, c("Theta", "Theta"))
})

# ---- the optimised Theta models (OTM and DOTM) -------------------------------

otm_series <- function() {
  set.seed(7)
  list(
    AirPassengers = AirPassengers, USAccDeaths = USAccDeaths, ldeaths = ldeaths,
    nottem = nottem, UKgas = UKgas, Nile = Nile, WWWusage = WWWusage, lynx = lynx,
    uspop = uspop, airmiles = airmiles, lh = lh,
    sim_quarterly = ts(100 + cumsum(rnorm(48)) + rep(c(5, -3, 2, -4), 12), frequency = 4),
    sim_yearly = ts(cumsum(rnorm(40, 1)) + 50, start = 1980),
    sim_noise = ts(rnorm(30, 10))
  )
}

# The recursions of Fiorucci et al. (2016), written from the paper's
# equations (section 3, t counting from 1) with fixed (l0, alpha, theta),
# independently of the C code: the one-step predictions mu[1..n], then h
# forecasts with the future values set to their predictions plus `shocks`.
theta_reference <- function(y, l0, alpha, theta, dynamic, h = 0, shocks = numeric(h)) {
  n <- length(y)
  y <- c(as.numeric(y), numeric(h))
  w <- 1 - 1 / theta
  B_n <- 6 * (2 * mean(seq_len(n) * y[1:n]) - (1 + n) * mean(y[1:n])) / (n^2 - 1)
  A_n <- mean(y[1:n]) - (n + 1) * B_n / 2
  mu <- level <- A <- B <- ybar <- numeric(n + h)
  mu[1] <- if (dynamic) y[1] else l0 + w * (A_n + B_n)
  level[1] <- alpha * y[1] + (1 - alpha) * l0
  ybar[1] <- y[1]
  A[1] <- if (dynamic) y[1] else A_n
  B[1] <- if (dynamic) 0 else B_n
  for (t in 2:(n + h)) {
    s <- t - 1
    mu[t] <- level[s] + w * ((1 - alpha)^s * A[s] + (1 - (1 - alpha)^(s + 1)) / alpha * B[s])
    if (t > n) y[t] <- mu[t] + shocks[t - n]
    level[t] <- alpha * y[t] + (1 - alpha) * level[s]
    ybar[t] <- ((t - 1) * ybar[s] + y[t]) / t
    if (dynamic) {
      B[t] <- ((t - 2) * B[s] + 6 / t * (y[t] - ybar[s])) / (t + 1)
      A[t] <- ybar[t] - (t + 1) / 2 * B[t]
    } else {
      A[t] <- A_n
      B[t] <- B_n
    }
  }
  list(fitted = mu[1:n], mean = mu[n + seq_len(h)], path = y[n + seq_len(h)])
}

# forecTheta's objective: squared errors in units of mean |y|, from the third
# for DOTM
theta_objective <- function(y, par, dynamic) {
  e <- (as.numeric(y) - theta_reference(y, par[1], par[2], par[3], dynamic)$fitted) /
    mean(abs(y))
  sum(e[if (dynamic) -(1:2) else seq_along(e)]^2)
}

adjusted <- function(y, seasonal) {
  if (seasonal) y / decompose(y, type = "multiplicative")$seasonal else y
}

test_that("theta_model() takes `type` and labels the optimised models", {
  expect_output(print(theta_model(type = "optimized")), "Optimised Theta \\(OTM\\)")
  expect_output(print(theta_model(type = "dynamic")), "DOTM")
  expect_identical(theta_model()$spec$type, "standard")
  expect_identical(unname(theta_model(type = "dynamic")$options[["type"]]),
                   as.double(lagrs:::lagrs_codes("theta_type")[["dynamic"]]))
  expect_error(theta_model(type = "fast"), "`type` must be one of \"standard\", \"optimized\"")
  expect_error(theta_model(type = NA), "`type` must be one of")
})

test_that("OTM and DOTM equal forecTheta's otm() and dotm() on 14 series", {
  skip_if_not_installed("forecTheta")
  series <- otm_series()
  for (type in c("optimized", "dynamic")) {
    runs <- at_thread_counts(fit_batch(series, theta_model(type = type), progress = FALSE))
    expect_identical(runs[[1]], runs[[2]])
    batch <- runs[[1]]
    expect_true(all(batch$status %in% c("ok", "warning")))
    expect_gte(sum(batch$fits$codes[, "seasonal"] == 1L), 5L)
    for (id in names(series)) {
      y <- series[[id]]
      h <- if (frequency(y) > 1) 2 * frequency(y) else 10
      ref <- if (type == "dynamic") forecTheta::dotm(y, h = h, level = NULL) else
        forecTheta::otm(y, h = h, level = NULL)
      ours <- forecast(batch[[id]], h = h)
      # the same Nelder-Mead path: the same doubles (observed difference 0)
      expect_lt(rel_diff(as.numeric(ours$mean), as.numeric(ref$mean)), 1e-10,
                label = paste(type, id))
      expect_equal(unname(coef(batch)[id, c("l", "alpha", "theta")]), as.numeric(ref$par),
                   tolerance = 1e-10, label = paste(type, id))
      expect_equal(as.numeric(residuals(batch)[[id]]), as.numeric(ref$residuals),
                   tolerance = 1e-10, label = paste(type, id))
    }
  }
})

test_that("DOTM's intervals match forecTheta's simulated ones to Monte Carlo error", {
  skip_if_not_installed("forecTheta")
  for (y in list(Nile, USAccDeaths, AirPassengers)) {
    set.seed(1)
    ref <- forecTheta::dotm(y, h = 8, level = c(80, 95))
    batch <- fit_batch(list(a = y), theta_model(type = "dynamic"), progress = FALSE)
    ours <- forecast(batch[["a"]], h = 8, level = c(80, 95))
    width <- as.numeric(ref$upper[, 2] - ref$lower[, 2])
    # 10,000 simulated paths: observed at most 1.6% of the 95% width
    for (k in 1:2) {
      expect_lt(max(abs(ours$lower[, k] - ref$lower[, k]) / width), 0.04)
      expect_lt(max(abs(ours$upper[, k] - ref$upper[, k]) / width), 0.04)
    }
  }
})

test_that("the C recursions equal the paper's, written in R, to 1e-10", {
  series <- otm_series()
  for (type in c("optimized", "dynamic")) {
    dynamic <- type == "dynamic"
    batch <- fit_batch(series, theta_model(type = type), progress = FALSE)
    for (id in names(series)) {
      y <- series[[id]]
      seasonal <- batch$fits$codes[match(id, batch$ids), "seasonal"] == 1L
      x <- adjusted(y, seasonal)
      par <- unname(coef(batch)[id, ])  # alpha, l, theta: fixed from here on
      ref <- theta_reference(x, par[2], par[1], par[3], dynamic, h = 12)
      index <- if (seasonal) decompose(y, type = "multiplicative")$seasonal else rep(1, length(y))
      expect_equal(as.numeric(residuals(batch)[[id]]), as.numeric(y - index * ref$fitted),
                   tolerance = 1e-10, label = paste(type, id))
      future_index <- if (seasonal) rep_len(tail(index, frequency(y)), 12) else 1
      ours <- forecast(batch[[id]], h = 12)
      expect_equal(as.numeric(ours$mean), future_index * ref$mean, tolerance = 1e-10,
                   label = paste(type, id))
      # the mean squared one-step error over the objective's range
      e2 <- (as.numeric(x) - ref$fitted)^2
      expect_equal(unname(batch$fits$info[match(id, batch$ids), "mse"]),
                   mean(e2[if (dynamic) -(1:2) else seq_along(e2)]), tolerance = 1e-10)
    }
  }
})

test_that("the intervals' variances are those of the linear recursions", {
  y <- Nile
  for (type in c("optimized", "dynamic")) {
    batch <- fit_batch(list(a = y), theta_model(type = type), progress = FALSE)
    par <- unname(coef(batch)["a", ])
    base <- theta_reference(y, par[2], par[1], par[3], type == "dynamic", h = 10)
    # c[j, k]: the effect of a unit shock at step k on the value at step j
    effect <- sapply(1:10, function(k) {
      shocked <- theta_reference(y, par[2], par[1], par[3], type == "dynamic", h = 10,
                                 shocks = replace(numeric(10), k, 1))
      shocked$path - base$path
    })
    variance <- batch$sigma2[["a"]] * rowSums(effect^2)
    res <- as.numeric(residuals(batch)$a)[-(1:2)]
    expect_equal(batch$sigma2[["a"]], var(res), tolerance = 1e-10)
    ours <- forecast(batch[["a"]], h = 10, level = 95)
    expect_equal(as.numeric(ours$upper[, 1] - ours$mean), qnorm(0.975) * sqrt(variance),
                 tolerance = 1e-9)
    if (type == "optimized") {
      expect_equal(rowSums(effect^2), 1 + (0:9) * par[1]^2, tolerance = 1e-12)
    }
  }
})

test_that("OTM's objective at lagrs's optimum is forecTheta's", {
  skip_if_not_installed("forecTheta")
  series <- otm_series()
  for (type in c("optimized", "dynamic")) {
    dynamic <- type == "dynamic"
    batch <- fit_batch(series, theta_model(type = type), progress = FALSE)
    for (id in names(series)) {
      y <- series[[id]]
      x <- adjusted(y, batch$fits$codes[match(id, batch$ids), "seasonal"] == 1L)
      ref <- if (dynamic) forecTheta::dotm(y, level = NULL) else forecTheta::otm(y, level = NULL)
      ours <- theta_objective(x, unname(coef(batch)[id, c("l", "alpha", "theta")]), dynamic)
      expect_lte(ours, theta_objective(x, as.numeric(ref$par), dynamic) * (1 + 1e-12),
                 label = paste(type, id))
    }
  }
})

test_that("OTM and DOTM: short, constant and zero series", {
  batch <- fit_batch(list(three = ts(c(1, 2, 4)), four = ts(c(1, 3, 2, 5)),
                          constant = ts(rep(5, 20)), zero = ts(numeric(20)), fine = Nile),
                     theta_model(type = "dynamic"), progress = FALSE)
  expect_identical(unname(batch$status), c("error", "ok", "warning", "warning", "warning"))
  expect_match(batch$message[["three"]], "at least 4 values")
  expect_match(batch$message[["constant"]], "constant")
  fc <- forecast(batch, h = 3)
  expect_equal(fc$mean[fc$id == "constant"], rep(5, 3))
  expect_identical(fc$mean[fc$id == "zero"], rep(0, 3))
  expect_identical(batch$fits$label[5], "DOTM")
})
