# The two set-up commands of README.md: `make run` and `make test`.
SHELL := /bin/bash
INFILL_CACHE ?= $(HOME)/.cache/infill
export INFILL_CACHE
SWIFT_FLAGS := -c release -Xswiftc -enable-testing
BIN := .build/release/infill
# Where `make install` puts infill (bin/) and the editor files (share/infill/editors/).
PREFIX ?= $(HOME)/.local

.PHONY: run test deps models build check-tests install uninstall

deps:
	scripts/install-deps

# scripts/record-commit first, so that `infill --version` names the commit being built.
build: deps
	scripts/record-commit
	swift build $(SWIFT_FLAGS)

# Main job: default model, a real one-shot completion on an example file, then editor set-up hints.
run: deps
	scripts/fetch-models qwen2.5-coder-1.5b >/dev/null
	scripts/record-commit
	swift build $(SWIFT_FLAGS)
	PREFIX="$(PREFIX)" scripts/demo

# Whole test suite (CI runs exactly this).
test: deps
	scripts/fetch-models qwen2.5-coder-0.5b smollm2-135m qwen2.5-coder-1.5b >/dev/null
	scripts/fetch-test-data >/dev/null
	scripts/record-commit
	swift build $(SWIFT_FLAGS) --build-tests
	swift test $(SWIFT_FLAGS) --skip-build
	scripts/test-e2e

# The release binary and the editor files, for editors that start `infill` from PATH.
install: build
	scripts/install "$(PREFIX)"

uninstall:
	scripts/install --uninstall "$(PREFIX)"
