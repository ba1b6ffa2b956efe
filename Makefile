# Two commands set everything up on a fresh machine with Python 3.11: `make build`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build test serve check clean

# Two stamps: `make build` installs only what the tool needs; `make test` adds the test tools ([test] extra).
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

build: $(BIN)/.installed
	$(BIN)/therapist-site build

test: $(BIN)/.installed-test
	$(BIN)/python -m pytest -q -n 2

serve: $(BIN)/.installed
	$(BIN)/therapist-site serve

check: $(BIN)/.installed
	$(BIN)/therapist-site check

# The field tables of docs/content-format.md, written again from the tables in config.py and validate.py.
.PHONY: docs
docs: $(BIN)/.installed
	$(BIN)/python -m generator.reference

# The ZIP code tables of the directory's "near you" (generator/data/zips/), written again from the zipcodes package.
.PHONY: zips
zips: $(BIN)/.installed-test
	$(BIN)/python -m generator.geo

clean:
	rm -rf $(VENV) public .cache

# Benchmark against Hugo + Pagefind and Pelican + Pagefind, and against the floor (what Python-Markdown and Pagefind
# alone need) (bench/run.py; installs the peers into bench/work/venv). Not part of `make test`.
# make bench BENCH_ARGS="--write-docs"   also records the tables in docs/performance.md; add --large for 10,000 + 2,000
# make bench BENCH_ARGS="--tools ours --baseline COMMIT --runs 5"   a slowdown since COMMIT, beyond run-to-run noise?
BENCH_ARGS ?=
.PHONY: bench
bench: $(BIN)/.installed-test
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Screenshots of the example site at phone and desktop widths, with Debian's chromium (docs/screenshots/, shown in
# the README). Not part of `make test`.
.PHONY: screenshots
screenshots: $(BIN)/.installed-test
	$(BIN)/python docs/screenshots/make.py
