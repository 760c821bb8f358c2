# Convenience wrapper around CMake, in the manner of neovim's top-level Makefile: CMake stays
# the build system; this file only remembers the usual commands.
#
#   make deps        install missing Debian packages and the tests' npm packages
#   make build       configure (once) and build into build/
#   make build-asan  the same with ASan and UBSan into build-asan/
#   make db          start the private PostgreSQL cluster (unless FAIR_DATABASE_URL is set)
#   make run         build, load the demo into an empty database, start the private
#                    nginx-rtmp (live video), then run the server in the foreground
#                    (ARGS=... for extra args)
#   make test        build, then every ctest (unit, integration, browser)
#   make test-asan   build-asan, then the unit and integration ctests under the sanitizers
#   make test-long   the tests too long for every run: the big screen left open for 30 min
#   make bench       every load scenario and both baselines (about 15 min): build/bench/results.md,
#                    then the order batch alone in PostgreSQL: build/bench/batch.md
#   make bench-quick the same at toy sizes (about 2 min), a smoke test that CI runs
#   make screenshots the README's pictures of the pages (docs/images/page-*.png), from the
#                    demo fair in Chromium
#   make fuzz        libFuzzer on the message decoder, the configuration, order lines, the
#                    products.csv importer and the HTTP request path, FUZZ_SECONDS (60)
#                    each, with clang into build-fuzz/ (not part of CI)
#   make clean       remove the build folders; distclean also removes var/ (the cluster)
#
# Without FAIR_DATABASE_URL, run and test use the private cluster in var/pg (see
# server/scripts/pg.sh) and stop it when they end if they were the ones that started it.

SHELL := /bin/bash

BUILD_DIR      := build
ASAN_BUILD_DIR := build-asan
FUZZ_BUILD_DIR := build-fuzz
FUZZ_SECONDS   ?= 60
JOBS           ?= 2
CMAKE          ?= cmake
CTEST          ?= ctest
ARGS           ?=

SCRIPTS := server/scripts
RUN     := $(SCRIPTS)/run.sh

.PHONY: all deps build build-asan db run test test-asan test-long bench bench-quick screenshots fuzz clean distclean

all: build

deps:
	@$(SCRIPTS)/deps.sh

# Configure only once: CMake re-runs itself when its inputs change.
build: deps
	@test -f $(BUILD_DIR)/CMakeCache.txt || \
	  $(CMAKE) -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	$(CMAKE) --build $(BUILD_DIR) -j$(JOBS)

build-asan: deps
	@test -f $(ASAN_BUILD_DIR)/CMakeCache.txt || \
	  $(CMAKE) -S . -B $(ASAN_BUILD_DIR) -DCMAKE_BUILD_TYPE=Debug -DFAIR_SANITIZE=ON
	$(CMAKE) --build $(ASAN_BUILD_DIR) -j$(JOBS)

db:
	@if [ -z "$${FAIR_DATABASE_URL:-}" ]; then $(SCRIPTS)/pg.sh start; \
	 else echo "db: using FAIR_DATABASE_URL"; fi

# The private cluster is stopped on exit only if run started it.
run: build
	$(RUN) --live --demo $(BUILD_DIR)/server/fairctl $(BUILD_DIR)/server/fairserver $(ARGS)

# After the tests, the figures they measured (lines `figure: ...`, kept by ctest in its log
# whether the test passed or not), so every run shows them.
test: build
	@status=0; $(RUN) $(CTEST) --test-dir $(BUILD_DIR) --output-on-failure -j$(JOBS) || status=$$?; \
	  echo "Figures measured by this run:"; \
	  grep -h 'figure:' $(BUILD_DIR)/Testing/Temporary/LastTest.log | sed 's/^[0-9]*: //' | sort -u; \
	  exit $$status

test-long: build
	FAIR_BIGSCREEN_SECONDS=1800 FAIR_ARTIFACT_DIR=$(CURDIR)/$(BUILD_DIR)/test-artifacts $(BENCH_ENV) \
	  $(RUN) node --test --test-reporter=spec tests/browser/staff-figures.test.mjs

# The browser tests (label browser) are left out here: Chromium adds minutes and no coverage
# of the server's input handling, which is what the sanitizers are for.
test-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  $(RUN) $(CTEST) --test-dir $(ASAN_BUILD_DIR) --output-on-failure -j$(JOBS) -L 'unit|integration'

# The benchmarks need the optimised build (RelWithDebInfo), never the sanitizer one.
BENCH_ENV := FAIR_SERVER_BIN=$(CURDIR)/$(BUILD_DIR)/server/fairserver \
             FAIR_LOAD_BIN=$(CURDIR)/$(BUILD_DIR)/tests/bench/fairload FAIR_SOURCE_DIR=$(CURDIR)

# Then the order batch alone in PostgreSQL (tests/bench/batch.mjs): ms per order, and with
# --triggers what each trigger costs; once more on a database with 40 earlier seasons (--past).
bench: build
	$(BENCH_ENV) $(RUN) node tests/bench/bench.mjs $(ARGS)
	$(BENCH_ENV) $(RUN) node tests/bench/batch.mjs --triggers
	$(BENCH_ENV) $(RUN) node tests/bench/batch.mjs --past 40 --out $(BUILD_DIR)/bench/past

bench-quick: build
	$(BENCH_ENV) $(RUN) node tests/bench/bench.mjs --quick $(ARGS)
	$(BENCH_ENV) $(RUN) node tests/bench/batch.mjs --quick

screenshots: build
	$(BENCH_ENV) $(RUN) node tests/browser/screenshots.mjs

# New inputs go to $(FUZZ_BUILD_DIR)/tests/fuzz/corpus-*; one that crashes is kept beside
# them (crash-*): copy it into tests/fuzz/corpus/<name>/ so the replay test keeps it fixed.
fuzz:
	@FAIR_DEPS_EXTRA='clang libclang-rt-14-dev' $(SCRIPTS)/deps.sh
	$(CMAKE) -S . -B $(FUZZ_BUILD_DIR) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	  -DFAIR_FUZZ=ON -DFAIR_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	$(CMAKE) --build $(FUZZ_BUILD_DIR) -j$(JOBS) --target fuzz_proto_decode fuzz_config fuzz_order_lines \
	  fuzz_import_csv fuzz_http_request
	$(CTEST) --test-dir $(FUZZ_BUILD_DIR) -L fuzz --output-on-failure
	@grep -h -e '^[0-9]*/[0-9]* Testing: ' -e 'Done [0-9]* runs' \
	  $(FUZZ_BUILD_DIR)/Testing/Temporary/LastTest.log || true

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) $(FUZZ_BUILD_DIR)

distclean: clean
	@if [ -d var ]; then $(SCRIPTS)/pg.sh stop; fi
	rm -rf var
