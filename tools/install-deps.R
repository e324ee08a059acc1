# Installs the R packages that lagrs needs to build, test and run its demo:
# DESCRIPTION's Imports and Suggests plus the build tools. Debian's prebuilt
# r-cran-* packages are preferred when apt-get can be used; whatever they do
# not cover comes from CRAN through install.packages() and the machine's
# configured repository. Also installs pandoc (vignettes) and qpdf (checks).
#
# With --bench it also installs what the bench/ scripts compare against
# outside R: Python's statsmodels (bench/batch.R), from Debian's
# python3-statsmodels for /usr/bin/python3 when no python3 has it yet
# (`make bench-deps`). Nothing else in the project needs Python.
#
# Usage: Rscript tools/install-deps.R [--bench]

args <- commandArgs(trailingOnly = TRUE)
want_bench <- "--bench" %in% args

desc <- read.dcf("DESCRIPTION")
field_packages <- function(field) {
  if (!field %in% colnames(desc)) return(character())
  entries <- trimws(strsplit(desc[1, field], ",")[[1]])
  entries <- sub("\\s*\\(.*$", "", entries)
  setdiff(entries[nzchar(entries)], c("R", rownames(installed.packages(priority = "base"))))
}
wanted <- unique(c(field_packages("Depends"), field_packages("Imports"),
                   field_packages("LinkingTo"), field_packages("Suggests"),
                   "roxygen2", "pkgbuild"))
missing_packages <- function() setdiff(wanted, rownames(installed.packages()))

can_apt <- nzchar(Sys.which("apt-get")) &&
  identical(unname(Sys.info()[["effective_user"]]), "root")
apt_updated <- FALSE
apt_install <- function(debs) {
  if (!can_apt || length(debs) == 0L) return(invisible(FALSE))
  if (!apt_updated) {
    system2("apt-get", c("update", "-qq"))
    apt_updated <<- TRUE
  }
  status <- system2("apt-get", c("install", "-y", "-q", "--no-install-recommends", debs),
                    env = "DEBIAN_FRONTEND=noninteractive")
  invisible(status == 0L)
}
apt_available <- function(deb) {
  out <- suppressWarnings(system2("apt-cache", c("policy", deb), stdout = TRUE, stderr = FALSE))
  any(grepl("Candidate: [0-9]", out))
}

system_tools <- c(pandoc = "pandoc", qpdf = "qpdf")
missing_tools <- system_tools[!nzchar(Sys.which(names(system_tools)))]
if (length(missing_tools)) apt_install(unname(missing_tools))

todo <- missing_packages()
if (length(todo) && can_apt) {
  if (!apt_updated) { system2("apt-get", c("update", "-qq")); apt_updated <- TRUE }
  debs <- paste0("r-cran-", tolower(todo))
  debs <- debs[vapply(debs, apt_available, logical(1))]
  if (length(debs)) {
    # One at a time would be slow; together, one missing deb must not stop the rest.
    if (!isTRUE(apt_install(debs))) for (deb in debs) apt_install(deb)
  }
  todo <- missing_packages()
}
if (length(todo)) {
  message("Installing from CRAN: ", paste(todo, collapse = ", "))
  install.packages(todo, Ncpus = 2L)
}
still <- missing_packages()

# The python3 interpreters bench/batch.R tries, in its order.
python_has_statsmodels <- function() {
  pythons <- unique(c(Sys.which("python3"), "/usr/bin/python3"))
  pythons <- pythons[nzchar(pythons) & file.exists(pythons)]
  any(vapply(pythons, function(py) {
    identical(suppressWarnings(system2(py, c("-c", shQuote("import statsmodels")),
                                       stdout = FALSE, stderr = FALSE)), 0L)
  }, logical(1)))
}
if (want_bench && !python_has_statsmodels()) {
  apt_install("python3-statsmodels")
  if (!python_has_statsmodels()) {
    still <- c(still, "python3-statsmodels (Debian package)")
  }
}

if (length(still)) {
  message("Could not install: ", paste(still, collapse = ", "))
  quit(status = 1L)
}
message("All dependencies are installed.")
