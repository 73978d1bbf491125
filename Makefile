# hopwatch - the two commands a fresh Debian 12 machine needs (as root, or with sudo):
#   make run [TARGET=host]   install what is missing, build, open hopwatch on a simulated lossy
#                            path (or on TARGET)
#   make test                install what is missing, build with ASan+UBSan (and a TSan build
#                            for the threaded paths), run every test
#   make check               the inner loop: the unit tests and the fuzz corpora replayed, on
#                            the same ASan+UBSan build as make test (under 2 minutes)
# Other targets: build, deps, test-deps, fuzz, bench, soak, stats, screenshots, deb, clean.
#   make deb                 the Debian package (CPack): build-deb/hopwatch_VERSION_ARCH.deb

BUILD      ?= build
TEST_BUILD ?= build-test
JOBS       ?= $(shell nproc)
# Lab cases run side by side (each in namespaces of its own; they mostly wait on the network).
TEST_JOBS  ?= 4
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian package names. Build: compiler, CMake, the three libraries, libcap, libzstd and
# jansson (the flight recorder writes and reads zstd NDJSON), libmicrohttpd (the exporter) with
# GnuTLS, libyaml and libxcrypt (its web config: TLS, basic auth).
BUILD_PKGS := gcc make cmake pkg-config libncurses-dev libc-ares-dev libmaxminddb-dev libcap-dev \
              libzstd-dev libjansson-dev libmicrohttpd-dev libyaml-dev libcrypt-dev libgnutls28-dev
# Tests: the namespace lab (iproute2, nftables, iptables, NFQUEUE), python3 for the lab
# scripts, tmux for the TUI, clang for the fuzzers, dnsmasq and MaxMind's writer for names
# and ASNs, coturn (a real STUN server for --stun), chromium to render the HTML report,
# Prometheus, promtool and Alertmanager for the exporter, openssl and curl for its TLS, and the
# tools hopwatch is compared with in benchmarks.
TEST_PKGS  := $(BUILD_PKGS) iproute2 nftables iptables libnetfilter-queue-dev libmnl-dev \
              python3 util-linux iputils-ping tmux clang libclang-rt-14-dev dnsmasq-base \
              libmaxmind-db-writer-perl mtr-tiny traceroute clang-format coturn zstd \
              python3-jsonschema prometheus dpkg-dev libcap2-bin scamper iputils-tracepath \
              chromium fonts-dejavu-core curl openssl prometheus-alertmanager
# The package: dpkg-shlibdeps finds its dependencies, setcap gives it its capability.
DEB_PKGS   := $(BUILD_PKGS) dpkg-dev libcap2-bin
# make run's simulated path: namespaces, nftables loss, the NFQUEUE delayer, python3 for the lab.
RUN_PKGS   := $(BUILD_PKGS) iproute2 nftables iptables libnetfilter-queue-dev python3 \
              iputils-ping

# Installs only what dpkg does not already report installed (fast when nothing is missing).
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	  grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

.PHONY: all deps test-deps run-deps build test-build check test run fuzz bench stats screenshots format clean deb soak

all: build

deps:
	$(call apt_install,$(BUILD_PKGS))

test-deps:
	$(call apt_install,$(TEST_PKGS))

run-deps:
	$(call apt_install,$(RUN_PKGS))

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

# The test build: Debug with ASan+UBSan and warnings as errors (make check and make test).
test-build: test-deps
	cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DHOPWATCH_WERROR=ON \
	  -DHOPWATCH_SANITIZE=ON $(TEST_CMAKE_ARGS)
	cmake --build $(TEST_BUILD) -j $(JOBS)

check: test-build
	cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS) -L 'unit|fuzz'

# Everything: check's cases, the lab (netns, ui), a ThreadSanitizer build's threaded paths, the
# package and a 60 s soak of the release build. The libFuzzer runs are make fuzz's.
test: test-deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DHOPWATCH_WERROR=ON -DHOPWATCH_TSAN=ON \
	  -DHOPWATCH_TESTS=OFF
	cmake --build build-tsan -j $(JOBS) --target hopwatch
	$(MAKE) --no-print-directory test-build TEST_CMAKE_ARGS=-DHOPWATCH_TSAN_BIN=$(CURDIR)/build-tsan/hopwatch
	$(MAKE) --no-print-directory deb
	cd $(TEST_BUILD) && HOPWATCH_DEB=$$(ls $(CURDIR)/build-deb/hopwatch_*.deb) \
	  HOPWATCH_RELEASE_BIN=$(CURDIR)/build-deb/hopwatch \
	  ctest --output-on-failure -j $(TEST_JOBS) -L 'unit|fuzz|netns|ui|tsan|pkg|soak'

# A release build packaged by CPack: the binary, the man page and the docs under /usr, and a
# postinst that gives the binary cap_net_raw (HOPWATCH_NO_SETCAP=1 at install opts out).
deb:
	$(call apt_install,$(DEB_PKGS))
	cmake -S . -B build-deb -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOPWATCH_TESTS=OFF
	cmake --build build-deb -j $(JOBS)
	rm -f build-deb/hopwatch_*.deb
	cd build-deb && cpack -G DEB

# 10 minutes of the live view on a troubled path with --metrics and --record: memory, descriptors
# and threads must stay flat (make test runs 60 s of it).
soak: build
	$(call apt_install,$(TEST_PKGS))
	$(SUDO) python3 tests/soak/soak.py $(BUILD)/hopwatch 600

run: run-deps build
ifdef TARGET
	$(SUDO) ./$(BUILD)/hopwatch $(ARGS) $(TARGET)
else
	@cmake --build $(BUILD) --target nfqdelay -j $(JOBS) >/dev/null
	$(SUDO) tests/lab/run-demo.sh $(CURDIR)/$(BUILD)/hopwatch $(CURDIR)/$(BUILD)/tests/nfqdelay $(ARGS)
endif

# Every fuzz target of tests/CMakeLists.txt (FUZZ_TARGETS), FUZZ_SECONDS each (60), from its corpus.
fuzz:
	cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DHOPWATCH_FUZZ=ON -DHOPWATCH_SANITIZE=ON
	cmake --build build-fuzz -j $(JOBS)
	for bin in build-fuzz/tests/fuzz_*; do f=$${bin#build-fuzz/tests/fuzz_}; \
	  mkdir -p build-fuzz/corpus-$$f && cp tests/fuzz/corpus/$$f/* build-fuzz/corpus-$$f/; \
	  if $$bin -max_total_time=$${FUZZ_SECONDS:-60} build-fuzz/corpus-$$f 2> build-fuzz/fuzz_$$f.log; then \
	    echo "fuzz_$$f: $$(grep -o 'Done [0-9]* runs' build-fuzz/fuzz_$$f.log), no crash"; \
	  else tail -40 build-fuzz/fuzz_$$f.log; exit 1; fi; \
	done

# Every benchmark of tests/bench/ on namespace labs; rewrites the figures of tests/bench/README.md.
bench: build
	$(call apt_install,$(RUN_PKGS) tmux mtr-tiny traceroute dnsmasq-base scamper iputils-tracepath)
	cmake --build $(BUILD) --target nfqdelay probefloor -j $(JOBS)
	$(SUDO) python3 tests/bench/update_readme.py $(BUILD)

# The classifier's measured accuracy and decisiveness: every scenario at 100, 400 and 2000
# probes, 4,000 seeded runs each, and 400 runs of 10 minutes for steadiness (about 12 minutes on
# 2 cores); rewrites the tables of tests/stats/README.md. make test runs a short version.
stats: build
	$(call apt_install,python3)
	cmake --build $(BUILD) --target stats -j $(JOBS)
	python3 tests/stats/update_readme.py ./$(BUILD)/tests/stats $${RUNS:-4000} $${FLIP_RUNS:-400}

screenshots: build
	$(call apt_install,$(RUN_PKGS) tmux aha chromium fonts-dejavu-core)
	cmake --build $(BUILD) --target nfqdelay -j $(JOBS)
	$(SUDO) python3 screenshots/shoot.py $(BUILD)/hopwatch $(BUILD)/tests/nfqdelay

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(TEST_BUILD) build-fuzz build-tsan build-deb
