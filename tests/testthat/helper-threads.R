# Runs `code` once at each thread count and returns the results in a list,
# so that a test can check they are identical and correct at each count.
at_thread_counts <- function(code, counts = c(1L, 2L)) {
  code <- substitute(code)
  env <- parent.frame()
  lapply(counts, function(n) {
    old <- lagrs_threads(n)
    on.exit(lagrs_threads(old))
    eval(code, env)
  })
}

# OpenMP's own limit as lagrs reports it.
omp_limit <- function() {
  info <- utils::capture.output(lagrs_threads(verbose = TRUE))
  line <- grep("omp_get_thread_limit", info, value = TRUE)
  as.integer(sub(".*: *", "", line))
}
