# The README's two commands: `make local` and `make test`. Everything else is a building block.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
VENV_BIN := $(abspath $(VENV))/bin
# Tools installed into the project venv come first; the persistent target dir is honoured when set.
export PATH := $(VENV_BIN):$(PATH)
export SAM_CLI_TELEMETRY := 0
# Every cargo command builds for the host's target triple named explicitly, as `cargo lambda build` always
# does (`sam build` runs it): the function's build for SAM then reuses the test build's compiled
# dependencies instead of compiling the AWS SDK once more. Artefacts: target/<triple>/debug.
export CARGO_BUILD_TARGET ?= $(shell rustc -vV 2>/dev/null | sed -n 's/^host: //p')
TARGET_ROOT := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
DEBUG_DIR := $(TARGET_ROOT)/$(CARGO_BUILD_TARGET)/debug

##@ Start here

# `make help` prints every target that has a `## description` on its rule line, under the `##@ heading`
# lines of the Makefile and mk/*.mk, in file order. A new target gets a description too.
.PHONY: help
help: ## List the targets
	@awk 'BEGIN { FS = ":.*## " } \
		/^##@ / { printf "%s%s\n", (headings++ ? "\n" : ""), substr($$0, 5); next } \
		/^[a-zA-Z0-9_-]+:.*## / { printf "  %-18s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# The venv is rebuilt when the pinned requirements change.
$(VENV)/.installed: requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV_BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

.PHONY: venv
venv: $(VENV)/.installed ## Install cargo-lambda, cfn-lint, SAM CLI into .venv (targets do it when needed)

.PHONY: local
local: $(VENV)/.installed ## The service, the Connect emulator and the demo page (prints Listening: <url>)
	scripts/local.sh

EVENT ?= events/http-api-v2.json
FUNCTION_PORT ?= 9000
.PHONY: invoke
invoke: $(VENV)/.installed ## Send EVENT=events/<name>.json to the function under `make local`
	cargo lambda invoke start-chat --invoke-address 127.0.0.1 --invoke-port $(FUNCTION_PORT) --data-file $(EVENT)

# `make test` in four stages. The Python and npm installs (network-bound) run beside the Rust build
# (CPU-bound); the checks that need both then run side by side. The real-client stages start `make local`
# stacks and run one after another: the stop test touches src/ and would restart the others' function.
# Output is grouped by target (--output-sync); the first failure stops the run.
PARALLEL := $(MAKE) --no-print-directory -j3 --output-sync=target
.PHONY: test test-static test-rust-all tools
test: ## What CI runs: the checks, Rust and template tests, the SAM build, real-client tests, schemathesis
	$(MAKE) --no-print-directory test-static
	$(PARALLEL) test-rust-all tools
	$(PARALLEL) test-conformance lint-template test-template sam-build-check
	$(MAKE) --no-print-directory test-e2e
	$(MAKE) --no-print-directory test-local-stack
	$(MAKE) --no-print-directory schemathesis

test-static: check-docs fmt-check check-modules check-features check-members

# clippy and the tests compile different artefacts; one after the other, each can use both CPUs.
test-rust-all:
	$(MAKE) --no-print-directory clippy
	$(MAKE) --no-print-directory test-rust

.PHONY: check
check: fmt-check check-modules ## The contributor's loop, seconds on a warm tree: fmt, module cycles, clippy and unit tests of the function
	cargo clippy --quiet -p start-chat --lib --tests -- -D warnings
	cargo test --quiet -p start-chat --lib

##@ Checks

.PHONY: check-docs
check-docs: ## Every relative link and #anchor in the Markdown files resolves
	python3 scripts/check-docs.py

.PHONY: fmt-check
fmt-check: ## cargo fmt --check on every crate
	cargo fmt --all -- --check

# Dependencies point one way: no cycle between modules; the domains (src/chat, src/availability, src/push) use no adapter or edge.
MODULE_ROOTS := src emulator/src bench/src runtime-api/src
.PHONY: check-modules
check-modules: ## No cycle between the modules of any crate, and the function's domain depends on nothing outside it
	python3 scripts/check-module-deps.py $(MODULE_ROOTS) --domain=src=chat,availability,push

.PHONY: check-features
check-features: ## Every member resolves its dependencies' features as the workspace does (workspace-hack/ complete)
	python3 scripts/check-features.py

# tests/model/members.toml lists every input member of the AWS operations the function calls and the
# emulator serves, as supported (where) or not accepted (why); bumping botocore names what AWS added.
.PHONY: check-members
check-members: $(VENV)/.installed ## Every input member of the operations called or emulated is supported or listed with a reason (botocore models)
	$(VENV_BIN)/python tests/model/check_members.py
	$(VENV_BIN)/python -m unittest discover --start-directory tests/model --pattern 'test_*.py'

.PHONY: clippy
clippy: ## cargo clippy on every crate and target, warnings are errors
	cargo clippy --workspace --all-targets -- -D warnings

.PHONY: test-rust
test-rust: ## cargo test --workspace: unit, emulator and integration tests, the real binary
	cargo test --workspace

include mk/*.mk

# After the includes, which define the venvs: everything `make test` installs.
tools: $(VENV)/.installed $(CHECKOV_VENV)/.installed $(SCHEMATHESIS_VENV)/.installed e2e-deps demo-deps e2e-chromium
