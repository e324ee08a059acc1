# Small argument checkers shared by every exported function. Each error names
# the argument and says what was expected and what was given.

describe_value <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.factor(x)) return("a factor")
  if (is.data.frame(x)) return("a data frame")
  if (is.list(x)) return("a list")
  if (length(x) == 0L) return(paste0("an empty ", typeof(x), " vector"))
  if (length(x) > 1L) return(paste0("a ", typeof(x), " vector of length ", length(x)))
  if (is.character(x)) return(paste0("the string \"", x, "\""))
  if (is.numeric(x) || is.logical(x)) return(format(x))
  paste0("an object of type ", typeof(x))
}

check_flag <- function(x, arg) {
  if (!is.logical(x) || length(x) != 1L || is.na(x)) {
    stop("`", arg, "` must be TRUE or FALSE, not ", describe_value(x), ".",
         call. = FALSE)
  }
  invisible(x)
}

# A single whole number >= `min`; returns it as an integer.
check_count <- function(x, arg, min = 1L) {
  ok <- is.numeric(x) && !is.factor(x) && length(x) == 1L && !is.na(x) &&
    is.finite(x) && x == trunc(x) && x >= min && x <= .Machine$integer.max
  if (!ok) {
    what <- if (min == 1L) "a single positive whole number" else
      paste0("a single whole number >= ", min)
    stop("`", arg, "` must be ", what, ", not ", describe_value(x), ".",
         call. = FALSE)
  }
  as.integer(x)
}

# One of `choices`; all of them (the argument's default) means the first.
check_choice <- function(x, arg, choices) {
  if (identical(x, choices)) return(choices[1L])
  if (!is.character(x) || length(x) != 1L || is.na(x) || !x %in% choices) {
    stop("`", arg, "` must be one of ", paste0("\"", choices, "\"", collapse = ", "),
         ", not ", describe_value(x), ".", call. = FALSE)
  }
  x
}
