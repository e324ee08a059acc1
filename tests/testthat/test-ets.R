# ETS (src/ets_*.c, src/model_ets.c): agreement with forecast::ets() and
# forecast.ets() (forecast 8.20) on series from R's datasets, forecast's and
# Mcomp's M3.

ets_auto_series <- function() {
  out <- list(
    AirPassengers = AirPassengers, USAccDeaths = USAccDeaths, ldeaths = ldeaths,
    mdeaths = mdeaths, fdeaths = fdeaths, co2 = window(co2, 1985), nottem = nottem,
    UKgas = UKgas, UKDriverDeaths = UKDriverDeaths, Nile = Nile, lynx = lynx,
    LakeHuron = LakeHuron, austres = austres, JohnsonJohnson = JohnsonJohnson,
    airmiles = airmiles, WWWusage = WWWusage, BJsales = BJsales, discoveries = discoveries,
    nhtemp = nhtemp, uspop = uspop, lh = lh, sunspots = sunspot.year,
    woolyrnq = forecast::woolyrnq, wineind = forecast::wineind,
    gas = window(forecast::gas, 1980)
  )
  if (requireNamespace("Mcomp", quietly = TRUE)) {
    m3 <- Mcomp::M3[seq(1, 3003, by = 250)]
    for (s in m3) out[[paste0("M3_", s$sn)]] <- s$x
  }
  out
}

# The 15 models forecast::ets() allows by default, each on a series it suits
ets_fixed_cases <- function() {
  types <- c("ANN", "AAN", "AAdN", "ANA", "AAA", "AAdA", "MNN", "MAN", "MAdN", "MNA",
             "MAA", "MAdA", "MNM", "MAM", "MAdM")
  cases <- list()
  for (type in types) {
    seasonal <- substr(type, nchar(type), nchar(type)) != "N"
    ys <- if (seasonal) list(USAccDeaths = USAccDeaths, UKgas = UKgas)
          else list(airmiles = airmiles, Nile = Nile)
    for (id in names(ys)) cases[[paste(type, id)]] <- list(type = type, y = ys[[id]])
  }
  cases
}

rel_err <- function(a, b) max(abs(as.numeric(a) - as.numeric(b)) / pmax(abs(as.numeric(b)), 1e-8))

ets_pieces <- function(type) {
  list(error = substr(type, 1, 1), trend = substr(type, 2, 2),
       season = substr(type, nchar(type), nchar(type)), damped = grepl("d", type))
}

test_that("ets_model() prints its form and checks its arguments", {
  expect_output(print(ets_model()), "ETS\\(Z,Z,Z\\)")
  expect_output(print(ets_model("M", "A", "M", damped = TRUE)), "ETS\\(M,Ad,M\\)")
  expect_identical(names(ets_model()$options), lagrs:::model_families()$ets$options)
  expect_error(ets_model(error = "N"), "`error` must be NULL")
  expect_error(ets_model(trend = "X"), "`trend` must be NULL")
  expect_error(ets_model(season = 1), "`season` must be NULL")
  expect_error(ets_model(damped = NA), "`damped` must be TRUE or FALSE")
  expect_error(ets_model(trend = "N", damped = TRUE), "`damped` must not be TRUE")
  expect_error(ets_model(ic = "hqc"), "`ic` must be one of")
  expect_error(ets_model(opt_crit = "x"), "`opt_crit` must be one of")
  expect_error(ets_model(bounds = "x"), "`bounds` must be one of")
  expect_error(ets_model(nmse = 31), "`nmse` must be at most 30")
  expect_error(ets_model(alpha = 2), "`alpha` must be NULL")
  expect_error(ets_model(period = 0), "`period` must be")
  expect_error(ets_model(additive_only = "yes"), "`additive_only` must be TRUE or FALSE")
})

test_that("the 15 model types agree with forecast::ets(), damped and not", {
  skip_if_not_installed("forecast")
  better <- equal <- worse <- 0L
  for (name in names(cases <- ets_fixed_cases())) {
    case <- cases[[name]]
    p <- ets_pieces(case$type)
    ref <- forecast::ets(case$y, model = paste0(p$error, p$trend, p$season), damped = p$damped)
    ours <- ets_fit(case$y, p$error, p$trend, p$season, damped = p$damped)
    expect_identical(ours$method, ref$method, label = name)
    expect_gte(ours$loglik, ref$loglik - 1e-3)
    diff <- ours$loglik - ref$loglik
    if (diff > 1e-6) better <- better + 1L else if (diff < -1e-6) worse <- worse + 1L
    if (abs(diff) > 1e-6) next
    equal <- equal + 1L
    expect_lt(max(abs(ours$par - ref$par[names(ours$par)])), 1e-3, label = name)
    expect_lt(abs(ours$sigma2 / ref$sigma2 - 1), 1e-4, label = name)
    expect_lt(rel_err(ours$fitted, ref$fitted), 1e-4, label = name)
    expect_lt(rel_err(ours$residuals, ref$residuals), 1e-3, label = name)
    fc <- forecast(ours)
    fr <- forecast::forecast(ref)
    expect_lt(rel_err(fc$mean, fr$mean), 1e-4, label = name)
    # every default model has analytic intervals (classes 1 to 3)
    expect_lt(rel_err(fc$lower, fr$lower), 1e-4, label = name)
    expect_lt(rel_err(fc$upper, fr$upper), 1e-4, label = name)
  }
  # 30 fits: record the tally (all equal when written: 30 of 30)
  expect_identical(better + equal + worse, 30L)
  expect_identical(worse, 0L)
  expect_gte(equal, 27L)
})

test_that("the automatic choice agrees with forecast::ets() on 90% of 38 series", {
  skip_if_not_installed("forecast")
  series <- ets_auto_series()
  runs <- at_thread_counts(fit_batch(series, ets_model(seed = 1), progress = FALSE))
  expect_identical(runs[[1]], runs[[2]])
  batch <- runs[[1]]
  expect_true(all(batch$status == "ok"))
  same <- 0L
  for (k in seq_along(series)) {
    ref <- suppressWarnings(forecast::ets(series[[k]]))
    ours <- batch$fits$label[[k]]
    if (ours == ref$method) {
      same <- same + 1L
      expect_gte(batch$loglik[[k]], ref$loglik - 1e-3)
      expect_lt(abs(batch$aicc[[k]] - ref$aicc), 1e-3 * abs(ref$aicc))
    } else {
      # a different choice must not be a worse one by lagrs's own criterion
      expect_lte(batch$aicc[[k]], ref$aicc + 1e-6)
    }
  }
  expect_gte(same / length(series), 0.9)
})

test_that("a batch fit equals ets_fit() and its forecasts", {
  series <- list(air = AirPassengers, nile = Nile, wool = forecast::woolyrnq)
  batch <- fit_batch(series, ets_model(), progress = FALSE)
  for (id in names(series)) {
    one <- ets_fit(series[[id]])
    expect_identical(batch$fits$label[[match(id, names(series))]], one$method)
    expect_equal(batch$coef[id, names(one$par)], one$par, tolerance = 0)
    expect_identical(batch$loglik[[id]], one$loglik)
    # batch residuals are on the data's scale
    expect_equal(as.numeric(fitted(batch)[[id]]), as.numeric(one$fitted), tolerance = 1e-10)
  }
  fc <- forecast(batch, h = 5)
  expect_identical(nrow(as.data.frame(fc)), 15L)
})

test_that("options agree with forecast::ets(): ic, opt_crit, bounds, fixed parameters", {
  skip_if_not_installed("forecast")
  y <- USAccDeaths
  checks <- list(
    list(ours = list(ic = "bic"), ref = list(ic = "bic")),
    list(ours = list(ic = "aic"), ref = list(ic = "aic")),
    list(ours = list("A", "A", "A", opt_crit = "mse"), ref = list(model = "AAA", opt.crit = "mse")),
    list(ours = list("A", "A", "N", opt_crit = "amse", nmse = 5),
         ref = list(model = "AAN", opt.crit = "amse", nmse = 5)),
    list(ours = list("M", "N", "A", opt_crit = "sigma"), ref = list(model = "MNA", opt.crit = "sigma")),
    list(ours = list("A", "N", "A", opt_crit = "mae"), ref = list(model = "ANA", opt.crit = "mae")),
    list(ours = list("A", "A", "A", bounds = "usual"), ref = list(model = "AAA", bounds = "usual")),
    list(ours = list("A", "A", "A", bounds = "admissible"),
         ref = list(model = "AAA", bounds = "admissible")),
    list(ours = list("A", "N", "A", alpha = 0.3), ref = list(model = "ANA", alpha = 0.3)),
    list(ours = list("M", "A", "M", damped = TRUE, phi = 0.9, beta = 0.01),
         ref = list(model = "MAM", damped = TRUE, phi = 0.9, beta = 0.01)),
    list(ours = list(additive_only = TRUE), ref = list(additive.only = TRUE)),
    list(ours = list(allow_multiplicative_trend = TRUE),
         ref = list(allow.multiplicative.trend = TRUE)),
    list(ours = list(restrict = FALSE), ref = list(restrict = FALSE))
  )
  for (check in checks) {
    ref <- do.call(forecast::ets, c(list(y), check$ref))
    ours <- do.call(ets_fit, c(list(y), check$ours))
    label <- paste(names(check$ref), unlist(check$ref), collapse = " ")
    expect_identical(ours$method, ref$method, label = label)
    expect_gte(ours$loglik, ref$loglik - 1e-3)
    expect_lt(max(abs(ours$par - ref$par[names(ours$par)])), 1e-3, label = label)
  }
})

test_that("simulated intervals are within their Monte-Carlo error of forecast's", {
  skip_if_not_installed("forecast")
  for (type in c("MMN", "MMdN", "AAM", "MMM")) {
    p <- ets_pieces(type)
    ref <- forecast::ets(AirPassengers, model = paste0(p$error, p$trend, p$season),
                         damped = p$damped, restrict = FALSE)
    ours <- ets_fit(AirPassengers, p$error, p$trend, p$season, damped = p$damped,
                    restrict = FALSE, seed = 7)
    set.seed(11)
    fr <- forecast::forecast(ref, h = 12, level = c(80, 95))
    fc <- forecast(ours, h = 12, level = c(80, 95))
    expect_lt(rel_err(fc$mean, fr$mean), 1e-6, label = type)
    # A bound at probability p from N = 5000 paths has standard error
    # sqrt(p (1 - p) / N) / f(q), f the density there, estimated from our
    # own bounds at probabilities 1% apart (the same paths: the seed depends
    # only on the model and the state). Both sides simulate: allow 4.5
    # standard errors of the difference.
    near <- forecast(ours, h = 12, level = c(94, 96))
    for (side in c("lower", "upper")) {
      density <- 0.01 / abs(near[[side]][, 2] - near[[side]][, 1])
      se <- sqrt(0.025 * 0.975 / 5000) / density
      gap <- abs(fc[[side]][, 2] - fr[[side]][, 2])
      expect_true(all(gap < 4.5 * sqrt(2) * se), label = paste(type, side))
    }
    # the same paths for the same seed and state, at any thread count
    again <- at_thread_counts(forecast(ours, h = 12)$upper)
    expect_identical(again[[1]], again[[2]])
    expect_identical(again[[1]], forecast(ours, h = 12)$upper)
  }
})

test_that("bad input fails with a message naming the argument, or status error", {
  expect_error(ets_fit(rep(NA_real_, 20)), "`y` has no values")
  expect_error(ets_fit("a"), "`y` must be a numeric vector")
  expect_error(ets_fit(c(1:10, NA, 12:30)), "`y`: 1 missing value")
  expect_error(ets_fit(Nile, season = "A"), "`season` is seasonal but the period is 1")
  expect_error(ets_fit(c(-1, 2:30), error = "M"), "`error` = \"M\" needs strictly positive")
  expect_error(ets_fit(1:5), "`y`: too short")
  expect_error(ets_fit(ts(1:12, frequency = 4), "A", "A", "A", damped = TRUE),
               "`y`: too short")
  expect_error(ets_fit(USAccDeaths, "A", "N", "M"), "forbidden model combination")
  expect_error(ets_fit(ts(1:100 + 0, frequency = 30), season = "A"),
               "`season`: seasonal ETS models need a period of at most 24")
  expect_warning(fit <- ets_fit(ts(rnorm(200, 10) + sin(1:200), frequency = 30)),
                 "period 30 is above 24")
  expect_identical(fit$components[3], "N")
  # a weekly frequency (not whole, above 24) is non-seasonal too, as in forecast
  set.seed(3)
  expect_warning(weekly <- ets_fit(ts(100 + rnorm(150), frequency = 365.25 / 7)),
                 "above 24")
  expect_identical(weekly$components[3], "N")
  expect_warning(constant <- ets_fit(rep(5, 20)), "constant")
  expect_identical(as.numeric(forecast(constant, h = 3)$upper[, 2]), rep(5, 3))
  # in a batch, the bad series fail alone
  batch <- fit_batch(list(ok = AirPassengers, gap = c(1:10, NA, 12:30), empty = rep(NA_real_, 5),
                          short = 1:4, negative = c(-1, 2:30)),
                     ets_model(error = "M"), progress = FALSE)
  expect_identical(unname(batch$status), c("ok", "error", "error", "error", "error"))
  expect_match(batch$message[["gap"]], "missing value")
  expect_match(batch$message[["negative"]], "strictly positive")
})

test_that("ets_fit()'s methods work", {
  fit <- ets_fit(USAccDeaths)
  expect_output(print(fit), "ETS\\(A,N,A\\)")
  expect_output(print(summary(fit)), "RMSE")
  expect_s3_class(logLik(fit), "logLik")
  expect_identical(attr(logLik(fit), "df"), length(coef(fit)) + 1L)
  expect_identical(coef(fit), fit$par)
  expect_identical(fitted(fit), fit$fitted)
  expect_identical(residuals(fit), fit$residuals)
  fc <- forecast(fit)
  expect_s3_class(fc, "forecast")
  expect_identical(length(fc$mean), 24L)
  expect_identical(dim(fit$states), c(length(USAccDeaths) + 1L, 13L))
  pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_silent(plot(fit))
  expect_silent(plot(fc))
  skip_if_not_installed("ggplot2")
  expect_s3_class(ggplot2::autoplot(fit), "ggplot")
})
