# Two commands for a fresh machine with Python 3.11 and make: `make run`, `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= demo/firstask.db
WINDOW ?= 1

.PHONY: run test lint install clean-demo bench bench-pg

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q firstask > /dev/null
	touch $@

install: $(VENV)/.installed

$(DB): | $(VENV)/.installed
	$(BIN)/firstask --db $(DB) init --demo

run: $(VENV)/.installed $(DB)
	@$(BIN)/python -m compileall -q firstask > /dev/null
	$(BIN)/firstask --db $(DB) --window $(WINDOW)

# The desk's suites again on PostgreSQL (issue 21), on a throwaway server of the tests' own (tests/pg_server.py):
# each desk a test opens through Desk.open becomes a centre of a database there. (The suites that read a SQLite
# file directly, and the snapshots, run on files only.)
PG_SUITES := tests/test_handoff.py tests/test_rules_accept.py tests/test_rules_checkin.py tests/test_rules_close.py \
	tests/test_rules_notice.py tests/test_summary.py tests/test_scenarios.py tests/test_working_days_desk.py \
	tests/test_pins.py tests/test_purge.py tests/test_history.py tests/test_privacy_text.py tests/test_rates.py \
	tests/test_dialogs.py tests/test_follow_up.py tests/test_bad_input.py tests/test_time_rules.py \
	tests/test_concurrency.py tests/test_access.py tests/test_check_in.py tests/test_live.py tests/test_guides.py \
	tests/test_pad_notice.py tests/test_setup_centre.py tests/test_window.py tests/test_supervisor_screens.py

test: $(VENV)/.installed
	$(BIN)/python -m pytest
	FIRSTASK_TEST_ENGINE=postgresql $(BIN)/python -m pytest $(PG_SUITES) -k "not snapshot"

lint: $(VENV)/.installed
	$(BIN)/ruff check firstask tests bench tools
	$(BIN)/ruff format --check firstask tests bench tools
	$(BIN)/mypy firstask

clean-demo:
	rm -rf $(dir $(DB))

# Benchmarks (bench/): a synthetic database of BENCH_N cases, generated once per N (bench/data/, cached), then
# every figure against its reference; then each key's latency (bench/keys.py) against a bare Textual app, quiet
# and with a busy hall's windows writing. `make bench BENCH_N=20000` for a quick run. The desk's modules are compiled
# first, as an installed package's are (pip compiles them; a checkout run with PYTHONDONTWRITEBYTECODE=1 would
# otherwise compile them again at every start).
BENCH_N ?= 1000000

bench: $(VENV)/.installed
	$(BIN)/python -m compileall -q firstask bench > /dev/null
	$(BIN)/python -m bench.generate --cases $(BENCH_N)
	$(BIN)/python -m bench.run --cases $(BENCH_N)
	$(BIN)/python -m bench.keys --cases $(BENCH_N)
	$(BIN)/python -m bench.hall

# A district on PostgreSQL (issue 21): each bench starts a throwaway server of its own with PostgreSQL's default
# durability (FIRSTASK_BENCH_PG names a database instead).
bench-pg: $(VENV)/.installed
	$(BIN)/python -m bench.pg_writes
	$(BIN)/python -m bench.pg_district
