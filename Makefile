# Thin wrapper over Meson for the README's two commands.
#   make demo   install what is missing, build, run rdpdoctor against the lab
#   make test   install what is missing, build, run every test
BUILD ?= build

.PHONY: all deps build test demo fuzz format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@scripts/build.sh $(BUILD)

test: deps
	@scripts/run-tests.sh

demo: deps build
	@tests/lab/demo.sh $(BUILD)

fuzz: deps
	@scripts/fuzz.sh

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz
