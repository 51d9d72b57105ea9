# newsdesk — two commands on a fresh machine:
#   make run    set up, load the bundled demo corpus into the default SQLite database, serve the reader
#   make test   set up and run the whole test suite (lint and types included)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: run test setup browser clients lint typecheck bench demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,nlp,bench,postgres]'
	touch $(STAMP)

setup: $(STAMP)

# The browser tests drive Debian's Chromium; install it when missing (root, or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The feed-reader API tests drive real clients: newsboat (through tmux); install them when missing.
clients:
	@{ command -v newsboat >/dev/null 2>&1 && command -v tmux >/dev/null 2>&1; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq newsboat tmux >/dev/null; }

demo: $(STAMP)
	$(BIN)/newsdesk demo

run: $(STAMP)
	$(BIN)/newsdesk demo
	$(BIN)/newsdesk serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check newsdesk tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) browser clients
	$(BIN)/ruff check newsdesk tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n 2 -q
	# the tests that use the `store` fixture once more, on PostgreSQL (a throw-away schema each)
	NEWSDESK_TEST_BACKEND=postgresql $(BIN)/pytest -n 2 -q -m "not browser"

# Each benchmark prints its table and writes bench/<area>/RESULTS.md (the web one takes ~15 min:
# it generates a 100k-article corpus on its first run; scale runs at a small size by default, see
# bench/scale/run.py for the 10k/100k/1M commands).
BENCHES := extraction ingest summarization clustering related entities web scale

bench: $(STAMP)
	@for b in $(BENCHES); do echo "== bench/$$b"; $(BIN)/python bench/$$b/run.py || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
