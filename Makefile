# The front door: make, make run, make test, make bench, make fuzz, make clean.
# Meson and Ninja do the work; this file only names the steps.

BUILD ?= build
DB ?= var/citkit.db
LISTEN ?= 127.0.0.1:8080
# Seconds each fuzz target runs under `make fuzz`.
FUZZ_SECONDS ?= 30

.PHONY: all deps run test bench fuzz clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

deps:
	./scripts/deps

# Installs what is missing, builds, makes the demo database once, then
# serves it in the foreground.
run: deps
	$(MAKE) all
	@if [ ! -f $(DB) ]; then \
		mkdir -p $(dir $(DB)) && \
		$(BUILD)/citkit init --db $(DB) && \
		$(BUILD)/citkit demo --db $(DB) >/dev/null; \
	fi
	@echo
	@echo "citkit: open http://$(LISTEN) in a browser. Demo logins:"
	@$(BUILD)/citkit demo --logins --db $(DB)
	@echo
	@exec $(BUILD)/citkit serve --db $(DB) --listen $(LISTEN)

test:
	./tests/run

bench: all
	./bench/run

# A clang build with the libFuzzer targets of tests/fuzz; each target runs
# FUZZ_SECONDS on a scratch copy of its seed corpus.
fuzz:
	./tests/lib/fuzz run $(FUZZ_SECONDS)

clean:
	rm -rf build build-asan build-fuzz tests/browser/out bench/out
