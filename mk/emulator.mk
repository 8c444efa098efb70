# The Connect emulator held to AWS's own service models (emulator/conformance/): boto3 drives the emulator
# binary with cases derived from botocore's connect, connectparticipant and secretsmanager models. Included
# by the top-level Makefile, which defines VENV / VENV_BIN. CARGO_TARGET_DIR is honoured when set.
#
# The binary is built by `cargo test --workspace --no-run`, as test-rust builds it (same features), so
# after test-rust the build is a no-op, not a rebuild of the shared dependencies with other features.

EMULATOR_BIN := $(DEBUG_DIR)/connect-emulator

.PHONY: test-conformance

##@ The Connect emulator (emulator/README.md)

test-conformance: $(VENV)/.installed ## The emulator against botocore's service models (boto3, a few seconds)
	cargo test --quiet --workspace --no-run
	$(VENV_BIN)/python emulator/conformance/conformance.py --emulator $(EMULATOR_BIN)
