# Features of long tables: lag_values(), rolling_ewma(), features() and the
# long form of the rolling family, against data.table (shift, froll* within
# by = groups), slider (windows over time) and plain R references.

# A shuffled long table: groups of 0 (an unused factor level), 1, 3 (below
# most widths) and longer rows, NA values, ids given as a factor.
make_long <- function(seed = 1, lengths = c(a = 1, b = 3, c = 40, d = 25, e = 60)) {
  set.seed(seed)
  ids <- rep(names(lengths), lengths)
  day <- unlist(lapply(lengths, seq_len), use.names = FALSE)
  x <- round(rnorm(length(ids), 10, 3), 1)
  x[sample(length(x), 8)] <- NA
  tbl <- data.frame(sku = factor(ids, levels = c(names(lengths), "empty")), day = day, x = x)
  tbl[sample(nrow(tbl)), , drop = FALSE]
}

# The data.table reference: the table sorted by (sku, time), f(x, times)
# within each sku (data.table's by =), back in the table's row order. The
# data.table code runs in an environment under the global one, where
# data.table's `[` takes its own syntax (the package's namespace does not
# import data.table).
by_sku <- function(tbl, f, time = "day") {
  run_dt(tbl, f, time, quote({
    dt <- data.table::as.data.table(tbl)
    dt[, row__ := .I]
    data.table::setorderv(dt, c("sku", time))
    dt[, ref__ := f(x, get(time)), by = sku]
    data.table::setorder(dt, row__)
    dt$ref__
  }))
}
run_dt <- function(tbl, f, time, code) {
  eval(code, list2env(list(tbl = tbl, f = f, time = time), parent = globalenv()))
}

test_that("lag_values() matches data.table::shift() within unsorted groups", {
  skip_if_not_installed("data.table")
  tbl <- make_long()
  before <- tbl
  for (k in c(1, 2, 5, -1, -3, 0)) {
    got <- lag_values(tbl, k, id = "sku", time = "day", value = "x")
    type <- if (k < 0) "lead" else "lag"
    expect_identical(got, by_sku(tbl, function(x, ...) data.table::shift(x, abs(k), type = type)))
  }
  several <- lag_values(tbl, 1:7, id = "sku", time = "day", value = "x")
  expect_named(several, paste0("lag_", 1:7))
  for (k in 1:7) {
    expect_identical(several[[k]], by_sku(tbl, function(x, ...) data.table::shift(x, k)))
  }
  expect_identical(tbl, before)   # nothing reordered in the user's table
  # a vector is one series; fill
  expect_identical(lag_values(c(1, 2, 3), 1, fill = 0), c(0, 1, 2))
  expect_identical(lag_values(ts(1:4, start = 2000), 1), ts(c(NA, 1, 2, 3), start = 2000))
})

test_that("the rolling family matches frollmean/frollsum/frollapply within groups", {
  skip_if_not_installed("data.table")
  tbl <- make_long(2)
  for (width in c(1, 3, 7)) {
    expect_equal(rolling_mean(tbl, width, id = "sku", time = "day", value = "x"),
                 by_sku(tbl, function(x, ...) data.table::frollmean(x, width)), tolerance = 1e-12)
    expect_equal(rolling_sum(tbl, width, id = "sku", time = "day", value = "x"),
                 by_sku(tbl, function(x, ...) data.table::frollsum(x, width)), tolerance = 1e-12)
    for (stat in c("sd", "var", "min", "max", "median")) {
      f <- switch(stat, sd = stats::sd, var = stats::var, min = min, max = max,
                  median = stats::median)
      got <- switch(stat,
                    sd = rolling_sd(tbl, width, id = "sku", time = "day", value = "x"),
                    var = rolling_var(tbl, width, id = "sku", time = "day", value = "x"),
                    min = rolling_min(tbl, width, id = "sku", time = "day", value = "x"),
                    max = rolling_max(tbl, width, id = "sku", time = "day", value = "x"),
                    median = rolling_median(tbl, width, id = "sku", time = "day", value = "x"))
      ref <- by_sku(tbl, function(x, ...) data.table::frollapply(x, width, f))
      if (width == 1 && stat %in% c("sd", "var")) ref[] <- NA_real_
      expect_equal(got, ref, tolerance = 1e-12, label = paste(stat, width))
    }
  }
  q <- rolling_quantile(tbl, 5, prob = 0.3, id = "sku", time = "day", value = "x")
  expect_identical(q, by_sku(tbl, function(x, ...) data.table::frollapply(
    x, 5, function(w) if (anyNA(w)) NA_real_ else unname(stats::quantile(w, 0.3)))))
  # several widths: one data frame, named columns
  many <- rolling_mean(tbl, c(3, 7), id = "sku", time = "day", value = "x", na_rm = TRUE)
  expect_named(many, c("mean_3", "mean_7"))
  # with na_rm, min_obs (= width) counts the values present
  ref <- by_sku(tbl, function(x, ...) {
    m <- data.table::frollmean(x, 7, na.rm = TRUE)
    m[data.table::frollsum(!is.na(x), 7) < 7] <- NA
    m
  })
  expect_equal(many$mean_7, ref, tolerance = 1e-12)
})

test_that("a long table without a time column keeps each series' row order", {
  skip_if_not_installed("data.table")
  tbl <- make_long(3)[, c("sku", "x")]
  in_row_order <- function(f) run_dt(tbl, f, NULL, quote({
    data.table::as.data.table(tbl)[, r := f(x), by = sku]$r
  }))
  expect_equal(rolling_mean(tbl, 3, id = "sku", value = "x"),
               in_row_order(function(x) data.table::frollmean(x, 3)), tolerance = 1e-12)
  expect_identical(lag_values(tbl, 2, id = "sku", value = "x"),
                   in_row_order(function(x) data.table::shift(x, 2)))
})

test_that("the rolling family in long form equals it on each series alone", {
  tbl <- make_long(4, c(a = 5, b = 70000 %/% 1000, c = 30))
  for (stat in c("mean", "sd", "max")) {
    f <- get(paste0("rolling_", stat))
    got <- f(tbl, 4, align = "left", min_obs = 2, id = "sku", time = "day", value = "x")
    for (s in unique(as.character(tbl$sku))) {
      rows <- which(tbl$sku == s)
      rows <- rows[order(tbl$day[rows])]
      expect_identical(got[rows], f(tbl$x[rows], 4, align = "left", min_obs = 2))
    }
  }
})

test_that("width = \"expanding\" is the expanding window", {
  x <- c(3, 1, 4, 1, 5, 9, 2, 6)
  expect_equal(rolling_sum(x, "expanding"), cumsum(x))
  expect_equal(rolling_mean(x, "expanding"), cumsum(x) / seq_along(x), tolerance = 1e-15)
  expect_identical(rolling_max(x, "expanding"), cummax(x))
  expect_identical(rolling_min(x, "expanding"), cummin(x))
  expect_identical(rolling_median(x, "expanding"), vapply(seq_along(x), function(i) median(x[1:i]), 1))
  expect_identical(rolling_max(x, "expanding", align = "left"), rev(cummax(rev(x))))
  expect_identical(rolling_sum(x, "expanding", min_obs = 3), c(NA, NA, cumsum(x)[-(1:2)]))
  tbl <- make_long(5)
  expect_equal(rolling_mean(tbl, "expanding", id = "sku", time = "day", value = "x", na_rm = TRUE),
               by_sku(tbl, function(x, ...) cumsum(ifelse(is.na(x), 0, x)) / cumsum(!is.na(x))),
               tolerance = 1e-12)
  expect_error(rolling_mean(x, "expanding", align = "center"), "`align = \"center\"`")
  expect_error(rolling_mean(x, Inf), "`width`")
})

test_that("windows over time match slider::slide_index_dbl()", {
  skip_if_not_installed("slider")
  skip_if_not_installed("data.table")
  set.seed(6)
  tbl <- make_long(6)
  tbl <- tbl[-sample(nrow(tbl), 20), ]   # gaps in time
  tbl$date <- as.Date("2024-01-01") + tbl$day * 2
  stats <- list(mean = mean, sum = sum, sd = stats::sd, max = max, median = stats::median)
  for (width in c(1, 5, 14)) {
    for (stat in names(stats)) {
      f <- get(paste0("rolling_", stat))
      got <- f(tbl, width, id = "sku", value = "x", by = "time")  # the Date column inferred
      g <- stats[[stat]]
      safe <- function(w) if (stat == "sd" && length(w) < 2) NA_real_ else g(w)
      ref <- by_sku(tbl, function(x, date) {
        slider::slide_index_dbl(x, .i = date, .f = safe, .before = width - 1)
      }, time = "date")
      expect_equal(got, ref, tolerance = 1e-12, label = paste(stat, width))
      left <- f(tbl, width, align = "left", id = "sku", time = "date", value = "x", by = "time")
      ref_left <- by_sku(tbl, function(x, date) {
        slider::slide_index_dbl(x, .i = date, .f = safe, .after = width - 1)
      }, time = "date")
      expect_equal(left, ref_left, tolerance = 1e-12, label = paste(stat, width, "left"))
    }
  }
  # min_obs counts the observations in the window
  got <- rolling_sum(tbl, 6, min_obs = 3, id = "sku", time = "date", value = "x",
                     by = "time", na_rm = TRUE)
  ref <- by_sku(tbl, function(x, date) slider::slide_index_dbl(
    x, .i = date, .before = 5,
    .f = function(w) if (sum(!is.na(w)) >= 3) sum(w, na.rm = TRUE) else NA_real_),
    time = "date")
  expect_equal(got, ref, tolerance = 1e-12)
})

test_that("lags over time take the value at exactly t - k, else fill", {
  tbl <- data.frame(id = c(1, 1, 1, 2, 2, 1), t = c(1, 2, 4, 1, 3, 5),
                    value = c(10, 20, 40, 100, 300, 50))
  tbl <- tbl[c(3, 5, 1, 6, 2, 4), ]
  got <- lag_values(tbl, c(1, 2, -1), id = "id", time = "t", by = "time")
  # plain R: look each (id, t - k) up
  for (k in c(1, 2, -1)) {
    key <- paste(tbl$id, tbl$t)
    ref <- tbl$value[match(paste(tbl$id, tbl$t - k), key)]
    col <- if (k < 0) paste0("lead_", -k) else paste0("lag_", k)
    expect_identical(got[[col]], ref)
  }
})

# ---- exponentially weighted means ------------------------------------------

# pandas' definition (ewm docs): with adjust = TRUE the weighted mean of the
# observations so far, the observation `age` positions back weighing
# (1 - alpha)^age (positions counting missing values unless ignore_na); with
# adjust = FALSE the recursion from the first observation, each step over a
# run of g missing values ageing the mean by (1 - alpha)^g. Outputs at
# missing values repeat the mean so far.
ref_ewma <- function(x, alpha, adjust = TRUE, ignore_na = FALSE, times = seq_along(x)) {
  obs <- which(!is.na(x))
  pos <- if (ignore_na) cumsum(!is.na(x)) else times
  vapply(seq_along(x), function(i) {
    j <- obs[obs <= i]
    if (!length(j)) return(NA_real_)
    i <- max(j)   # a missing value's output is the mean at the last observation
    if (adjust) {
      w <- (1 - alpha)^(pos[i] - pos[j])
      return(sum(w * x[j]) / sum(w))
    }
    y <- x[j[1]]
    for (m in j[-1]) {
      prev <- j[which(j == m) - 1L]
      old <- (1 - alpha)^(pos[m] - pos[prev])
      y <- (old * y + alpha * x[m]) / (old + alpha)
    }
    y
  }, 1)
}

test_that("rolling_ewma() matches pandas' definition, with NA both ways", {
  set.seed(7)
  x <- round(rnorm(40), 2)
  x[c(1, 2, 9, 10, 11, 30)] <- NA
  for (alpha in c(0.1, 0.5, 1)) {
    for (adjust in c(TRUE, FALSE)) {
      for (ignore_na in c(FALSE, TRUE)) {
        expect_equal(rolling_ewma(x, alpha, adjust = adjust, ignore_na = ignore_na),
                     ref_ewma(x, alpha, adjust, ignore_na), tolerance = 1e-13,
                     label = paste(alpha, adjust, ignore_na))
      }
    }
  }
  # min_obs and fill
  expect_identical(rolling_ewma(c(NA, 1, 2, NA, 3), 0.5, min_obs = 2, fill = -1)[1:3],
                   c(-1, -1, (0.5 * 1 + 2) / 1.5))
  # half_life: alpha = 1 - 0.5^(1 / half_life)
  expect_equal(rolling_ewma(x, half_life = 3), ref_ewma(x, 1 - 0.5^(1 / 3)), tolerance = 1e-13)
  # a constant series stays exactly constant
  expect_identical(rolling_ewma(rep(0.1, 20), 0.3), rep(0.1, 20))
})

test_that("rolling_ewma(adjust = FALSE) is stats::filter()'s recursion", {
  set.seed(8)
  x <- rnorm(200)
  alpha <- 0.2
  ref <- c(x[1], stats::filter(alpha * x[-1], 1 - alpha, method = "recursive", init = x[1]))
  expect_equal(rolling_ewma(x, alpha, adjust = FALSE), ref, tolerance = 1e-13)
})

test_that("rolling_ewma() in a long table, by rows and by time", {
  tbl <- make_long(9)
  got <- rolling_ewma(tbl, c(0.3, 0.7), id = "sku", time = "day", value = "x")
  expect_named(got, c("ewma_0.3", "ewma_0.7"))
  ref <- by_sku(tbl, function(x, ...) ref_ewma(x, 0.3))
  expect_equal(got$ewma_0.3, ref, tolerance = 1e-13)
  # over time: an observation dt later ages the past by (1 - alpha)^dt
  gappy <- tbl[tbl$day %% 3 != 0 | tbl$day > 30, ]
  got_t <- rolling_ewma(gappy, 0.3, id = "sku", time = "day", value = "x", by = "time")
  ref_t <- numeric(nrow(gappy))
  for (s in unique(gappy$sku)) {
    rows <- which(gappy$sku == s)
    rows <- rows[order(gappy$day[rows])]
    ref_t[rows] <- ref_ewma(gappy$x[rows], 0.3, times = gappy$day[rows])
  }
  expect_equal(got_t, ref_t, tolerance = 1e-13)
  expect_error(rolling_ewma(gappy, 0.3, adjust = FALSE, id = "sku", time = "day",
                            value = "x", by = "time"), "`adjust = FALSE`")
})

# ---- features() and threads --------------------------------------------------

test_that("features() gives the single verbs' columns in one call", {
  tbl <- make_long(10)
  got <- features(tbl, lag = 1:3, mean = c(3, 7), sd = 7, ewma = 0.5,
                  max = list(3, "expanding"), id = "sku", time = "day", value = "x")
  expect_named(got, c("lag_1", "lag_2", "lag_3", "mean_3", "mean_7", "sd_7", "ewma_0.5",
                      "max_3", "max_expanding"))
  expect_identical(nrow(got), nrow(tbl))
  expect_identical(got[1:3], lag_values(tbl, 1:3, id = "sku", time = "day", value = "x"))
  expect_identical(got$mean_7, rolling_mean(tbl, 7, id = "sku", time = "day", value = "x"))
  expect_identical(got$sd_7, rolling_sd(tbl, 7, id = "sku", time = "day", value = "x"))
  expect_identical(got$ewma_0.5, rolling_ewma(tbl, 0.5, id = "sku", time = "day", value = "x"))
  expect_identical(got$max_expanding, rolling_max(tbl, "expanding", id = "sku", time = "day",
                                                  value = "x"))
})

test_that("results are identical on 1 and 2 threads", {
  set.seed(11)
  n_skus <- 400
  lengths <- sample(c(0:3, 20:150), n_skus, replace = TRUE)
  tbl <- data.frame(sku = rep(seq_len(n_skus), lengths),
                    day = unlist(lapply(lengths, seq_len)),
                    value = rnorm(sum(lengths)))
  tbl$value[sample(nrow(tbl), 50)] <- NA
  tbl <- tbl[sample(nrow(tbl)), ]
  long_series <- rnorm(1e5)
  runs <- at_thread_counts(list(
    features(tbl, lag = 1:7, mean = c(7, 28), median = 5, ewma = 0.2, id = "sku", time = "day"),
    rolling_sum(tbl, c(3, 10), id = "sku", time = "day", by = "time"),
    lag_values(long_series, 1:2),
    rolling_ewma(long_series, 0.1)))
  expect_identical(runs[[1]], runs[[2]])
})

# ---- bad input -----------------------------------------------------------------

test_that("bad input gets errors naming the argument", {
  tbl <- data.frame(sku = c(1, 1, 2), day = c(1, 2, 1), value = c(1, 2, 3))
  expect_error(lag_values(tbl, 1, id = "nope"), "`id` column \"nope\" is not in `x`")
  expect_error(lag_values(tbl, 1, id = "sku", time = "when"), "`time` column \"when\" is not in `x`")
  expect_error(rolling_mean(tbl, 2, id = "sku", value = "v"), "`value` column \"v\" is not in `x`")
  expect_error(rolling_mean(tbl[-3], 2, id = "sku"), "`value` column \"value\" is not in `x`")
  dup <- data.frame(sku = c(1, 1, 2), day = c(1, 1, 1), value = 1:3)
  expect_error(lag_values(dup, 1, id = "sku", time = "day"),
               "`time` column \"day\" has the time 1 more than once for id \"1\"")
  expect_error(lag_values(tbl, 1.5, id = "sku"), "`k` must be whole numbers")
  expect_error(lag_values(tbl, NA, id = "sku"), "`k` must be")
  expect_error(lag_values(1:3, "1"), "`k` must be")
  expect_error(rolling_mean(tbl, -1, id = "sku"), "`width` must be positive whole numbers")
  expect_error(rolling_mean(tbl, c(2, NA), id = "sku"), "`width` must be")
  expect_error(rolling_mean(tbl, 2.5, id = "sku"), "`width` must be")
  expect_error(rolling_mean(tbl, list(2, "all"), id = "sku"), "`width` must be")
  expect_error(rolling_mean(tbl, Inf, id = "sku"), "`width` must be")
  expect_error(rolling_mean(1:5, c(2, 3)), "`width` must be")
  expect_error(features(tbl, lag = -0.5, id = "sku"), "`lag` must be whole numbers")
  expect_error(features(tbl, mean = 0, id = "sku"), "`mean` must be positive")
  expect_error(features(tbl, avg = 3, id = "sku"), "`...` must name features")
  for (bad in list(0, 1.5, -0.1, NA, "a")) {
    expect_error(rolling_ewma(1:5, alpha = bad), "`alpha` must be numbers in \\(0, 1\\]")
  }
  expect_error(features(tbl, ewma = 2, id = "sku"), "`ewma` must be numbers in \\(0, 1\\]")
  expect_error(rolling_ewma(1:5, half_life = -1), "`half_life` must be positive")
  expect_error(rolling_ewma(1:5), "one of `alpha` and `half_life`")
  expect_error(rolling_ewma(1:5, 0.5, min_obs = 0), "`min_obs`")
  expect_error(lag_values(1:3, 1, by = "time"), "`by = \"time\"` needs a long data frame")
  expect_error(lag_values(tbl, 1, id = "sku", by = "time"), "needs a time column")
  expect_error(lag_values(tbl, 1, id = "sku", by = "days"), "`by` must be")
  expect_error(lag_values(as.matrix(tbl), 1, id = "sku"), "`x` must be a data frame")
  na_id <- data.frame(sku = c(1, NA), value = 1:2)
  expect_error(lag_values(na_id, 1, id = "sku"), "`id` column \"sku\" must be")
  na_time <- data.frame(sku = c(1, 1), day = c(1, NA), value = 1:2)
  expect_error(lag_values(na_time, 1, id = "sku", time = "day"), "`time` column \"day\" must be")
  chr_value <- data.frame(sku = 1, value = "a")
  expect_error(lag_values(chr_value, 1, id = "sku"), "`value` column \"value\" must be numeric")
  expect_error(rolling_mean(tbl, 2, align = "center", id = "sku", time = "day", by = "time"),
               "`align = \"center\"`")
})
