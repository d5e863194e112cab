# make lab   – open the course (creates .venv and prepares data on first use)
# make test  – run every test: unit, notebooks in the ci profile, grading, widgets, browser
# make grade – grade your notebooks (NB=notebooks/02_skipgram.ipynb for one);
#              instructors: DIR=path/to/submissions writes a gradebook (TESTS=dir adds hidden cases)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DATA   := data/cache/.prepared

.PHONY: lab test grade data bench clean-cache

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $(STAMP)

$(DATA): $(STAMP)
	$(PY) -m course_lib.prepare
	touch $(DATA)

data: $(DATA)

# JupyterLab refuses to run as root unless told to (containers, CI machines).
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(DATA)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(LAB_ROOT) $(LAB_ARGS)

test: $(DATA)
	$(PY) -m pytest -ra $(PYTEST_ARGS)

grade: $(DATA)
ifdef DIR
	$(PY) -m course_lib.exercises.gradebook $(DIR) $(if $(TESTS),--tests $(TESTS)) $(GRADE_ARGS)
else
	$(PY) -m course_lib.exercises.grade $(NB)
endif

bench: $(DATA)
	$(PY) benchmarks/course_runtime.py --profile ci

clean-cache:
	rm -rf data/cache
