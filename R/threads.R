#' Number of threads used by lagrs
#'
#' `lagrs_threads()` returns the number of threads that lagrs's parallel
#' routines use. `lagrs_threads(n)` sets it for the rest of the session and
#' invisibly returns the previous value.
#'
#' The default is every processor (`omp_get_num_procs()`, capped by
#' `OMP_NUM_THREADS` through `omp_get_max_threads()`), or the value of the
#' `LAGRS_NUM_THREADS` environment variable when it is a positive integer.
#' Whatever the source, the count never exceeds `OMP_THREAD_LIMIT`. Inside a
#' forked child (for example under [parallel::mclapply()]) lagrs runs on one
#' thread, so nested parallelism neither oversubscribes the machine nor
#' deadlocks. Small inputs run on one thread whatever the setting.
#'
#' Results do not depend on the thread count: work is split into chunks whose
#' boundaries depend only on the data, so 1, 2 or 8 threads give identical
#' numbers.
#'
#' @param n `NULL` to query; a positive whole number to set the count; `0` to
#'   return to the default.
#' @param verbose If `TRUE`, also print what decided the count.
#' @return The current number of threads when `n` is `NULL`, otherwise the
#'   previous number, invisibly.
#' @export
#' @examples
#' lagrs_threads()
#' old <- lagrs_threads(1)
#' lagrs_threads()
#' lagrs_threads(old)
#' lagrs_threads(verbose = TRUE)
lagrs_threads <- function(n = NULL, verbose = FALSE) {
  check_flag(verbose, "verbose")
  if (!is.null(n)) {
    if (!is.numeric(n) || length(n) != 1L || is.na(n) || n < 0 ||
        n != trunc(n) || n > .Machine$integer.max) {
      stop("`n` must be NULL, 0 or a single positive whole number, not ",
           describe_value(n), ".", call. = FALSE)
    }
    old <- .Call(C_lagrs_threads_set, as.integer(n))
    if (verbose) print_thread_info()
    return(invisible(old))
  }
  if (verbose) {
    print_thread_info()
    return(invisible(.Call(C_lagrs_threads_get, FALSE)))
  }
  .Call(C_lagrs_threads_get, FALSE)
}

print_thread_info <- function() {
  info <- .Call(C_lagrs_threads_get, TRUE)
  show <- function(x) if (is.na(x)) "unset" else format(x)
  cat("lagrs threads: ", info$threads, "\n", sep = "")
  cat("  OpenMP available:      ", info$openmp, "\n", sep = "")
  cat("  lagrs_threads(n) set:  ", show(info$user_setting), "\n", sep = "")
  cat("  LAGRS_NUM_THREADS:     ", show(info$LAGRS_NUM_THREADS), "\n", sep = "")
  cat("  OMP_THREAD_LIMIT:      ", show(info$OMP_THREAD_LIMIT), "\n", sep = "")
  cat("  omp_get_thread_limit():", info$omp_get_thread_limit, "\n")
  cat("  omp_get_max_threads(): ", info$omp_get_max_threads, "\n", sep = "")
  cat("  omp_get_num_procs():   ", info$omp_get_num_procs, "\n", sep = "")
  cat("  in a forked child:     ", info$forked_child, "\n", sep = "")
  invisible(info)
}
