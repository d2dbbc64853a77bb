# Skills Passport: `make run` starts the product, `make test` runs the whole suite.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SHARED ?= ../shared
INTEROP := .cache/interop
INTEROP_READY := $(INTEROP)/js/node_modules/.ready

# Debian packages the tests use: Chromium for the browser tests, a PostgreSQL
# server for the database tests, Noto fonts for Chinese and Thai text, Pango for
# WeasyPrint's PDF certificates, poppler to render them back to images in tests.
SYSTEM_PACKAGES := chromium postgresql fonts-noto-core fonts-noto-cjk fonts-noto-mono poppler-utils libpango-1.0-0 libpangoft2-1.0-0

.PHONY: run test install interop system-deps bench clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(INSTALLED)
	$(BIN)/skillpass serve

# The reference JavaScript stack (../shared/interop), installed from the npm
# registry into .cache/ so the interop tests can run it offline.
interop: $(INTEROP_READY)

$(INTEROP_READY):
	@if [ -d "$(SHARED)/interop/js" ] && command -v npm >/dev/null; then \
		rm -rf $(INTEROP) && mkdir -p .cache && cp -r $(SHARED)/interop $(INTEROP) && chmod -R u+w $(INTEROP) && \
		(cd $(INTEROP)/js && npm ci --no-audit --no-fund --loglevel=error) && touch $@; \
	else echo "interop: $(SHARED)/interop or npm not found; interop tests will be skipped"; fi

# The verifier page's in-browser QR decoder (zxing-wasm), installed from the npm registry into
# .cache/ and served by the verifier app. Without npm the page offers photo upload only.
SCANNER := .cache/scanner
SCANNER_READY := $(SCANNER)/node_modules/.ready

.PHONY: scanner
scanner: $(SCANNER_READY)

$(INSTALLED): | $(SCANNER_READY)

$(SCANNER_READY): verifier/scanner/package.json verifier/scanner/package-lock.json
	@if command -v npm >/dev/null; then \
		mkdir -p $(SCANNER) && cp verifier/scanner/package.json verifier/scanner/package-lock.json $(SCANNER)/ && \
		(cd $(SCANNER) && npm ci --no-audit --no-fund --loglevel=error) && touch $@ || \
		echo "scanner: npm ci failed; the verifier page offers photo upload only"; \
	else echo "scanner: npm not found; the verifier page offers photo upload only"; fi

system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "system-deps: cannot install $$missing (not root or no apt-get); tests that need them are skipped"; fi

test: $(INSTALLED) interop system-deps
	SKILLPASS_INTEROP_DIR=$(CURDIR)/$(INTEROP) $(BIN)/python -m pytest -q

bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench_proofs.py
	$(BIN)/python benchmarks/bench_qr.py

clean:
	rm -rf $(VENV) .cache build *.egg-info
