# adida_model() and imapa_model() against reference code written here from
# Nikolopoulos et al. (2011) and Petropoulos & Kourentzes (2015), independent
# of src/model_adida.c and src/model_croston.c.

# Intermittent series over a range of demand rates (ADI about 1.1 to 10)
# and size distributions (CV2 from about 0 to above 1).
aggregation_series <- function(seed = 42) {
  set.seed(seed)
  rates <- c(0.9, 0.7, 0.55, 0.45, 0.35, 0.3, 0.22, 0.18, 0.14, 0.1, 0.4, 0.25)
  out <- lapply(seq_along(rates), function(i) {
    n <- 36 + 7 * i
    occurs <- rbinom(n, 1, rates[i])
    occurs[c(2, n - 3)] <- 1
    size <- switch(i %% 3 + 1, rpois(n, 3) + 1, rgamma(n, shape = 0.3, rate = 0.03),
                   rep(2, n))
    occurs * size
  })
  names(out) <- sprintf("sku-%02d", seq_along(out))
  out
}

# ---- references ----------------------------------------------------------------

# One method on an aggregate series v: list(mean, fitted), fitted value j
# being the estimate from v[1..j-1].
ref_method <- function(v, type, alpha, beta = NA) {
  m <- length(v)
  fitted <- rep(NA_real_, m)
  if (type == "ses") {
    level <- v[1]
    for (j in seq_len(m)[-1]) {
      fitted[j] <- level
      level <- level + alpha * (v[j] - level)
    }
    return(list(mean = level, fitted = fitted))
  }
  if (!any(v > 0)) {   # no demand: 0 (Croston-type methods have no first fitted value)
    fitted[] <- 0
    if (type != "tsb") fitted[1] <- NA
    return(list(mean = 0, fitted = fitted))
  }
  if (type == "tsb") {   # Teunter, Syntetos & Babai (2011), from the first demand
    first <- which(v > 0)[1]
    p <- 1 / first
    z <- v[first]
    for (j in seq_len(m)) {
      fitted[j] <- p * z
      if (v[j] > 0) {
        p <- (1 - beta) * p + beta
        z <- (1 - alpha) * z + alpha * v[j]
      } else {
        p <- (1 - beta) * p
      }
    }
    return(list(mean = p * z, fitted = fitted))
  }
  # Croston (1972): sizes and intervals smoothed at demands, started at the
  # first ones; SBA (Syntetos & Boylan 2005) scales by 1 - alpha / 2
  factor <- if (type == "sba") 1 - alpha / 2 else 1
  estimate <- 0
  z <- q <- NA
  last <- 0
  n_seen <- 0
  for (j in seq_len(m)) {
    if (j > 1) fitted[j] <- estimate
    if (v[j] > 0) {
      n_seen <- n_seen + 1
      gap <- j - last
      last <- j
      if (n_seen == 1) {
        z <- v[j]
        q <- gap
        estimate <- factor * v[j] / gap
      } else {
        z <- (1 - alpha) * z + alpha * v[j]
        q <- (1 - alpha) * q + alpha * gap
        estimate <- factor * z / q
      }
    }
  }
  list(mean = estimate, fitted = fitted)
}

# The default level: the rounded mean inter-demand interval, in [1, n / 2].
ref_level <- function(x) {
  k <- sum(x > 0)
  a <- if (k == 0) 1 else max(1, round(length(x) / k))
  min(a, length(x) %/% 2)
}

# ADIDA at level a: end-aligned buckets of a periods, the first incomplete
# one dropped; the aggregate forecast and fitted values divided by a.
ref_adida <- function(x, a, type, alpha, beta = NA) {
  n <- length(x)
  m <- n %/% a
  sums <- colSums(matrix(x[(n - m * a + 1):n], nrow = a))
  fit <- ref_method(sums, type, alpha, beta)
  list(mean = fit$mean / a, fitted = c(rep(NA, n - m * a), rep(fit$fitted / a, each = a)))
}

# IMAPA: ADIDA at levels 1..a_max, averaged.
ref_imapa <- function(x, a_max, type, alpha, beta = NA) {
  fits <- lapply(seq_len(a_max), function(a) ref_adida(x, a, type, alpha, beta))
  list(mean = mean(vapply(fits, `[[`, 1, "mean")),
       fitted = rowMeans(sapply(fits, `[[`, "fitted")))
}

series <- aggregation_series()
point <- function(batch, h = 3) as.matrix(forecast(batch, h = h))

test_that("the test series cover different ADI and CV2, and several levels", {
  classes <- demand_class(series)
  expect_gte(length(series), 10L)
  expect_gt(diff(range(classes$ADI)), 4)
  expect_gt(diff(range(classes$CV2)), 1)
  expect_gte(length(unique(vapply(series, ref_level, 1))), 4L)
})

test_that("constructors print in one line and check their arguments", {
  expect_output(print(adida_model()), "^<lagrs_model> ADIDA \\(SBA\\)$")
  expect_output(print(imapa_model("tsb", max_aggregation = 3, alpha = 0.1, beta = 0.2)),
                "^<lagrs_model> IMAPA \\(TSB, A max = 3, alpha = 0.1, beta = 0.2\\)$")
  expect_output(print(adida_model("ses", aggregation = 2)), "ADIDA \\(SES, A = 2\\)")
  expect_identical(names(adida_model()$options), lagrs:::model_families()$adida$options)
  expect_error(adida_model("holt"), "`type` must be one of \"classic\", \"sba\", \"tsb\", \"ses\"")
  expect_error(adida_model(aggregation = 0), "`aggregation` must be NULL .* positive integer")
  expect_error(adida_model(aggregation = 2.5), "`aggregation` must be")
  expect_error(imapa_model(max_aggregation = c(2, 3)), "`max_aggregation` must be")
  expect_error(imapa_model(alpha = 2), "`alpha` must be")
  expect_error(adida_model("sba", beta = 0.1), "`beta` is TSB's")
})

test_that("ADIDA and IMAPA with fixed parameters equal the references", {
  cases <- list(list(type = "sba", alpha = 0.1), list(type = "classic", alpha = 0.25),
                list(type = "tsb", alpha = 0.1, beta = 0.2), list(type = "ses", alpha = 0.3))
  for (case in cases) {
    beta <- if (is.null(case$beta)) NA else case$beta
    for (combine in c("adida", "imapa")) {
      model <- if (combine == "adida") adida_model(case$type, alpha = case$alpha, beta = case$beta)
               else imapa_model(case$type, alpha = case$alpha, beta = case$beta)
      batch <- fit_batch(series, model, progress = FALSE)
      expect_true(all(batch$status == "ok"))
      means <- point(batch)
      for (k in seq_along(series)) {
        x <- series[[k]]
        a <- ref_level(x)
        ref <- if (combine == "adida") ref_adida(x, a, case$type, case$alpha, beta)
               else ref_imapa(x, a, case$type, case$alpha, beta)
        label <- paste(combine, case$type, names(series)[k])
        expect_equal(unname(means[, k]), rep(ref$mean, 3), tolerance = 1e-10, label = label)
        expect_equal(fitted(batch)[[k]], ref$fitted, tolerance = 1e-10, label = label)
        expect_equal(batch$sigma2[[k]], mean((x - ref$fitted)^2, na.rm = TRUE),
                     tolerance = 1e-10, label = label)
        expect_identical(batch$nobs[[k]], as.double(sum(!is.na(ref$fitted))))
        expect_identical(batch$aggregation[[k]], as.integer(a))
      }
    }
  }
})

test_that("a given level is used, capped at n / 2", {
  for (a in c(1, 2, 5)) {
    batch <- fit_batch(series, adida_model("sba", aggregation = a, alpha = 0.15),
                       progress = FALSE)
    imapa <- fit_batch(series, imapa_model("sba", max_aggregation = a, alpha = 0.15),
                       progress = FALSE)
    for (k in seq_along(series)) {
      x <- series[[k]]
      expect_equal(unname(point(batch, 1)[1, k]), ref_adida(x, a, "sba", 0.15)$mean,
                   tolerance = 1e-10)
      expect_equal(unname(point(imapa, 1)[1, k]), ref_imapa(x, a, "sba", 0.15)$mean,
                   tolerance = 1e-10)
    }
  }
  short <- c(0, 4, 0, 0, 3, 0, 0)
  capped <- fit_batch(list(s = short), adida_model(aggregation = 10, alpha = 0.1),
                      progress = FALSE)
  expect_identical(capped$aggregation[["s"]], 3L)
  expect_equal(unname(point(capped, 1)[1, 1]), ref_adida(short, 3, "sba", 0.1)$mean)
  # the only demand in the dropped bucket: an aggregate without demand
  early <- fit_batch(list(e = c(5, 0, 0, 0, 0)), adida_model(alpha = 0.1), progress = FALSE)
  expect_identical(early$status[["e"]], "ok")
  expect_identical(unname(point(early, 1)[1, 1]), 0)
  expect_equal(fitted(early)$e, ref_adida(c(5, 0, 0, 0, 0), 2, "sba", 0.1)$fitted)
})

test_that("optimised parameters: per level, as croston_model() on the aggregate", {
  for (type in c("sba", "tsb")) {
    adida <- fit_batch(series, adida_model(type), progress = FALSE)
    imapa <- fit_batch(series, imapa_model(type), progress = FALSE)
    expect_identical(ncol(coef(imapa)), 0L)
    for (k in seq_along(series)) {
      x <- series[[k]]
      a <- ref_level(x)
      ref <- ref_adida(x, a, type, coef(adida)[k, "alpha"],
                       if (type == "tsb") coef(adida)[k, "beta"] else NA)
      expect_equal(unname(point(adida, 1)[1, k]), ref$mean, tolerance = 1e-10)
      # each level's parameters are those croston_model() chooses for the
      # level's aggregate series
      per_level <- vapply(seq_len(a), function(level) {
        n <- length(x)
        m <- n %/% level
        sums <- colSums(matrix(x[(n - m * level + 1):n], nrow = level))
        fc <- forecast(fit_batch(list(sums), croston_model(type), progress = FALSE), h = 1)
        fc$mean / level
      }, 1)
      expect_equal(unname(point(adida, 1)[1, k]), per_level[a], tolerance = 1e-10)
      expect_equal(unname(point(imapa, 1)[1, k]), mean(per_level), tolerance = 1e-10)
    }
  }
  ses <- fit_batch(series[1:4], adida_model("ses"), progress = FALSE)
  alpha <- coef(ses)[, "alpha"]
  expect_true(all(alpha >= 0.01 & alpha <= 0.99))
})

test_that("bad series get their own status; the batch goes on", {
  bad <- list(good = series[[3]], zeros = rep(0, 12), negative = c(0, 2, -1, 0, 3),
              missing = c(NA_real_, NA_real_), one = 4, gap = c(1, 0, NA, 2, 0))
  for (model in list(adida_model(), imapa_model("tsb"), adida_model("ses", alpha = 0.2))) {
    batch <- fit_batch(bad, model, progress = FALSE)
    expect_identical(unname(batch$status), c("ok", "warning", "error", "error", "error", "error"))
    expect_match(batch$message[["zeros"]], "no demand")
    expect_match(batch$message[["negative"]], "1 negative value")
    expect_identical(batch$aggregation[["zeros"]], 1L)
    expect_true(is.na(batch$aggregation[["negative"]]))
    fc <- forecast(batch, h = 2)
    expect_identical(fc$mean[fc$id == "zeros"], c(0, 0))
    expect_true(all(is.na(fc$mean[fc$id %in% c("negative", "missing", "one", "gap")])))
    expect_true(all(is.nan(fc$lo_80[fc$id == "good"])))
    expect_output(print(batch), "negative \\(the series has 1 negative value")
  }
  # leading NAs are skipped, as by croston_model()
  late <- fit_batch(list(l = c(NA, NA, series[[5]])), adida_model(alpha = 0.1),
                    progress = FALSE)
  ref <- ref_adida(series[[5]], ref_level(series[[5]]), "sba", 0.1)
  expect_equal(unname(point(late, 1)[1, 1]), ref$mean, tolerance = 1e-10)
  expect_equal(fitted(late)$l, c(NA, NA, ref$fitted), tolerance = 1e-10)
})

test_that("1 and 2 threads give identical batches", {
  set.seed(9)
  many <- lapply(1:200, function(i) rbinom(60, 1, runif(1, 0.1, 0.8)) * rpois(60, 5))
  for (model in list(adida_model(), imapa_model(), imapa_model("tsb", alpha = 0.1))) {
    runs <- at_thread_counts(fit_batch(many, model, progress = FALSE))
    for (f in c("status", "message", "coef", "sigma2", "nobs", "aggregation")) {
      expect_identical(runs[[1]][[f]], runs[[2]][[f]], label = f)
    }
    expect_identical(fitted(runs[[1]]), fitted(runs[[2]]))
    expect_identical(forecast(runs[[1]], h = 2)$mean, forecast(runs[[2]], h = 2)$mean)
  }
})
