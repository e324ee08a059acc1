# The full-size adversarial exactness check (too slow for the test suite):
# 1e7 points of each kind of hard data, every statistic, compared with base R
# on sampled windows (all windows near chunk starts, restarts and the
# transitions between regimes, plus 20000 random ones).
#
#   Rscript bench/rolling-exactness.R
suppressPackageStartupMessages(library(lagrs))
lagrs_threads(2)
set.seed(99)
n <- 1e7
blocks <- function(n, size, big, small) {
  k <- ceiling(n / size)
  unlist(lapply(seq_len(k), function(i) if (i %% 2) big(size) else small(size)))[1:n]
}
cases <- list(
  level_1e9 = function() 1e9 + rnorm(n),
  magnitudes = function() sample(c(-1, 1), n, TRUE) * 10^runif(n, -8, 8),
  small_after_huge = function() blocks(n, 25000, function(k) 1e8 * rnorm(k),
                                       function(k) 1e-8 * rnorm(k)),
  zeros_after_huge = function() blocks(n, 25000, function(k) 1e12 * rnorm(k),
                                       function(k) rep(0, k))
)
cat(sprintf("%-17s %6s %10s %10s %10s %10s %6s\n", "data", "width", "sum", "mean",
            "var", "sd", "order"))
for (name in names(cases)) {
  x <- cases[[name]]()
  for (width in c(100L, 10000L)) {
    # chunk starts as src/rolling.c cuts them: the outputs from `width` on
    # (1-based; the first width - 1 are fill) in equal chunks
    # (lagrs_roll_answerable, lagrs_roll_chunk_length)
    m <- n - width + 1
    cap <- max(8 * width, 65536)
    k <- ceiling(m / cap)
    k <- if (k <= 8) 2^ceiling(log2(k)) else ceiling(k / 8) * 8
    chunk <- ceiling(m / k)
    starts <- seq(width + chunk, n, by = chunk)
    idx <- c(sample(width:n, 20000),
             as.vector(outer(starts, -3:3, "+")),
             as.vector(outer(seq(25000, n, by = 25000), 0:(width + 2), "+")))
    idx <- sort(unique(idx[idx >= width & idx <= n]))
    if (length(idx) > 60000) idx <- sort(sample(idx, 60000))
    got <- list(sum = rolling_sum(x, width), mean = rolling_mean(x, width),
                var = rolling_var(x, width), sd = rolling_sd(x, width))
    worst <- c(sum = 0, mean = 0, var = 0, sd = 0)
    order_ok <- TRUE
    med <- rolling_median(x, width)
    mx <- rolling_max(x, width)
    q <- rolling_quantile(x, width, prob = 0.3)
    for (i in idx) {
      w <- x[(i - width + 1L):i]
      top <- max(abs(w))
      mu <- mean(w)
      sq <- max((w - mu)^2)
      v <- var(w)
      err <- c(sum = abs(got$sum[i] - sum(w)) / top,
               mean = abs(got$mean[i] - mu) / top,
               var = abs(got$var[i] - v) / sq,
               sd = abs(got$sd[i] - sqrt(v)) / sqrt(sq))
      err[!is.finite(err)] <- 0   # windows of zeros: 0 / 0
      worst <- pmax(worst, err)
      if (i %% 7L == 0L) {
        order_ok <- order_ok && identical(med[i], median(w)) &&
          identical(mx[i], max(w)) && identical(q[i], unname(quantile(w, 0.3)))
      }
    }
    cat(sprintf("%-17s %6d %10.2e %10.2e %10.2e %10.2e %6s\n", name, width,
                worst[["sum"]], worst[["mean"]], worst[["var"]], worst[["sd"]],
                if (order_ok) "exact" else "DIFF"))
  }
}
cat("(columns: the largest error over sampled windows, relative to the window's\n",
    " largest magnitude for sum and mean, its largest squared deviation for var\n",
    " and the square root of that for sd; 'order': median, max and quantile\n",
    " identical() to base R on every 7th sampled window)\n", sep = "")
