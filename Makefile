# Thin wrapper over Meson for the README's two commands.
#   make demo   install what is missing, build, run rdpdoctor against the lab
#   make test   install what is missing, build, run every test
#   make install [PREFIX=/usr/local] [DESTDIR=]   build, then install the
#               binary, man page, completions, library, headers, .pc
#   make deb    the Debian packages, in build-deb/
#   make deb-test  build them, dpkg -i, use, dpkg --purge (needs root)
#   make win       rdpdoctor.exe (mingw-w64; its libraries from Debian's
#                  sources the first time), in build-win/
#   make win-host  rdpdoctor-host.exe (mingw-w64), in build-win/
#   make host-wine-test  that exe under wine against registry fixtures
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps build test demo fuzz format clean install deb deb-test \
	win win-host host-wine-test

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

# dpkg-buildpackage writes beside the tree it builds: build a copy.
deb: deps
	rm -rf build-deb && mkdir -p build-deb/rdpdoctor
	git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C build-deb/rdpdoctor
	cd build-deb/rdpdoctor && dpkg-buildpackage -us -uc -b
	@ls build-deb/*.deb

deb-test: deps
	@tests/install/deb.sh

# rdpdoctor.exe: the tool for Windows, cross-built (static PE32+).
win: deps
	@scripts/build-win.sh build-win/rdpdoctor.exe

# The Windows reader of `rdpdoctor host`, cross-built (static PE32+).
win-host: deps
	@scripts/build-win-host.sh build-win/rdpdoctor-host.exe

host-wine-test: deps build
	@tests/host-wine/run.sh $(BUILD)
	@if [ -f build-win/rdpdoctor.exe ]; then tests/host-wine/check.sh $(BUILD); fi

fuzz: deps
	@scripts/fuzz.sh

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz build-deb build-win
