# Runs the testthat suite against the installed lagrs and ends with the line
# "N passed, N failed" (errors count as failed). Exits non-zero on any failure.
suppressPackageStartupMessages({
  library(testthat)
  library(lagrs)
})
results <- testthat::test_dir("tests/testthat", package = "lagrs",
                              load_package = "installed",
                              reporter = testthat::ProgressReporter$new(show_praise = FALSE),
                              stop_on_failure = FALSE)
counts <- c(passed = 0L, failed = 0L, skipped = 0L)
for (test in results) {
  for (expectation in test$results) {
    kind <- if (inherits(expectation, "expectation_success")) "passed" else
      if (inherits(expectation, c("expectation_failure", "expectation_error"))) "failed" else
      if (inherits(expectation, "expectation_skip")) "skipped" else NA_character_
    if (!is.na(kind)) counts[[kind]] <- counts[[kind]] + 1L
  }
}
cat(sprintf("%d passed, %d failed, %d skipped\n",
            counts[["passed"]], counts[["failed"]], counts[["skipped"]]))
quit(status = if (counts[["failed"]] > 0L) 1L else 0L)
