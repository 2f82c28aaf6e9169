# 安居 Anju — two commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint serve deps assets browser clean

demo: deps assets
	$(BIN)/anju demo
	$(BIN)/anju serve

test: deps assets browser
	$(BIN)/ruff check anju tests bench
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

# Browser tests drive Debian's chromium; install it when we can (root), otherwise say what to install.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
	else echo "浏览器测试需要 chromium：请运行 sudo apt-get install chromium / browser tests need chromium: sudo apt-get install chromium"; exit 1; fi

serve: deps assets
	$(BIN)/anju serve

lint: deps
	$(BIN)/ruff check anju tests bench

clean:
	rm -rf var .venv node_modules
