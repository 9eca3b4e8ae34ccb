# Thin wrapper over meson: the two commands at the top of README.md.
#   make demo   install what is missing, build, replay the bundled capture
#   make test   the whole suite: gcc -Werror build, then clang ASan+UBSan build
BUILD      ?= build
SANBUILD   ?= build-san
DEMO       ?= examples/data/demo.pcap.gz
MESON_OPTS ?=

.PHONY: all deps build demo eval test test-fast test-san test-valgrind test-python test-rust bench install docs clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Dwerror=true $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	@mkdir -p $(BUILD)/demo
	$(BUILD)/tools/rupture replay $(DEMO) --local 10.0.0.1 \
	  --note $(BUILD)/demo/note.txt --svg $(BUILD)/demo/timeline.svg
	@echo; cat $(BUILD)/demo/note.txt
	$(BUILD)/tools/rupture replay $(DEMO) --local 10.0.0.1 --format json > $(BUILD)/demo/demo.json
	@echo; echo "wrote $(BUILD)/demo/demo.json, $(BUILD)/demo/timeline.svg and $(BUILD)/demo/note.txt"

eval: build
	./scripts/synth-eval.sh -r $(BUILD)/tools/rupture --long --min 0.95 --timing

test-fast: build
	meson test -C $(BUILD) --print-errorlogs

$(SANBUILD)/build.ninja:
	CC=clang meson setup $(SANBUILD) -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
	  -Dc_args=-fno-sanitize-recover=all -Dbenchmarks=false $(MESON_OPTS)

test-san: deps $(SANBUILD)/build.ninja
	ninja -C $(SANBUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  meson test -C $(SANBUILD) --print-errorlogs

test-rust: build
	cd bindings/rust && RUPTURE_BUILD_DIR=$(abspath $(BUILD)) RUPTURE_CLI=$(abspath $(BUILD))/tools/rupture \
	  cargo test --offline

test-python: build
	bindings/python/run-tests.sh $(BUILD)

test-valgrind: build
	meson test -C $(BUILD) --setup=valgrind --print-errorlogs

test: test-fast test-san test-valgrind test-python test-rust docs

BENCHBUILD ?= build-release

$(BENCHBUILD)/build.ninja:
	meson setup $(BENCHBUILD) -Dbuildtype=release -Dtests=disabled -Ddocs=disabled

bench: deps $(BENCHBUILD)/build.ninja
	ninja -C $(BENCHBUILD)
	$(BENCHBUILD)/tests/bench/bench_replay
	tests/bench/replay_vs_tshark.sh $(BENCHBUILD)

install: build
	meson install -C $(BUILD)

docs: build
	ninja -C $(BUILD) docs

clean:
	rm -rf $(BUILD) $(SANBUILD) $(BENCHBUILD)
