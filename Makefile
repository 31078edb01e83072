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
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: setup book test fast-test lock clean benchmark browser mathjax grade merge

setup: $(STAMP)

$(STAMP): requirements.txt requirements-reference.txt requirements-dev.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -r requirements-reference.txt
	$(PIP) -c requirements.txt -r requirements-dev.txt
	$(PIP) --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# MathJax 3 for offline math: installed from npm at the version pinned in package-lock.json,
# and only the files the site needs (tex-chtml.js, its fonts, the TeX extensions it autoloads)
# copied to _build/mathjax_extra/mathjax, which _config.yml serves as /mathjax/ (html_extra_path).
MATHJAX_ES5   := node_modules/mathjax/es5
MATHJAX_EXTRA := _build/mathjax_extra/mathjax

node_modules/mathjax: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(MATHJAX_EXTRA): node_modules/mathjax
	rm -rf $@ && mkdir -p $@/output/chtml $@/input/tex
	cp $(MATHJAX_ES5)/tex-chtml.js node_modules/mathjax/LICENSE $@/
	cp -r $(MATHJAX_ES5)/output/chtml/fonts $@/output/chtml/
	cp -r $(MATHJAX_ES5)/input/tex/extensions $@/input/tex/
	touch $@

mathjax: $(MATHJAX_EXTRA)

# The browser test drives Debian's Chromium through Playwright (never `playwright install`).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	  $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq --no-install-recommends chromium; }

# Build the website into _build/html (executes the chapters, cached in _build/.jupyter_cache).
# The chapters execute side by side first (one per core, into the execution cache), since
# Jupyter Book runs its pages one after another.
book: setup $(MATHJAX_EXTRA)
	$(BIN)/python _ext/execute_chapters.py .
	$(BIN)/jupyter-book build . --warningiserror --keep-going --quiet

# Run every test, including the built site, so the book is built first.
test: book browser
	$(BIN)/python -m pytest

# The tests that do not need the built site.
fast-test: setup
	$(BIN)/python -m pytest -m "not site"

# Autograde everything in submitted/<student>/<assignment>/: gradebook, feedback/, grades.csv.
# SHARD=i/N grades only shard i of N (1 <= i <= N) into gradebook-shard-i-of-N.db;
# `make merge` merges every gradebook-shard-*.db here into the gradebook, then grades.csv.
grade: setup
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m grading.grade $(if $(SHARD),--shard $(SHARD))

merge: setup
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m grading.merge

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
