# The project's commands (README.md and CONTRIBUTING.md explain them). The first one creates .venv;
# after that the packages are reinstalled only when requirements.txt or pyproject.toml change.
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

.PHONY: book test test-unit lab lab-reset notebooks bench lint linkcheck clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# pipecat's REST helpers, for the chapter "Tokens for bots and agents" and examples/pipecat-bot/:
# the pinned set in that folder's requirements.txt, installed with --no-deps (10 packages, 47 MB;
# pipecat-ai with all its dependencies would add 33 packages and about 400 MB, its media stack).
PIPECAT_STAMP := $(VENV)/.pipecat-installed
$(PIPECAT_STAMP): $(STAMP) examples/pipecat-bot/requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -r examples/pipecat-bot/requirements.txt
	touch $@

# Executes the chapters (results cached in _build/.jupyter_cache) and writes _build/html; when no
# source has changed since the last good build, make has nothing to do. After a failed build the
# saved Sphinx environment is dropped, so the next build reports every warning again.
BOOK_SOURCES := _config.yml _toc.yml $(wildcard book/*.md book/images/* book/widgets-js/*.js book/theme/* \
	book/_ext/*.py notebooks/*.ipynb examples/testing-offline/*.py examples/fastapi-server/*.py lite/*.json \
	lite/wheels.sha256 lite/pyodide/*) \
	$(shell find src -name '*.py' -o -name '*.js' -o -name '*.css' -o -name '*.html')
BOOK_STAMP := _build/.book-built

book: $(BOOK_STAMP)
	@echo "The book is built: open $(CURDIR)/_build/html/index.html"

# The chapters run without DAILY_API_KEY and MEETING_TOKENS_LIVE (env -u), on the emulator
# whatever the shell exports: no output of a live domain ends up in the site or in a commit.
$(BOOK_STAMP): $(STAMP) $(PIPECAT_STAMP) $(BOOK_SOURCES)
	$(BIN)/python book/_ext/book_assets.py book/widgets-js
	env -u DAILY_API_KEY -u MEETING_TOKENS_LIVE $(BIN)/jupyter-book build . -W -n --keep-going \
		|| { rm -rf _build/.doctrees; exit 1; }
	touch $@

# One pytest run: unit tests, the book built strictly and checked in Chromium, and every
# notebook re-executed and compared with its committed outputs (nbval, with the sanitizer).
# Without Chromium every browser test would fail on its own; say once what to install instead.
# pytest-xdist spreads the tests over TEST_WORKERS workers, one more than the cores (at most 5):
# a worker waiting on Chromium, a kernel or a server leaves its core to the others (on 2 cores,
# 3 workers took 199 s where 2 took 218 to 232). Tests go out one by one,
# except that a notebook's cells (one kernel), the JupyterLab tests (one server) and the tests of
# one page of the site or of Lite (one open page) stay together on one worker; the book is built
# once for all workers, from the committed outputs that nbval checks, so no chapter runs twice
# (both in tests/conftest.py).
# `make test TEST_WORKERS=0` runs everything in one process. Like the book, the tests run without
# the live key's variables, so a key in the shell is never used by them. They keep Python's
# bytecode even where PYTHONDONTWRITEBYTECODE is set (as in many container images): without it
# each worker compiles the package and rewrites every test's asserts again, seconds a run.
TEST_ENV = env -u DAILY_API_KEY -u MEETING_TOKENS_LIVE -u PYTHONDONTWRITEBYTECODE
TEST_WORKERS ?= $(shell $(PYTHON) -c "import os; print(min((os.cpu_count() or 1) + 1, 5))")
# $(call xdist,how): the workers, and how xdist hands them the tests.
xdist = $(if $(filter 0,$(TEST_WORKERS)),-p no:xdist,-n $(TEST_WORKERS) --dist $(1))

test: $(STAMP) $(PIPECAT_STAMP)
	@command -v chromium >/dev/null || { echo "make test needs Debian's chromium for its browser tests: run 'apt-get install chromium' (or 'bash .ci/run', which installs it and runs the tests)"; exit 1; }
	$(TEST_ENV) $(BIN)/python -m pytest $(call xdist,load) --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg \
		tests $(wildcard notebooks)

# The unit tests alone, the loop to run after each change (seconds): no browser, no book build,
# no JupyterLab, no notebook (so no nbval, which takes a second to load), and a tenth of each
# fuzzer's inputs (Hypothesis's quick profile, tests/fuzzing.py); `make test` tries them all.
# They need no grouping and are many and short: xdist's work stealing hands each worker its share
# at once and moves only what is left, instead of sending them one by one.
test-unit: $(STAMP) $(PIPECAT_STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest $(call xdist,worksteal) -p no:nbval --hypothesis-profile=quick \
		-m "not browser and not book and not lab and not notebook" tests

# JupyterLab on a copy of the chapters (workspace/, git-ignored), so a learner's edits and Lab's
# autosave never touch the committed notebooks; `make lab-reset` throws the copy away. The copy is
# made for a learner (lab/workspace.py): each exercise's solution folded into a closed dropdown
# below its check, so the check judges the learner's own answer. The server's
# root is the repository, so the chapters' figures (../book/images/) load as they do in the book.
#   make lab LAB_PORT=8899 LAB_BROWSER=no     another port, and no browser opened (remote machines)
# As root (containers, CI machines, many cloud workspaces) Jupyter refuses to start without
# --allow-root, so it is added when the user id is 0. Lab asks no other host for news or updates,
# and does not ask the learner about it either (lab/overrides.json: Lab's settings for this project).
# Lab loads its extensions from LAB_EXTENSIONS only, where lab/workspace.py links all but those
# lab/page_config.json disables (a disabled extension would still be loaded, and JupyterLite's fails).
LAB_PORT ?= 8888
LAB_BROWSER ?= yes
LAB_WORKSPACE ?= workspace
LAB_EXTENSIONS := $(VENV)/lab-extensions
LAB_OPTIONS = --ServerApp.port=$(LAB_PORT) \
	--ServerApp.root_dir=$(CURDIR) --ContentsManager.preferred_dir=$(LAB_WORKSPACE) \
	--LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	--LabApp.app_settings_dir=$(CURDIR)/lab --LabApp.labextensions_path=$(CURDIR)/$(LAB_EXTENSIONS) \
	$(if $(filter no,$(LAB_BROWSER)),--no-browser) $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP) $(PIPECAT_STAMP)
	$(BIN)/python lab/workspace.py notebooks $(LAB_WORKSPACE) $(LAB_EXTENSIONS)
	$(BIN)/jupyter lab $(LAB_OPTIONS)

lab-reset:
	rm -rf $(LAB_WORKSPACE)
	@echo "Removed $(LAB_WORKSPACE)/: the next 'make lab' starts from fresh copies of notebooks/."

# Re-executes every chapter in place, storing widget state, so notebooks are committed executed;
# on the emulator, without the live key's variables (env -u), as the book's build runs them.
notebooks: $(STAMP) $(PIPECAT_STAMP)
ifeq ($(NOTEBOOKS),)
	@echo "No notebooks in notebooks/ yet."
else
	env -u DAILY_API_KEY -u MEETING_TOKENS_LIVE $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.store_widget_state=True \
		--ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.timeout=300 \
		$(NOTEBOOKS)
endif

# Every benchmark, or some: make bench BENCH="bench_network bench_site".
BENCH ?=
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks book/_ext examples

# The book's external links, checked by Sphinx. It needs the network, so it is not part of
# `make test`; .github/workflows/linkcheck.yml runs it once a week.
linkcheck: $(STAMP)
	$(BIN)/python book/_ext/book_assets.py book/widgets-js
	$(BIN)/jupyter-book build . --builder linkcheck

clean:
	rm -rf _build artifacts book/widgets-js/anywidget
