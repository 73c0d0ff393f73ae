/*
 * Lineage: the product graph (input ports, dependencies, column lineage and
 * OpenLineage jobs of current product versions), column-level edges,
 * declared column tags and their propagation, impact analysis, diagrams.
 * Traversal is in C (src/lineage.c) over a per-backend cache of the two edge
 * views below; a statement trigger on every table behind them invalidates it.
 */

------------------------------------------------------------------ storage

-- Transformations of a column edge; the second list removes sensitive content
CREATE FUNCTION datamesh._lineage_transformations() RETURNS pg_catalog.text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT '{identity,rename,cast,transform,filter,join,aggregate,mask,hash,encrypt,anonymize,indirect}'::text[]
$fn$;
COMMENT ON FUNCTION datamesh._lineage_transformations() IS
    'internal: the transformation types a column lineage edge may have';

CREATE FUNCTION datamesh._lineage_propagates(transformation pg_catalog.text) RETURNS pg_catalog.bool
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT transformation <> ALL ('{aggregate,mask,hash,encrypt,anonymize,indirect}'::text[])
$fn$;
COMMENT ON FUNCTION datamesh._lineage_propagates(pg_catalog.text) IS
    'internal: whether classifications and tags flow along an edge of this transformation type';

CREATE TABLE datamesh.column_lineage (
    source_product    pg_catalog.text NOT NULL REFERENCES datamesh.data_products (product_id) ON DELETE CASCADE,
    source_column     pg_catalog.text NOT NULL CHECK (source_column OPERATOR(pg_catalog.<>) ''),
    target_product    pg_catalog.text NOT NULL REFERENCES datamesh.data_products (product_id) ON DELETE CASCADE,
    target_column     pg_catalog.text NOT NULL CHECK (target_column OPERATOR(pg_catalog.<>) ''),
    transformation    pg_catalog.text NOT NULL
                      CHECK (transformation OPERATOR(pg_catalog.=) ANY (datamesh._lineage_transformations())),
    description       pg_catalog.text,
    sql               pg_catalog.text,
    block_propagation pg_catalog.bool NOT NULL DEFAULT false,
    declared_by       pg_catalog.regrole NOT NULL,
    declared_at       pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (target_product, target_column, source_product, source_column),
    CHECK (source_product OPERATOR(pg_catalog.<>) target_product OR source_column OPERATOR(pg_catalog.<>) target_column)
);
CREATE INDEX column_lineage_source_idx ON datamesh.column_lineage (source_product, source_column);
COMMENT ON TABLE datamesh.column_lineage IS
    'column lineage declared through datamesh.add_column_lineage: source product.column feeds target product.column';

CREATE TABLE datamesh.column_tags (
    product_id     pg_catalog.text NOT NULL REFERENCES datamesh.data_products (product_id) ON DELETE CASCADE,
    column_name    pg_catalog.text NOT NULL CHECK (column_name OPERATOR(pg_catalog.<>) ''),
    tags           pg_catalog.text[] NOT NULL DEFAULT '{}',
    classification datamesh.classification,
    set_by         pg_catalog.regrole NOT NULL,
    set_at         pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (product_id, column_name)
);
COMMENT ON TABLE datamesh.column_tags IS
    'tags and classification declared for a column through datamesh.set_column_tags';

CREATE TABLE datamesh.lineage_jobs (
    namespace   pg_catalog.text NOT NULL,
    name        pg_catalog.text NOT NULL,
    facets      pg_catalog.jsonb NOT NULL DEFAULT '{}',
    first_seen  pg_catalog.timestamptz NOT NULL,
    last_seen   pg_catalog.timestamptz NOT NULL,
    PRIMARY KEY (namespace, name)
);
COMMENT ON TABLE datamesh.lineage_jobs IS 'jobs (pipelines) known from OpenLineage run events';

CREATE TABLE datamesh.lineage_datasets (
    namespace   pg_catalog.text NOT NULL,
    name        pg_catalog.text NOT NULL,
    fields      pg_catalog.jsonb NOT NULL DEFAULT '[]',
    first_seen  pg_catalog.timestamptz NOT NULL,
    last_seen   pg_catalog.timestamptz NOT NULL,
    PRIMARY KEY (namespace, name)
);
COMMENT ON TABLE datamesh.lineage_datasets IS
    'datasets named by OpenLineage events, mapped or not to data products (see datamesh.lineage_dataset_products)';

CREATE TABLE datamesh.lineage_job_io (
    job_namespace     pg_catalog.text NOT NULL,
    job_name          pg_catalog.text NOT NULL,
    dataset_namespace pg_catalog.text NOT NULL,
    dataset_name      pg_catalog.text NOT NULL,
    direction         pg_catalog.text NOT NULL
                      CHECK (direction OPERATOR(pg_catalog.=) ANY (ARRAY['input', 'output'])),
    last_run_id       pg_catalog.text NOT NULL,
    last_seen         pg_catalog.timestamptz NOT NULL,
    PRIMARY KEY (job_namespace, job_name, dataset_namespace, dataset_name, direction),
    FOREIGN KEY (job_namespace, job_name) REFERENCES datamesh.lineage_jobs ON DELETE CASCADE,
    FOREIGN KEY (dataset_namespace, dataset_name) REFERENCES datamesh.lineage_datasets ON DELETE CASCADE
);
COMMENT ON TABLE datamesh.lineage_job_io IS 'datasets a job reads (input) and writes (output)';

CREATE TABLE datamesh.openlineage_column_edges (
    source_namespace pg_catalog.text NOT NULL,
    source_name      pg_catalog.text NOT NULL,
    source_field     pg_catalog.text NOT NULL,
    target_namespace pg_catalog.text NOT NULL,
    target_name      pg_catalog.text NOT NULL,
    target_field     pg_catalog.text NOT NULL,
    transformation   pg_catalog.text NOT NULL
                     CHECK (transformation OPERATOR(pg_catalog.=) ANY (datamesh._lineage_transformations())),
    description      pg_catalog.text,
    job_namespace    pg_catalog.text NOT NULL,
    job_name         pg_catalog.text NOT NULL,
    last_run_id      pg_catalog.text NOT NULL,
    PRIMARY KEY (target_namespace, target_name, target_field, source_namespace, source_name, source_field),
    FOREIGN KEY (source_namespace, source_name) REFERENCES datamesh.lineage_datasets ON DELETE CASCADE,
    FOREIGN KEY (target_namespace, target_name) REFERENCES datamesh.lineage_datasets ON DELETE CASCADE
);
COMMENT ON TABLE datamesh.openlineage_column_edges IS
    'column lineage from the columnLineage facet of OpenLineage events, between datasets';

CREATE TABLE datamesh.lineage_runs (
    run_id          pg_catalog.text PRIMARY KEY,
    job_namespace   pg_catalog.text NOT NULL,
    job_name        pg_catalog.text NOT NULL,
    state           pg_catalog.text NOT NULL,
    started_at      pg_catalog.timestamptz,
    ended_at        pg_catalog.timestamptz,
    last_event_time pg_catalog.timestamptz NOT NULL,
    event_count     pg_catalog.int4 NOT NULL,
    last_event      pg_catalog.jsonb NOT NULL,
    ingested_by     pg_catalog.regrole NOT NULL,
    FOREIGN KEY (job_namespace, job_name) REFERENCES datamesh.lineage_jobs ON DELETE CASCADE
);
COMMENT ON TABLE datamesh.lineage_runs IS 'OpenLineage runs: state and last event of each runId';

SELECT pg_catalog.pg_extension_config_dump('datamesh.column_lineage', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.column_tags', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.lineage_jobs', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.lineage_datasets', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.lineage_job_io', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.openlineage_column_edges', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.lineage_runs', '');

-------------------------------------------------------------------- views

-- The spec.lineage entries of a manifest, one row per source.  A function of
-- its own so that the planner expects a handful of rows per manifest (ROWS):
-- two nested jsonb_array_elements count as 100 x 100 rows per product, and
-- the views' estimated costs then triggered JIT compilation of queries over
-- tiny catalogs.
CREATE FUNCTION datamesh._manifest_column_lineage(manifest pg_catalog.jsonb)
    RETURNS TABLE (source_ref pg_catalog.text, source_column pg_catalog.text, target_column pg_catalog.text,
                   transformation pg_catalog.text, description pg_catalog.text, sql pg_catalog.text,
                   block_propagation pg_catalog.bool)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE ROWS 10
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT s.value ->> 'product', s.value ->> 'column', l.value ->> 'column',
           coalesce(l.value ->> 'transformation', 'identity'),
           l.value ->> 'description', l.value ->> 'sql',
           coalesce((l.value ->> 'block_propagation')::bool, false)
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(manifest #> '{spec,lineage}') = 'array'
                                     THEN manifest #> '{spec,lineage}' ELSE '[]'::jsonb END) l
     CROSS JOIN LATERAL jsonb_array_elements(l.value -> 'sources') s
$fn$;
COMMENT ON FUNCTION datamesh._manifest_column_lineage(pg_catalog.jsonb) IS
    'internal: the column lineage entries (spec.lineage) of a manifest, one row per source';

CREATE VIEW datamesh.lineage_dataset_products AS
WITH cur AS (
    SELECT DISTINCT ON (v.product_id) v.product_id, v.version
      FROM datamesh.product_versions v
     ORDER BY v.product_id,
              pg_catalog.array_position(ARRAY['active', 'deprecated', 'draft', 'retired']::datamesh.product_status[], v.status),
              v.version DESC)
SELECT DISTINCT ON (ds.namespace, ds.name) ds.namespace, ds.name, o.product_id, o.name AS port_name
  FROM datamesh.lineage_datasets ds
  JOIN (datamesh.output_ports o
        JOIN cur ON cur.product_id OPERATOR(pg_catalog.=) o.product_id AND cur.version OPERATOR(datamesh.=) o.version
        LEFT JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) o.relation
        LEFT JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace)
    ON (c.oid IS NOT NULL AND ds.namespace OPERATOR(pg_catalog.~) '^postgres(ql)?://'
        AND (ds.name OPERATOR(pg_catalog.=) (n.nspname OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) c.relname)
             OR pg_catalog.right(ds.name, pg_catalog.length(n.nspname) OPERATOR(pg_catalog.+) pg_catalog.length(c.relname) OPERATOR(pg_catalog.+) 2)
                OPERATOR(pg_catalog.=) ('.' OPERATOR(pg_catalog.||) n.nspname OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) c.relname)))
    OR (o.location IS NOT NULL
        AND pg_catalog.rtrim(o.location, '/') OPERATOR(pg_catalog.=) ANY (ARRAY[
                pg_catalog.rtrim(ds.name, '/'),
                pg_catalog.rtrim(ds.namespace, '/') OPERATOR(pg_catalog.||) '/' OPERATOR(pg_catalog.||) pg_catalog.btrim(ds.name, '/')]))
 ORDER BY ds.namespace, ds.name, o.product_id, o.name;
COMMENT ON VIEW datamesh.lineage_dataset_products IS
    'OpenLineage datasets that are data products: matched against the output ports of current product versions';

CREATE VIEW datamesh.column_lineage_edges AS
WITH cur AS (
    SELECT DISTINCT ON (v.product_id) v.product_id, v.version, v.manifest
      FROM datamesh.product_versions v
     ORDER BY v.product_id,
              pg_catalog.array_position(ARRAY['active', 'deprecated', 'draft', 'retired']::datamesh.product_status[], v.status),
              v.version DESC)
SELECT c.source_product, c.source_column, c.target_product, c.target_column, c.transformation,
       c.description, c.sql, c.block_propagation, 'function'::pg_catalog.text AS origin,
       (NOT c.block_propagation AND datamesh._lineage_propagates(c.transformation)) AS propagates
  FROM datamesh.column_lineage c
UNION ALL
SELECT pg_catalog.regexp_replace(m.source_ref, '^[^.]*\.', ''), m.source_column, cur.product_id, m.target_column,
       m.transformation, m.description, m.sql, m.block_propagation, 'manifest',
       (NOT m.block_propagation AND datamesh._lineage_propagates(m.transformation))
  FROM cur
 CROSS JOIN LATERAL datamesh._manifest_column_lineage(cur.manifest) m
 -- only manifests with a lineage section
 WHERE (cur.manifest OPERATOR(pg_catalog.->) 'spec') OPERATOR(pg_catalog.?) 'lineage'
UNION ALL
SELECT ms.product_id, e.source_field, mt.product_id, e.target_field, e.transformation,
       e.description, NULL, false, 'openlineage', datamesh._lineage_propagates(e.transformation)
  FROM datamesh.openlineage_column_edges e
  JOIN datamesh.lineage_dataset_products ms
    ON ms.namespace OPERATOR(pg_catalog.=) e.source_namespace AND ms.name OPERATOR(pg_catalog.=) e.source_name
  JOIN datamesh.lineage_dataset_products mt
    ON mt.namespace OPERATOR(pg_catalog.=) e.target_namespace AND mt.name OPERATOR(pg_catalog.=) e.target_name;
COMMENT ON VIEW datamesh.column_lineage_edges IS
    'every column lineage edge: declared by function, in current manifests (spec.lineage), or by OpenLineage between mapped datasets';

CREATE VIEW datamesh.lineage_edges AS
WITH cur AS (
    SELECT DISTINCT ON (v.product_id) v.product_id, v.version
      FROM datamesh.product_versions v
     ORDER BY v.product_id,
              pg_catalog.array_position(ARRAY['active', 'deprecated', 'draft', 'retired']::datamesh.product_status[], v.status),
              v.version DESC),
ds AS (
    SELECT d.namespace, d.name,
           coalesce(m.product_id, 'dataset:' OPERATOR(pg_catalog.||) d.namespace
                    OPERATOR(pg_catalog.||) '/' OPERATOR(pg_catalog.||) d.name) AS node
      FROM datamesh.lineage_datasets d
      LEFT JOIN datamesh.lineage_dataset_products m
        ON m.namespace OPERATOR(pg_catalog.=) d.namespace AND m.name OPERATOR(pg_catalog.=) d.name),
e AS (
    SELECT i.source_product AS source, i.product_id AS target, 'input_port'::pg_catalog.text AS edge_type
      FROM datamesh.input_ports i
      JOIN cur ON cur.product_id OPERATOR(pg_catalog.=) i.product_id AND cur.version OPERATOR(datamesh.=) i.version
    UNION ALL
    SELECT d.depends_on, d.product_id, 'dependency'
      FROM datamesh.product_dependencies d
      JOIN cur ON cur.product_id OPERATOR(pg_catalog.=) d.product_id AND cur.version OPERATOR(datamesh.=) d.version
    UNION ALL
    SELECT c.source_product, c.target_product, 'column_lineage'
      FROM datamesh.column_lineage_edges c
     WHERE c.source_product OPERATOR(pg_catalog.<>) c.target_product
    UNION ALL
    SELECT CASE WHEN io.direction OPERATOR(pg_catalog.=) 'input' THEN ds.node
                ELSE 'job:' OPERATOR(pg_catalog.||) io.job_namespace OPERATOR(pg_catalog.||) '/' OPERATOR(pg_catalog.||) io.job_name END,
           CASE WHEN io.direction OPERATOR(pg_catalog.=) 'input'
                THEN 'job:' OPERATOR(pg_catalog.||) io.job_namespace OPERATOR(pg_catalog.||) '/' OPERATOR(pg_catalog.||) io.job_name
                ELSE ds.node END,
           io.direction
      FROM datamesh.lineage_job_io io
      JOIN ds ON ds.namespace OPERATOR(pg_catalog.=) io.dataset_namespace AND ds.name OPERATOR(pg_catalog.=) io.dataset_name)
SELECT e.source, e.target, pg_catalog.string_agg(DISTINCT e.edge_type, ',' ORDER BY e.edge_type) AS edge_type
  FROM e
 GROUP BY e.source, e.target;
COMMENT ON VIEW datamesh.lineage_edges IS
    'the product lineage graph, one row per edge: input ports and dependencies of current versions, column-implied edges, OpenLineage job inputs and outputs (edge_type lists them, comma-separated)';

---------------------------------------------------------- cache invalidation

-- The sentinel: an empty table no query reads, so its relcache invalidation
-- drops the cached graphs without throwing away cached plans
CREATE TABLE datamesh.lineage_sentinel ();
COMMENT ON TABLE datamesh.lineage_sentinel IS
    'internal, always empty: its relcache invalidation tells every backend that the cached lineage graphs are stale';
SELECT pg_catalog.pg_extension_config_dump('datamesh.lineage_sentinel', '');
REVOKE ALL ON datamesh.lineage_sentinel FROM PUBLIC;

CREATE FUNCTION datamesh._lineage_invalidate() RETURNS trigger
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'datamesh_lineage_invalidate';
COMMENT ON FUNCTION datamesh._lineage_invalidate() IS
    'internal: statement trigger that drops every backend''s cached lineage graphs';

DO $triggers$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['product_versions', 'input_ports', 'product_dependencies', 'output_ports',
                             'column_lineage', 'lineage_datasets', 'lineage_job_io', 'openlineage_column_edges']
    LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER lineage_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                                  'ON datamesh.%I FOR EACH STATEMENT EXECUTE FUNCTION datamesh._lineage_invalidate()', t);
    END LOOP;
END
$triggers$;

-- The policy engine's column attributes (datamesh._product_columns) read
-- column tags and lineage's propagation: a change to a table behind them
-- drops every backend's cached products (propagation reaches any product)
DO $triggers$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['column_tags', 'column_lineage', 'output_ports', 'lineage_datasets',
                             'openlineage_column_edges']
    LOOP
        EXECUTE pg_catalog.format('CREATE TRIGGER policy_cache_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                                  'ON datamesh.%I FOR EACH STATEMENT EXECUTE FUNCTION datamesh._policy_invalidate(''products'')', t);
    END LOOP;
END
$triggers$;

---------------------------------------------------------------- traversal

-- ROWS 100 (lineage and column_lineage): a typical subgraph; the default, 1000,
-- inflates the estimates of queries that join them or call them per product
CREATE FUNCTION datamesh.lineage(product_id pg_catalog.text, direction pg_catalog.text DEFAULT 'downstream',
                                 max_depth pg_catalog.int4 DEFAULT 25, max_nodes pg_catalog.int4 DEFAULT 5000)
    RETURNS TABLE (product_id pg_catalog.text, depth pg_catalog.int4, path pg_catalog.text[],
                   edge_types pg_catalog.text[], direction pg_catalog.text, node_type pg_catalog.text)
    LANGUAGE C STABLE ROWS 100
    AS 'MODULE_PATHNAME', 'datamesh_lineage';
COMMENT ON FUNCTION datamesh.lineage(pg_catalog.text, pg_catalog.text, pg_catalog.int4, pg_catalog.int4) IS
    'products (and jobs, datasets) upstream, downstream or both of a product, breadth first, with depth, path and edge types; NULL bounds mean unbounded';

CREATE FUNCTION datamesh.column_lineage(product_id pg_catalog.text, column_name pg_catalog.text,
                                        direction pg_catalog.text DEFAULT 'downstream',
                                        max_depth pg_catalog.int4 DEFAULT 25, max_nodes pg_catalog.int4 DEFAULT 5000,
                                        propagating_only pg_catalog.bool DEFAULT false)
    RETURNS TABLE (product_id pg_catalog.text, column_name pg_catalog.text, depth pg_catalog.int4,
                   path pg_catalog.text[], transformations pg_catalog.text[], direction pg_catalog.text,
                   propagates pg_catalog.bool)
    LANGUAGE C STABLE ROWS 100
    AS 'MODULE_PATHNAME', 'datamesh_column_lineage';
COMMENT ON FUNCTION datamesh.column_lineage(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.int4, pg_catalog.int4, pg_catalog.bool) IS
    'columns upstream, downstream or both of one column, with path and transformations; propagating_only follows only edges that carry classifications';

CREATE FUNCTION datamesh.lineage_graph(product_id pg_catalog.text, direction pg_catalog.text DEFAULT 'both',
                                       max_depth pg_catalog.int4 DEFAULT 25, max_nodes pg_catalog.int4 DEFAULT 5000)
    RETURNS pg_catalog.jsonb
    LANGUAGE C STABLE
    AS 'MODULE_PATHNAME', 'datamesh_lineage_graph';
COMMENT ON FUNCTION datamesh.lineage_graph(pg_catalog.text, pg_catalog.text, pg_catalog.int4, pg_catalog.int4) IS
    'the lineage subgraph of a product as jsonb {root, direction, nodes, edges, truncated}';

CREATE FUNCTION datamesh.lineage_cache_stats() RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_lineage_cache_stats';
COMMENT ON FUNCTION datamesh.lineage_cache_stats() IS
    'this backend''s cached lineage graphs: whether cached, builds, nodes, edges, bytes';

-- Seed 001's shape: direct upstream and downstream products (through jobs
-- and unmapped datasets, not through other products)
CREATE FUNCTION datamesh.get_product_lineage(product_id pg_catalog.text) RETURNS pg_catalog.jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    SET client_min_messages = warning  -- the depth bound is the point here, not news
    AS $fn$
    SELECT jsonb_build_object(
        'upstream', coalesce((SELECT jsonb_agg(DISTINCT l.product_id)
                                FROM datamesh.lineage(get_product_lineage.product_id, 'upstream', 2, NULL) l
                               WHERE l.node_type = 'product'
                                 AND NOT EXISTS (SELECT FROM unnest(l.path[2:l.depth]) x WHERE x !~ '^(job|dataset):')), '[]'),
        'downstream', coalesce((SELECT jsonb_agg(DISTINCT l.product_id)
                                  FROM datamesh.lineage(get_product_lineage.product_id, 'downstream', 2, NULL) l
                                 WHERE l.node_type = 'product'
                                   AND NOT EXISTS (SELECT FROM unnest(l.path[2:l.depth]) x WHERE x !~ '^(job|dataset):')), '[]'))
$fn$;
COMMENT ON FUNCTION datamesh.get_product_lineage(pg_catalog.text) IS
    'seed 001 shape: {"upstream": [products it reads], "downstream": [products that read it]}, directly or through a job';

------------------------------------------------------------- column edges

-- Check the spec.lineage section of a manifest; problems carry their path
CREATE FUNCTION datamesh._check_manifest_lineage(v pg_catalog.jsonb, self_id pg_catalog.text)
    RETURNS pg_catalog.text[]
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    problems text[] := '{}';
    elem jsonb;
    src jsonb;
    p text;
    q text;
    ref text;
    i int;
    j int;
BEGIN
    IF v IS NULL THEN
        RETURN problems;
    ELSIF jsonb_typeof(v) <> 'array' THEN
        RETURN ARRAY['spec.lineage: expected a list of column lineage entries, got ' || datamesh._describe(v)];
    END IF;
    FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        elem := v -> i;
        p := format('spec.lineage[%s]', i);
        IF jsonb_typeof(elem) <> 'object' THEN
            problems := problems || format('%s: expected a mapping with column, sources and transformation, got %s',
                                           p, datamesh._describe(elem));
            CONTINUE;
        END IF;
        IF (elem - '{column,sources,transformation,description,sql,block_propagation}'::text[]) <> '{}' THEN
            problems := problems || datamesh._unknown_fields(elem, '{column,sources,transformation,description,sql,block_propagation}', p);
        END IF;
        IF jsonb_typeof(elem -> 'column') IS DISTINCT FROM 'string' OR btrim(elem ->> 'column') = '' THEN
            problems := problems || (p || '.column: ' || CASE WHEN elem ? 'column' THEN 'expected a column name, got '
                                     || datamesh._describe(elem -> 'column') ELSE 'required' END);
        END IF;
        IF elem ? 'transformation' AND (jsonb_typeof(elem -> 'transformation') <> 'string'
                                        OR NOT (elem ->> 'transformation') = ANY (datamesh._lineage_transformations())) THEN
            problems := problems || format('%s.transformation: expected one of %s, got %s', p,
                                           array_to_string(datamesh._lineage_transformations(), ', '),
                                           datamesh._describe(elem -> 'transformation'));
        END IF;
        FOREACH q IN ARRAY ARRAY['description', 'sql'] LOOP
            IF elem ? q AND jsonb_typeof(elem -> q) <> 'string' THEN
                problems := problems || format('%s.%s: expected a string, got %s', p, q, datamesh._describe(elem -> q));
            END IF;
        END LOOP;
        IF elem ? 'block_propagation' AND jsonb_typeof(elem -> 'block_propagation') <> 'boolean' THEN
            problems := problems || (p || '.block_propagation: expected true or false, got ' || datamesh._describe(elem -> 'block_propagation'));
        END IF;
        IF jsonb_typeof(elem -> 'sources') IS DISTINCT FROM 'array' OR jsonb_array_length(elem -> 'sources') = 0 THEN
            problems := problems || (p || '.sources: ' || CASE WHEN jsonb_typeof(elem -> 'sources') = 'array' THEN 'at least one source is required'
                                     WHEN elem ? 'sources' THEN 'expected a list of {product, column}, got ' || datamesh._describe(elem -> 'sources')
                                     ELSE 'required' END);
            CONTINUE;
        END IF;
        FOR j IN 0 .. jsonb_array_length(elem -> 'sources') - 1 LOOP
            src := elem -> 'sources' -> j;
            q := format('%s.sources[%s]', p, j);
            IF jsonb_typeof(src) <> 'object' THEN
                problems := problems || format('%s: expected a mapping with product and column, got %s', q, datamesh._describe(src));
                CONTINUE;
            END IF;
            IF (src - '{product,column}'::text[]) <> '{}' THEN
                problems := problems || datamesh._unknown_fields(src, '{product,column}', q);
            END IF;
            IF jsonb_typeof(src -> 'column') IS DISTINCT FROM 'string' OR btrim(src ->> 'column') = '' THEN
                problems := problems || (q || '.column: ' || CASE WHEN src ? 'column' THEN 'expected a column name, got '
                                         || datamesh._describe(src -> 'column') ELSE 'required' END);
            END IF;
            IF jsonb_typeof(src -> 'product') IS DISTINCT FROM 'string' THEN
                problems := problems || (q || '.product: ' || CASE WHEN src ? 'product' THEN 'expected a product reference, got '
                                         || datamesh._describe(src -> 'product') ELSE 'required' END);
                CONTINUE;
            END IF;
            ref := src ->> 'product';
            IF regexp_replace(ref, '^[^.]*\.', '') = self_id THEN
                IF (src ->> 'column') = (elem ->> 'column') THEN
                    problems := problems || format('%s: a column cannot be its own source', q);
                END IF;
            ELSIF NOT EXISTS (SELECT FROM datamesh.data_products d
                               WHERE d.product_id = regexp_replace(ref, '^[^.]*\.', '')
                                 AND (strpos(ref, '.') = 0 OR d.domain = split_part(ref, '.', 1))) THEN
                problems := problems || format('%s.product: data product "%s" does not exist', q, ref);
            END IF;
        END LOOP;
    END LOOP;
    RETURN problems;
END
$fn$;
COMMENT ON FUNCTION datamesh._check_manifest_lineage(pg_catalog.jsonb, pg_catalog.text) IS
    'internal: validate the spec.lineage section of a DataProduct manifest';

CREATE FUNCTION datamesh._add_column_lineage(source_product pg_catalog.text, source_column pg_catalog.text,
                                             target_product pg_catalog.text, target_column pg_catalog.text,
                                             transformation pg_catalog.text, description pg_catalog.text,
                                             sql pg_catalog.text, block_propagation pg_catalog.bool,
                                             caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    src text;
    tgt text;
    dom text;
    existed bool;
BEGIN
    IF source_product IS NULL OR source_column IS NULL OR target_product IS NULL OR target_column IS NULL
       OR transformation IS NULL OR block_propagation IS NULL THEN
        RAISE EXCEPTION 'column lineage products, columns, transformation and block_propagation must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    src := datamesh._lookup_product(source_product);
    tgt := datamesh._lookup_product(target_product);
    SELECT p.domain INTO dom FROM datamesh.data_products p WHERE p.product_id = tgt FOR SHARE;
    IF NOT datamesh._can_manage_domain(caller, dom) THEN
        RAISE EXCEPTION 'permission denied to declare lineage of data product "%"', tgt
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Members of the target product''s domain owner role and of datamesh_admin declare its column lineage.';
    END IF;
    IF btrim(source_column) = '' OR btrim(target_column) = '' THEN
        RAISE EXCEPTION 'column names must not be empty' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT transformation = ANY (datamesh._lineage_transformations()) THEN
        RAISE EXCEPTION 'invalid transformation "%"', transformation
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use one of ' || array_to_string(datamesh._lineage_transformations(), ', ') || '.';
    END IF;
    IF src = tgt AND source_column = target_column THEN
        RAISE EXCEPTION 'column "%.%" cannot be its own source', tgt, target_column
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    existed := EXISTS (SELECT FROM datamesh.column_lineage c
                        WHERE c.target_product = tgt AND c.target_column = _add_column_lineage.target_column
                          AND c.source_product = src AND c.source_column = _add_column_lineage.source_column);
    INSERT INTO datamesh.column_lineage AS c (source_product, source_column, target_product, target_column,
                                              transformation, description, sql, block_propagation, declared_by)
    VALUES (src, _add_column_lineage.source_column, tgt, _add_column_lineage.target_column,
            _add_column_lineage.transformation, _add_column_lineage.description, _add_column_lineage.sql,
            _add_column_lineage.block_propagation, caller)
    ON CONFLICT ON CONSTRAINT column_lineage_pkey DO UPDATE
       SET transformation = excluded.transformation, description = excluded.description, sql = excluded.sql,
           block_propagation = excluded.block_propagation, declared_by = excluded.declared_by, declared_at = now();
    RETURN jsonb_build_object('source', src || '.' || _add_column_lineage.source_column,
                              'target', tgt || '.' || _add_column_lineage.target_column,
                              'transformation', _add_column_lineage.transformation,
                              'propagates', NOT _add_column_lineage.block_propagation
                                            AND datamesh._lineage_propagates(_add_column_lineage.transformation),
                              'result', CASE WHEN existed THEN 'updated' ELSE 'added' END);
END
$fn$;
COMMENT ON FUNCTION datamesh._add_column_lineage(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.bool, pg_catalog.regrole) IS
    'internal: implementation of datamesh.add_column_lineage';

CREATE FUNCTION datamesh.add_column_lineage(source_product pg_catalog.text, source_column pg_catalog.text,
                                            target_product pg_catalog.text, target_column pg_catalog.text,
                                            transformation pg_catalog.text DEFAULT 'identity',
                                            description pg_catalog.text DEFAULT NULL,
                                            sql pg_catalog.text DEFAULT NULL,
                                            block_propagation pg_catalog.bool DEFAULT false)
    RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.add_column_lineage(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.bool) IS
    'declare (or change) that source product.column feeds target product.column through a transformation; the target''s domain owner or an admin';

CREATE FUNCTION datamesh._remove_column_lineage(source_product pg_catalog.text, source_column pg_catalog.text,
                                                target_product pg_catalog.text, target_column pg_catalog.text,
                                                caller pg_catalog.regrole)
    RETURNS pg_catalog.bool
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    src text := datamesh._lookup_product(source_product);
    tgt text := datamesh._lookup_product(target_product);
    dom text;
BEGIN
    SELECT p.domain INTO dom FROM datamesh.data_products p WHERE p.product_id = tgt;
    IF NOT datamesh._can_manage_domain(caller, dom) THEN
        RAISE EXCEPTION 'permission denied to declare lineage of data product "%"', tgt
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Members of the target product''s domain owner role and of datamesh_admin declare its column lineage.';
    END IF;
    DELETE FROM datamesh.column_lineage c
     WHERE c.target_product = tgt AND c.target_column = _remove_column_lineage.target_column
       AND c.source_product = src AND c.source_column = _remove_column_lineage.source_column;
    RETURN FOUND;
END
$fn$;
COMMENT ON FUNCTION datamesh._remove_column_lineage(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.regrole) IS
    'internal: implementation of datamesh.remove_column_lineage';

CREATE FUNCTION datamesh.remove_column_lineage(source_product pg_catalog.text, source_column pg_catalog.text,
                                               target_product pg_catalog.text, target_column pg_catalog.text)
    RETURNS pg_catalog.bool
    LANGUAGE C VOLATILE STRICT
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.remove_column_lineage(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
    'remove a column lineage edge declared by add_column_lineage; true if there was one (manifest edges change with a new version)';

--------------------------------------------------------------- column tags

CREATE FUNCTION datamesh._set_column_tags(product_id pg_catalog.text, column_name pg_catalog.text,
                                          tags pg_catalog.text[], classification datamesh.classification,
                                          caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    pid text;
    dom text;
    norm text[];
    bad text;
BEGIN
    IF product_id IS NULL OR column_name IS NULL THEN
        RAISE EXCEPTION 'product_id and column_name must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    pid := datamesh._lookup_product(product_id);
    SELECT p.domain INTO dom FROM datamesh.data_products p WHERE p.product_id = pid;
    IF NOT datamesh._can_manage_domain(caller, dom) THEN
        RAISE EXCEPTION 'permission denied to tag columns of data product "%"', pid
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Members of the product''s domain owner role and of datamesh_admin tag its columns.';
    END IF;
    IF btrim(column_name) = '' THEN
        RAISE EXCEPTION 'column names must not be empty' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT t INTO bad FROM unnest(coalesce(tags, '{}')) t
     WHERE t IS NULL OR lower(btrim(t)) !~ '^[a-z0-9][a-z0-9_:.-]{0,62}$' LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'invalid column tag %', coalesce('"' || bad || '"', 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A tag has at most 63 lower-case letters, digits, "_", ":", "." and "-", starting with a letter or digit.';
    END IF;
    norm := ARRAY(SELECT DISTINCT lower(btrim(t)) FROM unnest(coalesce(tags, '{}')) t ORDER BY 1);
    IF cardinality(norm) = 0 AND classification IS NULL THEN
        DELETE FROM datamesh.column_tags c WHERE c.product_id = pid AND c.column_name = _set_column_tags.column_name;
    ELSE
        INSERT INTO datamesh.column_tags AS c (product_id, column_name, tags, classification, set_by)
        VALUES (pid, _set_column_tags.column_name, norm, _set_column_tags.classification, caller)
        ON CONFLICT ON CONSTRAINT column_tags_pkey DO UPDATE
           SET tags = excluded.tags, classification = excluded.classification, set_by = excluded.set_by, set_at = now();
    END IF;
    RETURN jsonb_build_object('product_id', pid, 'column', _set_column_tags.column_name,
                              'tags', to_jsonb(norm), 'classification', _set_column_tags.classification);
END
$fn$;
COMMENT ON FUNCTION datamesh._set_column_tags(pg_catalog.text, pg_catalog.text, pg_catalog.text[], datamesh.classification, pg_catalog.regrole) IS
    'internal: implementation of datamesh.set_column_tags';

CREATE FUNCTION datamesh.set_column_tags(product_id pg_catalog.text, column_name pg_catalog.text,
                                         tags pg_catalog.text[], classification datamesh.classification DEFAULT NULL)
    RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.set_column_tags(pg_catalog.text, pg_catalog.text, pg_catalog.text[], datamesh.classification) IS
    'declare the tags (pii, gdpr ...) and classification of a column; no tags and no classification removes the declaration';

/*
 * What is declared about one column itself, from three places: column_tags,
 * the schema of the product's current version (fields with pii: true,
 * classification / privacy_classification, tags) and, when the contracts
 * feature is installed, the fields of the product's newest active contract.
 * Returns {"tags": [{tag, origin}], "classification": ..., "classification_origin": ..., "type": ...}.
 */
CREATE FUNCTION datamesh._declared_column(pid pg_catalog.text, col pg_catalog.text) RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    tags jsonb := '[]';
    cls datamesh.classification;
    cls_origin text;
    typ text;
    f jsonb;
    r record;
    c text;
    n bigint;
BEGIN
    -- 1. declared through set_column_tags
    SELECT t.tags, t.classification INTO r FROM datamesh.column_tags t
     WHERE t.product_id = pid AND t.column_name = col;
    IF FOUND THEN
        tags := coalesce((SELECT jsonb_agg(jsonb_build_object('tag', x, 'origin', 'column_tags')) FROM unnest(r.tags) x), '[]');
        IF r.classification IS NOT NULL THEN
            cls := r.classification;
            cls_origin := 'column_tags';
        END IF;
    END IF;
    -- 2. the schema of the current version
    SELECT e.value INTO f
      FROM datamesh.products pr
      JOIN datamesh.product_versions v ON v.product_id = pr.product_id AND v.version OPERATOR(datamesh.=) pr.current_version
     CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(v.schema)
                                             WHEN 'array' THEN v.schema
                                             WHEN 'object' THEN CASE WHEN jsonb_typeof(coalesce(v.schema #> '{definition,fields}', v.schema -> 'fields')) = 'array'
                                                                     THEN coalesce(v.schema #> '{definition,fields}', v.schema -> 'fields') END
                                             END) e
     WHERE pr.product_id = pid AND e.value ->> 'name' = col
     LIMIT 1;
    IF f IS NOT NULL THEN
        typ := CASE jsonb_typeof(f -> 'type') WHEN 'string' THEN f ->> 'type' ELSE (f -> 'type')::text END;
        IF f -> 'pii' = 'true' THEN
            tags := tags || jsonb_build_object('tag', 'pii', 'origin', 'schema');
        END IF;
        IF jsonb_typeof(f -> 'tags') = 'array' THEN
            tags := tags || coalesce((SELECT jsonb_agg(jsonb_build_object('tag', lower(x), 'origin', 'schema'))
                                        FROM jsonb_array_elements_text(f -> 'tags') x), '[]');
        END IF;
        c := lower(coalesce(f ->> 'classification', f ->> 'privacy_classification'));
        IF c = ANY (enum_range(NULL::datamesh.classification)::text[]) THEN
            IF cls IS NULL OR c::datamesh.classification > cls THEN
                cls := c::datamesh.classification;
                cls_origin := 'schema';
            END IF;
        ELSIF c IS NOT NULL THEN
            tags := tags || jsonb_build_object('tag', c, 'origin', 'schema');
        END IF;
    END IF;
    -- 3. the newest active contract, when contracts are installed
    IF to_regclass('datamesh.contract_fields') IS NOT NULL AND to_regclass('datamesh.contracts') IS NOT NULL THEN
        EXECUTE $q$
            SELECT f.pii, lower(f.classification) AS classification, coalesce(f.sql_type, f.type) AS type
              FROM datamesh.contracts k
              JOIN datamesh.contract_fields f ON f.product_id = k.product_id AND f.version OPERATOR(datamesh.=) k.version
             WHERE k.product_id = $1 AND k.status = 'active' AND f.name = $2
             ORDER BY k.version DESC LIMIT 1 $q$
           INTO r USING pid, col;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n > 0 THEN
            typ := coalesce(typ, r.type);
            IF r.pii THEN
                tags := tags || jsonb_build_object('tag', 'pii', 'origin', 'contract');
            END IF;
            IF r.classification = ANY (enum_range(NULL::datamesh.classification)::text[]) THEN
                IF cls IS NULL OR r.classification::datamesh.classification > cls THEN
                    cls := r.classification::datamesh.classification;
                    cls_origin := 'contract';
                END IF;
            ELSIF r.classification IS NOT NULL THEN
                tags := tags || jsonb_build_object('tag', r.classification, 'origin', 'contract');
            END IF;
        END IF;
    END IF;
    -- type of the column of an in-database output port
    IF typ IS NULL THEN
        SELECT format_type(a.atttypid, a.atttypmod) INTO typ
          FROM datamesh.products pr
          JOIN datamesh.output_ports o ON o.product_id = pr.product_id AND o.version OPERATOR(datamesh.=) pr.current_version
          JOIN pg_attribute a ON a.attrelid = o.relation AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped
         WHERE pr.product_id = pid
         ORDER BY o.name LIMIT 1;
    END IF;
    RETURN jsonb_build_object('tags', tags, 'classification', cls, 'classification_origin', cls_origin, 'type', typ);
END
$fn$;
COMMENT ON FUNCTION datamesh._declared_column(pg_catalog.text, pg_catalog.text) IS
    'internal: tags, classification and type declared for a column itself (column_tags, product schema, active contract)';

CREATE FUNCTION datamesh.effective_classification(product_id pg_catalog.text, column_name pg_catalog.text)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    pid text := datamesh._lookup_product(product_id);
    own jsonb := datamesh._declared_column(pid, column_name);
    cls datamesh.classification := (own ->> 'classification')::datamesh.classification;
    cls_from jsonb;
    entries jsonb := '[]';
    stopped jsonb := '[]';
    d jsonb;
    t jsonb;
    r record;
    k int;
BEGIN
    IF column_name IS NULL THEN
        RAISE EXCEPTION 'column_name must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF cls IS NOT NULL THEN
        cls_from := jsonb_build_object('from', pid || '.' || column_name, 'origin', own -> 'classification_origin',
                                       'path', jsonb_build_array(pid || '.' || column_name));
    END IF;
    FOR t IN SELECT * FROM jsonb_array_elements(own -> 'tags') LOOP
        entries := entries || jsonb_build_object('tag', t ->> 'tag', 'from', pid || '.' || column_name,
                                                 'origin', t ->> 'origin', 'depth', 0,
                                                 'path', jsonb_build_array(pid || '.' || column_name));
    END LOOP;
    -- every upstream column reached through edges that carry classifications
    FOR r IN SELECT l.* FROM datamesh.column_lineage(pid, effective_classification.column_name, 'upstream', NULL, NULL, true) l
              ORDER BY l.depth, l.product_id, l.column_name LOOP
        d := datamesh._declared_column(r.product_id, r.column_name);
        FOR t IN SELECT * FROM jsonb_array_elements(d -> 'tags') LOOP
            entries := entries || jsonb_build_object('tag', t ->> 'tag', 'from', r.product_id || '.' || r.column_name,
                                                     'origin', t ->> 'origin', 'depth', r.depth,
                                                     'path', to_jsonb(r.path), 'transformations', to_jsonb(r.transformations));
        END LOOP;
        IF d ->> 'classification' IS NOT NULL AND (cls IS NULL OR (d ->> 'classification')::datamesh.classification > cls) THEN
            cls := (d ->> 'classification')::datamesh.classification;
            cls_from := jsonb_build_object('from', r.product_id || '.' || r.column_name, 'origin', d -> 'classification_origin',
                                           'path', to_jsonb(r.path), 'transformations', to_jsonb(r.transformations));
        END IF;
    END LOOP;
    -- upstream columns whose tags do not arrive: the first edge that stops them
    FOR r IN SELECT a.* FROM datamesh.column_lineage(pid, effective_classification.column_name, 'upstream', NULL, NULL, false) a
              WHERE NOT a.propagates
                AND NOT EXISTS (SELECT FROM datamesh.column_lineage(pid, effective_classification.column_name, 'upstream', NULL, NULL, true) b
                                 WHERE b.product_id = a.product_id AND b.column_name = a.column_name)
              ORDER BY a.depth, a.product_id, a.column_name LOOP
        d := datamesh._declared_column(r.product_id, r.column_name);
        CONTINUE WHEN jsonb_array_length(d -> 'tags') = 0 AND d ->> 'classification' IS NULL;
        -- transformations run from this column upstream; the stopping edge is the first that does not propagate
        SELECT i INTO k FROM generate_subscripts(r.transformations, 1) i
         WHERE NOT datamesh._lineage_propagates(r.transformations[i])
            OR EXISTS (SELECT FROM datamesh.column_lineage_edges e
                        WHERE e.target_product || '.' || e.target_column = r.path[i]
                          AND e.source_product || '.' || e.source_column = r.path[i + 1]
                          AND e.block_propagation)
         ORDER BY i LIMIT 1;
        stopped := stopped || jsonb_build_object(
            'from', r.product_id || '.' || r.column_name,
            'tags', coalesce((SELECT jsonb_agg(DISTINCT x ->> 'tag') FROM jsonb_array_elements(d -> 'tags') x), '[]'),
            'classification', d -> 'classification',
            'path', to_jsonb(r.path),
            'stopped_at', jsonb_build_object('source', r.path[k + 1], 'target', r.path[k],
                                             'transformation', r.transformations[k],
                                             -- a transformation that would carry the tags: the edge blocks them
                                             'blocked', datamesh._lineage_propagates(r.transformations[k])));
    END LOOP;
    RETURN jsonb_build_object(
        'product_id', pid,
        'column', column_name,
        'classification', cls,
        'classification_from', cls_from,
        'tags', coalesce((SELECT jsonb_agg(DISTINCT e ->> 'tag') FROM jsonb_array_elements(entries) e), '[]'),
        'pii', EXISTS (SELECT FROM jsonb_array_elements(entries) e WHERE e ->> 'tag' = 'pii'),
        'provenance', entries,
        'stopped', stopped);
END
$fn$;
COMMENT ON FUNCTION datamesh.effective_classification(pg_catalog.text, pg_catalog.text) IS
    'the classification and tags of a column, its own and those flowing in along column lineage, each with where it came from';

CREATE FUNCTION datamesh.column_attributes(product_id pg_catalog.text, column_name pg_catalog.text)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    eff jsonb := datamesh.effective_classification(product_id, column_name);
BEGIN
    RETURN jsonb_build_object(
        'name', column_name,
        'product_id', eff -> 'product_id',
        'type', datamesh._declared_column(eff ->> 'product_id', column_name) -> 'type',
        'tags', eff -> 'tags',
        'classification', eff -> 'classification',
        'pii', eff -> 'pii',
        'provenance', eff -> 'provenance');
END
$fn$;
COMMENT ON FUNCTION datamesh.column_attributes(pg_catalog.text, pg_catalog.text) IS
    'a column as the policy engine sees it: name, type, tags (propagated included), strongest classification, pii, provenance';

/*
 * Every known column of a product with its attributes, in the shape of the
 * policy engine's datamesh._product_columns: the fields of
 * the version's schema in order, then the other columns lineage knows
 * (column tags, column lineage targets, columns of in-database output
 * ports) by name.  Undeclared values read type "unknown" and classification
 * "unclassified" as there.
 */
CREATE FUNCTION datamesh._lineage_product_columns(product_id pg_catalog.text, version datamesh.semver)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    pid text := datamesh._lookup_product(product_id);
    ver datamesh.semver := datamesh._lookup_version(pid, version);
    result jsonb := '[]';
    col text;
    a jsonb;
BEGIN
    FOR col IN
        WITH fields AS (
            SELECT e.name, e.ord
              FROM datamesh.product_versions v
             CROSS JOIN LATERAL datamesh._lineage_schema_fields(v.schema) WITH ORDINALITY AS e(name, type, ord)
             WHERE v.product_id = pid AND v.version OPERATOR(datamesh.=) ver),
        others AS (
            SELECT t.column_name AS name FROM datamesh.column_tags t WHERE t.product_id = pid
            UNION SELECT e.target_column FROM datamesh.column_lineage_edges e WHERE e.target_product = pid
            UNION SELECT e.source_column FROM datamesh.column_lineage_edges e WHERE e.source_product = pid
            UNION SELECT a.attname::text FROM datamesh.output_ports o
                    JOIN pg_attribute a ON a.attrelid = o.relation AND a.attnum > 0 AND NOT a.attisdropped
                   WHERE o.product_id = pid AND o.version OPERATOR(datamesh.=) ver)
        SELECT x.name FROM (
            SELECT f.name, f.ord AS k1, NULL::text AS k2 FROM fields f
            UNION ALL
            SELECT o.name, NULL, o.name FROM others o WHERE NOT EXISTS (SELECT FROM fields f WHERE f.name = o.name)) x
         ORDER BY x.k1 NULLS LAST, x.k2
    LOOP
        a := datamesh.column_attributes(pid, col);
        result := result || jsonb_build_object(
            'name', col,
            'type', coalesce(a ->> 'type', 'unknown'),
            'tags', a -> 'tags',
            'classification', coalesce(a ->> 'classification', 'unclassified'),
            'pii', a -> 'pii',
            'provenance', a -> 'provenance');
    END LOOP;
    RETURN result;
END
$fn$;
COMMENT ON FUNCTION datamesh._lineage_product_columns(pg_catalog.text, datamesh.semver) IS
    'internal: every known column of a product with its attributes, propagated tags included (for the policy engine)';

------------------------------------------------------------ impact analysis

-- The top-level fields of a schema as (name, type), from the compatibility
-- checker's datamesh.schema_fields; nothing for a value that is not a schema.
-- A product's spec.schema need not be a contract schema ({} or unknown type
-- names must not make it unreadable): then its plain fields list is read.
CREATE FUNCTION datamesh._lineage_schema_fields(schema pg_catalog.jsonb)
    RETURNS TABLE (name pg_catalog.text, type pg_catalog.text)
    LANGUAGE plpgsql STABLE ROWS 20
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    f jsonb;
BEGIN
    IF schema IS NULL OR jsonb_typeof(schema) NOT IN ('object', 'array') THEN
        RETURN;
    END IF;
    BEGIN
        SELECT coalesce(jsonb_agg(jsonb_build_array(s.name, coalesce(s.sql_type, s.type)) ORDER BY s.ordinal), '[]')
          INTO f FROM datamesh.schema_fields(schema) s;
    EXCEPTION WHEN invalid_parameter_value OR invalid_text_representation OR program_limit_exceeded THEN
        f := NULL;
    END;
    IF f IS NOT NULL THEN
        RETURN QUERY SELECT e ->> 0, e ->> 1 FROM jsonb_array_elements(f) WITH ORDINALITY AS x(e, i) ORDER BY x.i;
        RETURN;
    END IF;
    f := CASE WHEN jsonb_typeof(schema) = 'array' THEN schema
              WHEN jsonb_typeof(schema #> '{definition,fields}') = 'array' THEN schema #> '{definition,fields}'
              WHEN jsonb_typeof(schema -> 'fields') = 'array' THEN schema -> 'fields' END;
    IF f IS NOT NULL THEN
        RETURN QUERY SELECT e ->> 'name', CASE jsonb_typeof(e -> 'type') WHEN 'string' THEN e ->> 'type' ELSE (e -> 'type')::text END
                       FROM jsonb_array_elements(f) e WHERE jsonb_typeof(e) = 'object' AND e ? 'name';
    END IF;
END
$fn$;
COMMENT ON FUNCTION datamesh._lineage_schema_fields(pg_catalog.jsonb) IS
    'internal: top-level field names and types of a contract or product schema';

CREATE FUNCTION datamesh.impact(product_id pg_catalog.text, change pg_catalog.jsonb)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    pid text := datamesh._lookup_product(product_id);
    kind text;
    arg jsonb;
    changed jsonb := '[]';      -- [{column, change, to?}]
    old_schema jsonb;
    new_schema jsonb;
    mode text;
    compat jsonb;
    compat_breaking bool;
    affected jsonb := '[]';
    products jsonb := '[]';
    consumers jsonb := '[]';
    contracts jsonb := '[]';
    have_contracts bool := to_regclass('datamesh.contracts') IS NOT NULL AND to_regclass('datamesh.contract_fields') IS NOT NULL;
BEGIN
    IF change IS NULL OR jsonb_typeof(change) <> 'object' OR (SELECT count(*) FROM jsonb_object_keys(change)) <> 1 THEN
        RAISE EXCEPTION 'invalid change: expected an object with one key'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use {"remove_column": "c"}, {"rename_column": {"from": "c", "to": "d"}}, {"retype_column": {"column": "c", "to": "bigint"}} or {"contract": <schema>}.';
    END IF;
    SELECT k INTO kind FROM jsonb_object_keys(change) k;
    arg := change -> kind;
    IF kind = 'remove_column' THEN
        IF jsonb_typeof(arg) <> 'string' THEN
            RAISE EXCEPTION 'invalid change: remove_column: expected a column name, got %', datamesh._describe(arg)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        changed := jsonb_build_array(jsonb_build_object('column', arg #>> '{}', 'change', 'removed'));
    ELSIF kind = 'rename_column' THEN
        IF jsonb_typeof(arg) <> 'object' OR jsonb_typeof(coalesce(arg -> 'from', arg -> 'column')) IS DISTINCT FROM 'string'
           OR jsonb_typeof(arg -> 'to') IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION 'invalid change: rename_column: expected {"from": <column>, "to": <new name>}, got %', datamesh._describe(arg)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        changed := jsonb_build_array(jsonb_build_object('column', coalesce(arg ->> 'from', arg ->> 'column'),
                                                        'change', 'renamed', 'to', arg ->> 'to'));
    ELSIF kind = 'retype_column' THEN
        IF jsonb_typeof(arg) <> 'object' OR jsonb_typeof(arg -> 'column') IS DISTINCT FROM 'string'
           OR jsonb_typeof(arg -> 'to') IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION 'invalid change: retype_column: expected {"column": <column>, "to": <new type>}, got %', datamesh._describe(arg)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        changed := jsonb_build_array(jsonb_build_object('column', arg ->> 'column', 'change', 'retyped', 'to', arg ->> 'to'));
    ELSIF kind = 'contract' THEN
        IF jsonb_typeof(arg) NOT IN ('object', 'array') THEN
            RAISE EXCEPTION 'invalid change: contract: expected a contract schema, got %', datamesh._describe(arg)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        new_schema := arg;
        IF have_contracts THEN
            EXECUTE $q$SELECT k.schema, k.compatibility FROM datamesh.contracts k
                        WHERE k.product_id = $1 AND k.status = 'active' ORDER BY k.version DESC LIMIT 1$q$
               INTO old_schema, mode USING pid;
        END IF;
        IF old_schema IS NULL THEN
            SELECT v.schema INTO old_schema FROM datamesh.products pr
              JOIN datamesh.product_versions v ON v.product_id = pr.product_id AND v.version OPERATOR(datamesh.=) pr.current_version
             WHERE pr.product_id = pid;
        END IF;
        IF old_schema IS NULL THEN
            RAISE EXCEPTION 'data product "%" has no contract or schema to compare with', pid
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        IF to_regprocedure('datamesh.check_compatibility(jsonb,jsonb,text)') IS NOT NULL THEN
            EXECUTE $q$SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]') FROM datamesh.check_compatibility($1, $2, $3) x$q$
               INTO compat USING old_schema, new_schema, coalesce(mode, 'BACKWARD');
            compat_breaking := EXISTS (SELECT FROM jsonb_array_elements(compat) x WHERE x ->> 'severity' = 'breaking');
        END IF;
        SELECT coalesce(jsonb_agg(x ORDER BY x ->> 'column'), '[]') INTO changed FROM (
            SELECT jsonb_build_object('column', o.name, 'change', 'removed') AS x
              FROM datamesh._lineage_schema_fields(old_schema) o
             WHERE NOT EXISTS (SELECT FROM datamesh._lineage_schema_fields(new_schema) n WHERE n.name = o.name)
            UNION ALL
            SELECT jsonb_build_object('column', o.name, 'change', 'retyped', 'from', o.type, 'to', n.type)
              FROM datamesh._lineage_schema_fields(old_schema) o
              JOIN datamesh._lineage_schema_fields(new_schema) n ON n.name = o.name
             WHERE n.type IS DISTINCT FROM o.type) s;
    ELSE
        RAISE EXCEPTION 'invalid change: unknown kind "%"', kind
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use remove_column, rename_column, retype_column or contract.';
    END IF;

    -- downstream columns of every changed column (one query: no quadratic appends)
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'product_id', l.product_id, 'column', l.column_name, 'depth', l.depth,
               'caused_by', c.c ->> 'column', 'change', c.c ->> 'change',
               'severity', CASE WHEN c.c ->> 'change' <> 'retyped' THEN 'breaks'
                                WHEN l.transformations <@ '{identity,rename,filter,join}'::text[] THEN 'breaks'
                                ELSE 'review' END,
               'path', to_jsonb(l.path), 'transformations', to_jsonb(l.transformations))
               ORDER BY c.i, l.depth, l.product_id, l.column_name), '[]')
      INTO affected
      FROM jsonb_array_elements(changed) WITH ORDINALITY AS c(c, i)
     CROSS JOIN LATERAL datamesh.column_lineage(pid, c.c ->> 'column', 'downstream', NULL, NULL) l;

    -- downstream products, and the direct ones as consumers
    WITH aff AS (
        SELECT a ->> 'product_id' AS product_id, jsonb_agg(DISTINCT a ->> 'column') AS cols,
               bool_or(a ->> 'severity' = 'breaks') AS breaks
          FROM jsonb_array_elements(affected) a GROUP BY 1),
    declared AS (
        SELECT DISTINCT e.target_product AS product_id FROM datamesh.column_lineage_edges e),
    d AS (
        SELECT l.product_id, l.depth, l.path, l.edge_types, p.domain, dm.owner::text AS owner,
               coalesce(aff.cols, '[]') AS cols,
               CASE WHEN aff.breaks THEN 'breaks'
                    WHEN aff.product_id IS NOT NULL THEN 'review'
                    WHEN dc.product_id IS NOT NULL THEN 'not affected'
                    ELSE 'unknown' END AS status
          FROM datamesh.lineage(pid, 'downstream', NULL, NULL) l
          JOIN datamesh.data_products p ON p.product_id = l.product_id
          JOIN datamesh.domains dm ON dm.name = p.domain
          LEFT JOIN aff ON aff.product_id = l.product_id
          LEFT JOIN declared dc ON dc.product_id = l.product_id
         WHERE l.node_type = 'product')
    SELECT coalesce(jsonb_agg(jsonb_build_object('product_id', d.product_id, 'domain', d.domain, 'depth', d.depth,
                                                 'path', to_jsonb(d.path), 'status', d.status, 'affected_columns', d.cols)
                              ORDER BY d.depth, d.product_id), '[]'),
           coalesce(jsonb_agg(jsonb_build_object('product_id', d.product_id, 'domain', d.domain, 'owner', d.owner,
                                                 'via', to_jsonb(string_to_array(d.edge_types[1], ',')),
                                                 'status', d.status, 'affected_columns', d.cols)
                              ORDER BY d.product_id) FILTER (WHERE d.depth = 1), '[]')
      INTO products, consumers
      FROM d;

    -- contracts: the product's own active contracts holding a changed field,
    -- and active contracts of downstream products holding an affected column
    IF have_contracts THEN
        EXECUTE $q$
            SELECT coalesce(jsonb_agg(jsonb_build_object('product_id', f.product_id, 'version', f.version::text,
                                                         'field', f.name, 'scope', x.scope, 'reason', x.reason)
                                      ORDER BY f.product_id, f.version, f.name), '[]')
              FROM datamesh.contracts k
              JOIN datamesh.contract_fields f ON f.product_id = k.product_id AND f.version OPERATOR(datamesh.=) k.version
              JOIN (SELECT $1 AS product_id, c ->> 'column' AS name, 'own' AS scope,
                           'the change ' || (c ->> 'change') || ' this field' AS reason
                      FROM jsonb_array_elements($2) c
                    UNION
                    SELECT a ->> 'product_id', a ->> 'column', 'downstream',
                           'derived from ' || $1 || '.' || (a ->> 'caused_by') || ' (' || (a ->> 'severity') || ')'
                      FROM jsonb_array_elements($3) a) x
                ON x.product_id = f.product_id AND x.name = f.name
             WHERE k.status = 'active' $q$
           INTO contracts USING pid, changed, affected;
    END IF;

    RETURN jsonb_build_object(
        'product_id', pid,
        'change', change,
        'changed_columns', changed,
        -- a new contract version breaks what the compatibility checker says it
        -- breaks; a column change also breaks the product's own active contracts
        'breaking', coalesce(compat_breaking, false)
                    OR EXISTS (SELECT FROM jsonb_array_elements(products) p WHERE p ->> 'status' = 'breaks')
                    OR EXISTS (SELECT FROM jsonb_array_elements(contracts) k
                                WHERE k ->> 'scope' = 'downstream' OR kind <> 'contract'),
        'compatibility', compat,
        'downstream_products', products,
        'affected_columns', affected,
        'consumers', consumers,
        'contracts', contracts);
END
$fn$;
COMMENT ON FUNCTION datamesh.impact(pg_catalog.text, pg_catalog.jsonb) IS
    'what a change (remove_column, rename_column, retype_column, a new contract schema) breaks downstream: products, columns, consumers, contracts';

CREATE FUNCTION datamesh.impact_consumers(product_id pg_catalog.text, change pg_catalog.jsonb DEFAULT NULL)
    RETURNS pg_catalog.text[]
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    IF change IS NULL THEN
        RETURN ARRAY(SELECT l.product_id FROM datamesh.lineage(product_id, 'downstream', NULL, NULL) l
                      WHERE l.node_type = 'product' ORDER BY l.depth, l.product_id);
    END IF;
    RETURN ARRAY(SELECT p ->> 'product_id'
                   FROM jsonb_array_elements(datamesh.impact(product_id, change) -> 'downstream_products') WITH ORDINALITY AS x(p, i)
                  WHERE p ->> 'status' <> 'not affected' ORDER BY i);
END
$fn$;
COMMENT ON FUNCTION datamesh.impact_consumers(pg_catalog.text, pg_catalog.jsonb) IS
    'products downstream of a product (nearest first); with a change, only those it breaks, may break or cannot tell';

-- The breaking-DDL guard's consumer list, from lineage: same columns as
-- datamesh._contract_consumers, every downstream product
CREATE FUNCTION datamesh._lineage_consumers(product_id pg_catalog.text)
    RETURNS TABLE (consumer pg_catalog.text, consumer_version datamesh.semver, via pg_catalog.text)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT l.product_id, pr.current_version,
           CASE WHEN l.depth = 1
                THEN replace(replace(replace(l.edge_types[1], 'input_port', 'input port'), 'column_lineage', 'column lineage'), ',', ', ')
                ELSE 'downstream via ' || array_to_string(l.path[2:l.depth], ' -> ') END
      FROM datamesh.lineage(_lineage_consumers.product_id, 'downstream', NULL, NULL) l
      JOIN datamesh.products pr ON pr.product_id = l.product_id
     WHERE l.node_type = 'product'
     ORDER BY l.depth, l.product_id
$fn$;
COMMENT ON FUNCTION datamesh._lineage_consumers(pg_catalog.text) IS
    'internal: every product downstream of a product with its current version and how it is reached (for the breaking-DDL guard)';

------------------------------------------------------------------ diagrams

-- A label for a Mermaid quoted string: entity codes for characters Mermaid interprets
CREATE FUNCTION datamesh._mermaid_label(s pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT replace(replace(replace(replace(replace(replace(s, '#', '#35;'), '"', '#quot;'), '<', '#60;'), '>', '#62;'),
                   E'\n', ' '), '|', '#124;')
$fn$;
COMMENT ON FUNCTION datamesh._mermaid_label(pg_catalog.text) IS 'internal: escape a Mermaid label';

-- A DOT quoted string
CREATE FUNCTION datamesh._dot_quote(s pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    SELECT '"' || replace(replace(replace(s, '\', '\\'), '"', '\"'), E'\n', '\n') || '"'
$fn$;
COMMENT ON FUNCTION datamesh._dot_quote(pg_catalog.text) IS 'internal: quote a Graphviz DOT identifier';

CREATE FUNCTION datamesh.lineage_mermaid(product_id pg_catalog.text, direction pg_catalog.text DEFAULT 'both',
                                         max_depth pg_catalog.int4 DEFAULT 25)
    RETURNS pg_catalog.text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    g jsonb := datamesh.lineage_graph(product_id, direction, max_depth, 500);
    out text[] := ARRAY['flowchart LR'];
BEGIN
    out := out || ARRAY(
        SELECT format('    n%s%s', i - 1,
                      CASE n ->> 'type'
                      WHEN 'job' THEN format('(["%s"])', datamesh._mermaid_label(n ->> 'id'))
                      WHEN 'dataset' THEN format('[("%s")]', datamesh._mermaid_label(n ->> 'id'))
                      ELSE format('["%s"]', datamesh._mermaid_label(n ->> 'id')) END)
          FROM jsonb_array_elements(g -> 'nodes') WITH ORDINALITY AS x(n, i) ORDER BY i);
    out := out || ARRAY(
        SELECT format('    n%s -->|"%s"| n%s', s.i - 1, datamesh._mermaid_label(replace(e ->> 'type', ',', ', ')), t.i - 1)
          FROM jsonb_array_elements(g -> 'edges') WITH ORDINALITY AS x(e, k)
          JOIN jsonb_array_elements(g -> 'nodes') WITH ORDINALITY AS s(n, i) ON s.n ->> 'id' = e ->> 'source'
          JOIN jsonb_array_elements(g -> 'nodes') WITH ORDINALITY AS t(n, i) ON t.n ->> 'id' = e ->> 'target'
         ORDER BY k);
    out := out || ARRAY['    classDef root stroke-width:3px', '    class n0 root'];
    IF (g -> 'truncated')::bool THEN
        out := out || '    %% cut by max_depth or by the 500-node bound: more lineage exists'::text;
    END IF;
    RETURN array_to_string(out, E'\n');
END
$fn$;
COMMENT ON FUNCTION datamesh.lineage_mermaid(pg_catalog.text, pg_catalog.text, pg_catalog.int4) IS
    'the lineage subgraph of a product as a Mermaid flowchart (at most 500 nodes)';

CREATE FUNCTION datamesh.lineage_dot(product_id pg_catalog.text, direction pg_catalog.text DEFAULT 'both',
                                     max_depth pg_catalog.int4 DEFAULT 25)
    RETURNS pg_catalog.text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    g jsonb := datamesh.lineage_graph(product_id, direction, max_depth, 500);
    out text[] := ARRAY['digraph lineage {', '    rankdir=LR;', '    node [shape=box];'];
BEGIN
    out := out || ARRAY(
        SELECT format('    %s [shape=%s%s];', datamesh._dot_quote(n ->> 'id'),
                      CASE n ->> 'type' WHEN 'job' THEN 'ellipse' WHEN 'dataset' THEN 'cylinder' ELSE 'box' END,
                      CASE WHEN n ->> 'direction' = 'root' THEN ', style=bold' ELSE '' END)
          FROM jsonb_array_elements(g -> 'nodes') WITH ORDINALITY AS x(n, i) ORDER BY i);
    out := out || ARRAY(
        SELECT format('    %s -> %s [label=%s];', datamesh._dot_quote(e ->> 'source'), datamesh._dot_quote(e ->> 'target'),
                      datamesh._dot_quote(replace(e ->> 'type', ',', ', ')))
          FROM jsonb_array_elements(g -> 'edges') WITH ORDINALITY AS x(e, k) ORDER BY k);
    IF (g -> 'truncated')::bool THEN
        out := out || '    // cut by max_depth or by the 500-node bound: more lineage exists'::text;
    END IF;
    out := out || '}'::text;
    RETURN array_to_string(out, E'\n');
END
$fn$;
COMMENT ON FUNCTION datamesh.lineage_dot(pg_catalog.text, pg_catalog.text, pg_catalog.int4) IS
    'the lineage subgraph of a product as a Graphviz DOT digraph (at most 500 nodes)';

--------------------------------------------------------------- privileges

GRANT SELECT ON datamesh.column_lineage, datamesh.column_tags, datamesh.lineage_jobs, datamesh.lineage_datasets,
                datamesh.lineage_job_io, datamesh.openlineage_column_edges, datamesh.lineage_runs,
                datamesh.lineage_dataset_products, datamesh.column_lineage_edges, datamesh.lineage_edges
   TO datamesh_reader;
REVOKE ALL ON FUNCTION datamesh.lineage(pg_catalog.text, pg_catalog.text, pg_catalog.int4, pg_catalog.int4),
                       datamesh.column_lineage(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.int4, pg_catalog.int4, pg_catalog.bool),
                       datamesh.lineage_graph(pg_catalog.text, pg_catalog.text, pg_catalog.int4, pg_catalog.int4),
                       datamesh.lineage_cache_stats(),
                       datamesh.get_product_lineage(pg_catalog.text),
                       datamesh.effective_classification(pg_catalog.text, pg_catalog.text),
                       datamesh.column_attributes(pg_catalog.text, pg_catalog.text),
                       datamesh.impact(pg_catalog.text, pg_catalog.jsonb),
                       datamesh.impact_consumers(pg_catalog.text, pg_catalog.jsonb),
                       datamesh.lineage_mermaid(pg_catalog.text, pg_catalog.text, pg_catalog.int4),
                       datamesh.lineage_dot(pg_catalog.text, pg_catalog.text, pg_catalog.int4)
   FROM PUBLIC;
GRANT EXECUTE ON FUNCTION datamesh.lineage(pg_catalog.text, pg_catalog.text, pg_catalog.int4, pg_catalog.int4),
                          datamesh.column_lineage(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.int4, pg_catalog.int4, pg_catalog.bool),
                          datamesh.lineage_graph(pg_catalog.text, pg_catalog.text, pg_catalog.int4, pg_catalog.int4),
                          datamesh.lineage_cache_stats(),
                          datamesh.get_product_lineage(pg_catalog.text),
                          datamesh.effective_classification(pg_catalog.text, pg_catalog.text),
                          datamesh.column_attributes(pg_catalog.text, pg_catalog.text),
                          datamesh.impact(pg_catalog.text, pg_catalog.jsonb),
                          datamesh.impact_consumers(pg_catalog.text, pg_catalog.jsonb),
                          datamesh.lineage_mermaid(pg_catalog.text, pg_catalog.text, pg_catalog.int4),
                          datamesh.lineage_dot(pg_catalog.text, pg_catalog.text, pg_catalog.int4),
                          datamesh._lineage_transformations(),
                          datamesh._lineage_propagates(pg_catalog.text),
                          datamesh._manifest_column_lineage(pg_catalog.jsonb),
                          datamesh._declared_column(pg_catalog.text, pg_catalog.text),
                          datamesh._lineage_schema_fields(pg_catalog.jsonb),
                          datamesh._lineage_product_columns(pg_catalog.text, datamesh.semver),
                          datamesh._lineage_consumers(pg_catalog.text),
                          datamesh._mermaid_label(pg_catalog.text),
                          datamesh._dot_quote(pg_catalog.text)
   TO datamesh_reader;
