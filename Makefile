# Makefile: builds the dynamo extension with PGXS.
#
#   make                     build dynamo.so and the install script
#   make install             install into the Postgres that pg_config names
#   make installcheck        run the pg_regress suite against a running server
#   make prove               run the pgTAP suite (test/pgtap) with pg_prove
#   make ASSERTS=1 ...       build with -DUSE_ASSERT_CHECKING
#
# The install script dynamo--$(EXTVERSION).sql is concatenated from
# src/sql/*.sql in file-name order; never edit the built file.

EXTENSION   = dynamo
EXTVERSION  = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" dynamo.control)

MODULE_big  = dynamo
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c src/*/*.c)))

SQL_SOURCES = $(sort $(wildcard src/sql/*.sql))
DATA_built  = $(EXTENSION)--$(EXTVERSION).sql
DATA        = $(filter-out $(DATA_built),$(wildcard $(EXTENSION)--*--*.sql))

REGRESS      = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --load-extension=dynamo

PG_CONFIG  ?= pg_config
PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS   = -Wall -Werror -std=gnu99
SHLIB_LINK  = -lzstd -lz                   # ImportTable's GZIP and ZSTD input (src/backup/import_files.c), exports' gzip
ifdef ASSERTS
PG_CFLAGS  += -DUSE_ASSERT_CHECKING
endif

EXTRA_CLEAN = results regression.diffs regression.out

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(DATA_built): $(SQL_SOURCES) dynamo.control Makefile
	( printf '%s\n' '-- $(DATA_built): generated from src/sql/*.sql by the Makefile; do not edit.'; \
	  printf '%s\n' '\echo Use "CREATE EXTENSION dynamo" to load this file. \quit'; \
	  for f in $(SQL_SOURCES); do printf '\n-- ---- %s\n' "$$f"; cat "$$f"; done ) > $@

# Every object depends on every header: the headers are few and small.
$(OBJS): $(wildcard src/*.h src/*/*.h)

.PHONY: prove
prove:
	pg_prove --ext .sql -r test/pgtap
