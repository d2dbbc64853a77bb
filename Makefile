# Skills Passport: `make run` starts the product, `make test` runs the whole suite.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SHARED ?= ../shared
INTEROP := .cache/interop
INTEROP_READY := $(INTEROP)/js/node_modules/.ready

.PHONY: run test install interop bench clean

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

test: $(INSTALLED) interop
	SKILLPASS_INTEROP_DIR=$(CURDIR)/$(INTEROP) $(BIN)/python -m pytest -q

bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench_proofs.py

clean:
	rm -rf $(VENV) .cache build *.egg-info
