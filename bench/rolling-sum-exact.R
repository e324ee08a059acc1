# How close rolling sums come to the exact window sums, on a level of 1e9
# plus noise (1e7 points), against an exact reference; and how close base
# R's sum() comes, on a sample of windows.
#
#   Rscript bench/rolling-sum-exact.R
#
# The exact reference: every value 1e9 + rnorm() lies in [2^29, 2^30), so it
# is a multiple of 2^-23 and v = x * 2^23 is an integer below 2^53. Split
# v = a * 2^26 + b (a < 2^27, b < 2^26): the cumulative sums of a and of b
# are integers below 2^53, exact in doubles, and so are the window sums A
# and B. The exact window sum is (A * 2^26 + B) / 2^23, and the one rounding
# of A * 2^26 + B gives the correctly rounded window sum. The error of a
# double s in units of the exact sum's ulp is exact too: s * 2^23 and
# A * 2^26 lie within a factor 2 of each other, so their difference is exact
# (Sterbenz), and so is subtracting B from it.
suppressPackageStartupMessages(library(lagrs))
lagrs_threads(2)
set.seed(42)
n <- 1e7
x <- 1e9 + rnorm(n)
stopifnot(all(x >= 2^29 & x < 2^30))
v <- x * 2^23
a <- floor(v / 2^26)
b <- v - a * 2^26
stopifnot(all(v == round(v)), all(b >= 0 & b < 2^26))
cum_a <- c(0, cumsum(a))
cum_b <- c(0, cumsum(b))

# window sums of width `width` ending at each of `ends` (1-based)
exact_parts <- function(ends, width) {
  list(A = cum_a[ends + 1] - cum_a[ends - width + 1],
       B = cum_b[ends + 1] - cum_b[ends - width + 1])
}
correctly_rounded <- function(p) (p$A * 2^26 + p$B) / 2^23
ulp <- function(y) 2^(floor(log2(abs(y))) - 52)
# (s - exact sum) in ulps of the exact sum
ulp_error <- function(s, p, exact) ((s * 2^23 - p$A * 2^26) - p$B) / 2^23 / ulp(exact)

cat(sprintf("n = %.0e points of 1e9 + rnorm(); lagrs %s, %d threads; R %s\n\n", n,
            packageVersion("lagrs"), lagrs_threads(), getRversion()))
cat(sprintf("%-6s %-34s %9s %18s %16s\n", "width", "method", "windows",
            "correctly rounded", "max |err| (ulp)"))
sample_size <- 2000L
for (width in c(100L, 10000L)) {
  ends <- width:n
  p <- exact_parts(ends, width)
  exact <- correctly_rounded(p)
  got <- rolling_sum(x, width)[ends]
  err <- ulp_error(got, p, exact)
  stopifnot(all(is.finite(err)))
  cat(sprintf("%-6d %-34s %9d %9d (%5.1f%%) %16.3f\n", width, "lagrs::rolling_sum, every window",
              length(ends), sum(got == exact), 100 * mean(got == exact), max(abs(err))))
  at <- sort(sample(ends, sample_size))
  pa <- exact_parts(at, width)
  exact_at <- correctly_rounded(pa)
  r_sum <- vapply(at, function(i) sum(x[(i - width + 1L):i]), 0)
  r_err <- ulp_error(r_sum, pa, exact_at)
  cat(sprintf("%-6d %-34s %9d %9d (%5.1f%%) %16.3f\n", width, "base::sum, sampled windows",
              length(at), sum(r_sum == exact_at), 100 * mean(r_sum == exact_at),
              max(abs(r_err))))
  # the issue's bound, against base R, on the same sample: 1e-13 of the
  # window's largest magnitude (var: of its largest squared deviation)
  got_at <- list(sum = rolling_sum(x, width)[at], mean = rolling_mean(x, width)[at],
                 var = rolling_var(x, width)[at], sd = rolling_sd(x, width)[at])
  worst <- c(sum = 0, mean = 0, var = 0, sd = 0)
  over <- c(sum = 0L, mean = 0L, var = 0L, sd = 0L)
  for (k in seq_along(at)) {
    w <- x[(at[k] - width + 1L):at[k]]
    top <- max(abs(w))
    mu <- mean(w)
    sq <- max((w - mu)^2)
    vr <- var(w)
    e <- c(sum = abs(got_at$sum[k] - r_sum[k]) / top,
           mean = abs(got_at$mean[k] - mu) / top,
           var = abs(got_at$var[k] - vr) / sq,
           sd = abs(got_at$sd[k] - sqrt(vr)) / sqrt(sq))
    worst <- pmax(worst, e)
    over <- over + (e > 1e-13)
  }
  for (s in names(worst)) {
    cat(sprintf("%-6d   vs base R %-24s %9d windows over 1e-13; largest %.2e\n", width,
                paste0(s, "()"), over[[s]], worst[[s]]))
  }
}
cat("\n(err: the rounded result minus the exact window sum, in ulps of the exact\n",
    " sum; a correctly rounded sum has |err| <= 0.5. The 1e-13 rows compare with\n",
    " base R's own result, not the exact one.)\n", sep = "")
