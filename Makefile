# Developer and newcomer entry points. `make demo` and `make test` are all a
# fresh machine needs. Set LIB=/some/dir to install lagrs into a private
# library instead of the default one.
R ?= R
RSCRIPT ?= Rscript
LIB ?=
LIBFLAG = $(if $(LIB),--library=$(LIB),)
RENV = $(if $(LIB),R_LIBS="$(LIB):$$R_LIBS",)

.PHONY: all deps bench-deps document install test demo check bench clean lint sanitize valgrind gctorture check-memory fuzz

all: install

deps:
	$(RSCRIPT) tools/install-deps.R

# Opt-in: the peers the bench/ scripts compare against outside R (Python's
# statsmodels for bench/batch.R, from Debian's python3-statsmodels).
bench-deps:
	$(RSCRIPT) tools/install-deps.R --bench

document:
	$(RSCRIPT) -e 'roxygen2::roxygenise()'

install:
	@if [ -n "$(LIB)" ]; then mkdir -p "$(LIB)"; fi
	$(R) CMD INSTALL --preclean --no-multiarch $(LIBFLAG) .
	@rm -f src/*.o src/*.so

test: deps install
	$(RENV) $(RSCRIPT) tools/run-tests.R

demo: deps install
	$(RENV) $(RSCRIPT) tools/demo.R

check:
	rm -rf lagrs_*.tar.gz lagrs.Rcheck
	$(R) CMD build .
	$(R) CMD check --as-cran --no-manual lagrs_*.tar.gz

bench: install
	$(RENV) $(RSCRIPT) bench/rolling.R

# Memory safety: ASan/UBSan build, valgrind memcheck, and gctorture over
# every .Call entry point.
sanitize:
	bash tools/check-sanitizers.sh

valgrind:
	bash tools/check-valgrind.sh

gctorture: install
	$(RENV) $(RSCRIPT) tools/gctorture.R

check-memory: sanitize valgrind gctorture

# libFuzzer over the plain-C kernels (rolling, ARIMA fit), built without R
# running; FUZZ_SECONDS per target (default 60). Installs Debian's
# libclang-rt-14-dev when missing (as root).
FUZZ_SECONDS ?= 60
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh

lint:
	$(RSCRIPT) tools/lint.R

clean:
	rm -rf lagrs_*.tar.gz lagrs.Rcheck src/*.o src/*.so
