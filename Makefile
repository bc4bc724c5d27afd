# SPDX-License-Identifier: MIT
# Thin wrapper over CMake.  `make run` and `make check` are the quick start.
BUILD      ?= build
CHECKBUILD ?= build-check
RELBUILD   ?= build-release
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
ESTATE     ?= examples/estate

.PHONY: all deps build run check check-release fuzz bench examples clean install

all: build

deps:
	@sh scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DOV_TESTS=OFF

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The main job: scan the bundled sample estate and print the findings.
run: build
	./$(BUILD)/overvisor scan $(ESTATE) --contract examples/contract.yaml \
	    --exceptions examples/exceptions.yaml --fail-on none

$(CHECKBUILD)/CMakeCache.txt:
	CC=clang cmake -S . -B $(CHECKBUILD) -DCMAKE_BUILD_TYPE=Debug \
	    -DOV_SANITIZE=ON -DOV_FUZZ=ON -DOV_WERROR=ON

# Every test, under AddressSanitizer and UndefinedBehaviorSanitizer.
check: deps $(CHECKBUILD)/CMakeCache.txt
	cmake -S . -B $(CHECKBUILD) -DOV_WERROR=ON >/dev/null
	cmake --build $(CHECKBUILD) -j $(JOBS)
	cd $(CHECKBUILD) && ctest --output-on-failure -j $(JOBS)

# The optimised build a user gets, tests included, with gcc and warnings as
# errors: optimisation-only warnings (-Wnull-dereference at -O2) and bugs
# show here, not under the sanitizers.  CI runs it after `check`.
check-release: deps
	CC=gcc cmake -S . -B $(RELBUILD) -DCMAKE_BUILD_TYPE=Release \
	    -DOV_TESTS=ON -DOV_WERROR=ON >/dev/null
	cmake --build $(RELBUILD) -j $(JOBS)
	cd $(RELBUILD) && ctest --output-on-failure -j $(JOBS)

# Every libFuzzer target for FUZZ_SECONDS each (default 300) with a new
# random seed, in its own sanitizer build.
FUZZBUILD   ?= build-fuzz
FUZZ_SECONDS ?= 300
fuzz: deps
	CC=clang cmake -S . -B $(FUZZBUILD) -DCMAKE_BUILD_TYPE=Debug \
	    -DOV_SANITIZE=ON -DOV_FUZZ=ON -DOV_FUZZ_SEED=0 \
	    -DOV_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	cmake --build $(FUZZBUILD) -j $(JOBS)
	cd $(FUZZBUILD) && ctest --output-on-failure -j $(JOBS) -R '^fuzz/'

# Regenerate the bundled sample estate from its generator.
examples: build
	./$(BUILD)/gen_estate --out $(ESTATE)

bench: build
	@sh scripts/deps.sh bench
	cmake -S . -B $(BUILD) -DOV_TESTS=OFF >/dev/null && cmake --build $(BUILD) -j $(JOBS)
	sh bench/run.sh

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(CHECKBUILD) $(RELBUILD) $(FUZZBUILD)
