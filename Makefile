# `make demo` and `make test` set everything up on a fresh machine, then run.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch==2.13.0
OFFLINE := HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 RAY_AUTH_MODE=disabled
WHEEL_VENV ?= $(CURDIR)/build/wheel-venv

.PHONY: setup demo test docs chaos lint format bench perf-smoke wheel-check clean

$(BIN)/.installed: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH_SPEC)
	$(BIN)/python -m pip install --quiet -e '.[dev,ray,mlflow,wandb,slurm]'
	touch $@

setup: $(BIN)/.installed

DEMO := runs/demo

demo: setup
	$(OFFLINE) $(BIN)/xharness tiny-model $(DEMO)/tiny-model
	@echo "== every task once: tiny model, sample data, zero-shot from English (grids/tasks.yaml)"
	$(OFFLINE) $(BIN)/xharness grid grids/tasks.yaml
	@echo "== every task's score, the category averages and the XTREME-R score"
	$(OFFLINE) $(BIN)/xharness tables runs/demo-tasks
	@echo "== the same results as XGLUE and the low-resource benchmark score them"
	$(OFFLINE) $(BIN)/xharness tables runs/demo-tasks --benchmark xglue
	$(OFFLINE) $(BIN)/xharness tables runs/demo-tasks --benchmark low-resource
	@echo "== the research question in miniature (grids/demo.yaml)"
	$(OFFLINE) $(BIN)/xharness grid grids/demo.yaml
	@echo "== target languages seen in the intermediate stage, and unseen ones by family"
	$(OFFLINE) $(BIN)/xharness tables runs/demo-grid --by seen
	@echo "== differences from high-resource intermediate training, as a sortable HTML page"
	$(OFFLINE) $(BIN)/xharness tables runs/demo-grid --baseline "massive/high-resource · none" \
		--format html --out runs/demo-grid/leaderboard.html
	@echo "== transfer settings: translate-test and translate-train-all beside zero-shot (grids/settings.yaml)"
	$(OFFLINE) $(BIN)/xharness grid grids/settings.yaml
	$(OFFLINE) $(BIN)/xharness tables runs/demo-settings
	@echo "== the research question: the language set's effect, and how rs-rp changes it"
	$(OFFLINE) $(BIN)/xharness report runs/demo-grid --factor language_set \
		--baseline high-resource --by regularizer --format html --out runs/demo-grid/report.html
	$(OFFLINE) $(BIN)/xharness report runs/demo-grid --factor language_set \
		--baseline high-resource --by regularizer --out runs/demo-grid/report.md

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(OFFLINE) $(BIN)/python -m pytest
	$(MAKE) perf-smoke
	$(MAKE) chaos

# the documentation site, into build/site; mkdocs.yml sets strict (warnings are errors)
docs: setup
	$(OFFLINE) $(BIN)/mkdocs build --quiet

# SIGKILLs at random moments, then the run folder's guarantees checked (docs/grid.md); CHAOS_ARGS
# adds options, e.g. CHAOS_ARGS="--rounds 50 --long --seed 7"
chaos: setup
	$(OFFLINE) $(BIN)/python scripts/chaos.py $(CHAOS_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python perf/startup.py
	$(BIN)/python perf/train_throughput.py
	$(BIN)/python perf/regularizer_cost.py
	$(BIN)/python perf/grid_reuse.py
	$(BIN)/python perf/qa_postprocess.py
	$(BIN)/python perf/retrieval_search.py
	$(BIN)/python perf/retrieval_training.py
	$(BIN)/python perf/score_speed.py
	$(BIN)/python perf/speed_options.py

# Every perf script in its smoke mode (tiny sizes, one repeat; about a minute in all), so that the
# scripts keep running; each still prints its ratio beside its goal (docs/performance.md).
perf-smoke: setup
	$(OFFLINE) $(BIN)/python perf/startup.py --smoke
	$(OFFLINE) $(BIN)/python perf/train_throughput.py --smoke
	$(OFFLINE) $(BIN)/python perf/regularizer_cost.py --smoke
	$(OFFLINE) $(BIN)/python perf/grid_reuse.py --smoke
	$(OFFLINE) $(BIN)/python perf/qa_postprocess.py --smoke
	$(OFFLINE) $(BIN)/python perf/retrieval_search.py --smoke
	$(OFFLINE) $(BIN)/python perf/retrieval_training.py --smoke
	$(OFFLINE) $(BIN)/python perf/score_speed.py --smoke
	$(OFFLINE) $(BIN)/python perf/trainer_baseline.py --smoke
	$(OFFLINE) $(BIN)/python perf/speed_options.py --smoke

# Build the wheel, install it into a fresh virtual environment and run it from another folder.
wheel-check: setup
	rm -rf build/wheel dist
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w dist .
	rm -rf $(WHEEL_VENV)
	$(PYTHON) -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/python -m pip install --quiet $(TORCH_SPEC)
	$(WHEEL_VENV)/bin/python -m pip install --quiet dist/xtreme_harness-*.whl
	cd /tmp && $(OFFLINE) $(WHEEL_VENV)/bin/xharness languages sw --json > /dev/null
	rm -rf build/wheel-run && mkdir -p build/wheel-run
	cd build/wheel-run && $(OFFLINE) $(WHEEL_VENV)/bin/xharness tiny-model tiny > /dev/null
	cd build/wheel-run && $(OFFLINE) $(WHEEL_VENV)/bin/xharness run --model tiny --task xcopa \
		--source sample --max-steps 2 --out xcopa --quiet > /dev/null && echo "wheel run ok"
	cd build/wheel-run && $(OFFLINE) $(WHEEL_VENV)/bin/xharness run --model tiny --task pawsx \
		--source sample --max-steps 1 --eval-languages en --regularizer rs-da --protocol robust-xlt \
		--out pawsx --quiet > /dev/null && echo "wheel protocols and the counter-fitted table ok"
	cd build/wheel-run && $(OFFLINE) $(WHEEL_VENV)/bin/xharness plugin init wheel-check > /dev/null \
		&& test -f xharness-wheel-check/pyproject.toml && echo "wheel plugin template ok"
	cd /tmp && $(OFFLINE) XHARNESS_STRICT_PLUGINS=1 $(WHEEL_VENV)/bin/xharness plugins --json \
		| $(WHEEL_VENV)/bin/python -c "import json,sys; names={p['name'] for p in json.load(sys.stdin)}; assert 'robust' in names, names; print('wheel ok:', sorted(names))"

clean:
	rm -rf $(VENV) build dist *.egg-info
