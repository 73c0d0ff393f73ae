--
-- The catalog: domains, registration from YAML and JSON, immutable versions,
-- dependency resolution, views, get_product, export round trip.
--
\set VERBOSITY default
\set SHOW_CONTEXT never
-- the example e-commerce mesh of the demo (roles, schemas, tables, domains)
\i test/demo/setup.sql
\set ON_ERROR_STOP off
SELECT name, owner, description FROM datamesh.domains ORDER BY name;

-- domain errors
SET ROLE platform_team;
SELECT datamesh.create_domain('Orders', 'orders_team');
SELECT datamesh.create_domain('orders', 'orders_team');
SELECT datamesh.create_domain('nobody', NULL);
SELECT datamesh.create_domain('x', 'no_such_role');
SELECT datamesh.drop_domain('no-such-domain');
RESET ROLE;

-- register the seed-based mesh, each product as its domain's owner
\set m `cat test/demo/manifests/01-product-catalog.yaml`
SET ROLE catalog_team;
SELECT jsonb_pretty(datamesh.register_product(:'m'));
RESET ROLE;
SET ROLE orders_team;
\set m `cat test/demo/manifests/02-orders.yaml`
SELECT datamesh.register_product(:'m') ->> 'result' AS orders;
\set m `cat test/demo/manifests/03-daily-revenue.yaml`
SELECT datamesh.register_product(:'m') ->> 'result' AS daily_revenue;
RESET ROLE;
SET ROLE customer_team;
\set m `cat test/demo/manifests/04-raw-users-1.0.0.yaml`
SELECT datamesh.register_product(:'m') ->> 'result' AS raw_users_1_0_0;
\set m `cat test/demo/manifests/05-raw-users-1.2.0.yaml`
SELECT datamesh.register_product(:'m') ->> 'result' AS raw_users_1_2_0;
RESET ROLE;
SET ROLE events_team;
\set m `cat test/demo/manifests/06-user-interactions.yaml`
SELECT datamesh.register_product(:'m') ->> 'result' AS user_interactions;
RESET ROLE;
-- seed 002's customer-analytics-360
SET ROLE analytics_team;
\set m `cat test/demo/manifests/07-customer-analytics-360.yaml`
SELECT jsonb_pretty(datamesh.register_product(:'m'));
RESET ROLE;

SELECT product_id, domain, display_name, current_version, status, product_type, classification,
       retention, tags, availability, freshness, completeness, version_count
  FROM datamesh.products ORDER BY product_id;
SELECT * FROM datamesh.product_ports ORDER BY product_id, direction DESC, name;
SELECT product_id, version, availability, freshness, completeness, accuracy, timeliness, timeliness_within, retention
  FROM datamesh.product_slas ORDER BY product_id, version;
SELECT product_id, name, rule, severity FROM datamesh.quality_rules ORDER BY product_id, name;
SELECT product_id, name, metric_type FROM datamesh.observability_metrics ORDER BY 1, 2;
SELECT product_id, name, condition, severity FROM datamesh.observability_alerts ORDER BY 1, 2;
SELECT product_id, ordinal, policy_type, rule FROM datamesh.declared_policies ORDER BY 1, 2;

-- get_product: everything, dependencies resolved (timestamps left out)
SELECT jsonb_pretty(datamesh.get_product('customer-analytics-360')
                    - '{created_at,updated_at,versions}'::text[]);
SELECT datamesh.get_product('customer-domain.raw-users') ->> 'version' AS qualified_lookup;
SELECT datamesh.get_product('raw-users', '1.0.0') -> 'schema' AS old_version_schema;
SELECT datamesh.get_product('nope');
SELECT datamesh.get_product('orders.raw-users');
SELECT datamesh.get_product('raw-users', '9.9.9');

-- versions are immutable: identical is a no-op, different content is refused
SET ROLE orders_team;
\set m `cat test/demo/manifests/02-orders.yaml`
SELECT datamesh.register_product(:'m') ->> 'result' AS same_again;
SELECT datamesh.register_product(replace(:'m', '15 minutes', '10 minutes'));
-- a new version adds a row and keeps the old one; 1.10.0 sorts after 1.9.0
SELECT datamesh.register_product(replace(:'m', 'version: 1.0.0', 'version: 1.9.0')) ->> 'result' AS v1_9_0;
SELECT datamesh.register_product(replace(:'m', 'version: 1.0.0', 'version: 1.10.0')) ->> 'result' AS v1_10_0;
-- a draft 2.0.0 does not become current
SELECT datamesh.register_product(replace(replace(:'m', 'version: 1.0.0', 'version: 2.0.0'),
                                         'classification: confidential', 'status: draft')) ->> 'status' AS v2_status;
SELECT version, status, is_current FROM datamesh.versions WHERE product_id = 'orders' ORDER BY version;
SELECT current_version FROM datamesh.products WHERE product_id = 'orders';

-- dependency resolution: highest active version in range; drafts and deprecated versions do not count
\set c 'apiVersion: datamesh.io/v1\nkind: DataProduct\nmetadata:\n  name: order-stats\n  domain: orders\n  owner: orders-team@company.com\n  version: 1.0.0\nspec:\n  schema: {}\n  sla: {availability: 99%}\n  output_ports:\n    - {name: stats, type: stream, topic: order-stats}\n  input_ports:\n    - {source: orders, version: "^1.0.0"}\n  dependencies:\n    - {data_product: orders.orders, version: "RANGE"}\n'
SELECT datamesh.register_product(replace(:'c', 'RANGE', '>=1.0.0 <1.10.0')) ->> 'result' AS order_stats;
SELECT source_product, version_range, resolved_version FROM datamesh.input_ports WHERE product_id = 'order-stats';
SELECT depends_on, version_range, resolved_version FROM datamesh.product_dependencies WHERE product_id = 'order-stats';
SELECT datamesh.set_version_status('orders', '1.10.0', 'deprecated');
SELECT datamesh.register_product(replace(replace(:'c', 'RANGE', '^1.10.0'), E'1.0.0\n', E'1.0.1\n'));
SELECT datamesh.register_product(replace(replace(:'c', 'RANGE', '>=2.0.0'), E'1.0.0\n', E'1.0.1\n'));
SELECT datamesh.get_product('order-stats') -> 'input_ports' AS input_ports_now;
RESET ROLE;

-- validate_product checks without writing
SET ROLE analytics_team;
SELECT jsonb_pretty(datamesh.validate_product(E'apiVersion: datamesh.io/v1\nkind: DataProduct\nmetadata:\n  name: churn\n  domain: customer-analytics\n  version: "1.0"\n  owner: analytics\nspec:\n  output_ports: []\n  sla:\n    availability: 94.9%\n'));
SELECT count(*) AS churn_rows FROM datamesh.data_products WHERE product_id = 'churn';
-- JSON manifests are accepted too
SELECT datamesh.register_product('{"apiVersion": "datamesh.io/v1", "kind": "DataProduct",
    "metadata": {"name": "segments", "domain": "customer-analytics", "version": "0.1.0", "owner": "analytics",
                 "tags": ["marketing"]},
    "spec": {"type": "consumer_aligned", "schema": {"fields": []}, "sla": {"availability": 99.5},
             "retention": 365,
             "output_ports": [{"name": "segments-api", "type": "rest-api", "endpoint": "https://api/segments"}]}}') ->> 'result' AS json_manifest;
SELECT product_type, retention, owner_team, owner_email FROM datamesh.product_versions WHERE product_id = 'segments';
RESET ROLE;

-- export: YAML that registers back to the identical product
SELECT datamesh.export_manifest('daily-revenue');
SELECT datamesh.yaml_to_jsonb(datamesh.export_manifest(product_id, version)) = manifest AS round_trips, count(*)
  FROM datamesh.product_versions GROUP BY 1;
CREATE TEMP TABLE before_delete AS
SELECT datamesh.get_product('customer-analytics-360') - '{created_at,updated_at,versions}'::text[] AS p,
       datamesh.export_manifest('customer-analytics-360') AS yaml;
GRANT SELECT ON before_delete TO PUBLIC;
SET ROLE analytics_team;
SELECT datamesh.delete_product('customer-analytics-360');
SELECT datamesh.register_product((SELECT yaml FROM before_delete)) ->> 'result' AS re_registered;
RESET ROLE;
SELECT (datamesh.get_product('customer-analytics-360') - '{created_at,updated_at,versions}'::text[]) = p AS identical
  FROM before_delete;

-- lifecycle and deletion
SET ROLE customer_team;
SELECT datamesh.delete_product('raw-users');
SELECT datamesh.set_version_status('raw-users', '1.0.0', 'retired');
SELECT datamesh.set_version_status('raw-users', '1.0.0', 'active');
SELECT datamesh.set_version_status('raw-users', '1.0.0', 'deprecated');
RESET ROLE;
SELECT version, status FROM datamesh.versions WHERE product_id = 'raw-users' ORDER BY version;
