# The plan of auto_arima() (src/auto_arima_plan.c): what
# forecast::auto.arima() (forecast 8.20) decides before its first fit.

autoarima_plan <- get("autoarima_plan", envir = asNamespace("lagrs"))

test_that("autoarima_plan applies auto.arima's pre-fit rules", {
  # hand-derived from auto.arima's code
  plan <- autoarima_plan(ts(c(NA, NA, 3, 5, 4, NA, 6, 5, NA), frequency = 1))
  expect_identical(plan$first, 3)
  expect_identical(plan$n_used, 7)
  expect_identical(plan$series_length, 5)   # 3 5 4 NA 6 5: five present
  expect_identical(c(plan$max_p, plan$max_q, plan$max_P, plan$max_Q), c(1L, 1L, 0L, 0L))
  expect_identical(c(plan$start_p, plan$start_q, plan$start_P, plan$start_Q), c(1L, 1L, 0L, 0L))
  expect_identical(autoarima_plan(c(NA_real_, NA))$outcome, "all_missing")
  const <- autoarima_plan(ts(rep(4, 20), frequency = 4))
  expect_identical(const$outcome, "constant")
  expect_identical(const$fixed_constant, 4)
  expect_true(autoarima_plan(1:3 + 0)$ic_aic)
  line <- autoarima_plan(as.numeric(1:30))   # differences constant: drift fixed at 1
  expect_identical(line$outcome, "constant_diff")
  expect_identical(line$d, 1L)
  expect_identical(line$fixed_constant, 1)
  quad <- autoarima_plan((1:30)^2 + 0)   # d = 2: no constant
  expect_identical(quad[c("outcome", "d", "fixed_constant")],
                   list(outcome = "constant_diff", d = 2L, fixed_constant = NA_real_))
  expect_identical(autoarima_plan((1:30)^3 + 0)$outcome, "search")  # max_d = 2
  expect_identical(autoarima_plan((1:30)^3 + 0, max_d = 3)$outcome, "polynomial")
  air <- autoarima_plan(AirPassengers)
  expect_identical(c(air$m, air$D), c(12L, 1L))
  expect_identical(c(air$max_p, air$max_q, air$max_P, air$max_Q), c(5L, 5L, 2L, 2L))
  expect_false(air$approximation)
  expect_true(autoarima_plan(ts(rnorm(30), frequency = 24))$approximation)
  short <- autoarima_plan(ts(sin(1:40) + rnorm(40), frequency = 4))
  expect_identical(short$max_p, 3L)     # min(5, 40 %/% 3, m - 1)
  expect_identical(short$max_P, 2L)     # min(2, floor(40 / 3 / 4))
  expect_identical(autoarima_plan(AirPassengers, seasonal = FALSE)$D, 0L)
  expect_identical(autoarima_plan(AirPassengers, stationary = TRUE)[c("d", "D")],
                   list(d = 0L, D = 0L))
  expect_error(autoarima_plan(Nile, max_p = -1), "`max_p`")
  skip_if_not_installed("forecast")
  for (x in list(WWWusage, USAccDeaths)) {
    fit <- forecast::auto.arima(x)
    plan <- autoarima_plan(x)
    order <- forecast::arimaorder(fit)
    expect_identical(plan$d, as.integer(order[["d"]]))
    expect_identical(plan$D, if (length(order) > 3) as.integer(order[["D"]]) else 0L)
  }
})

test_that("autoarima_plan gives each outcome on a mixed set of series", {
  set.seed(42)
  series <- lapply(1:120, function(i) {
    n <- sample(8:90, 1)
    m <- sample(c(1, 4, 12), 1)
    x <- ts(cumsum(rnorm(n)) + 3 * sin(2 * pi * seq_len(n) / m), frequency = m)
    if (i %% 5 == 0) x[sample(n, 3)] <- NA
    if (i %% 17 == 0) x[] <- 2
    if (i %% 23 == 0) x[] <- NA
    x
  })
  names(series) <- paste0("id", seq_along(series))
  singles <- lapply(series, autoarima_plan)
  outcome <- vapply(singles, function(p) p$outcome, "")
  expect_setequal(unique(outcome), c("search", "constant", "all_missing"))
})
