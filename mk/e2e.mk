# Real-client tests (tests/e2e/) and the demo page's dependencies (demo/). Included by the top-level Makefile,
# which defines VENV / VENV_BIN and puts .venv/bin first on PATH.
#
# Everything comes from the registries the project may use: npm packages pinned by committed package-lock.json
# files (`npm ci`), and Chromium from Debian's packages. No browser build is ever downloaded.

CHROMIUM ?= /usr/bin/chromium
E2E_DIR := tests/e2e
NPM_CI := npm ci --no-audit --no-fund --loglevel=error
# Node's test runner: one file at a time (each starts its own `make local` stack), TAP-style summary at the end.
E2E_NODE_TEST := node --test --test-concurrency=1 --test-timeout=1200000

.PHONY: e2e-deps demo-deps e2e-chromium test-e2e test-e2e-browser test-e2e-signed test-e2e-widget test-e2e-sdk test-e2e-availability

##@ Real-client tests and the demo page (docs/testing.md)

$(E2E_DIR)/node_modules/.package-lock.json: $(E2E_DIR)/package.json $(E2E_DIR)/package-lock.json
	$(NPM_CI) --prefix $(E2E_DIR)
	@touch $@

demo/node_modules/.package-lock.json: demo/package.json demo/package-lock.json
	$(NPM_CI) --prefix demo
	@touch $@

e2e-deps: $(E2E_DIR)/node_modules/.package-lock.json ## npm ci for tests/e2e (playwright-core, the AWS SDK client, ws)

demo-deps: demo/node_modules/.package-lock.json ## npm ci for demo/ (amazon-connect-chatjs)

e2e-chromium: ## apt-get install Debian's chromium if /usr/bin/chromium is missing
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	echo "e2e: installing Debian's chromium package" >&2; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium

test-e2e: $(VENV)/.installed e2e-deps demo-deps e2e-chromium ## ChatJS and AWS's sample widgets in Chromium, the Node SDK client, availability's page states and burst, against `make local`
	cd $(E2E_DIR) && $(E2E_NODE_TEST) browser.test.js signed-customers.test.js official-widget.test.js availability.test.js sdk.test.js availability-burst.test.js

test-e2e-browser: $(VENV)/.installed e2e-deps demo-deps e2e-chromium ## Only the browser tests (also writes target/e2e/demo.png)
	cd $(E2E_DIR) && $(E2E_NODE_TEST) browser.test.js signed-customers.test.js official-widget.test.js availability.test.js

test-e2e-signed: $(VENV)/.installed e2e-deps demo-deps e2e-chromium ## Only the demo page in signed-customer mode (JWT_SIGNING_KEYS, the local signer)
	cd $(E2E_DIR) && $(E2E_NODE_TEST) signed-customers.test.js

test-e2e-widget: $(VENV)/.installed e2e-deps demo-deps e2e-chromium ## Only AWS's official sample widgets (tests/e2e/official-widget/)
	cd $(E2E_DIR) && $(E2E_NODE_TEST) official-widget.test.js

test-e2e-sdk: $(VENV)/.installed e2e-deps demo-deps ## Only the Node SDK tests
	cd $(E2E_DIR) && $(E2E_NODE_TEST) sdk.test.js

test-e2e-availability: $(VENV)/.installed e2e-deps demo-deps e2e-chromium ## Only availability: the demo page's open/closed/unknown states, 1,000 GETs within the Connect call bound
	cd $(E2E_DIR) && $(E2E_NODE_TEST) availability.test.js availability-burst.test.js
