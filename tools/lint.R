# Mechanical checks of the C discipline:
# 1. every `#pragma omp parallel` takes num_threads(lagrs_nthreads(...));
# 2. no R API call inside the statement or block that follows such a pragma;
# 3. nobody calls omp_set_num_threads().
files <- list.files("src", pattern = "\\.c$", full.names = TRUE)
problems <- character()
r_api <- paste0("\\b(Rf_[A-Za-z_]+|R_CheckUserInterrupt|allocVector|allocMatrix|",
                "PROTECT|UNPROTECT|REAL|INTEGER|LOGICAL|VECTOR_ELT|SET_VECTOR_ELT|",
                "STRING_ELT|SET_STRING_ELT|mkChar[A-Za-z]*|error|warning|Rprintf|",
                "REprintf|R_alloc|Calloc|Free|R_Calloc|R_Free|getAttrib|setAttrib|",
                "ScalarReal|ScalarInteger|ScalarLogical|coerceVector|duplicate|",
                "length|xlength|LENGTH|XLENGTH)\\s*\\(")
strip_comments <- function(text) {
  text <- gsub("(?s)/\\*.*?\\*/", " ", text, perl = TRUE)
  gsub("//[^\n]*", "", text)
}
for (f in files) {
  raw <- paste(readLines(f, warn = FALSE), collapse = "\n")
  text <- strip_comments(raw)
  if (grepl("omp_set_num_threads\\s*\\(", text))
    problems <- c(problems, paste0(f, ": calls omp_set_num_threads()"))
  lines <- strsplit(text, "\n")[[1]]
  starts <- grep("#\\s*pragma\\s+omp\\s+parallel", lines)
  for (i in starts) {
    pragma <- lines[i]
    j <- i
    while (grepl("\\\\\\s*$", lines[j])) { j <- j + 1L; pragma <- paste(pragma, lines[j]) }
    if (!grepl("num_threads\\s*\\(\\s*(lagrs_nthreads\\s*\\(|n_threads\\b|nthreads\\b)", pragma))
      problems <- c(problems, sprintf("%s:%d: omp parallel without num_threads(lagrs_nthreads(...))", f, i))
    # The region: the next statement, or the brace-matched block that follows.
    rest <- paste(lines[(j + 1L):length(lines)], collapse = "\n")
    chars <- strsplit(rest, "")[[1]]
    depth <- 0L; end <- length(chars); seen_brace <- FALSE
    for (k in seq_along(chars)) {
      ch <- chars[k]
      if (ch == "{") { depth <- depth + 1L; seen_brace <- TRUE }
      else if (ch == "}") { depth <- depth - 1L; if (depth == 0L && seen_brace) { end <- k; break } }
      else if (ch == ";" && !seen_brace && depth == 0L) {
        # a `for (...)` header holds semicolons; only stop at a statement end
        # that is outside parentheses
        before <- paste(chars[1:k], collapse = "")
        if (lengths(regmatches(before, gregexpr("\\(", before))) ==
            lengths(regmatches(before, gregexpr("\\)", before)))) { end <- k; break }
      }
    }
    region <- paste(chars[seq_len(end)], collapse = "")
    hits <- regmatches(region, gregexpr(r_api, region, perl = TRUE))[[1]]
    if (length(hits))
      problems <- c(problems, sprintf("%s:%d: R API inside an OpenMP region: %s", f, i,
                                      paste(unique(trimws(sub("\\($", "", hits))), collapse = ", ")))
  }
}
if (length(problems)) {
  cat("lint found problems:\n", paste0("  ", problems, "\n"), sep = "")
  quit(status = 1L)
}
cat(sprintf("lint: %d C files, every OpenMP region takes the thread getter and calls no R API.\n",
            length(files)))

# Two files of R/ defining the same top-level name: the one collated last
# silently wins, so one feature breaks another.
r_defs <- do.call(rbind, lapply(list.files("R", pattern = "\\.R$", full.names = TRUE), function(f) {
  exprs <- parse(f, keep.source = FALSE)
  names <- vapply(exprs, function(e) {
    if (is.call(e) && as.character(e[[1L]]) %in% c("<-", "=") && is.name(e[[2L]]))
      as.character(e[[2L]]) else NA_character_
  }, "")
  names <- names[!is.na(names)]
  if (length(names)) data.frame(file = f, name = names) else NULL
}))
dups <- r_defs[r_defs$name %in% r_defs$name[duplicated(r_defs$name)], ]
if (nrow(dups)) {
  cat("lint: R objects defined more than once:\n")
  for (nm in unique(dups$name)) cat("  ", nm, ": ", paste(dups$file[dups$name == nm], collapse = ", "), "\n", sep = "")
  quit(status = 1L)
}
cat(sprintf("lint: %d top-level R definitions, none defined twice.\n", nrow(r_defs)))
