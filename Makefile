# Rota: two commands on a fresh machine.
#   make demo   run the main job on the bundled sample centre
#   make test   run the whole test suite
# Both first install the system packages HiGHS needs to build (cmake, libclang) when they are missing.

CARGO ?= cargo
SAMPLES := data/samples
DEMO_DIR ?= rota-demo
ROTA_RELEASE := target/release/rota

.PHONY: all demo test lint fmt bench prereqs build release clean-demo

all: test

## prereqs: install cmake and libclang (HiGHS builds with them) when missing; Debian/Ubuntu via apt-get.
prereqs:
	@missing=""; \
	command -v cmake >/dev/null 2>&1 || missing="$$missing cmake"; \
	ls /usr/lib/llvm-*/lib/libclang*.so* /usr/lib/*/libclang*.so* >/dev/null 2>&1 || missing="$$missing libclang-dev"; \
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

build: prereqs
	$(CARGO) build

release: prereqs
	$(CARGO) build --release --bin rota

## test: the whole suite (unit, property, reference, end-to-end tests of the CLI).
test: prereqs
	$(CARGO) test --workspace

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
	@echo "== 2. Next week's forecast per channel (model chosen by rolling-origin backtest)"
	$(ROTA_RELEASE) forecast --history $(SAMPLES)/history.csv.gz --config $(SAMPLES)/centre.toml \
	  --from $(DEMO_FROM) --days $(DEMO_DAYS) --out $(DEMO_DIR)/forecast.csv
	@echo
	@echo "== 3. Required agents per channel and interval for the targets, beside the historic staffing"
	$(ROTA_RELEASE) staff --forecast $(DEMO_DIR)/forecast.csv --config $(SAMPLES)/centre.toml \
	  --history $(SAMPLES)/history.csv.gz --out $(DEMO_DIR)/requirements.csv
	@echo
	@echo "Outputs in $(DEMO_DIR)/: forecast.csv, requirements.csv"

clean-demo:
	rm -rf $(DEMO_DIR)
