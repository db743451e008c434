# scarsim — build, test, demo.
#
#   make            library build/libscarsim.a and program build/scarsim
#   make check      every test (unit, verification, conformance, command line, browser)
#   make sanitize   the whole suite again under ASan + UBSan (clang)
#   make demo       install what is missing, build, run the main job
#   make bench      benchmarks (not part of check)
#   make fuzz       libFuzzer harnesses of every reader in build-fuzz/ (clang)
#   make fuzz-run   each harness for FUZZ_SECONDS (default 10) on its corpus

BUILD    ?= build
CC       ?= cc
PKGS     := jansson libfyaml libpng cairo libzip libxml-2.0 libmd zlib nlopt libmicrohttpd
# Open MPI for `mpirun -np N scarsim trial` (docs/trial.md); without it the
# build is single-process (MPI=0 forces that).
ifeq ($(origin MPI),undefined)
MPI      := $(shell pkg-config --exists ompi-c 2>/dev/null && echo 1 || echo 0)
endif
MPI_FLAGS := $(if $(filter 1,$(MPI)),-DSCAR_WITH_MPI $(shell pkg-config --cflags ompi-c 2>/dev/null))
MPI_LIBS  := $(if $(filter 1,$(MPI)),$(shell pkg-config --libs ompi-c 2>/dev/null))
OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes -Wmissing-prototypes
WERROR   ?= -Werror
SAN      ?=
GIT_HASH := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
V        ?= 0
Q        := $(if $(filter 1,$(V)),,@)

CPPFLAGS += -Iinclude -Isrc/core -I$(BUILD)/gen -D_DEFAULT_SOURCE
CFLAGS   += -std=c11 $(OPT) $(WARN) $(WERROR) -fopenmp -pthread $(SAN) \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(MPI_FLAGS)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(MPI_LIBS) -lm
LDFLAGS  += -fopenmp -pthread $(SAN)

LAYERS   := core surface tissue device heal course cohort plan report
LAYER_INC := $(foreach l,$(LAYERS),-Isrc/$(l))
LIB_SRC  := $(foreach l,$(LAYERS),$(sort $(wildcard src/$(l)/*.c)))
APP_SRC  := $(sort $(wildcard src/app/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
BENCH_SRC:= $(sort $(wildcard bench/*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
APP_OBJ  := $(APP_SRC:%.c=$(BUILD)/obj/%.o)
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
LIB      := $(BUILD)/libscarsim.a
BIN      := $(BUILD)/scarsim

.PHONY: FORCE all check unit cli sanitize demo bench clean deps deps-tests format fuzz fuzz-bins \
        fuzz-run
all: $(BIN)

# The git hash recorded in every output; the header is rewritten only when the
# hash changes, so a commit rebuilds two files, not the tree.
GEN_HASH := $(BUILD)/gen/scar_git_hash.h
$(GEN_HASH): FORCE
	@mkdir -p $(dir $@)
	@echo '#define SCAR_GIT_HASH "$(GIT_HASH)"' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@
FORCE:

# The one parameter table (STYLE.md rule 6), generated from the model's CSV.
# Objects wait for it (order-only); -MMD then makes each includer depend on
# it, so an edit of the CSV rebuilds exactly the files that read the table.
GEN_PARAMS := $(BUILD)/gen/scar_params_table.h
$(GEN_PARAMS): data/model/parameters.csv scripts/gen_params.py
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)python3 scripts/gen_params.py $< $@

# The evidence table compiled in, so `plan` cites trial arms with no data
# file at run time.
GEN_TRIALS := $(BUILD)/gen/scar_trials_csv.h
$(GEN_TRIALS): data/evidence/trials.csv scripts/gen_embed.py
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)python3 scripts/gen_embed.py $< scar_trials_csv $@

$(BUILD)/obj/%.o: %.c | $(GEN_HASH) $(GEN_PARAMS) $(GEN_TRIALS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(LAYER_INC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)ar rcs $@ $^

# The web server's page (`scarsim serve`): the web/ folder of this tree,
# compiled in as an absolute path (--web DIR overrides it).
$(BUILD)/obj/src/app/cmd_serve.o: CPPFLAGS += -DSCAR_WEB_DIR=\"$(CURDIR)/web\"

# The app objects without main(): the web API's test and fuzz harness call
# serve_handle directly.
APP_LIB_OBJ := $(filter-out $(BUILD)/obj/src/app/main.o,$(APP_OBJ))

$(BIN): $(APP_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $(APP_OBJ) $(LIB) $(LDLIBS) -o $@

$(BUILD)/tests/%: tests/%.c $(LIB) tests/testutil.h $(GEN_PARAMS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CPPFLAGS) $(foreach l,$(LAYERS),-Isrc/$(l)) -Itests $(CFLAGS) -Wno-missing-prototypes \
	  $< $(LIB) $(LDFLAGS) $(LDLIBS) -lcmocka -o $@

$(BUILD)/tests/test_serve: tests/test_serve.c $(APP_LIB_OBJ) $(LIB) tests/testutil.h $(GEN_PARAMS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CPPFLAGS) $(LAYER_INC) -Isrc/app -Itests $(CFLAGS) -Wno-missing-prototypes \
	  $< $(APP_LIB_OBJ) $(LIB) $(LDFLAGS) $(LDLIBS) -lcmocka -o $@

# Unit, verification and conformance tests (cmocka), then the command-line
# regression runs.  Each test binary runs in its own scratch folder.
check: deps-tests
	@$(MAKE) --no-print-directory unit cli check-web

deps-tests:
	@bash scripts/setup-deps.sh --tests

unit: $(TESTS) $(BIN)
	@fail=0; for t in $(TESTS); do \
	  echo "== $$t"; \
	  SCARSIM=$(abspath $(BIN)) $$t || fail=1; \
	done; \
	if [ $$fail -ne 0 ]; then echo "UNIT TESTS FAILED"; exit 1; fi

cli: $(BIN)
	@SCARSIM=$(abspath $(BIN)) bash tests/cli/run.sh

# ASan + UBSan build of everything, in its own folder, then the whole suite.
sanitize:
	LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	$(MAKE) BUILD=build-san CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" check

# libFuzzer harnesses of every reader (docs/fuzzing.md): the library again
# with fuzzer-no-link + ASan + UBSan in build-fuzz/obj, each fuzz/fuzz_*.c
# linked against it with libFuzzer's main.  fuzz-run starts from the
# checked-in corpus and writes what it finds to build-fuzz/, never fuzz/.
FUZZ_DIR     := build-fuzz
FUZZ_TARGETS := gsf x3p png csv scenario trials patient api
FUZZ_SECONDS ?= 10
FUZZ_MAXLEN_gsf      := 8192
FUZZ_MAXLEN_x3p      := 8192
FUZZ_MAXLEN_png      := 4096
FUZZ_MAXLEN_csv      := 8192
FUZZ_MAXLEN_scenario := 4096
FUZZ_MAXLEN_trials   := 8192
FUZZ_MAXLEN_patient  := 4096
FUZZ_MAXLEN_api      := 4096
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all

fuzz:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_DIR) CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" fuzz-bins

fuzz-bins: $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%)

$(BUILD)/fuzz_api: fuzz/fuzz_api.c fuzz/fuzz_common.h $(APP_LIB_OBJ) $(LIB) $(GEN_PARAMS)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(CPPFLAGS) $(LAYER_INC) -Isrc/app -Ifuzz $(CFLAGS) -fsanitize=fuzzer $< \
	  $(APP_LIB_OBJ) $(LIB) $(LDFLAGS) -fsanitize=fuzzer $(LDLIBS) -o $@

$(BUILD)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.h $(LIB) $(GEN_PARAMS)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(CPPFLAGS) $(LAYER_INC) -Ifuzz $(CFLAGS) -fsanitize=fuzzer $< $(LIB) \
	  $(LDFLAGS) -fsanitize=fuzzer $(LDLIBS) -o $@

# Each harness starts from its checked-in corpus and fuzz/regress (every input
# that once failed), fuzzes for FUZZ_SECONDS and keeps what it finds in
# build-fuzz/corpus-new/ (the checked-in corpus is only read, so CI leaves the
# tree clean).  A single allocation over 64 MB is a failure: no valid input
# within -max_len needs one, and a header that claims a huge map must be
# refused before it is allocated (docs/limits.md).
FUZZ_FLAGS = -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=64 -print_final_stats=1
fuzz-run: fuzz
	@mkdir -p $(FUZZ_DIR)/artifacts $(FUZZ_TARGETS:%=$(FUZZ_DIR)/corpus-new/%)
	@$(foreach t,$(FUZZ_TARGETS),echo "== fuzz $(t) ($(FUZZ_SECONDS) s)" && \
	  if LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	     $(FUZZ_DIR)/fuzz_$(t) -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAXLEN_$(t)) \
	       $(FUZZ_FLAGS) -artifact_prefix=$(FUZZ_DIR)/artifacts/$(t)- \
	       $(FUZZ_DIR)/corpus-new/$(t) fuzz/corpus/$(t) fuzz/regress \
	       >$(FUZZ_DIR)/fuzz_$(t).log 2>&1; \
	  then grep -E '^#[0-9]+[[:space:]]+DONE' $(FUZZ_DIR)/fuzz_$(t).log; \
	  else tail -n 60 $(FUZZ_DIR)/fuzz_$(t).log; \
	    echo "FUZZING $(t) FAILED: the input is in $(FUZZ_DIR)/artifacts/"; exit 1; fi &&) true

demo:
	@bash scripts/setup-deps.sh
	@$(MAKE) --no-print-directory all
	$(BIN) demo --out demo-out

bench: $(BIN)
	$(BIN) bench

deps:
	bash scripts/setup-deps.sh

format:
	clang-format -i include/*.h src/*/*.c src/*/*.h tests/*.c tests/*.h

clean:
	rm -rf build build-san build-fuzz

-include web/web.mk

-include $(LIB_OBJ:.o=.d) $(APP_OBJ:.o=.d)
