# Deployment: AWS SAM template checks, build, deploy. Included by the top-level Makefile, which defines
# VENV / VENV_BIN, puts .venv/bin first on PATH and exports SAM_CLI_TELEMETRY=0.

SAM_TEMPLATE ?= template.yaml
# Regions that offer Amazon Connect: cfn-lint checks every resource type and property exists there.
CFN_LINT_REGIONS ?= us-east-1 us-west-2 af-south-1 ap-northeast-1 ap-northeast-2 ap-southeast-1 ap-southeast-2 ca-central-1 eu-central-1 eu-west-2
# Extra flags for sam build / sam deploy, e.g. SAM_FLAGS='--parameter-overrides Architecture=arm64'.
SAM_FLAGS ?=
SAM_BUILD_DIR := .aws-sam/build
SAM_ARTEFACT := $(SAM_BUILD_DIR)/StartChatFunction/bootstrap
ARTEFACT_ZIP := .aws-sam/start-chat-bootstrap.zip
ARTEFACT_SIZE_FILE := target/artefact-size.txt

# The offline checks need no AWS account: `sam validate --lint` only runs cfn-lint (us-east-1 unless a
# region is given) and reads no credentials. The region is pinned and the instance-metadata lookup
# disabled so a missing AWS profile cannot make them hang or fail.
SAM_OFFLINE_ENV := AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} AWS_EC2_METADATA_DISABLED=true

.PHONY: lint-template test-template build deploy delete

##@ Template and deployment (docs/deploy.md; only deploy and delete need AWS)

lint-template: $(VENV)/.installed checkov ## Lint template.yaml offline (cfn-lint + sam validate --lint + checkov)
	$(VENV_BIN)/cfn-lint --regions $(CFN_LINT_REGIONS) -- $(SAM_TEMPLATE)
	$(SAM_OFFLINE_ENV) $(VENV_BIN)/sam validate --lint --template-file $(SAM_TEMPLATE)

# checkov pins boto3 to a release aws-sam-cli's pin excludes, so it has a venv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_VARIANTS := $(CHECKOV_VENV)/variants
# Offline and quiet: no download of Prisma Cloud's policies or guideline mapping, no PyPI version check,
# no package scan. Without these checkov tries api0.prismacloud.io and pypi.org on every run.
CHECKOV_OFFLINE_ENV := BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false
# checkov ignores --file when --directory is given, hence two runs.
CHECKOV_FLAGS := --framework cloudformation --skip-download --compact --quiet

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet -r requirements-checkov.txt
	touch $@

.PHONY: checkov
# checkov decides Conditions from parameter defaults, so it also scans one copy of the template per
# variant (tests/template/checkov_variants.py); skips live in each resource's Metadata, with a reason.
checkov: $(VENV)/.installed $(CHECKOV_VENV)/.installed ## checkov on template.yaml and its variants (offline); no failed check allowed
	$(SAM_OFFLINE_ENV) PYTHONDONTWRITEBYTECODE=1 $(VENV_BIN)/python tests/template/checkov_variants.py $(CHECKOV_VARIANTS) >/dev/null
	$(CHECKOV_OFFLINE_ENV) $(CHECKOV_VENV)/bin/checkov $(CHECKOV_FLAGS) --file $(SAM_TEMPLATE)
	$(CHECKOV_OFFLINE_ENV) $(CHECKOV_VENV)/bin/checkov $(CHECKOV_FLAGS) --directory $(CHECKOV_VARIANTS)

test-template: $(VENV)/.installed ## Unit-test the template (IAM, secret, CORS, WAF, alarms, parameter patterns)
	$(SAM_OFFLINE_ENV) PYTHONDONTWRITEBYTECODE=1 $(VENV_BIN)/python -m unittest discover --start-directory tests/template --pattern 'test_*.py'

# Release build through SAM's rust-cargolambda builder: `cargo lambda build --release [--arm64]
# --bin start-chat`, linked with the zig from the ziglang wheel. It honours CARGO_TARGET_DIR when set
# (otherwise the workspace's target/).
build: $(VENV)/.installed ## sam build (release Lambda artefact) and report its zipped size
	$(VENV_BIN)/sam build --cached --parallel --language-extensions --template-file $(SAM_TEMPLATE) $(SAM_FLAGS)
	@test -x $(SAM_ARTEFACT) || { echo "missing $(SAM_ARTEFACT)" >&2; exit 1; }
	@mkdir -p $(dir $(ARTEFACT_SIZE_FILE))
	@$(VENV_BIN)/python -c 'import os, sys, zipfile; \
	src, dst, out = sys.argv[1:4]; \
	z = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=9); \
	info = zipfile.ZipInfo("bootstrap", date_time=(1980, 1, 1, 0, 0, 0)); info.external_attr = 0o100755 << 16; \
	info.compress_type = zipfile.ZIP_DEFLATED; z.writestr(info, open(src, "rb").read(), compresslevel=9); z.close(); \
	raw, zipped = os.path.getsize(src), os.path.getsize(dst); \
	line = f"bootstrap {raw} bytes ({raw / 1048576:.2f} MiB), zipped {zipped} bytes ({zipped / 1048576:.2f} MiB)"; \
	open(out, "w").write(line + "\n"); print(line)' $(SAM_ARTEFACT) $(ARTEFACT_ZIP) $(ARTEFACT_SIZE_FILE)

# `make test`'s check of the SAM build: the same `sam build` of the same template, with SAM's debug build
# mode (`cargo lambda build` without --release) and the local cargo as compiler, so it reuses the test
# build's artefacts (seconds, not a 10-minute LTO build). Into a build and cache directory of its own, so a
# later `make build` / `make deploy` never sees its debug artefact. `make bench` builds and checks the real
# release artefact (its 3 MB budget).
SAM_CHECK_DIR := target/sam-check
SAM_CHECK_ENV := SAM_BUILD_MODE=debug $(if $(filter x86_64-unknown-linux-gnu,$(CARGO_BUILD_TARGET)),CARGO_LAMBDA_COMPILER=cargo)
.PHONY: sam-build-check
sam-build-check: $(VENV)/.installed ## sam build in debug mode (what make test checks: the template builds the function)
	$(SAM_CHECK_ENV) $(VENV_BIN)/sam build --cached --parallel --language-extensions --template-file $(SAM_TEMPLATE) \
		--build-dir $(SAM_CHECK_DIR)/build --cache-dir $(SAM_CHECK_DIR)/cache $(SAM_FLAGS)
	@artefact=$(SAM_CHECK_DIR)/build/StartChatFunction/bootstrap; \
	test -x "$$artefact" || { echo "missing $$artefact" >&2; exit 1; }; \
	head -c 4 "$$artefact" | grep -q ELF || { echo "$$artefact is not an executable" >&2; exit 1; }; \
	echo "sam build (debug): $$artefact, $$(stat -c %s "$$artefact") bytes"

# sam deploy picks up .aws-sam/build/template.yaml by itself; passing it with --template-file would make
# SAM look for samconfig.toml in .aws-sam/build/ instead of here.
deploy: build ## build, then sam deploy --guided (AWS credentials; answers to samconfig.toml)
	$(VENV_BIN)/sam deploy --guided $(SAM_FLAGS)

delete: $(VENV)/.installed ## sam delete: remove the deployed stack (AWS credentials)
	$(VENV_BIN)/sam delete
