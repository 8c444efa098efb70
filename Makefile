# The README's two commands: `make local` and `make test`. Everything else is a building block.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
VENV_BIN := $(abspath $(VENV))/bin
# Tools installed into the project venv come first; the persistent target dir is honoured when set.
export PATH := $(VENV_BIN):$(PATH)
export SAM_CLI_TELEMETRY := 0

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

# The venv is rebuilt when the pinned requirements change.
$(VENV)/.installed: requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV_BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

.PHONY: venv
venv: $(VENV)/.installed ## Install cargo-lambda, cfn-lint and aws-sam-cli into .venv

.PHONY: local
local: $(VENV)/.installed ## Run the service locally against the Connect emulator (prints Listening: <url>)
	scripts/local.sh

EVENT ?= events/http-api-v2.json
FUNCTION_PORT ?= 9000
.PHONY: invoke
invoke: $(VENV)/.installed ## Invoke the function running under `make local` with EVENT=events/<name>.json
	cargo lambda invoke start-chat --invoke-address 127.0.0.1 --invoke-port $(FUNCTION_PORT) --data-file $(EVENT)

.PHONY: test
test: fmt-check clippy test-rust test-emulator-conformance lint-template test-template build test-e2e ## The whole test suite (what CI runs)

.PHONY: fmt-check
fmt-check: ## cargo fmt --check
	cargo fmt --all -- --check

.PHONY: clippy
clippy: ## cargo clippy on every crate and target, warnings are errors
	cargo clippy --workspace --all-targets -- -D warnings

.PHONY: test-rust
test-rust: ## Unit and integration tests (emulator, handler, real binary)
	cargo test --workspace

include mk/*.mk
