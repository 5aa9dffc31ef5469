# `make test` and `make demo` are all a newcomer needs: each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PY_DIRS := autograd nn demos bench tests tools web conftest.py

.PHONY: test js demo docs figures lint bench clean test-torch test-native test-wheel mutation \
	site test-site

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,plot,bench]'
	touch $(STAMP)

# The pages' JavaScript (autograd/pages/static/): ESLint, then Node's test runner, with the
# versions package-lock.json pins, installed again only when the lock changes. A machine
# without npm (a bare laptop) skips them, saying so, and goes on with the Python checks.
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

ifeq ($(shell command -v npm && command -v node),)
js:
	@echo "npm or node is not on PATH: the JavaScript checks (ESLint, node --test) are skipped"
else
js: $(NODE_STAMP)
	npx eslint --max-warnings 0
	node --test --test-reporter=spec tests/js/*.test.js
endif

test: $(STAMP) js
	$(BIN)/ruff check $(PY_DIRS)
	$(BIN)/ruff format --check $(PY_DIRS)
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check $(PY_DIRS)
	$(BIN)/ruff format --check $(PY_DIRS)
	$(BIN)/mypy

demo: $(STAMP)
	$(BIN)/python -m demos.xor

# The docs site, from docs/ (Markdown, the lesson notebooks, the API from the docstrings)
# into site/, with --strict: a broken link or reference, or a page left out of the
# navigation, stops the build. The docs tools are pinned in pyproject.toml's `docs` extra.
DOCS_STAMP := $(VENV)/.docs-installed

$(DOCS_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install -q -e '.[docs]'
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	@if [ -f build/play/index.html ]; then rm -rf site/play && cp -R build/play site/play && \
		echo "copied the playground (make site) into site/play/"; fi
	@echo "built the docs site: open site/index.html"

# The playground (web/): the library in a browser tab, run by Pyodide, one static folder
# (build/play/) with the runtime, viz.js and the wheels, as package.json and tools/build_site.py
# pin them. Built apart from site/ because mkdocs empties site/ on every build; `make docs`
# copies it in as site/play/. Serve it with: python -m http.server -d build/play
site: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m tools.build_site

# The playground in Chromium: the command line's pages, training and the no-network rule.
test-site: site
	$(BIN)/pytest tests/web

# Every picture in docs/images/ made again, as tools/figures.py's table says: the demos in a
# temporary folder (out/ is left alone), the screenshots in headless Chromium. A picture whose
# tool is missing (Chromium, Graphviz's dot) is skipped, saying what to install, and the
# target fails, since the docs then keep an old picture. About half a minute.
figures: $(STAMP)
	$(BIN)/python -m tools.figures

# PyTorch (the CPU build) and Numba (the fast extra) are installed here, never by `make test`:
# bench.native_step sets micrograd, the interpreter, float code, the generated code, the numba
# backend and PyTorch side by side.
bench: $(STAMP)
	$(BIN)/pip install -q torch==2.13.0 -e '.[fast]'
	$(BIN)/python -m bench.engine_step
	$(BIN)/python -m bench.nn_step
	$(BIN)/python -m bench.compiled_step
	$(BIN)/python -m bench.compile_wide
	$(BIN)/python -m bench.torch_batch
	$(BIN)/python -m bench.native_step
	$(BIN)/python -m bench.record_overhead

clean:
	rm -rf $(VENV) out site build .pytest_cache .mypy_cache .hypothesis mutants node_modules

# The sdist and the wheel as users get them (tools/smoke_wheel.py): built from a clean copy of
# the tree, checked with twine, the wheel installed (not editable) in a fresh virtual environment
# outside the tree and used there: imports, the command line, a drawing without dot, the pages
# in Chromium, nn trained and saved, mypy on the installed types; then again with a wheel built
# from the sdist. About a minute, so not part of `make test`; CI runs it. Without Chromium the
# pages are written but not opened, in one line that says so.
test-wheel: $(STAMP)
	$(BIN)/python -m tools.smoke_wheel

# Optional: compare first and second derivatives with PyTorch's autograd (a large install),
# nn's networks carried over to PyTorch and back (nn/torch_bridge.py), and
# compile(..., backend="torch") against the interpreter; the docs pages that need PyTorch.
test-torch: $(STAMP)
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pytest tests/test_against_torch.py tests/nn/test_torch_bridge.py nn/torch_bridge.py \
		tests/core/test_compiler_torch.py autograd/core/compiler.py docs README.md

# Optional: compile(..., backend="numba") against the interpreter, bit for bit (the fast extra,
# Numba, pinned in pyproject.toml), nn.fit(compile="numba"), and the docs page that uses it.
test-native: $(STAMP)
	$(BIN)/pip install -q -e '.[fast]'
	$(BIN)/pytest tests/core/test_compiler_numba.py tests/nn/test_train.py docs/use/native.md

# Optional, slow (about an hour and a half on two cores): mutation testing of the core files with
# mutmut (configured in pyproject.toml). CI=1 derandomizes Hypothesis so that every mutant
# meets the same examples. Results are kept in mutants/: a second run only retests what
# changed; `$(BIN)/mutmut results` lists the survivors, `$(BIN)/mutmut show NAME` shows one.
mutation: $(STAMP)
	$(BIN)/pip install -q mutmut==3.8.1
	CI=1 $(BIN)/mutmut run
	$(BIN)/python -m tests.mutation_score
