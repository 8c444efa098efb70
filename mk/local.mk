# `make local` itself: scripts/local.sh must stop clean however it is stopped (docs/testing.md). Included by
# the top-level Makefile, which defines VENV and puts .venv/bin first on PATH.

##@ make local itself (docs/testing.md)

.PHONY: test-local-stack
test-local-stack: $(VENV)/.installed demo-deps ## Start and stop `make local` 30 times (TERM, INT, HUP, mid-build too): nothing may be left
	python3 tests/local/stop_cycles.py
