# Benchmarks: `make bench` measures the release `bootstrap` against the Node.js 20 baseline (see
# BENCHMARKS.md). Not part of `make test`. Included by the top-level Makefile, which defines VENV /
# VENV_BIN and puts .venv/bin (cargo-lambda) first on PATH.
#
# Everything is built first; the timed runs execute only the built binaries. Each run ends with its dated
# record in bench/runs/ (commit it when BENCHMARKS.md quotes its figures). CARGO_TARGET_DIR is
# honoured when set (the release bootstrap is then $CARGO_TARGET_DIR/lambda/start-chat/bootstrap).

BENCH_TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
# The harness may be built elsewhere than the release artefact (e.g. the shared dev target dir).
BENCH_HARNESS_TARGET_DIR ?= $(BENCH_TARGET_DIR)
BENCH_BOOTSTRAP := $(BENCH_TARGET_DIR)/lambda/start-chat/bootstrap
BENCH_HARNESS := $(BENCH_HARNESS_TARGET_DIR)/$(CARGO_BUILD_TARGET)/bench-harness/lambda-bench
BENCH_FLOOR := $(BENCH_HARNESS_TARGET_DIR)/$(CARGO_BUILD_TARGET)/bench-harness/floor-lambda
# The CPU the harness and the functions share (`taskset -c`); empty to let them spread over all CPUs.
# One CPU by default: a Lambda function of up to 1,769 MB has at most one vCPU's worth, and a wake-up
# across idle vCPUs would swamp the per-invocation figures (BENCHMARKS.md, Method).
BENCH_CPUS ?= $(shell echo $$(( $$(nproc) - 1 )))
BENCH_TASKSET := $(if $(strip $(BENCH_CPUS)),taskset -c $(BENCH_CPUS))
BENCH_OUT ?= target/bench
NODE_BASELINE := bench/node-baseline
# Lambda memory sizes measured under their CPU share (cgroup v1 cpu controller, root needed); empty to
# measure at full CPU only.
BENCH_MEMORY ?= 128,512,1769
# Extra harness flags, e.g. BENCH_ARGS='--cold 100 --warm 20000' or '--no-node'.
BENCH_ARGS ?=
# Extra soak flags, e.g. SOAK_ARGS='--requests 1000 --seed 42'.
SOAK_ARGS ?=
# Where `make bench` writes the dated record of each run (`lambda-bench record`).
BENCH_RUNS ?= bench/runs
# The zipped bootstrap's budget, "3 MB": `make bench` fails at or over it (the harness's target is the
# same number).
BENCH_ZIP_BUDGET_BYTES := 3000000
BENCH_PYTHON := $(VENV_BIN)/python

.PHONY: bench bench-build bench-build-time soak

##@ Benchmarks (not in `make test`; BENCHMARKS.md)

$(NODE_BASELINE)/node_modules/.installed: $(NODE_BASELINE)/package-lock.json $(NODE_BASELINE)/package.json
	cd $(NODE_BASELINE) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

bench-build: $(VENV)/.installed $(NODE_BASELINE)/node_modules/.installed ## Build what `make bench` runs: release bootstrap (fat LTO; zipped under 3 MB or it fails), zips, harness
	cargo lambda build --release --bin start-chat
	@mkdir -p $(BENCH_OUT)
	@size=$$($(BENCH_PYTHON) bench/zip_artefact.py $(BENCH_OUT)/bootstrap.zip $(dir $(BENCH_BOOTSTRAP)) $(BENCH_BOOTSTRAP)); \
	if [ "$$size" -lt $(BENCH_ZIP_BUDGET_BYTES) ]; then \
		echo "zipped bootstrap: $$size bytes, under the budget of $(BENCH_ZIP_BUDGET_BYTES)"; \
	else \
		echo "zipped bootstrap: $$size bytes, OVER the budget of $(BENCH_ZIP_BUDGET_BYTES) (BENCHMARKS.md)" >&2; exit 1; \
	fi
	@printf 'zipped Node.js baseline (index.js + node_modules): %s bytes\n' "$$($(BENCH_PYTHON) bench/zip_artefact.py $(BENCH_OUT)/node-baseline.zip $(NODE_BASELINE) $(NODE_BASELINE)/index.js $(NODE_BASELINE)/package.json $(NODE_BASELINE)/node_modules)"
	CARGO_TARGET_DIR=$(BENCH_HARNESS_TARGET_DIR) cargo build --profile bench-harness -p lambda-bench --bins

# The record is written even when the soak fails (its figures say why); make fails afterwards.
bench: bench-build ## Benchmark the release bootstrap vs the Node.js 20 baseline (full CPU, 128/512/1769 MB shares), soak it, write bench/runs/<date>.md
	@busy=$$(pgrep -c -x rustc || true); if [ "$$busy" != 0 ]; then echo "warning: $$busy rustc process(es) running: the figures will be noisy" >&2; fi
	$(BENCH_TASKSET) $(BENCH_HARNESS) --rust $(BENCH_BOOTSTRAP) --zip $(BENCH_OUT)/bootstrap.zip \
		--node-dir $(NODE_BASELINE) --node-zip $(BENCH_OUT)/node-baseline.zip --floor $(BENCH_FLOOR) \
		--build-time $(BENCH_OUT)/build-time.json --events events --out $(BENCH_OUT) \
		$(if $(strip $(BENCH_MEMORY)),--memory $(BENCH_MEMORY)) $(BENCH_ARGS)
	status=0; $(BENCH_HARNESS) soak --rust $(BENCH_BOOTSTRAP) --events events --out $(BENCH_OUT) $(SOAK_ARGS) || status=$$?; \
	$(BENCH_HARNESS) record --out $(BENCH_OUT) --runs $(BENCH_RUNS); exit $$status

soak: bench-build ## The soak alone (make bench ends with it): 10,000 requests with random Connect faults
	$(BENCH_HARNESS) soak --rust $(BENCH_BOOTSTRAP) --events events --out $(BENCH_OUT) $(SOAK_ARGS)

# Opt-in and slow: a clean `cargo lambda build --release` into a scratch target dir (the crates.io
# download cache stays warm), timed; `make bench` then reports it (BENCHMARKS.md has the figure).
bench-build-time: $(VENV)/.installed ## Time a clean release build in a scratch target dir (slow; recorded for `make bench`)
	@mkdir -p $(BENCH_OUT)
	@scratch=$$(mktemp -d "$${TMPDIR:-/tmp}/start-chat-clean-build.XXXXXX"); \
	trap 'rm -rf "$$scratch"' EXIT; \
	busy=$$(pgrep -c -x rustc || true); load=$$(cut -d' ' -f1 /proc/loadavg); \
	start=$$(date +%s.%N); \
	CARGO_TARGET_DIR="$$scratch" cargo lambda build --release --bin start-chat; \
	end=$$(date +%s.%N); \
	$(BENCH_PYTHON) -c 'import json, os, sys; start, end, busy, load, out = sys.argv[1:]; \
	record = {"seconds": round(float(end) - float(start), 1), "date": os.popen("date -u +%Y-%m-%dT%H:%M:%SZ").read().strip(), \
	"method": "clean cargo lambda build --release into a scratch target dir, warm crates.io cache", \
	"command": "cargo lambda build --release --bin start-chat", "cores": os.cpu_count(), \
	"rustc_running_at_start": int(busy), "load_1m_at_start": float(load)}; \
	json.dump(record, open(out, "w"), indent=2); print(json.dumps(record))' "$$start" "$$end" "$$busy" "$$load" $(BENCH_OUT)/build-time.json
