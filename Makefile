# 安居 Anju — two commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Type-checked with django-stubs: the pure domain and every app's writes and reads. The wildcards
# match a module (services.py) and a package after a split (services/) alike.
TYPED := anju/domain $(wildcard anju/*/services* anju/*/queries*) \
	anju/core/scoping.py anju/core/sealed.py anju/core/audit.py anju/roster/models.py anju/programme/models.py

.PHONY: demo test lint typecheck serve deps assets browser clean

demo: deps assets
	$(BIN)/anju demo
	$(BIN)/anju serve

test: deps assets browser
	$(BIN)/ruff check anju tests bench
	$(BIN)/mypy $(TYPED)
	$(BIN)/pytest -n 2 --dist loadfile

deps: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "请先安装 python3 (3.11+) / install python3 (3.11+) first"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "请安装 python3-venv / install python3-venv (apt-get install python3-venv)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

assets: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "请先安装 Node.js 和 npm / install Node.js and npm first"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Browser tests drive Debian's chromium and PDF tests read pages back with poppler (pdftotext,
# pdftoppm): install them when we can (root), otherwise say in one line what to install.
browser:
	@need=""; [ -x /usr/bin/chromium ] || need="chromium"; command -v pdftoppm >/dev/null || need="$$need poppler-utils"; \
	if [ -z "$$need" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null)); \
	else echo "测试需要$$need：请运行 sudo apt-get install$$need / the tests need$$need: sudo apt-get install$$need"; exit 1; fi

serve: deps assets
	$(BIN)/anju serve

lint: deps
	$(BIN)/ruff check anju tests bench

typecheck: deps
	$(BIN)/mypy $(TYPED)

clean:
	rm -rf var .venv node_modules
