# Naive reference: every window computed by base R on its own.
ref_roll <- function(x, width, stat, align = "right", min_obs = width,
                     na_rm = FALSE, fill = NA, prob = 0.5, at = seq_along(x)) {
  n <- length(x)
  before <- switch(align, right = width - 1L, left = 0L,
                   center = (width - 1L) %/% 2L)
  after <- width - 1L - before
  f <- switch(stat, sum = sum, mean = mean, var = stats::var, sd = stats::sd,
              min = min, max = max, median = stats::median,
              quantile = function(w) unname(stats::quantile(w, prob)))
  vapply(at, function(i) {
    w <- x[max(1L, i - before):min(n, i + after)]
    counted <- if (na_rm) sum(!is.na(w)) else length(w)
    if (counted < min_obs) return(as.double(fill))
    if (!na_rm && anyNA(w)) return(NA_real_)
    as.double(f(w[!is.na(w)]))
  }, numeric(1))
}

call_roll <- function(x, width, stat, prob = 0.5, ...) {
  switch(stat,
         sum = rolling_sum(x, width, ...), mean = rolling_mean(x, width, ...),
         var = rolling_var(x, width, ...), sd = rolling_sd(x, width, ...),
         min = rolling_min(x, width, ...), max = rolling_max(x, width, ...),
         median = rolling_median(x, width, ...),
         quantile = rolling_quantile(x, width, prob = prob, ...))
}

all_stats <- c("sum", "mean", "var", "sd", "min", "max", "median", "quantile")
order_stats <- c("min", "max", "median", "quantile")

# Exact for order statistics; otherwise equal to 1e-12 and with NA and NaN
# in the same places.
expect_roll_equal <- function(actual, expected, stat, label = "") {
  if (stat %in% order_stats) {
    expect_identical(actual, expected, label = label)
  } else {
    expect_identical(is.na(actual), is.na(expected), label = label)
    expect_identical(is.nan(actual), is.nan(expected), label = label)
    expect_equal(actual, expected, tolerance = 1e-12, label = label)
  }
}

set.seed(20261124)
messy <- round(rnorm(48), 2)
messy[c(3, 17, 30)] <- NA
messy[c(9, 40)] <- NaN
messy[c(12, 33)] <- Inf
messy[c(25, 34)] <- -Inf
messy[c(44, 45, 46)] <- 0.25   # a run of identical values

test_that("every statistic matches base R window by window, with NA, NaN and Inf", {
  # (short series run on one thread; the chunked and parallel paths are
  # checked against the same reference further down)
  for (stat in all_stats) {
    probs <- if (stat == "quantile") c(0, 0.35, 1) else 0.5
    for (align in c("right", "center", "left")) {
      for (width in c(1L, 2L, 5L)) {
        for (min_obs in unique(c(1L, width))) {
          for (na_rm in c(FALSE, TRUE)) {
            for (prob in probs) {
              label <- sprintf("%s align=%s width=%d min_obs=%d na_rm=%s prob=%g",
                               stat, align, width, min_obs, na_rm, prob)
              expect_roll_equal(
                call_roll(messy, width, stat, prob = prob, align = align,
                          min_obs = min_obs, na_rm = na_rm),
                ref_roll(messy, width, stat, align, min_obs, na_rm, prob = prob),
                stat, label)
            }
          }
        }
      }
    }
  }
})

test_that("integer input, fill and a width longer than the series with min_obs", {
  xi <- c(5L, NA, 3L, 3L, 8L, -2L, 7L, 7L, 7L, 1L)
  for (stat in all_stats) {
    for (na_rm in c(FALSE, TRUE)) {
      expect_roll_equal(call_roll(xi, 3, stat, na_rm = na_rm, fill = -1),
                        ref_roll(xi, 3, stat, na_rm = na_rm, fill = -1),
                        stat, paste(stat, na_rm))
      expect_roll_equal(call_roll(xi, 15, stat, min_obs = 2, align = "center"),
                        ref_roll(xi, 15, stat, "center", min_obs = 2),
                        stat, paste(stat, "wide"))
    }
  }
  expect_type(rolling_max(1:5, 2), "double")
})

test_that("infinite and missing values follow sum(), mean() and var()", {
  skip_if_not(has_extended_precision(), "base R reference needs 80-bit long doubles")
  x <- c(1, Inf, 2, 3, -Inf, 4, Inf, 5, 6)
  expect_identical(rolling_sum(x, 2), c(NA, Inf, Inf, 5, -Inf, -Inf, Inf, Inf, 11))
  expect_identical(rolling_sum(c(Inf, -Inf, 1, 2), 2), c(NA, NaN, -Inf, 3))
  expect_identical(rolling_mean(c(Inf, -Inf, 1, 2), 3), c(NA, NA, NaN, -Inf))
  expect_identical(rolling_mean(x, 2)[9], 5.5)
  expect_identical(rolling_var(x, 2), c(NA, NaN, NaN, 0.5, NaN, NaN, NaN, NaN, 0.5))
  expect_identical(rolling_max(x, 2), c(NA, Inf, Inf, 3, 3, 4, Inf, Inf, 6))
  expect_identical(rolling_median(c(-Inf, Inf, 1), 2), c(NA, NaN, Inf))
  # NA and NaN both give NA_real_ with na_rm = FALSE, never NaN
  y <- c(1, NaN, 2, NA, 3, 4)
  for (stat in all_stats) {
    r <- call_roll(y, 2, stat)
    expect_identical(is.na(r), c(TRUE, TRUE, TRUE, TRUE, TRUE, FALSE), label = stat)
    expect_false(any(is.nan(r)), label = stat)
  }
  expect_identical(rolling_sum(y, 2, na_rm = TRUE, min_obs = 1), c(1, 1, 2, 2, 3, 7))
  expect_identical(rolling_sum(y, 2, na_rm = TRUE), c(NA, NA, NA, NA, NA, 7))
  # a variance needs two values, as var() does
  expect_identical(rolling_var(c(1, 2, 4), 3, min_obs = 1),
                   c(NA, 0.5, var(c(1, 2, 4))))
})

test_that("centred windows of even width put the extra observation after", {
  x <- c(1, 10, 100, 1000, 10000, 1e5)
  expect_identical(rolling_sum(x, 4, align = "center"),
                   c(NA, 1111, 11110, 111100, NA, NA))
  expect_identical(rolling_sum(x, 4, align = "left"),
                   c(1111, 11110, 111100, NA, NA, NA))
  expect_identical(rolling_sum(x, 4, align = "center", min_obs = 1),
                   c(111, 1111, 11110, 111100, 111000, 110000))
})

test_that("adversarial data stays within 1e-13 of the window's scale", {
  skip_if_not(has_extended_precision(), "base R reference needs 80-bit long doubles")
  set.seed(7)
  n <- 2000
  blocks <- function(big, small) {
    unlist(lapply(1:4, function(k) if (k %% 2) big(500) else small(500)))
  }
  cases <- list(
    level = 1e9 + rnorm(n),
    magnitudes = sample(c(-1, 1), n, TRUE) * 10^runif(n, -8, 8),
    small_after_huge = blocks(function(k) 1e8 * rnorm(k), function(k) 1e-8 * rnorm(k)),
    trend = cumsum(rnorm(n)) * 1e3 + 1e6 * seq_len(n) / n
  )
  for (name in names(cases)) {
    x <- cases[[name]]
    for (width in c(7L, 400L)) {
      idx <- width:n
      windows <- lapply(idx, function(i) x[(i - width + 1L):i])
      top <- vapply(windows, function(w) max(abs(w)), 0)
      sq <- vapply(windows, function(w) max((w - mean(w))^2), 0)
      check <- function(actual, ref, scale, stat) {
        err <- max(abs(actual[idx] - ref) / scale)
        expect_lte(err, 1e-13, label = paste(name, width, stat, "relative error"))
      }
      check(rolling_sum(x, width), vapply(windows, sum, 0), top, "sum")
      check(rolling_mean(x, width), vapply(windows, mean, 0), top, "mean")
      check(rolling_var(x, width), vapply(windows, var, 0), sq, "var")
      check(rolling_sd(x, width), vapply(windows, sd, 0), sqrt(sq), "sd")
    }
  }
})

test_that("identical values give exactly that value, zeros exactly 0", {
  set.seed(3)
  x <- c(1e12 * rnorm(300), rep(0, 300), 1e12 * rnorm(300), rep(0.1, 300),
         1e-3 * rnorm(300), rep(-7.3, 300))
  # right-aligned windows of 100 lying wholly inside each run
  zero <- 400:600
  const <- 1000:1200
  neg <- 1600:1800
  w <- 100
  expect_true(all(rolling_sum(x, w)[zero] == 0))
  expect_true(all(1 / rolling_sum(x, w)[zero] > 0))   # +0, not -0
  expect_true(all(rolling_mean(x, w)[zero] == 0))
  expect_true(all(rolling_var(x, w)[zero] == 0))
  expect_true(all(rolling_mean(x, w)[const] == 0.1))
  expect_true(all(rolling_var(x, w)[const] == 0))
  expect_true(all(rolling_sd(x, w)[neg] == 0))
  expect_true(all(rolling_mean(x, w)[neg] == -7.3))
  expect_true(all(rolling_median(x, w)[const] == 0.1))
  expect_true(all(rolling_quantile(x, w, prob = 0.37)[neg] == -7.3))
  expect_true(all(rolling_min(x, w)[neg] == -7.3))
  # with NA skipped inside the run
  y <- c(5, 1, rep(c(0.3, NA), 20))
  expect_true(all(rolling_mean(y, 6, na_rm = TRUE, min_obs = 3)[8:42] == 0.3))
  expect_true(all(rolling_var(y, 6, na_rm = TRUE, min_obs = 3)[8:42] == 0))
})

# Where src/rolling.c starts the chunks of a series of n (1-based output
# positions). The outputs whose windows cannot hold min_obs observations are
# fill and belong to no chunk (lagrs_roll_answerable); the rest are cut into
# chunks of at most max(8 * width, 65536) (lagrs_roll_chunk_length), as many
# as a power of two up to 8, else a multiple of 8.
chunk_length <- function(n, width) {
  cap <- max(8 * width, 65536)
  if (n <= cap) return(n)
  k <- ceiling(n / cap)
  k <- if (k <= 8) 2^ceiling(log2(k)) else ceiling(k / 8) * 8
  ceiling(n / k)
}
chunk_starts <- function(n, width, align = "right", min_obs = width) {
  before <- switch(align, right = width - 1, left = 0, center = (width - 1) %/% 2)
  after <- width - 1 - before
  from <- max(0, min_obs - after - 1)
  to <- min(n, n - min_obs + before + 1)
  from + seq(0, to - from - 1, by = chunk_length(to - from, width)) + 1
}

test_that("outputs whose windows are too short are fill, and chunks start after them", {
  # the chunk boundaries follow n, width, align and min_obs, and windows
  # that cannot hold min_obs values are fill whatever they hold
  expect_equal(chunk_starts(140000, 40), c(40, 35031, 70022, 105013))
  expect_equal(chunk_starts(140000, 40, "center"), c(20, 35011, 70002, 104993))
  expect_equal(chunk_starts(100001, 50), c(50, 50026))
  x <- c(NaN, NA, Inf, 1:10, -Inf)
  expect_identical(rolling_mean(x, 4, fill = -1)[1:3], rep(-1, 3))
  expect_identical(rolling_mean(x, 4, align = "left", fill = 7)[12:14], rep(7, 3))
  expect_identical(rolling_sum(x, 5, align = "center", min_obs = 4, fill = 0)[c(1, 14)],
                   c(0, 0))
  expect_identical(rolling_max(1:3, 5, min_obs = 4), rep(NA_real_, 3))
  expect_identical(rolling_median(c(2, 1), 5, min_obs = 3, fill = 9), c(9, 9))
})

test_that("series with no full window sit among long ones in the parallel groups", {
  # 16 chunks in all, run in groups (lanes) of up to four or eight: some
  # series have no output whose window can hold min_obs values, so their
  # chunk is empty and only writes fill; one series is empty.
  set.seed(31)
  lens <- c(0, 1, 3, 70000, 2, 4, 140001, 5, 3, 66000, 1)
  series <- lapply(lens, function(n) cumsum(rnorm(n)))
  series[[7]][c(3, 70001)] <- NA
  for (stat in c("sum", "mean", "sd", "max", "median")) {
    for (align in c("right", "center", "left")) {
      for (min_obs in c(5L, 3L)) {
        label <- paste(stat, align, min_obs)
        res <- at_thread_counts(call_roll(series, 5L, stat, align = align,
                                          min_obs = min_obs, fill = -7))
        expect_identical(res[[2]], res[[1]], label = label)
        for (k in seq_along(series)) {
          n <- lens[k]
          at <- unique(c(seq_len(min(n, 12)), if (n > 0) max(1, n - 11):n,
                         if (n > 70010) 69990:70010))
          expect_roll_equal(res[[1]][[k]][at],
                            ref_roll(series[[k]], 5L, stat, align, min_obs = min_obs,
                                     fill = -7, at = at),
                            stat, paste(label, "series", k))
        }
      }
    }
  }
})

test_that("chunk boundaries give the same numbers as single windows", {
  # n = 140000 is cut into 4 chunks of about 35000; windows straddling the
  # chunk starts are checked against base R, then all thread counts must
  # agree bitwise.
  set.seed(11)
  n <- 140000
  x <- cumsum(rnorm(n)) + 1e4
  x[c(34995, 105010)] <- NA
  x[35005] <- Inf
  for (stat in all_stats) {
    for (align in c("right", "center")) {
      for (width in c(3L, 40L)) {
        starts <- chunk_starts(n, width, align)
        expect_length(starts, 4)
        near <- as.vector(outer(starts[-1], -45:45, "+"))
        res <- at_thread_counts(call_roll(x, width, stat, prob = 0.3,
                                          align = align, na_rm = TRUE),
                                counts = if (identical(Sys.getenv("NOT_CRAN"), "true"))
                                  c(1L, 2L, 8L) else c(1L, 2L))
        ref <- ref_roll(x, width, stat, align, na_rm = TRUE, prob = 0.3, at = near)
        expect_roll_equal(res[[1]][near], ref, stat, paste(stat, align, width))
        for (k in seq_along(res)[-1]) {
          expect_identical(res[[k]], res[[1]], label = paste(stat, align, width, k))
        }
      }
    }
  }
})

# Median and quantile sort the observations in blocks of `width` from each
# chunk's first window and walk two sorted lists (src/rolling_quantile.c):
# these cover blocks that end mid-series, NA runs, ties and infinities.
test_that("median and quantile match base R at every width, alignment and NA pattern", {
  set.seed(7)
  base <- round(rnorm(37), 1)   # ties
  series <- list(
    plain = base,
    runs = c(base[1:9], rep(NA, 7), base[10:20], NaN, base[21:30]),
    infinite = c(-Inf, base[1:10], Inf, Inf, base[11:20], -Inf, NA, 0, -0),
    equal = rep(2.5, 23),
    steps = rep(c(1, 2, 3), each = 9),
    monotone = c(1:15, 15:1) + 0,
    none = rep(NA_real_, 6),
    one = 4
  )
  for (name in names(series)) {
    x <- series[[name]]
    n <- length(x)
    for (width in unique(c(1L, 2L, 3L, 4L, 7L, n, n + 3L))) {
      for (align in c("right", "center", "left")) {
        for (min_obs in unique(c(1L, width))) {
          if (min_obs > n && min_obs == width) next   # an error, tested elsewhere
          for (na_rm in if (anyNA(x)) c(FALSE, TRUE) else FALSE) {
            for (prob in c(NA, 0, 0.3, 1)) {
              stat <- if (is.na(prob)) "median" else "quantile"
              label <- sprintf("%s %s width=%d %s min_obs=%d na_rm=%s", name, stat, width,
                               align, min_obs, na_rm)
              res <- at_thread_counts(call_roll(x, width, stat, prob = prob, align = align,
                                                min_obs = min_obs, na_rm = na_rm))
              expect_identical(res[[1]], ref_roll(x, width, stat, align, min_obs, na_rm,
                                                  prob = prob), label = label)
              expect_identical(res[[2]], res[[1]], label = label)
            }
          }
        }
      }
    }
  }
})

test_that("median and quantile: values that differ in their last bits, long blocks", {
  # Blocks are sorted on 64-bit keys whose low bits carry the observation's
  # index; values that differ only there are put in order afterwards.
  # Widths 50 (merge sort) and 3000 (radix sort).
  set.seed(8)
  x <- 1 + sample(0:5000, 9000, replace = TRUE) * 2^-52
  x[sample(9000, 300)] <- 1 - sample(0:50, 300, replace = TRUE) * 2^-53
  x[c(10, 4000)] <- NA
  for (width in c(50L, 3000L)) {
    at <- sort(unique(c(width:(width + 40), sample(width:9000, 60), 8990:9000)))
    for (prob in c(NA, 0.23)) {
      stat <- if (is.na(prob)) "median" else "quantile"
      res <- call_roll(x, width, stat, prob = prob, na_rm = TRUE)
      expect_identical(res[at], ref_roll(x, width, stat, na_rm = TRUE, prob = prob, at = at),
                       label = paste(stat, width))
    }
  }
})

test_that("rolling_median agrees with stats::runmed across chunk boundaries", {
  # runmed()'s default algorithm at these sizes is Turlach's double heap.
  # Centred odd windows; runmed(endrule = "keep") leaves the first and last
  # (width - 1) / 2 values alone, so those are compared to base R instead.
  set.seed(9)
  n <- 140000
  x <- round(rnorm(n), 2)
  for (width in c(101L, 10001L)) {
    res <- at_thread_counts(rolling_median(x, width, align = "center"))
    expect_identical(res[[2]], res[[1]], label = paste(width))
    half <- (width - 1L) %/% 2L
    inner <- (half + 1L):(n - half)
    expect_identical(res[[1]][inner], stats::runmed(x, width, endrule = "keep")[inner],
                     label = paste(width))
    starts <- chunk_starts(n, width, "center")
    expect_gt(length(starts), 1)
    near <- as.vector(outer(starts, -3:3, "+"))
    res_q <- at_thread_counts(rolling_quantile(x, width, prob = 0.85, align = "center"))
    expect_identical(res_q[[2]], res_q[[1]], label = paste(width))
    expect_identical(res_q[[1]][near],
                     ref_roll(x, width, "quantile", "center", prob = 0.85, at = near),
                     label = paste(width))
  }
})

test_that("sums and means of chunks run in lock step equal those of chunks run alone", {
  # Chunks of sums and means run two by two in lock step when there are at
  # least two per thread: a series of 2 chunks runs as a pair at 1 thread
  # and as two lone chunks at 2; three one-chunk series run as a pair
  # across series and a lone one at 1 thread, all alone at 2.  The pair
  # hands every rare case (a new peak, a restart, a window of equal values,
  # NA or Inf) to the scalar code: the data below go through each, in
  # either chunk, and the answers must not depend on how chunks were run.
  set.seed(23)
  n <- 100001
  expect_length(chunk_starts(n, 50), 2)      # 2 chunks
  x <- rnorm(n)
  x[20001:20300] <- 2.5                       # a run longer than the width
  x[30001:31000] <- round(x[30001:31000])     # many equal neighbours
  x[60001:60100] <- 1e8 * x[60001:60100]      # peaks, then restarts
  x[c(10500, 70007)] <- NA
  x[80003] <- Inf
  x[50001:50030] <- 7                         # a run at the second chunk's start
  near <- c(1:60, 10480:10620, 20250:20420, 30950:31100, 49990:50120,
            60050:60250, 69990:70120, 80000:80060, (n - 40):n)
  for (stat in c("sum", "mean")) {
    for (width in c(2L, 3L, 50L)) {
      res <- at_thread_counts(call_roll(x, width, stat))
      expect_identical(res[[2]], res[[1]], label = paste(stat, width))
      expect_roll_equal(res[[1]][near], ref_roll(x, width, stat, at = near), stat,
                        paste(stat, width))
    }
    series <- list(x[1:30000], x[30001:45000], x[45001:n])
    res <- at_thread_counts(call_roll(series, 50L, stat))
    expect_identical(res[[2]], res[[1]], label = stat)
    for (k in 1:3) {
      expect_roll_equal(res[[1]][[k]], ref_roll(series[[k]], 50L, stat), stat,
                        paste(stat, "series", k))
    }
    # 11 series: in groups of four (then three) at 1 thread where the
    # processor has AVX, in pairs at 2 threads
    m <- matrix(x[1:33000], 3000, 11)
    res <- at_thread_counts(call_roll(m, 40L, stat))
    expect_identical(res[[2]], res[[1]], label = paste(stat, "matrix"))
    for (j in c(1, 4, 7, 10, 11)) {
      expect_roll_equal(res[[1]][, j], ref_roll(m[, j], 40L, stat), stat,
                        paste(stat, "column", j))
    }
    # each column alone is one chunk run on its own
    for (j in 1:11) {
      expect_identical(res[[1]][, j], call_roll(m[, j], 40L, stat),
                       label = paste(stat, "alone", j))
    }
    # centred windows: the first windows of the columns are all of one
    # length and are summed side by side in a vector (one holds NA, one
    # starts large and then falls far enough for restarts)
    m2 <- m
    m2[100, 5] <- NA
    m2[1:150, 8] <- 1e6 * m2[1:150, 8]
    res <- at_thread_counts(call_roll(m2, 301L, stat, align = "center"))
    expect_identical(res[[2]], res[[1]], label = paste(stat, "centred matrix"))
    for (j in 1:11) {
      expect_identical(res[[1]][, j], call_roll(m2[, j], 301L, stat, align = "center"),
                       label = paste(stat, "centred alone", j))
    }
    for (j in c(1, 5, 8)) {
      expect_roll_equal(res[[1]][, j], ref_roll(m2[, j], 301L, stat, align = "center"),
                        stat, paste(stat, "centred column", j))
    }
  }
})

test_that("many series run in parallel with identical results", {
  set.seed(5)
  m <- matrix(rnorm(80000), 2000, 40)   # enough work for two threads
  m[sample(length(m), 400)] <- NA
  for (stat in c("mean", "sd", "max", "quantile")) {
    res <- at_thread_counts(call_roll(m, 25, stat, prob = 0.8, na_rm = TRUE,
                                      min_obs = 20))
    expect_identical(res[[2]], res[[1]])
    for (j in c(1, 17, 40)) {
      expect_roll_equal(res[[1]][, j],
                        ref_roll(m[, j], 25, stat, min_obs = 20, na_rm = TRUE,
                                 prob = 0.8),
                        stat, paste(stat, j))
    }
  }
})

test_that("shapes, names, dimnames and ts attributes are kept", {
  x <- ts(c(3, 1, 4, 1, 5, 9, 2, 6), start = c(2001, 2), frequency = 4)
  r <- rolling_mean(x, 3)
  expect_s3_class(r, "ts")
  expect_identical(tsp(r), tsp(x))
  expect_identical(as.vector(r), ref_roll(as.vector(x), 3, "mean"))

  v <- c(a = 1, b = 2, c = 3)
  expect_identical(names(rolling_sum(v, 2)), c("a", "b", "c"))

  m <- matrix(c(1:6, 10L, 20L), 4, 2, dimnames = list(letters[1:4], c("u", "v")))
  rm <- rolling_max(m, 2)
  expect_identical(dimnames(rm), dimnames(m))
  expect_identical(unname(rm[, "v"]), ref_roll(m[, "v"], 2, "max"))
  expect_type(rm, "double")

  mts <- ts(cbind(p = rnorm(10), q = rnorm(10)), start = 1990)
  rmts <- rolling_sd(mts, 4)
  expect_s3_class(rmts, "mts")
  expect_identical(colnames(rmts), c("p", "q"))
  expect_identical(tsp(rmts), tsp(mts))

  df <- data.frame(a = c(1, 2, 3, 4), b = 4:1)
  rdf <- rolling_sum(df, 2)
  expect_s3_class(rdf, "data.frame")
  expect_identical(names(rdf), c("a", "b"))
  expect_identical(rdf$a, c(NA, 3, 5, 7))
  expect_identical(rdf$b, c(NA, 7, 5, 3))

  lst <- list(short = c(1, 2), long = c(1, 5, 2, 8, 3), none = numeric(0))
  rl <- rolling_median(lst, 3, min_obs = 2)
  expect_type(rl, "list")
  expect_identical(names(rl), names(lst))
  expect_identical(lengths(rl), lengths(lst))
  expect_identical(rl$short, c(NA, 1.5))
  expect_identical(rl$long, ref_roll(lst$long, 3, "median", min_obs = 2))

  expect_identical(rolling_mean(numeric(0), 3), numeric(0))
  expect_identical(rolling_mean(list(), 3), list())
})

test_that("double input is read in place", {
  skip_if_not(capabilities("profmem"))
  x <- rnorm(100)
  tracemem(x)
  on.exit(untracemem(x))
  expect_silent(rolling_mean(x, 5))
  expect_silent(rolling_median(x, 5))
})

test_that("bad input gets an error naming the argument", {
  x <- as.numeric(1:10)
  expect_error(rolling_mean(x, 0), "`width` must be a single positive whole number, not 0")
  expect_error(rolling_mean(x, -3), "`width` must be .*not -3")
  expect_error(rolling_mean(x, NA), "`width` must be .*not NA")
  expect_error(rolling_mean(x, 2.5), "`width` must be .*not 2.5")
  expect_error(rolling_mean(x, c(2, 3)), "`width` must be")
  expect_error(rolling_mean(x, "3"), "`width` must be")
  expect_error(rolling_mean(x, 11), "`width` \\(11\\) is longer than `x` \\(10 observations\\)")
  expect_error(rolling_mean(list(a = 1:3, b = 1:4), 5), "longest series")
  expect_error(rolling_mean(letters, 2), "`x` must be a numeric .*not a character vector")
  expect_error(rolling_mean(factor(1:3), 2), "`x` must be .*not a factor")
  expect_error(rolling_mean(Sys.Date() + 0:3, 2), "`x` must be .*class <Date>")
  expect_error(rolling_mean(c(TRUE, FALSE), 2), "not a logical vector")
  expect_error(rolling_mean(list(a = 1:3, b = letters), 2),
               "Each element of `x` must be a numeric vector, but `x\\$b` is a character vector")
  expect_error(rolling_mean(list(1:3, NULL), 2), "`x\\[\\[2\\]\\]` is NULL")
  expect_error(rolling_mean(data.frame(a = 1:3, b = letters[1:3]), 2),
               "Each column of `x` .*`x\\$b`")
  expect_error(rolling_mean(array(1, c(2, 2, 2)), 2), "3 dimensions")
  expect_error(rolling_mean(x, 3, fill = "a"), "`fill` must be a single number or NA, not the string \"a\"")
  expect_error(rolling_mean(x, 3, fill = c(1, 2)), "`fill` must be")
  expect_error(rolling_mean(x, 3, fill = TRUE), "`fill` must be")
  expect_error(rolling_quantile(x, 3, prob = 1.5), "`prob` must be a single number between 0 and 1, not 1.5")
  expect_error(rolling_quantile(x, 3, prob = -0.1), "`prob` must be")
  expect_error(rolling_quantile(x, 3, prob = NA), "`prob` must be")
  expect_error(rolling_quantile(x, 3, prob = c(0.1, 0.2)), "`prob` must be")
  expect_error(rolling_quantile(x, 3), "`prob` must be given")
  expect_error(rolling_mean(x, 3, align = "middle"), "`align` must be one of .*not the string \"middle\"")
  expect_error(rolling_mean(x, 3, align = NA_character_), "`align` must be")
  expect_error(rolling_mean(x, 3, min_obs = 0), "`min_obs` must be a single whole number between 1 and `width` \\(3\\), not 0")
  expect_error(rolling_mean(x, 3, min_obs = 4), "`min_obs` must be .*not 4")
  expect_error(rolling_mean(x, 3, min_obs = 1.5), "`min_obs` must be")
  expect_error(rolling_mean(x, 3, na_rm = NA), "`na_rm` must be TRUE or FALSE, not NA")
  expect_error(rolling_mean(x, 3, na_rm = "yes"), "`na_rm` must be TRUE or FALSE")
  # a width longer than the series is fine once partial windows are allowed,
  # and needs no workspace beyond the series' length
  expect_identical(rolling_sum(c(1, 2), 5, min_obs = 1), c(1, 3))
  for (stat in all_stats) {
    expect_roll_equal(call_roll(c(4, 1, 3), 1e9, stat, prob = 0.2, min_obs = 1),
                      ref_roll(c(4, 1, 3), 3, stat, min_obs = 1, prob = 0.2),
                      stat, paste("huge width", stat))
  }
})

test_that("agrees with data.table::frollmean", {
  skip_if_not_installed("data.table")
  set.seed(2)
  x <- rnorm(5000) * 100
  for (align in c("right", "center", "left")) {
    expect_equal(rolling_mean(x, 50, align = align),
                 data.table::frollmean(x, 50, align = align, algo = "exact"),
                 tolerance = 1e-13)
    expect_equal(rolling_mean(x, 50, align = align),
                 data.table::frollmean(x, 50, align = align, algo = "fast"),
                 tolerance = 1e-10)
    expect_equal(rolling_sum(x, 7, align = align),
                 data.table::frollsum(x, 7, align = align, algo = "exact"),
                 tolerance = 1e-13)
  }
  m <- matrix(rnorm(3000), 300, 10)
  expect_equal(unname(as.list(as.data.frame(rolling_mean(m, 20)))),
               data.table::frollmean(as.data.frame(m), 20, algo = "exact"),
               tolerance = 1e-13)
})

test_that("agrees with zoo", {
  skip_if_not_installed("zoo")
  set.seed(4)
  x <- rnorm(500)
  for (align in c("right", "center", "left")) {
    expect_equal(rolling_mean(x, 10, align = align),
                 zoo::rollmean(x, 10, fill = NA, align = align), tolerance = 1e-13)
    expect_identical(rolling_median(x, 9, align = align),
                     zoo::rollmedian(x, 9, fill = NA, align = align))
    expect_identical(rolling_max(x, 6, align = align),
                     zoo::rollmax(x, 6, fill = NA, align = align))
    expect_identical(rolling_median(x, 6, align = align, min_obs = 1),
                     zoo::rollapply(x, 6, stats::median, partial = TRUE, align = align))
    expect_equal(rolling_sd(x, 6, align = align, min_obs = 2),
                 zoo::rollapply(x, 6, stats::sd, partial = 2, align = align,
                                fill = NA),
                 tolerance = 1e-13)
  }
})

test_that("agrees with RcppRoll", {
  skip_if_not_installed("RcppRoll")
  set.seed(6)
  x <- rnorm(800)
  expect_equal(rolling_mean(x, 30), RcppRoll::roll_meanr(x, 30), tolerance = 1e-13)
  expect_equal(rolling_sum(x, 30), RcppRoll::roll_sumr(x, 30), tolerance = 1e-13)
  expect_equal(rolling_sd(x, 30), RcppRoll::roll_sdr(x, 30), tolerance = 1e-12)
  expect_equal(rolling_var(x, 30), RcppRoll::roll_varr(x, 30), tolerance = 1e-12)
  expect_identical(rolling_max(x, 30), RcppRoll::roll_maxr(x, 30))
  expect_identical(rolling_min(x, 30), RcppRoll::roll_minr(x, 30))
  expect_identical(rolling_median(x, 31), RcppRoll::roll_medianr(x, 31))
})

test_that("sums of a level of 1e9 plus noise are the correctly rounded exact sums", {
  # Values in [2^29, 2^30) are multiples of 2^-23: v = x * 2^23 is an integer
  # below 2^53, split exactly as a * 2^26 + b. Cumulative sums of a and b
  # are exact integers, so are the window sums A and B, and one rounding of
  # A * 2^26 + B (then an exact scaling) is the correctly rounded window sum.
  # (Base R's sum() is not always correctly rounded here: its long double
  # accumulation is off by an ulp in some windows of width 1e4.)
  set.seed(23)
  n <- 1e5
  x <- 1e9 + rnorm(n)
  expect_true(all(x >= 2^29 & x < 2^30))
  v <- x * 2^23
  a <- floor(v / 2^26)
  b <- v - a * 2^26
  cum_a <- c(0, cumsum(a))
  cum_b <- c(0, cumsum(b))
  for (width in c(100L, 5000L)) {
    ends <- width:n
    big <- cum_a[ends + 1] - cum_a[ends - width + 1]
    small <- cum_b[ends + 1] - cum_b[ends - width + 1]
    exact <- (big * 2^26 + small) / 2^23
    res <- at_thread_counts(rolling_sum(x, width))
    expect_identical(res[[1]][ends], exact, label = paste("width", width))
    expect_identical(res[[2]], res[[1]])
  }
})
