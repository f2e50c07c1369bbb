# oihkg: the two commands of the README are `make run` and `make test`.
PY := .venv/bin/python
SEED ?= ../shared/seed/000_9be3ae7a7bc2caaf.txt
PORT ?= 8000

.PHONY: setup run build reason test test-fast bench mutation docs clean

setup:
	bash scripts/setup.sh

build: setup
	if [ -f $(SEED) ]; then .venv/bin/oihkg build --seed $(SEED); else .venv/bin/oihkg build --no-seed; fi

reason: build
	.venv/bin/oihkg reason

run: reason
	.venv/bin/oihkg summary
	.venv/bin/oihkg serve --host 127.0.0.1 --port $(PORT)

test:
	bash scripts/setup.sh --browser
	OIHKG_REQUIRE_VIRTUOSO=1 $(PY) -m pytest -q

test-fast: setup
	$(PY) -m pytest -q -m "not slow"

bench:
	bash scripts/setup.sh --bench
	$(PY) bench/bench_health.py
	$(PY) bench/bench_server.py
	$(PY) bench/bench_reason.py
	$(PY) bench/bench_store.py
	$(PY) bench/bench_mechanism.py
	$(PY) bench/bench_trapi.py
	$(PY) bench/bench_scale.py
	$(PY) bench/bench_routes.py
	$(PY) bench/bench_sparql.py

# mutation testing of the curated model: every row dropped or inverted, rebuilt, reasoned and checked (about 30 min)
mutation: setup
	.venv/bin/oihkg check --mutate

# the documentation site (MkDocs, strict: a broken link fails), built into site/; `.venv/bin/mkdocs serve` to preview
docs: setup
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --site-dir site

clean:
	rm -rf .venv .pytest_cache build *.egg-info
