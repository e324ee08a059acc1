# The codes R and C share come from C (src/codesR.c), once; R reads them with
# lagrs_codes() and writes none as a literal (tools/lint.R checks that).

codes <- lagrs:::lagrs_codes()

test_that("every section is a named integer vector of unique, non-NA codes", {
  expect_type(codes, "list")
  expect_true(length(codes) > 0L)
  expect_false(is.null(names(codes)))
  expect_false(anyNA(names(codes)) || any(names(codes) == "") || anyDuplicated(names(codes)) > 0L)
  for (section in names(codes)) {
    values <- codes[[section]]
    expect_type(values, "integer")
    expect_false(anyNA(values), label = section)
    expect_identical(anyDuplicated(values), 0L, label = section)
    expect_false(is.null(names(values)), label = section)
    expect_identical(anyDuplicated(names(values)), 0L, label = section)
    expect_false(any(is.na(names(values)) | names(values) == ""), label = section)
    expect_identical(lagrs:::lagrs_codes(section), values)
  }
  expect_error(lagrs:::lagrs_codes("no such section"), "no shared codes")
})

# Every lagrs_codes("section") in the package's functions, and the name
# looked up in it where that is a literal: lagrs_codes("s")[["name"]] or
# lagrs_codes("s")$name.
code_lookups <- function(ns) {
  found <- list()
  walk <- function(e) {
    if (!is.call(e)) return(invisible())
    head <- e[[1L]]
    if ((identical(head, as.name("[[")) || identical(head, as.name("$"))) &&
        is.call(e[[2L]]) && identical(e[[2L]][[1L]], as.name("lagrs_codes")) &&
        length(e[[2L]]) == 2L && is.character(e[[2L]][[2L]])) {
      key <- e[[3L]]
      literal <- is.character(key) || (identical(head, as.name("$")) && is.name(key))
      found[[length(found) + 1L]] <<- list(section = e[[2L]][[2L]],
                                           name = if (literal) as.character(key))
    } else if (identical(head, as.name("lagrs_codes")) && length(e) == 2L &&
               is.character(e[[2L]])) {
      found[[length(found) + 1L]] <<- list(section = e[[2L]], name = NULL)
    }
    for (i in seq_along(e)) {
      if (!identical(e[[i]], quote(expr = ))) walk(e[[i]])
    }
  }
  for (nm in ls(ns, all.names = TRUE)) {
    f <- get(nm, envir = ns)
    if (is.function(f) && !is.primitive(f)) {
      walk(body(f))
      defaults <- formals(f)
      for (i in seq_along(defaults)) {
        if (!identical(defaults[[i]], quote(expr = ))) walk(defaults[[i]])
      }
    }
  }
  found
}

test_that("every lookup of a shared code in the package resolves", {
  lookups <- code_lookups(asNamespace("lagrs"))
  expect_true(length(lookups) > 0L)
  for (use in lookups) {
    expect_true(use$section %in% names(codes), label = use$section)
    if (!is.null(use$name)) {
      expect_true(use$name %in% names(codes[[use$section]]),
                  label = paste0(use$section, "$", use$name))
    }
  }
})

test_that("the rolling family's statistics and alignments all have codes", {
  # the statistics the rolling_*() functions hand to rolling_apply()
  ns <- asNamespace("lagrs")
  stats <- character()
  for (nm in grep("^rolling_", ls(ns), value = TRUE)) {
    find <- function(e) {
      if (!is.call(e)) return(invisible())
      if (identical(e[[1L]], as.name("rolling_apply")) && is.character(e[[2L]]))
        stats <<- c(stats, e[[2L]])
      for (i in seq_along(e)) if (!identical(e[[i]], quote(expr = ))) find(e[[i]])
    }
    f <- get(nm, envir = ns)
    if (is.function(f)) find(body(f))
  }
  expect_setequal(stats, c("sum", "mean", "var", "sd", "min", "max", "median", "quantile"))
  expect_setequal(names(codes$rolling_stat), stats)
  expect_setequal(names(codes$rolling_align), eval(formals(rolling_mean)$align))
})
