# The codes and rules that R and C share are defined once, in C
# (src/codesR.c gathers them from the headers); R reads them here, once per
# session, and never writes one as a literal.
codes_cache <- new.env(parent = emptyenv())

lagrs_codes <- function(section = NULL) {
  if (is.null(codes_cache$all)) codes_cache$all <- .Call(C_lagrs_codes_call)
  if (is.null(section)) return(codes_cache$all)
  out <- codes_cache$all[[section]]
  if (is.null(out)) stop("internal error: no shared codes named \"", section, "\"", call. = FALSE)
  out
}
