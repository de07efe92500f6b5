# The project's commands (README.md explains them). The first one creates .venv; after that the
# packages are reinstalled only when requirements.txt or pyproject.toml change.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(wildcard notebooks/*.ipynb)

# What a fresh, headless machine needs: matplotlib without a display, kernels that do not warn
# about the debugger, Jupyter's current data paths, and this virtualenv's kernelspec first, so
# notebooks always run on the venv's Python (where meeting_tokens is installed).
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export JUPYTER_PLATFORM_DIRS := 1
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter

.PHONY: book test lab notebooks bench lint clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# Executes the chapters (results cached in _build/.jupyter_cache) and writes _build/html; when no
# source has changed since the last good build, make has nothing to do. After a failed build the
# saved Sphinx environment is dropped, so the next build reports every warning again.
BOOK_SOURCES := _config.yml _toc.yml $(wildcard book/*.md book/images/* book/widgets-js/*.js \
	notebooks/*.ipynb lite/*.json lite/pyodide/*) $(shell find src -name '*.py' -o -name '*.js' -o -name '*.css' -o -name '*.html')
BOOK_STAMP := _build/.book-built

book: $(BOOK_STAMP)
	@echo "The book is built: open $(CURDIR)/_build/html/index.html"

$(BOOK_STAMP): $(STAMP) $(BOOK_SOURCES)
	$(BIN)/python -m meeting_tokens.book_assets book/widgets-js
	$(BIN)/jupyter-book build . -W -n --keep-going || { rm -rf _build/.doctrees; exit 1; }
	touch $@

# One pytest run: unit tests, the book built strictly and checked in Chromium, and every
# notebook re-executed and compared with its committed outputs (nbval, with the sanitizer).
test: $(STAMP)
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg \
		tests $(wildcard notebooks)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

# Re-executes every chapter in place, storing widget state, so notebooks are committed executed.
notebooks: $(STAMP)
ifeq ($(NOTEBOOKS),)
	@echo "No notebooks in notebooks/ yet."
else
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.store_widget_state=True \
		--ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.timeout=300 \
		$(NOTEBOOKS)
endif

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf _build artifacts book/widgets-js/anywidget
