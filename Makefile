# oihkg: the two commands of the README are `make run` and `make test`.
PY := .venv/bin/python
SEED ?= ../shared/seed/000_9be3ae7a7bc2caaf.txt

.PHONY: setup run build reason test bench clean

setup:
	bash scripts/setup.sh

build: setup
	.venv/bin/oihkg build --seed $(SEED)

reason: build
	.venv/bin/oihkg reason

run: reason
	.venv/bin/oihkg summary

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) bench/bench_reason.py

clean:
	rm -rf .venv .pytest_cache build *.egg-info
