# stl_decompose against stats::stl.

stl_decompose <- get("stl_decompose", envir = asNamespace("lagrs"))

test_that("stl_decompose reproduces stats::stl", {
  settings <- list(list(s.window = 11), list(s.window = 7, robust = TRUE),
                   list(s.window = "periodic"),
                   list(s.window = 13, t.window = 21, s.jump = 1, t.jump = 1, l.jump = 1),
                   list(s.window = 5, s.degree = 1, t.degree = 0, l.window = 7),
                   list(s.window = 9, inner = 3, outer = 2))
  worst <- 0
  for (x in list(co2, nottem, ldeaths, UKgas, log(AirPassengers),
                 ts(sin(1:40) + (1:40) / 10, frequency = 7))) {
    for (args in settings) {
      ref <- do.call(stats::stl, c(list(x), args))
      ours <- args
      names(ours) <- gsub(".", "_", names(ours), fixed = TRUE)
      got <- do.call(stl_decompose, c(list(x), ours))
      comp <- ref$time.series
      worst <- max(worst, max(abs(got[, c("seasonal", "trend", "remainder")] -
                                    comp[, c("seasonal", "trend", "remainder")])) /
                     max(abs(x)))
      expect_equal(attr(got, "weights"), ref$weights, tolerance = 1e-8)
    }
  }
  expect_lt(worst, 1e-8)
})

test_that("stl_decompose checks its arguments", {
  expect_error(stl_decompose(ts(1:8, frequency = 4), s_window = 7),
               "more than two full periods")
  expect_error(stl_decompose(co2, s_window = 7, s_degree = 2), "`s_degree` must be 0 or 1")
  expect_error(stl_decompose(co2, s_window = "nope"), "`s_window`")
  expect_error(stl_decompose(co2), "`s_window` must be given")
  expect_error(stl_decompose(co2, period = 1, s_window = 7), "`period` must be a single number >= 2")
  x <- co2
  x[5] <- NA
  expect_error(stl_decompose(x, s_window = 7), "missing or infinite")
  expect_error(stl_decompose("a", period = 2, s_window = 7), "`x` must be a numeric vector")
})
