# Mechanical checks of the C discipline:
# 1. every `#pragma omp parallel` takes num_threads(lagrs_nthreads(...));
# 2. no R API call inside the statement or block that follows such a pragma;
# 3. nobody calls omp_set_num_threads();
# 4. no R API call in any function defined in src/ that a parallel region
#    calls, directly or through other such functions.
files <- list.files("src", pattern = "\\.c$", full.names = TRUE)
problems <- character()
r_api <- paste0("\\b(Rf_[A-Za-z_]+|R_CheckUserInterrupt|allocVector|allocMatrix|",
                "PROTECT|UNPROTECT|REAL|INTEGER|LOGICAL|VECTOR_ELT|SET_VECTOR_ELT|",
                "STRING_ELT|SET_STRING_ELT|mkChar[A-Za-z]*|error|warning|Rprintf|",
                "REprintf|R_alloc|Calloc|Free|R_Calloc|R_Free|getAttrib|setAttrib|",
                "ScalarReal|ScalarInteger|ScalarLogical|coerceVector|duplicate|",
                "length|xlength|LENGTH|XLENGTH)\\s*\\(")
strip_comments <- function(text) {
  # block comments become blanks, keeping their newlines so that line
  # numbers in the reports stay right
  m <- gregexpr("(?s)/\\*.*?\\*/", text, perl = TRUE)
  regmatches(text, m) <- lapply(regmatches(text, m), function(x) gsub("[^\n]", " ", x))
  text <- gsub("//[^\n]*", "", text)
  # string and character literals: their braces and words are not code
  text <- gsub('"(?:[^"\\\\\n]|\\\\.)*"', '""', text, perl = TRUE)
  gsub("'(?:[^'\\\\\n]|\\\\.)*'", "''", text, perl = TRUE)
}

# The body (from its opening brace to the matching one) of every function
# defined in the C files, by name, so that the functions a parallel region
# calls can be checked too.
brace_block <- function(text, open_at) {
  chars <- strsplit(substring(text, open_at), "")[[1]]
  depth <- 0L
  for (k in seq_along(chars)) {
    if (chars[k] == "{") depth <- depth + 1L
    else if (chars[k] == "}") { depth <- depth - 1L; if (depth == 0L) break }
  }
  paste(chars[seq_len(k)], collapse = "")
}
function_def <- "(?m)^[A-Za-z_][A-Za-z0-9_ \\t\\*]*?\\b([A-Za-z_][A-Za-z0-9_]*)\\s*\\(([^;{}()]|\\([^()]*\\))*\\)\\s*\\{"
function_bodies <- function(files) {
  bodies <- list()
  for (f in files) {
    text <- strip_comments(paste(readLines(f, warn = FALSE), collapse = "\n"))
    m <- gregexpr(function_def, text, perl = TRUE)[[1]]
    if (m[1] < 0) next
    starts <- attr(m, "capture.start")[, 1]
    lens <- attr(m, "capture.length")[, 1]
    for (k in seq_along(m)) {
      name <- substr(text, starts[k], starts[k] + lens[k] - 1L)
      if (name %in% c("if", "for", "while", "switch", "return", "sizeof")) next
      open_at <- m[k] + attr(m, "match.length")[k] - 1L
      bodies[[name]] <- list(file = f, body = brace_block(text, open_at))
    }
  }
  bodies
}
called_names <- function(code) {
  hits <- regmatches(code, gregexpr("\\b[A-Za-z_][A-Za-z0-9_]*\\s*\\(", code, perl = TRUE))[[1]]
  unique(trimws(sub("\\($", "", hits)))
}
# R API tokens in the functions reachable from `code` through calls to
# functions defined in src/, as "function: tokens" strings.
reachable_r_api <- function(code, bodies, r_api) {
  seen <- character(); queue <- intersect(called_names(code), names(bodies)); found <- character()
  while (length(queue)) {
    name <- queue[1L]; queue <- queue[-1L]
    if (name %in% seen) next
    seen <- c(seen, name)
    body <- bodies[[name]]$body
    hits <- regmatches(body, gregexpr(r_api, body, perl = TRUE))[[1]]
    if (length(hits))
      found <- c(found, sprintf("%s() in %s: %s", name, basename(bodies[[name]]$file),
                                paste(unique(trimws(sub("\\($", "", hits))), collapse = ", ")))
    queue <- c(queue, setdiff(intersect(called_names(body), names(bodies)), seen))
  }
  list(found = found, n_functions = length(seen))
}
bodies <- function_bodies(files)
n_regions <- 0L
n_reached <- 0L
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
    # 4. the same for every function the region calls, transitively. A
    # region that calls through a function pointer (a batch driver's task)
    # reaches the functions passed to its enclosing function by its callers.
    offset <- sum(nchar(lines[seq_len(i - 1L)]) + 1L)
    defs <- gregexpr(function_def, text, perl = TRUE)[[1]]
    enclosing <- NULL
    if (defs[1] > 0) {
      k <- max(c(0L, which(defs < offset)))
      if (k > 0L) {
        cs <- attr(defs, "capture.start")[k, 1]
        enclosing <- substr(text, cs, cs + attr(defs, "capture.length")[k, 1] - 1L)
      }
    }
    passed <- character()
    if (!is.null(enclosing)) {
      for (g in files) {
        gtext <- strip_comments(paste(readLines(g, warn = FALSE), collapse = "\n"))
        calls <- regmatches(gtext, gregexpr(paste0("\\b", enclosing, "\\s*\\([^;]*\\)\\s*;"),
                                            gtext, perl = TRUE))[[1]]
        ids <- unlist(regmatches(calls, gregexpr("\\b[A-Za-z_][A-Za-z0-9_]*\\b", calls, perl = TRUE)))
        passed <- c(passed, intersect(setdiff(ids, enclosing), names(bodies)))
      }
    }
    reach <- reachable_r_api(paste(region, paste0(unique(passed), "()", collapse = " ")),
                             bodies, r_api)
    n_regions <- n_regions + 1L
    n_reached <- n_reached + reach$n_functions
    if (length(reach$found))
      problems <- c(problems, sprintf("%s:%d: an OpenMP region reaches R API through %s", f, i,
                                      reach$found))
  }
}
if (length(problems)) {
  cat("lint found problems:\n", paste0("  ", problems, "\n"), sep = "")
  quit(status = 1L)
}
cat(sprintf(paste0("lint: %d C files, %d OpenMP regions: every one takes the thread getter and ",
                   "calls no R API, nor do the %d functions they reach (%d functions parsed).\n"),
            length(files), n_regions, n_reached, length(bodies)))

# Two files of R/ defining the same top-level name: the one collated last
# silently wins, so one feature breaks another.
r_defs <- do.call(rbind, lapply(list.files("R", pattern = "\\.R$", full.names = TRUE), function(f) {
  exprs <- parse(f, keep.source = FALSE)
  names <- vapply(exprs, function(e) {
    if (is.call(e) && (identical(e[[1L]], as.name("<-")) || identical(e[[1L]], as.name("="))) &&
        is.name(e[[2L]]))
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

