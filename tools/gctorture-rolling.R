# gctorture entries for src/rollingR.c: every statistic, vector/matrix/list
# input, integer input (converted in C), NA and partial windows.
local({
  x <- c(3, 1, NA, 4, 1, 5, 9, 2)
  list(
    lagrs_rolling_call = function() {
      for (f in list(rolling_sum, rolling_mean, rolling_var, rolling_sd,
                     rolling_min, rolling_max, rolling_median)) {
        stopifnot(length(f(x, 3, min_obs = 1, na_rm = TRUE)) == length(x))
      }
      r <- rolling_quantile(ts(x, start = 2000), 3, prob = 0.25)
      stopifnot(stats::is.ts(r))
      m <- rolling_mean(matrix(as.double(1:12), 4, dimnames = list(NULL, c("a", "b", "c"))), 2)
      stopifnot(identical(colnames(m), c("a", "b", "c")), m[2, 1] == 1.5)
      l <- rolling_max(list(a = 1:5, b = c(2, 7, 1)), 2, align = "center")
      stopifnot(identical(l$b, c(7, 7, NA)))
    }
  )
})
