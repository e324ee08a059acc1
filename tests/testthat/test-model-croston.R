# croston_model() (Croston, SBA, TSB) and demand_class(): Croston against
# forecast::croston(), SBA and TSB against the reference code below, written
# from the papers' equations and independent of src/model_croston.c.

# Intermittent series with different demand rates (ADI from about 1.1 to
# 10) and size distributions (CV2 from 0 to above 1).
intermittent_series <- function(seed = 21) {
  set.seed(seed)
  rates <- c(0.9, 0.75, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1, 0.35, 0.55)
  out <- lapply(seq_along(rates), function(i) {
    n <- 40 + 8 * i
    occurs <- rbinom(n, 1, rates[i])
    occurs[c(3, n - 4)] <- 1   # at least two demands
    size <- switch(i %% 3 + 1, rpois(n, 4) + 1, rgamma(n, shape = 0.4, rate = 0.05),
                   rgamma(n, shape = 4, rate = 0.5))
    occurs * size
  })
  names(out) <- sprintf("part-%02d", seq_along(out))
  out
}

# ---- references from the papers ----------------------------------------------

# SES levels of v, started at v[1] and updated with every value (the first
# included), in the error-correction form.
ses_levels <- function(v, alpha) {
  level <- v[1]
  out <- numeric(length(v))
  for (j in seq_along(v)) {
    level <- level + alpha * (v[j] - level)
    out[j] <- level
  }
  out
}

# Croston (1972) and, with `sba`, Syntetos & Boylan (2005)'s estimate
# (1 - alpha / 2) z / p. Fitted value t is the estimate from periods before
# t: 0 before the first demand, z_1 / q_1 after one demand.
ref_croston <- function(x, alpha, sba = FALSE) {
  when <- which(x > 0)
  sizes <- x[when]
  intervals <- diff(c(0, when))
  rate <- ses_levels(sizes, alpha) / ses_levels(intervals, alpha)
  rate[1] <- sizes[1] / intervals[1]
  if (sba) rate <- (1 - alpha / 2) * rate
  # the estimate in force after period t: that of the last demand by t
  demands_by <- cumsum(x > 0)
  after <- ifelse(demands_by == 0, 0, rate[pmax(demands_by, 1)])
  list(mean = after[length(x)], fitted = c(NA, after[-length(x)]))
}

# Teunter, Syntetos & Babai (2011): probability p and size z, both started
# from the first demand (p_0 = 1 / q_1, z_0 = z_1); fitted value t is
# p_{t-1} z_{t-1}.
ref_tsb <- function(x, alpha, beta) {
  first <- which(x > 0)[1]
  p <- 1 / first
  z <- x[first]
  fitted <- numeric(length(x))
  for (t in seq_along(x)) {
    fitted[t] <- p * z
    d <- as.numeric(x[t] > 0)
    p <- p + beta * (d - p)
    if (d == 1) z <- z + alpha * (x[t] - z)
  }
  list(mean = p * z, fitted = fitted)
}

mse <- function(x, fitted) mean((x - fitted)^2, na.rm = TRUE)

forecast_means <- function(batch, h = 3) as.matrix(forecast(batch, h = h))

skus <- intermittent_series()

test_that("the test series cover different ADI and CV2", {
  classes <- demand_class(skus)
  expect_gte(length(skus), 10L)
  expect_gt(diff(range(classes$ADI)), 4)
  expect_gt(diff(range(classes$CV2)), 1)
  expect_true(all(c("smooth", "intermittent", "lumpy") %in% classes$class))
})

test_that("models print in one line and check their arguments", {
  expect_output(print(croston_model()), "^<lagrs_model> Croston$")
  expect_output(print(croston_model("sba")), "^<lagrs_model> Croston \\(SBA\\)$")
  expect_output(print(croston_model("tsb", alpha = 0.1, beta = 0.2)),
                "^<lagrs_model> Croston \\(TSB, alpha = 0.1, beta = 0.2\\)$")
  expect_output(print(croston_model(alpha = 0.1)), "^<lagrs_model> Croston \\(alpha = 0.1\\)$")
  expect_identical(names(croston_model()$options), lagrs:::model_families()$croston$options)
  expect_error(croston_model("holt"), "`type` must be one of \"classic\", \"sba\", \"tsb\"")
  expect_error(croston_model(alpha = 1.5), "`alpha` must be NULL \\(optimised\\) or a single")
  expect_error(croston_model(alpha = c(0.1, 0.2)), "`alpha` must be")
  expect_error(croston_model(alpha = NA), "`alpha` must be")
  expect_error(croston_model("tsb", beta = -0.1), "`beta` must be")
  expect_error(croston_model("sba", beta = 0.1), "`beta` is TSB's")
})

test_that("classic Croston with a fixed alpha equals forecast::croston()", {
  skip_if_not_installed("forecast")
  # forecast::croston() refits every prefix for its fitted values: slow, so
  # the second alpha on a few series
  for (alpha in c(0.1, 0.3)) {
    batch <- fit_batch(skus, croston_model(alpha = alpha), progress = FALSE)
    expect_true(all(batch$status == "ok"))
    means <- forecast_means(batch, h = 4)
    for (k in if (alpha == 0.1) seq_along(skus) else 1:4) {
      ref <- forecast::croston(skus[[k]], h = 4, alpha = alpha)
      expect_equal(unname(means[, k]), as.numeric(ref$mean), tolerance = 1e-10)
      expect_equal(as.numeric(fitted(batch)[[k]]), as.numeric(ref$fitted), tolerance = 1e-10)
      expect_equal(as.numeric(residuals(batch)[[k]]), as.numeric(ref$residuals),
                   tolerance = 1e-10)
    }
    expect_identical(unname(coef(batch)[, "alpha"]), rep(alpha, length(skus)))
  }
})

test_that("classic Croston equals forecast::croston() on ts, one demand and leading NAs", {
  skip_if_not_installed("forecast")
  y <- ts(c(0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 7, 0), frequency = 4, start = c(2020, 2))
  batch <- fit_batch(list(q = y, one = c(0, 0, 5, 0, 0)), croston_model(alpha = 0.2),
                     progress = FALSE)
  ref <- forecast::croston(y, h = 2, alpha = 0.2)
  expect_equal(unname(forecast_means(batch, 2)[, "q"]), as.numeric(ref$mean), tolerance = 1e-10)
  expect_equal(fitted(batch)$q, ref$fitted, tolerance = 1e-10)
  ref_one <- forecast::croston(c(0, 0, 5, 0, 0), h = 2, alpha = 0.2)
  expect_equal(unname(forecast_means(batch, 2)[, "one"]), as.numeric(ref_one$mean))
  expect_equal(fitted(batch)$one, as.numeric(ref_one$fitted))
  # a product launched later: its leading NAs are skipped
  late <- fit_batch(list(late = c(NA, NA, 0, 3, 0, 1, 0, 0, 2)), croston_model(alpha = 0.2),
                    progress = FALSE)
  ref_late <- forecast::croston(c(0, 3, 0, 1, 0, 0, 2), h = 1, alpha = 0.2)
  expect_equal(unname(forecast_means(late, 1)[1, 1]), as.numeric(ref_late$mean))
  expect_equal(fitted(late)$late, c(NA, NA, as.numeric(ref_late$fitted)))
})

test_that("SBA and TSB with fixed parameters equal the papers' equations", {
  for (alpha in c(0.05, 0.2)) {
    sba <- fit_batch(skus, croston_model("sba", alpha = alpha), progress = FALSE)
    tsb <- fit_batch(skus, croston_model("tsb", alpha = alpha, beta = 0.15), progress = FALSE)
    sba_means <- forecast_means(sba)
    tsb_means <- forecast_means(tsb)
    for (k in seq_along(skus)) {
      ref <- ref_croston(skus[[k]], alpha, sba = TRUE)
      expect_equal(unname(sba_means[, k]), rep(ref$mean, 3), tolerance = 1e-10)
      expect_equal(fitted(sba)[[k]], ref$fitted, tolerance = 1e-10)
      expect_equal(sba$sigma2[[k]], mse(skus[[k]], ref$fitted), tolerance = 1e-10)
      ref <- ref_tsb(skus[[k]], alpha, 0.15)
      expect_equal(unname(tsb_means[, k]), rep(ref$mean, 3), tolerance = 1e-10)
      expect_equal(fitted(tsb)[[k]], ref$fitted, tolerance = 1e-10)
      expect_equal(tsb$sigma2[[k]], mse(skus[[k]], ref$fitted), tolerance = 1e-10)
    }
    expect_identical(colnames(coef(tsb)), c("alpha", "beta"))
  }
  # the classic reference is forecast's method, so SBA's is too
  classic <- fit_batch(skus[1:3], croston_model(alpha = 0.1), progress = FALSE)
  expect_equal(fitted(classic)[[2]], ref_croston(skus[[2]], 0.1)$fitted, tolerance = 1e-10)
})

test_that("no prediction intervals: the bounds are NaN", {
  fc <- forecast(fit_batch(skus[1:2], croston_model("sba"), progress = FALSE), h = 2)
  expect_true(all(is.nan(fc$lo_80) & is.nan(fc$hi_95)))
  expect_false(anyNA(fc$mean))
})

# Fine-grid minima of the in-sample MSE by the references.
grid <- seq(0.01, 0.99, by = 0.01)

test_that("optimised alpha: MSE at most the reference's on the grid of step 0.01", {
  for (type in c("classic", "sba")) {
    batch <- fit_batch(skus, croston_model(type), progress = FALSE)
    alpha <- coef(batch)[, "alpha"]
    expect_true(all(alpha >= 0.01 & alpha <= 0.99))
    for (k in seq_along(skus)) {
      x <- skus[[k]]
      on_grid <- vapply(grid, function(a) mse(x, ref_croston(x, a, type == "sba")$fitted), 1)
      expect_lte(batch$sigma2[[k]], min(on_grid) * (1 + 1e-12))
      # the reported MSE is that of the reported alpha
      at_alpha <- ref_croston(x, alpha[[k]], type == "sba")
      expect_equal(batch$sigma2[[k]], mse(x, at_alpha$fitted), tolerance = 1e-10)
      expect_equal(fitted(batch)[[k]], at_alpha$fitted, tolerance = 1e-10)
    }
  }
})

# TSB's MSE on the grid of step 0.01 in both parameters: the probabilities
# depend on beta only and the sizes on alpha only.
tsb_grid_mse <- function(x, alphas, betas) {
  d <- as.numeric(x > 0)
  first <- which(x > 0)[1]
  prob <- vapply(betas, function(b) {
    p <- numeric(length(x))
    p[1] <- 1 / first
    for (t in seq_along(x)[-1]) p[t] <- p[t - 1] + b * (d[t - 1] - p[t - 1])
    p
  }, numeric(length(x)))
  size <- vapply(alphas, function(a) {
    z <- numeric(length(x))
    z[1] <- x[first]
    for (t in seq_along(x)[-1]) z[t] <- if (d[t - 1] == 1) z[t - 1] + a * (x[t - 1] - z[t - 1]) else z[t - 1]
    z
  }, numeric(length(x)))
  t(vapply(seq_along(alphas), function(i) colMeans((x - size[, i] * prob)^2),
           numeric(length(betas))))
}

test_that("optimised TSB: MSE at most the reference's on the 0.01 grid", {
  both <- fit_batch(skus, croston_model("tsb"), progress = FALSE)
  beta_only <- fit_batch(skus, croston_model("tsb", alpha = 0.1), progress = FALSE)
  for (k in seq_along(skus)) {
    x <- skus[[k]]
    surface <- tsb_grid_mse(x, grid, grid)
    expect_lte(both$sigma2[[k]], min(surface) * (1 + 1e-12))
    p <- coef(both)[k, ]
    expect_equal(both$sigma2[[k]], mse(x, ref_tsb(x, p[["alpha"]], p[["beta"]])$fitted),
                 tolerance = 1e-10)
    expect_lte(beta_only$sigma2[[k]], min(surface[10L, ]) * (1 + 1e-12))
    expect_identical(coef(beta_only)[k, "alpha"], 0.1)
  }
})

test_that("bad series get their own status; the batch goes on", {
  bad <- list(good = skus[[1]], zeros = rep(0, 12), negative = c(0, 2, -1, 0, 3),
              missing = c(NA_real_, NA_real_), one = 4, gap = c(1, 0, NA, 2, 0),
              infinite = c(0, Inf, 1))
  for (model in list(croston_model(), croston_model("sba", alpha = 0.1),
                     croston_model("tsb"))) {
    batch <- fit_batch(bad, model, progress = FALSE)
    expect_identical(unname(batch$status),
                     c("ok", "warning", "error", "error", "error", "error", "error"))
    expect_match(batch$message[["zeros"]], "no demand: every value is 0")
    expect_match(batch$message[["negative"]], "1 negative value")
    expect_match(batch$message[["missing"]], "all values are missing")
    expect_match(batch$message[["one"]], "too short")
    expect_match(batch$message[["gap"]], "1 missing value after its first observation")
    expect_match(batch$message[["infinite"]], "infinite")
    fc <- forecast(batch, h = 2)
    expect_identical(fc$mean[fc$id == "zeros"], c(0, 0))
    expect_true(all(is.na(fc$mean[fc$id %in% c("negative", "missing", "one", "gap")])))
    expect_false(anyNA(fc$mean[fc$id == "good"]))
  }
  expect_output(print(fit_batch(bad, croston_model(), progress = FALSE)),
                "negative \\(the series has 1 negative value")
})

test_that("batch_member() gives a one-series fit whose forecast has no bounds", {
  batch <- fit_batch(skus[1:3], croston_model("tsb", alpha = 0.1, beta = 0.1),
                     progress = FALSE)
  one <- batch_member(batch, "part-02")
  expect_output(print(one), "Croston \\(TSB\\)")
  fc <- forecast(one, h = 3)
  expect_equal(as.numeric(fc$mean), rep(ref_tsb(skus[[2]], 0.1, 0.1)$mean, 3),
               tolerance = 1e-10)
  expect_true(all(is.nan(fc$lower)))
})

test_that("1 and 2 threads give identical batches", {
  set.seed(8)
  many <- lapply(1:300, function(i) rbinom(60, 1, runif(1, 0.1, 0.8)) * rpois(60, 5))
  for (model in list(croston_model(), croston_model("tsb"))) {
    runs <- at_thread_counts(fit_batch(many, model, progress = FALSE))
    for (f in c("status", "message", "coef", "sigma2", "nobs")) {
      expect_identical(runs[[1]][[f]], runs[[2]][[f]], label = f)
    }
    expect_identical(fitted(runs[[1]]), fitted(runs[[2]]))
    expect_identical(forecast(runs[[1]], h = 2)$mean, forecast(runs[[2]], h = 2)$mean)
  }
})

# ---- demand_class() ----------------------------------------------------------

test_that("demand_class() equals hand-computed ADI, CV2 and classes", {
  series <- list(
    intermittent = c(0, 3, 0, 0, 5, 0),      # n 6, k 2: ADI 3, z 3 5: CV2 2 / 16
    smooth = c(1, 2, 3, 4),                  # ADI 1, var 5/3, mean 2.5
    erratic = c(10, 1, 10, 1, 0),            # ADI 5/4, var 27, mean 5.5
    lumpy = c(0, 0, 0, 20, 0, 0, 1, 0),      # ADI 4, var 180.5, mean 10.5
    gaps = c(NA, 0, 2, NA, 2),               # NAs dropped: n 3, k 2, CV2 0
    single = c(0, 0, 7),                     # one demand: no CV2
    none = c(0, 0, 0)
  )
  out <- demand_class(series)
  expect_identical(out$id, names(series))
  expect_identical(out$n, c(6L, 4L, 5L, 8L, 3L, 3L, 3L))
  expect_identical(out$n_demand, c(2L, 4L, 4L, 2L, 2L, 1L, 0L))
  expect_equal(out$ADI, c(3, 1, 1.25, 4, 1.5, 3, Inf))
  expect_equal(out$CV2, c(2 / 16, (5 / 3) / 2.5^2, 27 / 5.5^2, 180.5 / 10.5^2, 0, NA, NA))
  expect_identical(as.character(out$class),
                   c("intermittent", "smooth", "erratic", "lumpy", "intermittent", NA, NA))
  expect_identical(levels(out$class), c("smooth", "erratic", "intermittent", "lumpy"))
  # the cut-offs are "above": a series exactly on them is smooth
  edge <- demand_class(list(c(1, 1, 1, 1)), adi_cutoff = 1, cv2_cutoff = 0)
  expect_identical(as.character(edge$class), "smooth")
  expect_identical(as.character(demand_class(series, adi_cutoff = 5)$class[4]), "erratic")
})

test_that("demand_class() reads every shape fit_batch() reads", {
  wide <- cbind(a = c(0, 3, 0, 0, 5, 0), b = c(1, 2, 3, 4, 5, 6))
  long <- data.frame(sku = rep(c("a", "b"), each = 6), qty = as.vector(wide),
                     month = rep(seq(as.Date("2024-01-01"), by = "month", length.out = 6), 2))
  from_matrix <- demand_class(wide)
  expect_identical(from_matrix$id, c("a", "b"))
  expect_identical(demand_class(long, id = "sku", value = "qty", time = "month"), from_matrix)
  expect_identical(demand_class(list(a = wide[, 1], b = wide[, 2])), from_matrix)
  expect_identical(demand_class(wide[, 1])$ADI, 3)
  # agrees with the reference on the simulated series
  ref <- vapply(skus, function(x) {
    z <- x[x > 0]
    c(length(x) / length(z), stats::var(z) / mean(z)^2)
  }, numeric(2))
  out <- demand_class(skus)
  expect_equal(out$ADI, unname(ref[1, ]))
  expect_equal(out$CV2, unname(ref[2, ]))
})

test_that("demand_class() checks its arguments", {
  expect_error(demand_class(list(a = c(0, 1), b = c(2, -1))),
               "`series` has negative values .* in series \"b\"")
  expect_error(demand_class(list(1:3), adi_cutoff = -1), "`adi_cutoff` must be a single non-negative")
  expect_error(demand_class(list(1:3), cv2_cutoff = NA), "`cv2_cutoff` must be")
  expect_error(demand_class("a"), "`series` must be")
})
