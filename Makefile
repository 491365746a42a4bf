# Dorsum: the two commands the README opens with, and the contributors' tools.
# Every target installs what it needs first (scripts/install-deps.sh is idempotent).

BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_GEN  := -G Ninja
SOURCES     = $(shell git ls-files '*.cpp' '*.hpp' 2>/dev/null)

.PHONY: all deps configure build demo test test-sanitize bench format format-check lint clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/dorsum demo
	@echo
	./$(BUILD)/dorsum analyze --builtin lift_20kg_round_back

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-sanitize: deps
	cmake -S . -B $(BUILD_ASAN) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DDORSUM_SANITIZE=ON
	cmake --build $(BUILD_ASAN) -j $(JOBS) --target dorsum_tests dorsum_cli
	cd $(BUILD_ASAN) && ctest --output-on-failure -j $(JOBS)

bench: build
	@for b in $(BUILD)/bench/bench_*; do echo "== $$b"; $$b; done

format: deps
	clang-format -i $(SOURCES)

format-check: deps
	clang-format --dry-run --Werror $(SOURCES)

lint: configure
	clang-tidy -p $(BUILD) --quiet $(filter src/% apps/%,$(filter %.cpp,$(SOURCES)))

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
