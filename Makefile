# Rota: two commands on a fresh machine.
#   make demo   run the main job on the bundled sample centre
#   make test   run the whole test suite
# Both first install the system packages HiGHS needs to build (cmake, libclang) when they are missing.

CARGO ?= cargo
SAMPLES := data/samples
DEMO_DIR ?= rota-demo
# `make demo` runs the binary cargo built, wherever CARGO_TARGET_DIR puts it.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
ROTA_RELEASE := $(TARGET_DIR)/release/rota

# bindgen (through clang-sys) loads the C library libclang.so / libclang-N.so(.M), never
# libclang-cpp.so, which Debian often ships on its own (package libclang-cpp14). Look for exactly the
# files clang-sys accepts, in the linker cache and in the LLVM directories it searches; a glob on
# libclang* would match libclang-cpp and skip the install, and the build would then fail after minutes.
HAVE_LIBCLANG := { [ -n "$$LIBCLANG_PATH" ] && ls "$$LIBCLANG_PATH"/libclang.so* "$$LIBCLANG_PATH"/libclang-[0-9]*.so* >/dev/null 2>&1; } || \
	{ /sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null; } | grep -Eq '[[:space:]]libclang(-[0-9.]+)?\.so' || \
	ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/llvm-*/lib/libclang-[0-9]*.so* /usr/lib/*/libclang.so* /usr/lib/*/libclang-[0-9]*.so* >/dev/null 2>&1

.PHONY: all demo test lint fmt bench prereqs browser-prereqs postgres-prereqs build release clean-demo

all: test

## prereqs: install cmake and libclang (HiGHS builds with them) when missing; Debian/Ubuntu via apt-get.
prereqs:
	@missing=""; \
	command -v cmake >/dev/null 2>&1 || missing="$$missing cmake"; \
	$(HAVE_LIBCLANG) || missing="$$missing libclang-dev"; \
	command -v cc >/dev/null 2>&1 || missing="$$missing build-essential"; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing missing system packages:$$missing"; \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO="sudo"; \
	    $$SUDO apt-get install -y $$missing || { $$SUDO apt-get update && $$SUDO apt-get install -y $$missing; }; \
	  else \
	    echo "make: please install$$missing with your package manager (HiGHS needs cmake and libclang)"; exit 1; \
	  fi; \
	fi
	@command -v $(CARGO) >/dev/null 2>&1 || { echo "make: cargo not found; install Rust from https://rustup.rs"; exit 1; }

## browser-prereqs: Debian's Chromium and ChromeDriver, for the dashboard and HTML-report tests.
## Set ROTA_SKIP_BROWSER_TESTS=1 to run the suite without a browser (those tests then say so).
browser-prereqs:
	@if [ -z "$$ROTA_SKIP_BROWSER_TESTS" ]; then \
	  missing=""; \
	  command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	  command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	  if [ -n "$$missing" ]; then \
	    echo "make: installing missing system packages for the browser tests:$$missing"; \
	    if command -v apt-get >/dev/null 2>&1; then \
	      SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO="sudo"; \
	      $$SUDO apt-get install -y $$missing || { $$SUDO apt-get update && $$SUDO apt-get install -y $$missing; }; \
	    else \
	      echo "make: please install$$missing (or set ROTA_SKIP_BROWSER_TESTS=1)"; exit 1; \
	    fi; \
	  fi; \
	fi

## postgres-prereqs: Debian's PostgreSQL server, for the tests of the PostgreSQL backend
## (tests/api_postgres.rs, tests/two_nodes.rs). Each test makes its own cluster with initdb in a
## temporary directory on a random port, as the `postgres` user when run as root; nothing is
## configured system-wide and no service is started. Where it cannot be installed, those tests
## skip and say so loudly at the end of `make test` (under CI they fail).
HAVE_POSTGRES := ls /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1
postgres-prereqs:
	@if ! $(HAVE_POSTGRES); then \
	  echo "make: installing missing system packages for the PostgreSQL tests: postgresql"; \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO="sudo"; \
	    $$SUDO apt-get install -y postgresql || { $$SUDO apt-get update && $$SUDO apt-get install -y postgresql; } || \
	      echo "make: *** COULD NOT INSTALL postgresql: the PostgreSQL backend tests will be SKIPPED ***"; \
	  else \
	    echo "make: *** no apt-get: install PostgreSQL's server (initdb, postgres) or the PostgreSQL backend tests are SKIPPED ***"; \
	  fi; \
	fi

build: prereqs
	$(CARGO) build

release: prereqs
	$(CARGO) build --release --bin rota

## test: the whole suite (unit, property, reference, end-to-end tests of the CLI, the HTTP server
## and the dashboard in headless Chromium; the service on SQLite and on a real PostgreSQL server,
## including two nodes sharing one database).
## A test that cannot run here (no browser with ROTA_SKIP_BROWSER_TESTS=1, no ../shared/) skips and
## appends why to $(SKIP_LOG); the list is printed last, so a skip is never silent. Under CI a skip fails.
## Every test binary runs even when one fails (--no-fail-fast), so one failure hides no other.
## The HTTP and dashboard suites (tests/api*.rs, export_api.rs, dashboard*.rs) then run a second time with
## ROTA_TEST_BACKEND=postgres: every test's server on a database of a real PostgreSQL server
## (tests/common/backend.rs), so the service is tested end to end on both backends.
SKIP_LOG := $(abspath $(TARGET_DIR))/skipped-tests.txt
PG_SUITES := $(filter-out api_postgres,$(basename $(notdir $(wildcard tests/api*.rs tests/dashboard*.rs)))) export_api
test: prereqs browser-prereqs postgres-prereqs
	@mkdir -p $(TARGET_DIR); rm -f $(SKIP_LOG)
	@status=0; ROTA_SKIP_LOG=$(SKIP_LOG) $(CARGO) test --workspace --no-fail-fast || status=$$?; \
	if $(HAVE_POSTGRES); then \
	  echo; echo "make test: the HTTP suites again on PostgreSQL ($(PG_SUITES))"; \
	  ROTA_TEST_BACKEND=postgres ROTA_SKIP_LOG=$(SKIP_LOG) $(CARGO) test --no-fail-fast $(addprefix --test ,$(PG_SUITES)) || status=$$?; \
	else \
	  echo "the HTTP suites on PostgreSQL: PostgreSQL is not installed (make postgres-prereqs)" >> $(SKIP_LOG); \
	  case "$${CI:-}" in ""|false|0) ;; *) status=1 ;; esac; \
	fi; \
	if [ -s $(SKIP_LOG) ]; then \
	  echo; echo "make test: $$(sort -u $(SKIP_LOG) | wc -l) test(s) skipped on this machine:"; \
	  sort -u $(SKIP_LOG) | sed 's/^/  skipped: /'; \
	fi; \
	exit $$status

## lint: formatting and clippy as CI expects them.
lint: prereqs
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## bench: criterion benchmarks (release build); figures are recorded in docs/PERFORMANCE.md.
bench: prereqs
	$(CARGO) bench

## demo: the main job on the bundled sample centre; outputs under ./rota-demo/.
## The sample history ends on Sunday 2026-11-15; the demo plans the week that follows.
DEMO_FROM ?= 2026-11-16
DEMO_DAYS ?= 7

demo: release
	@mkdir -p $(DEMO_DIR)
	@echo "== 1. The sample centre's history: $(SAMPLES)/history.csv.gz"
	$(ROTA_RELEASE) data check $(SAMPLES)/history.csv.gz --config $(SAMPLES)/centre.toml
	@echo
	@echo "== 2. Last quarter's performance per channel and week (table; CSV and HTML in $(DEMO_DIR)/)"
	$(ROTA_RELEASE) report --history $(SAMPLES)/history.csv.gz --config $(SAMPLES)/centre.toml \
	  --csv $(DEMO_DIR)/report.csv --html $(DEMO_DIR)/report.html
	@echo
	@echo "== 3. Next week's forecast per channel (model chosen by rolling-origin backtest)"
	$(ROTA_RELEASE) forecast --history $(SAMPLES)/history.csv.gz --config $(SAMPLES)/centre.toml \
	  --from $(DEMO_FROM) --days $(DEMO_DAYS) --out $(DEMO_DIR)/forecast.csv
	@echo
	@echo "== 4. Required agents per channel and interval for the targets, beside the historic staffing"
	$(ROTA_RELEASE) staff --forecast $(DEMO_DIR)/forecast.csv --config $(SAMPLES)/centre.toml \
	  --history $(SAMPLES)/history.csv.gz --out $(DEMO_DIR)/requirements.csv
	@echo
	@echo "== 5. The week's roster: people, paid hours, cost, hours short per channel, how close to the best possible"
	$(ROTA_RELEASE) schedule --config $(SAMPLES)/centre.toml --requirements $(DEMO_DIR)/requirements.csv \
	  --from $(DEMO_FROM) --days $(DEMO_DAYS) --time-limit-s 25 --out-dir $(DEMO_DIR)/roster
	@echo
	@echo "== 6. The scheduled week simulated (50 replications): KPIs against the targets"
	$(ROTA_RELEASE) simulate --config $(SAMPLES)/centre.toml --forecast $(DEMO_DIR)/forecast.csv \
	  --roster $(DEMO_DIR)/roster --replications 50 --seed 7 --out $(DEMO_DIR)/simulation.csv
	@echo
	@echo "== 7. What staffing meets the targets? The roster against the targets themselves, choosing hires from"
	@echo "      the centre's [[hire]] options, checked by simulation (20 replications) and planned again once"
	$(ROTA_RELEASE) schedule --config $(SAMPLES)/centre.toml --forecast $(DEMO_DIR)/forecast.csv \
	  --from $(DEMO_FROM) --days $(DEMO_DAYS) --objective targets --hire --verify 20 --verify-rounds 1 \
	  --time-limit-s 60 --out-dir $(DEMO_DIR)/hire
	@echo
	@echo "== 8. What if? The shipped scenarios against today's baseline, side by side"
	$(ROTA_RELEASE) scenario --config $(SAMPLES)/centre.toml --forecast $(DEMO_DIR)/forecast.csv \
	  --scenario $(SAMPLES)/scenarios --time-limit-s 10 --replications 10 --out-dir $(DEMO_DIR)/scenarios
	@echo
	@echo "== 9. The week on one page: contacts, staff needed and rostered, cost, predicted KPIs against target"
	$(ROTA_RELEASE) brief --config $(SAMPLES)/centre.toml --forecast $(DEMO_DIR)/forecast.csv \
	  --roster $(DEMO_DIR)/roster --simulation $(DEMO_DIR)/simulation.summary.csv \
	  --link "report.html=Last quarter: performance per channel and week" \
	  --link "scenarios/scenarios.html=What-if scenarios side by side" \
	  --link "roster/shifts.csv=The roster: shifts.csv (also activities.csv, coverage.csv in roster/)" \
	  --link "forecast.csv=forecast.csv" --link "requirements.csv=requirements.csv" \
	  --link "simulation.summary.csv=simulation.summary.csv (and simulation.csv per interval)" \
	  --link "hire/hires.csv=What staffing meets the targets: hire/hires.csv (and the roster with them, hire/verification.csv)" \
	  --out $(DEMO_DIR)/index.html
	@echo
	@echo "Outputs in $(DEMO_DIR)/: index.html (start here), report.html, forecast.csv, requirements.csv,"
	@echo "roster/, simulation.csv, simulation.summary.csv, hire/, scenarios/"

clean-demo:
	rm -rf $(DEMO_DIR)
