# Dorsum: the two commands the README opens with, and the contributors' tools.
# Every target installs what it needs first (scripts/install-deps.sh is idempotent).

BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_GEN  := -G Ninja
SHELL      := /bin/bash
# Tracked C++ files (outside a git checkout, every C++ file of the source folders).
SOURCES     = $(shell git ls-files '*.cpp' '*.hpp' 2>/dev/null || \
                find apps bench include src tests -name '*.[ch]pp' 2>/dev/null)
# clang-tidy runs on translation units; headers are checked through them (HeaderFilterRegex).
LINT_UNITS  = $(filter src/% apps/% tests/% bench/%,$(filter %.cpp,$(SOURCES)))

.PHONY: all deps configure build demo test test-sanitize bench format format-check lint clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# The main job on the built-in model: lifting 15 kg from a crate with a stooped back versus
# bent knees, with the NIOSH index, the console table, and the HTML report (path printed).
demo: build
	@mkdir -p $(BUILD)/demo
	./$(BUILD)/dorsum analyze --builtin lift_15kg_stoop_vs_squat \
	  --report $(BUILD)/demo/report.html --json $(BUILD)/demo/result.json --csv $(BUILD)/demo/csv
	@echo
	@echo "Open $(abspath $(BUILD))/demo/report.html in a browser to see the report."

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-sanitize: deps
	cmake -S . -B $(BUILD_ASAN) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DDORSUM_SANITIZE=ON
	cmake --build $(BUILD_ASAN) -j $(JOBS) --target dorsum_tests dorsum_cli
	cd $(BUILD_ASAN) && ctest --output-on-failure -j $(JOBS)

# Figures in docs/PERFORMANCE.md. BENCH_ARGS= (empty) for a single quick run.
BENCH_ARGS ?= --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
bench: build
	@for b in $(BUILD)/bench/bench_*; do \
	  if [ -f "$$b" ] && [ -x "$$b" ]; then echo "== $$b"; "$$b" $(BENCH_ARGS) || exit 1; fi; \
	done

format: deps
	@test -n "$(SOURCES)" || { echo "format: no C++ sources found" >&2; exit 1; }
	clang-format -i $(SOURCES)

format-check: deps
	@test -n "$(SOURCES)" || { echo "format-check: no C++ sources found" >&2; exit 1; }
	clang-format --dry-run --Werror $(SOURCES)

# compile_commands.json comes from the configure step (CMAKE_EXPORT_COMPILE_COMMANDS); one
# clang-tidy per file, $(JOBS) at a time; files this configuration does not compile (an optional
# dependency missing) are skipped, by name. Any finding is an error (.clang-tidy).
# clang-tidy's "N warnings generated." counts diagnostics in system headers too; not shown.
lint: configure
	@test -n "$(LINT_UNITS)" || { echo "lint: no C++ sources found" >&2; exit 1; }
	@set -o pipefail; units=(); for f in $(LINT_UNITS); do \
	  if grep -qF "\"$(CURDIR)/$$f\"" $(BUILD)/compile_commands.json; then units+=("$$f"); \
	  else echo "lint: skipped $$f (not compiled in this configuration)"; fi; done; \
	printf '%s\n' "$${units[@]}" \
	  | xargs -P $(JOBS) -n 1 clang-tidy -p $(BUILD) --quiet 2>&1 \
	  | { grep -v '^[0-9]* warnings\? generated\.$$' || true; } \
	  && echo "lint: clean ($${#units[@]} files)" \
	  || { echo "lint: clang-tidy found problems (above)" >&2; exit 1; }

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
