-- A short tour of datamesh over the example mesh loaded by test/demo.sh.
\pset footer off
\set QUIET on
\set VERBOSITY default
\set SHOW_CONTEXT never

\echo
\echo '1. The catalog: one row per data product with its current version'
SELECT product_id, domain, current_version AS version, status, classification,
       product_type AS type, availability, freshness, array_to_string(tags, ',') AS tags
  FROM datamesh.products ORDER BY domain, product_id;

\echo '2. Ports of customer-analytics-360 (in-database ports are real relations)'
SELECT direction, name, port_type, coalesce(relation::text, location, version_range) AS "where",
       resolved_version
  FROM datamesh.product_ports WHERE product_id = 'customer-analytics-360' ORDER BY direction DESC, name;

\echo '3. Dependencies resolve to the highest active version matching their semver range'
SELECT d ->> 'data_product' AS dependency, d ->> 'version_range' AS range,
       d ->> 'resolved_version' AS resolved
  FROM jsonb_array_elements(datamesh.get_product('customer-analytics-360') -> 'dependencies') d;
SELECT version, status, is_current FROM datamesh.versions WHERE product_id = 'raw-users' ORDER BY version;
SELECT v AS version, r AS range, datamesh.satisfies(v::datamesh.semver, r) AS satisfies
  FROM (VALUES ('1.2.0', '>=1.0.0'), ('2.1.0', '^2.0.0'), ('3.0.0-rc.1', '^2.0.0'),
               ('1.2.9', '~1.2.3'), ('1.3.0', '1.2.x || >=2.0.0 <2.5.0')) t(v, r);

\echo '4. Everything about a product in one call (SLA, quality, consumers ...)'
SELECT jsonb_pretty(p - '{schema,versions,policies,observability,output_ports,input_ports,dependencies}'::text[])
  FROM datamesh.get_product('customer-domain.raw-users') p;
SELECT jsonb_pretty(datamesh.get_product('customer-analytics-360') -> 'sla') AS "customer-analytics-360 SLA (typed)";

\echo '5. Every problem of a bad manifest at once, with its path; nothing is written'
SET ROLE analytics_team;
SELECT datamesh.register_product($yaml$
apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: churn-scores
  domain: customer-analytics
  version: 1.0
spec:
  output_ports:
    - name: scores
      type: table
      relation: analytics.churn_scores
  input_ports:
    - source: customer-domain.raw-users
      version: ">=5.0.0"
  sla:
    availability: high
    freshness: soon
$yaml$);
\echo '   ... and YAML syntax errors say where:'
SELECT datamesh.register_product(E'apiVersion: datamesh.io/v1\nkind: DataProduct\nmetadata:\n  name: x\n   bad: indent\n');

\echo '6. Ownership: the analytics team cannot publish into the orders domain'
SELECT datamesh.register_product(replace(datamesh.export_manifest('daily-revenue'), '1.0.0', '1.0.1'));
RESET ROLE;

\echo '7. Versions are immutable: same content is a no-op, different content is refused'
SET ROLE orders_team;
SELECT datamesh.register_product(datamesh.export_manifest('orders')) ->> 'result' AS re_register;
SELECT datamesh.register_product(replace(datamesh.export_manifest('orders'), '15 minutes', '5 minutes'));
RESET ROLE;

\echo '8. Export: the stored manifest as YAML (it registers back to the identical product)'
SELECT datamesh.export_manifest('daily-revenue');
