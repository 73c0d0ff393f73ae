# datamesh: PGXS build.  The version lives only in datamesh.control.
EXTENSION    = datamesh
EXTVERSION   = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big   = datamesh
OBJS         = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# The install script is generated from src/sql/*.sql (one file per concern,
# concatenated in name order); that directory is its single source of truth.
SQL_SOURCES  = $(sort $(wildcard src/sql/*.sql))
DATA_built   = $(EXTENSION)--$(EXTVERSION).sql

SHLIB_LINK   = -lyaml

WERROR      ?= -Werror
PG_CPPFLAGS  = -I$(srcdir)/src -DDATAMESH_VERSION=\"$(EXTVERSION)\"
# -Wextra minus unused-parameter: PG_FUNCTION_ARGS functions need not read fcinfo
PG_CFLAGS    = -Wall -Wextra $(WERROR) -Wno-unused-parameter

# pg_regress: one file per feature, run in this order.
REGRESS      = $(shell cat test/regress_schedule)
REGRESS_OPTS = --inputdir=. --dbname=datamesh_regress --load-extension=datamesh
ISOLATION    = $(notdir $(basename $(sort $(wildcard test/isolation/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test/isolation --outputdir=output_iso --dbname=datamesh_isolation --load-extension=datamesh

EXTRA_CLEAN  = results output_iso regression.diffs regression.out $(EXTENSION)--$(EXTVERSION).sql

PG_CONFIG   ?= pg_config
PGXS        := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_SOURCES) $(EXTENSION).control
	cat $(SQL_SOURCES) | sed 's/@DATAMESH_VERSION@/$(EXTVERSION)/g' > $@

.PHONY: test demo bench
test:
	bash test/check.sh
demo:
	bash test/demo.sh
bench:
	@for b in test/bench/*.sh; do echo "== $$b"; bash $$b || exit 1; done
