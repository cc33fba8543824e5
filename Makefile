# `make demo` and `make test` set everything up on a fresh machine, then run.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch==2.13.0
OFFLINE := HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 RAY_AUTH_MODE=disabled
WHEEL_VENV ?= $(CURDIR)/build/wheel-venv

.PHONY: setup demo test lint format bench wheel-check clean

$(BIN)/.installed: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH_SPEC)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

demo: setup
	@echo "== low-resource languages (Joshi class 0-2) that MASSIVE has, for intermediate training"
	$(OFFLINE) $(BIN)/xharness languages --dataset massive --resource-class 0-2
	@echo "== low-resource XTREME-R languages evaluated on WikiANN-NER"
	$(OFFLINE) $(BIN)/xharness languages --task panx --resource-class 0-2
	@echo "== installed plugins"
	$(OFFLINE) $(BIN)/xharness plugins

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(OFFLINE) $(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python benchmarks/startup.py

# Build the wheel, install it into a fresh virtual environment and run it from another folder.
wheel-check: setup
	rm -rf build/wheel dist
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w dist .
	rm -rf $(WHEEL_VENV)
	$(PYTHON) -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/python -m pip install --quiet $(TORCH_SPEC)
	$(WHEEL_VENV)/bin/python -m pip install --quiet dist/xtreme_harness-*.whl
	cd /tmp && $(OFFLINE) $(WHEEL_VENV)/bin/xharness languages sw --json > /dev/null
	cd /tmp && $(OFFLINE) XHARNESS_STRICT_PLUGINS=1 $(WHEEL_VENV)/bin/xharness plugins --json \
		| $(WHEEL_VENV)/bin/python -c "import json,sys; names={p['name'] for p in json.load(sys.stdin)}; assert 'robust' in names, names; print('wheel ok:', sorted(names))"

clean:
	rm -rf $(VENV) build dist *.egg-info
