# Features for machine-learning forecasters on a long SKU table, against the
# data.table idiom.
#
#   OMP_WAIT_POLICY=passive Rscript bench/features.R      (100,000 SKUs x 100 rows)
#   OMP_WAIT_POLICY=passive LAGRS_BENCH_SKUS=10000 Rscript bench/features.R   (a tenth)
#
# OMP_WAIT_POLICY=passive: on a machine shared with other work, data.table's
# by = idiom on 2 threads starts tens of OpenMP teams per SKU (shift() and
# frollmean() each), and with the default (spinning) wait policy each
# start waits for a descheduled thread: 200,000 rows took 15 s instead of
# 0.7 s on 2 busy cores. The passive policy is data.table's best case here;
# lagrs starts one team per batch of 8,192 SKUs and barely notices.
#
# The table has one row per SKU and day, shuffled. The features: lags 1..7
# and rolling means of widths 7 and 28 within each SKU, in time order. Both
# run on 2 threads.
#   lagrs:      features(tbl, lag = 1:7, mean = c(7, 28), id, time, value)
#               (groups, sorts by time and aligns to the rows itself; the
#               table is not touched)
#   data.table: setorder(dt, sku, day), then
#               dt[, c(paste0("lag", 1:7), "ma7", "ma28") :=
#                    c(shift(x, 1:7), frollmean(x, c(7, 28))), by = sku]
#               (the idiom needs the rows in time order within each SKU;
#               on a shuffled table it has to sort them first)
# A second case gives both the table already sorted, where the idiom needs
# no setorder().
#
# Times are medians of 3 runs, each after a gc(); ratios are data.table /
# lagrs (above 1: lagrs is faster). Memory is what R allocates during the
# call, as bench::bench_memory() counts it (Rprofmem: every R vector; the
# C code allocates nothing else but per-thread workspaces, which R_alloc()
# makes R vectors too), against the size of the output (9 columns of
# doubles). data.table's figure counts its grouping and the columns it adds.
source(file.path("bench", "common.R"))
suppressPackageStartupMessages({
  library(lagrs)
  library(data.table)
})
threads <- 2L
lagrs_threads(threads)
setDTthreads(threads)
n_skus <- as.integer(Sys.getenv("LAGRS_BENCH_SKUS", "100000"))
n_days <- 100L
cat(sprintf("lagrs %s, data.table %s, %d threads; %d SKUs x %d days = %s rows; %s\n",
            packageVersion("lagrs"), packageVersion("data.table"), threads, n_skus, n_days,
            format(n_skus * n_days, big.mark = ","), format(Sys.time())))
cat("load:", system("uptime", intern = TRUE), "\n")
cat("OMP_WAIT_POLICY:", Sys.getenv("OMP_WAIT_POLICY", "(unset)"), "\n")

set.seed(1)
n <- n_skus * n_days
sorted <- data.frame(sku = rep(seq_len(n_skus), each = n_days),
                     day = rep(seq_len(n_days), n_skus),
                     x = round(rexp(n, 1 / 20)))
shuffled <- sorted[sample.int(n), ]
rownames(shuffled) <- NULL
output_bytes <- 9 * 8 * n

lagrs_features <- function(tbl) {
  features(tbl, lag = 1:7, mean = c(7, 28), id = "sku", time = "day", value = "x")
}
dt_features <- function(dt, sort) {
  if (sort) setorder(dt, sku, day)
  dt[, c(paste0("lag", 1:7), "ma7", "ma28") := c(shift(x, 1:7), frollmean(x, c(7, 28))),
     by = sku]
  invisible(dt)
}

# data.table's := changes its table, so each run gets a fresh copy, made
# outside the timing.
time_dt <- function(tbl, sort, times = 3L) {
  stats::median(vapply(seq_len(times), function(i) {
    dt <- as.data.table(tbl)
    gc(FALSE)
    t <- system.time(dt_features(dt, sort))[["elapsed"]]
    rm(dt)
    t
  }, 0))
}
memory_dt <- function(tbl, sort) {
  dt <- as.data.table(tbl)
  sum(bench::bench_memory(dt_features(dt, sort))$mem_alloc)
}

# One check that both give the same features.
check <- function() {
  mine <- lagrs_features(shuffled)
  dt <- as.data.table(shuffled)[, row := .I]
  dt_features(dt, sort = TRUE)
  setorder(dt, row)
  theirs <- as.data.frame(dt)[, c(paste0("lag", 1:7), "ma7", "ma28")]
  max(abs(as.matrix(mine) - as.matrix(theirs)), na.rm = TRUE) < 1e-9 &&
    identical(unname(is.na(as.matrix(mine))), unname(is.na(as.matrix(theirs))))
}
cat("lagrs and data.table agree:", check(), "\n")

rows <- list()
for (case in c("shuffled", "sorted")) {
  tbl <- get(case)
  lagrs_features(tbl)   # untimed warm-up
  t_lagrs <- median_time(lagrs_features(tbl))
  m_lagrs <- sum(bench::bench_memory(lagrs_features(tbl))$mem_alloc)
  t_dt <- time_dt(tbl, sort = case == "shuffled")
  m_dt <- memory_dt(tbl, sort = case == "shuffled")
  rows[[case]] <- data.frame(
    input = case, rows = n, lagrs_s = t_lagrs, data.table_s = t_dt,
    ratio = t_dt / t_lagrs,
    lagrs_alloc_MB = as.double(m_lagrs) / 2^20,
    lagrs_alloc_over_output = as.double(m_lagrs) / output_bytes,
    data.table_alloc_MB = as.double(m_dt) / 2^20)
}
table <- do.call(rbind, rows)
rownames(table) <- NULL
print(format(table, digits = 3))
cat("output:", format(output_bytes / 2^20, digits = 4), "MB (9 columns of", n, "doubles)\n")
cat("load:", system("uptime", intern = TRUE), "\n")
if (n_skus == 100000L) save_bench_results(table, "features", threads)
