# Thin wrapper over Meson for the README's two commands.
#   make demo   install what is missing, build, run rdpdoctor against the lab
#   make test   install what is missing, build, run every test
#   make install [PREFIX=/usr/local] [DESTDIR=]   build, then install the
#               binary, man page, completions, library, headers, .pc
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps build test demo fuzz format clean install

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@scripts/build.sh $(BUILD)

test: deps
	@scripts/run-tests.sh

demo: deps build
	@tests/lab/demo.sh $(BUILD)

# The prefix is a setting of the build directory: set it, then install
# (under DESTDIR when given, as packagers do).
install: build
	@meson configure $(BUILD) -Dprefix=$(abspath $(PREFIX)) >/dev/null
	@meson install -C $(BUILD) $(if $(DESTDIR),--destdir $(abspath $(DESTDIR)))

fuzz: deps
	@scripts/fuzz.sh

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz
