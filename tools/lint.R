# Mechanical checks of the C discipline:
# 1. every `#pragma omp parallel` takes num_threads(lagrs_nthreads(...));
# 2. no R API call inside the statement or block that follows such a pragma;
# 3. nobody calls omp_set_num_threads();
# 4. no R API call in any function defined in src/ that a parallel region
#    calls, directly or through other such functions;
# 5. no header but lagrs.h and the entry points' *R.h includes an R header;
# 6. no C function longer than 200 lines;
# 7. every routine init.c registers is defined in a *R.c file;
# and of the R code:
# 8. no top-level R name is defined twice;
# 9. no status, notes or code is compared with an integer literal (C owns
#    the codes: lagrs_codes()).
# Every check runs; the run fails at the end if any found a problem.
files <- list.files("src", pattern = "\\.c$", full.names = TRUE)
headers <- list.files("src", pattern = "\\.h$", full.names = TRUE)
failed <- FALSE
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
# Each with its file and the lines it spans (signature to closing brace).
# The headers' static inline functions count too.
line_of <- function(text, at) lengths(regmatches(substr(text, 1L, at), gregexpr("\n", substr(text, 1L, at)))) + 1L
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
      body <- brace_block(text, open_at)
      first <- line_of(text, m[k])
      last <- line_of(text, open_at) + lengths(regmatches(body, gregexpr("\n", body)))
      bodies[[name]] <- list(file = f, body = body, first = first, last = last)
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
bodies <- function_bodies(c(files, headers))
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
report <- function(problems, what, ok) {
  if (length(problems)) {
    cat("lint: ", what, ":\n", paste0("  ", problems, "\n"), sep = "")
    failed <<- TRUE
  } else {
    cat("lint: ", ok, "\n", sep = "")
  }
}
report(problems, "OpenMP discipline", sprintf(paste0(
  "%d C files, %d OpenMP regions: every one takes the thread getter and ",
  "calls no R API, nor do the %d functions they reach (%d functions parsed)."),
  length(files), n_regions, n_reached, length(bodies)))

# 5. Kernel headers are plain C (lagrs_c.h): only lagrs.h and the entry
# points' headers (*R.h) may bring in R's API.
r_header <- "^\\s*#\\s*include\\s*[<\"](R\\.h|Rinternals\\.h|Rmath\\.h|Rdefines\\.h|R_ext/[^>\"]+|lagrs\\.h)[>\"]"
problems <- character()
plain_headers <- headers[!grepl("(^lagrs\\.h|R\\.h)$", basename(headers))]
for (f in plain_headers) {
  lines <- readLines(f, warn = FALSE)
  for (i in grep(r_header, lines, perl = TRUE))
    problems <- c(problems, sprintf("%s:%d: %s (a kernel header includes lagrs_c.h, no R header)",
                                    f, i, trimws(lines[i])))
}
report(problems, "R headers in kernel headers",
       sprintf("%d kernel headers, none includes an R header.", length(plain_headers)))

# 6. Function length.
max_lines <- 200L
spans <- do.call(rbind, lapply(names(bodies), function(nm) {
  b <- bodies[[nm]]
  data.frame(name = nm, file = b$file, first = b$first, n = b$last - b$first + 1L)
}))
spans <- spans[order(-spans$n), ]
longest <- head(spans, 3L)
longest_text <- paste(sprintf("%s() %d", longest$name, longest$n), collapse = ", ")
long <- spans[spans$n > max_lines, ]
report(sprintf("%s:%d: %s() is %d lines", long$file, long$first, long$name, long$n),
       sprintf("C functions longer than %d lines (longest: %s)", max_lines, longest_text),
       sprintf("no C function is longer than %d lines (longest: %s).", max_lines, longest_text))

# 7. Entry points live in *R.c files, beside their kernels' files.
init_lines <- readLines("src/init.c", warn = FALSE)
problems <- character()
registered <- 0L
for (i in grep("^\\s*CALLDEF\\s*\\(", init_lines)) {
  name <- sub(".*CALLDEF\\s*\\(\\s*([A-Za-z_][A-Za-z0-9_]*).*", "\\1", init_lines[i])
  registered <- registered + 1L
  def <- bodies[[name]]
  if (is.null(def))
    problems <- c(problems, sprintf("src/init.c:%d: %s() is registered but not defined in src/", i, name))
  else if (!grepl("R\\.c$", def$file))
    problems <- c(problems, sprintf("%s:%d: %s() is registered in init.c: it belongs in a *R.c file",
                                    def$file, def$first, name))
}
report(problems, "entry points outside the *R.c files",
       sprintf("the %d routines init.c registers are all defined in *R.c files.", registered))

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
report(vapply(unique(dups$name), function(nm)
  paste0(nm, ": ", paste(dups$file[dups$name == nm], collapse = ", ")), ""),
  "R objects defined more than once",
  sprintf("%d top-level R definitions, none defined twice.", nrow(r_defs)))

# 9. Status codes, warning bits and other codes shared with C are read from
# lagrs_codes(), never written as numbers: these are the shapes a literal
# takes (a comparison, a bit test, a switch on the code's digits, a
# top-level constant).
code_name <- "[A-Za-z0-9_.$]*(status|notes?|code)[A-Za-z0-9_.]*(\\[\\[[^]]*\\]\\]|\\$[A-Za-z0-9_.]+)?"
code_shapes <- c(
  comparison = paste0("\\b", code_name, "\\s*(==|!=|<=|>=|<|>)\\s*-?[0-9]"),
  comparison = paste0("(^|[^A-Za-z0-9_.])-?[0-9]+L?\\s*(==|!=|<=|>=|<|>)\\s*", code_name),
  membership = paste0("\\b", code_name, "\\s*%in%\\s*c?\\(?\\s*-?[0-9]"),
  identical = paste0("identical\\(\\s*", code_name, "\\s*,\\s*-?[0-9]"),
  `bit test` = "bitwAnd\\s*\\(([^()]|\\([^()]*\\))*,\\s*-?[0-9]+L?\\s*\\)",
  `bit test` = "bitwAnd\\s*\\(\\s*-?[0-9]+L?\\s*,",
  `switch on digits` = "switch\\s*\\(\\s*as\\.character\\s*\\(",
  `switch on digits` = "^\\s*[\"`'][0-9]+[\"`']\\s*=[^=]",
  `constant` = "^[A-Za-z0-9_.]*(status|notes?|codes?)[A-Za-z0-9_.]*\\s*(<-|=)\\s*(c\\(|as\\.integer\\()?[^#]*\\b[0-9]+L?\\b"
)
problems <- character()
for (f in list.files("R", pattern = "\\.R$", full.names = TRUE)) {
  lines <- readLines(f, warn = FALSE)
  # comments aside (a # inside a string is rare enough in these files)
  code <- sub("#.*$", "", lines)
  for (k in seq_along(code_shapes)) {
    for (i in grep(code_shapes[[k]], code, perl = TRUE))
      problems <- c(problems, sprintf("%s:%d: a code as an integer literal (%s): %s", f, i,
                                      names(code_shapes)[k], trimws(lines[i])))
  }
}
problems <- unique(problems)
at <- regmatches(problems, regexpr("^[^:]+:[0-9]+", problems))
problems <- problems[order(sub(":.*", "", at), as.integer(sub(".*:", "", at)))]
report(problems, "codes shared with C written as literals in R (use lagrs_codes())",
       "no code shared with C is written as a literal in R/.")

if (failed) quit(status = 1L)

