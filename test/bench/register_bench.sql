-- Registration benchmark: a synthetic mesh of :domains domains x :per_domain
-- products (YAML manifests with output ports, input ports and dependencies),
-- registered one manifest at a time through datamesh.register_product.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;

-- roles and tables: every tenth product publishes a real table
SELECT format('CREATE ROLE bench_owner_%s NOLOGIN', d) FROM generate_series(1, :domains) d
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_owner_' || d) \gexec
CREATE SCHEMA bench;
SELECT format('CREATE TABLE bench.t_%s_%s (id bigint PRIMARY KEY, payload text)', d, p)
  FROM generate_series(1, :domains) d, generate_series(1, :per_domain) p WHERE p % 10 = 1 \gexec
SELECT datamesh.create_domain(format('bench-domain-%s', d), format('bench_owner_%s', d)::regrole,
                              'benchmark domain')
  FROM generate_series(1, :domains) d;

-- the manifests, as YAML text, in registration order (dependencies first)
CREATE TEMP TABLE manifests AS
SELECT row_number() OVER (ORDER BY p, d) AS ord, datamesh.jsonb_to_yaml(jsonb_build_object(
    'apiVersion', 'datamesh.io/v1',
    'kind', 'DataProduct',
    'metadata', jsonb_build_object(
        'name', format('bench-%s-%s', d, p),
        'display_name', format('Benchmark product %s of domain %s', p, d),
        'domain', format('bench-domain-%s', d),
        'owner', format('team-%s@company.com', d),
        'version', format('1.%s.0', p % 7),
        'classification', (ARRAY['public', 'internal', 'confidential', 'restricted'])[1 + p % 4],
        'tags', jsonb_build_array('bench', format('domain-%s', d), CASE WHEN p % 3 = 0 THEN 'pii' ELSE 'ops' END)),
    'spec', jsonb_build_object(
        'description', format('Synthetic data product %s in domain %s for the registration benchmark.', p, d),
        'type', CASE WHEN p <= 2 THEN 'source' ELSE 'derived' END,
        'schema', jsonb_build_object('fields', jsonb_build_array(
            jsonb_build_object('name', 'id', 'type', 'bigint', 'required', true),
            jsonb_build_object('name', 'payload', 'type', 'text'))),
        'output_ports', jsonb_build_array(
            jsonb_build_object('name', 'events', 'type', 'stream', 'topic', format('bench.%s.%s', d, p), 'format', 'avro'),
            jsonb_build_object('name', 'files', 'type', 'file', 'location', format('s3://bench/%s/%s/', d, p), 'format', 'parquet'))
            || CASE WHEN p % 10 = 1 THEN jsonb_build_array(jsonb_build_object(
                   'name', 'table', 'type', 'table', 'relation', format('bench.t_%s_%s', d, p))) ELSE '[]' END,
        'input_ports', CASE WHEN p <= 2 THEN '[]'::jsonb ELSE jsonb_build_array(
            jsonb_build_object('source', format('bench-domain-%s.bench-%s-%s', d, d, p - 1), 'type', 'batch', 'version', '^1.0.0'),
            jsonb_build_object('source', format('bench-%s-%s', 1 + (d * 7 + p) % :domains, p - 2), 'type', 'stream', 'version', '>=1.0.0'))
            END,
        'dependencies', CASE WHEN p <= 2 THEN '[]'::jsonb ELSE jsonb_build_array(
            jsonb_build_object('data_product', format('bench-%s-%s', 1 + (d * 13 + p) % :domains, p - 1), 'version', '1.x'))
            END,
        'sla', jsonb_build_object('availability', '99.5%', 'freshness', '1 hour', 'completeness', '99%',
                                  'timeliness', '95% within 2 hours', 'retention', '2 years'),
        'quality', jsonb_build_array(
            jsonb_build_object('name', 'id_present', 'rule', 'id IS NOT NULL', 'severity', 'error'),
            jsonb_build_object('name', 'payload_short', 'rule', 'length(payload) < 10000', 'severity', 'warning')),
        'observability', jsonb_build_object(
            'metrics', jsonb_build_array(jsonb_build_object('name', 'rows_processed', 'type', 'counter')),
            'alerts', jsonb_build_array(jsonb_build_object('name', 'stale', 'condition', 'freshness > 1 hour', 'severity', 'critical')))))) AS manifest
  FROM generate_series(1, :domains) d, generate_series(1, :per_domain) p;

SELECT count(*) AS manifests, round(avg(length(manifest))) AS avg_yaml_bytes FROM manifests;

-- registration, one manifest per call, in one backend, timed in three
-- slices (the first and last :slice manifests, and those between) so that
-- the shell can show whether the cost per registration grows with the catalog
SELECT least(1000, count(*) / 2) AS slice, count(*) AS total FROM manifests \gset
\timing on
SELECT count(*) FILTER (WHERE datamesh.register_product(manifest) ->> 'result' = 'registered') AS registered_first
  FROM (SELECT manifest FROM manifests WHERE ord <= :slice ORDER BY ord) m \gset
SELECT count(*) FILTER (WHERE datamesh.register_product(manifest) ->> 'result' = 'registered') AS registered_middle
  FROM (SELECT manifest FROM manifests WHERE ord > :slice AND ord <= :total - :slice ORDER BY ord) m \gset
SELECT count(*) FILTER (WHERE datamesh.register_product(manifest) ->> 'result' = 'registered') AS registered_last
  FROM (SELECT manifest FROM manifests WHERE ord > :total - :slice ORDER BY ord) m \gset
\timing off
SELECT :registered_first + :registered_middle + :registered_last AS registered, count(*) AS products_in_catalog
  FROM datamesh.products;
