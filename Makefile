# The two commands of the README: `make book` and `make test`.
# Both create .venv on first use (about a minute) and reuse it afterwards.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt

# The airfoil data cannot be downloaded here; use the shared copy when it is beside the clone.
ifneq ($(wildcard ../shared/data/airfoil_self_noise.dat),)
export OPTBOOK_DATA_DIR ?= $(abspath ../shared/data)
endif
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: setup book test fast-test lock clean benchmark

setup: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# Build the website into _build/html (executes the chapters, cached in _build/.jupyter_cache).
book: setup
	$(BIN)/jupyter-book build . --warningiserror --keep-going --quiet

# Run every test, including the built site, so the book is built first.
test: book
	$(BIN)/python -m pytest

# The tests that do not need the built site.
fast-test: setup
	$(BIN)/python -m pytest -m "not site"

benchmark: setup
	$(BIN)/python benchmarks/chapter_times.py

# Re-pin every package after editing requirements.in.
lock:
	rm -rf /tmp/optbook-lock && $(PYTHON) -m venv /tmp/optbook-lock
	/tmp/optbook-lock/bin/pip install --quiet -c constraints.txt -r requirements.in
	{ echo "# Every package pinned. Regenerate with \`make lock\` after editing requirements.in."; \
	  echo "# Install with the constraints file: pip install -c constraints.txt -r requirements.txt"; \
	  /tmp/optbook-lock/bin/pip freeze --all | grep -vE '^(pip|-e)' | sed 's/+cpu$$//'; } > requirements.txt

clean:
	rm -rf _build
