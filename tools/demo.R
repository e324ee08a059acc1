# `make demo`: a short tour of what lagrs does so far.
library(lagrs)
cat("lagrs", format(utils::packageVersion("lagrs")), "on", lagrs_threads(), "threads\n")

# Rolling windows: one long series and many series at once.
set.seed(1)
x <- cumsum(rnorm(1e6))
cat("\nrolling_mean / rolling_sd / rolling_median over 1e6 points, width 250:\n")
print(system.time(m <- rolling_mean(x, 250)))
print(system.time(s <- rolling_sd(x, 250)))
print(system.time(md <- rolling_median(x, 250)))
print(tail(cbind(x, mean = m, sd = s, median = md), 3))
i <- 5e5
cat("same as base R on one window:",
    isTRUE(all.equal(m[i], mean(x[(i - 249):i]))),
    isTRUE(all.equal(s[i], sd(x[(i - 249):i]))),
    identical(md[i], median(x[(i - 249):i])), "\n")
many <- matrix(rnorm(2e6), ncol = 1000)
cat("rolling_max over 1000 series of 2000 points, width 50:\n")
print(system.time(rolling_max(many, 50)))
