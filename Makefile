# The front door: make, make run, make test, make bench, make fuzz, make clean.
# Meson and Ninja do the work; this file only names the steps.

BUILD ?= build
DB ?= var/citkit.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps run test bench fuzz clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

deps:
	./scripts/deps
