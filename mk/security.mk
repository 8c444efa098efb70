# Security proofs (docs/testing.md): the hostile-request corpus, the fuzz target, schemathesis. Included by
# the top-level Makefile, which defines VENV / VENV_BIN and puts .venv/bin first on PATH.

SCHEMATHESIS_VENV := .venv-schemathesis
# The fuzzing budget of `make fuzz`, in seconds.
FUZZ_SECONDS ?= 600
FUZZ_TARGET ?= event_to_response
# libFuzzer's input size limit: a 64 KiB body inside its event.
FUZZ_MAX_LEN ?= 70000
# Extra libFuzzer flags, e.g. FUZZ_ARGS='-jobs=2 -workers=2'.
FUZZ_ARGS ?=
FUZZ_CORPUS := fuzz/corpus/$(FUZZ_TARGET)
CARGO_FUZZ_VERSION := 0.13.2

.PHONY: corpus fuzz fuzz-build fuzz-seeds schemathesis

##@ Security proofs (docs/testing.md)

corpus: ## The hostile-request corpus (tests/corpus/) through the real binary, and the openapi.yaml checks
	cargo test --test integration corpus

$(SCHEMATHESIS_VENV)/.installed: requirements-schemathesis.txt
	python3 -m venv $(SCHEMATHESIS_VENV)
	$(SCHEMATHESIS_VENV)/bin/pip install --quiet -r requirements-schemathesis.txt
	touch $@

schemathesis: $(VENV)/.installed $(SCHEMATHESIS_VENV)/.installed ## Every schemathesis check of openapi.yaml against the function under `make local`
	SCHEMATHESIS=$(SCHEMATHESIS_VENV)/bin/schemathesis scripts/schemathesis.sh

# cargo-fuzz from crates.io; the nightly toolchain must be installed (rustup toolchain install nightly).
fuzz-build: ## Build the fuzz target (cargo-fuzz, nightly toolchain)
	@rustup run nightly rustc --version >/dev/null 2>&1 || { echo "make fuzz needs the nightly toolchain: rustup toolchain install nightly" >&2; exit 1; }
	@cargo fuzz --version 2>/dev/null | grep -q ' $(CARGO_FUZZ_VERSION)$$' || cargo install --locked cargo-fuzz --version $(CARGO_FUZZ_VERSION)
	cd fuzz && cargo +nightly fuzz build $(FUZZ_TARGET)

# Seeds: every corpus entry's event (also split as event\0body, the target's second input form) and the
# sample events.
fuzz-seeds:
	@mkdir -p $(FUZZ_CORPUS)
	CORPUS_SEED_DIR=$(abspath $(FUZZ_CORPUS)) cargo test --test integration every_corpus_entry_builds_an_event_and_can_seed_the_fuzzer
	cp events/*.json $(FUZZ_CORPUS)/

fuzz: fuzz-build fuzz-seeds ## Fuzz event -> response for FUZZ_SECONDS (600); crashes land in fuzz/artifacts/
	cd fuzz && cargo +nightly fuzz run $(FUZZ_TARGET) corpus/$(FUZZ_TARGET) -- \
		-max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) -dict=$(FUZZ_TARGET).dict -print_final_stats=1 $(FUZZ_ARGS)
