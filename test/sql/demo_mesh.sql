-- A fresh datamesh with the demo mesh registered (test/demo/manifests),
-- for the lineage tests: \i test/sql/demo_mesh.sql at the top of a test.
\set VERBOSITY default
\set SHOW_CONTEXT never
-- a fresh datamesh with the demo mesh (roles, schemas and tables of
-- test/demo/setup.sql survive DROP EXTENSION; create them if missing)
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS datamesh CASCADE;
CREATE EXTENSION datamesh;
RESET client_min_messages;
SELECT NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'analytics') AS need_setup \gset
\if :need_setup
\i test/demo/setup.sql
\else
\i test/demo/domains.sql
\endif
RESET client_min_messages;
\set ON_ERROR_STOP on
\o /dev/null
SET ROLE catalog_team;
\set m `cat test/demo/manifests/01-product-catalog.yaml`
SELECT datamesh.register_product(:'m');
SET ROLE orders_team;
\set m `cat test/demo/manifests/02-orders.yaml`
SELECT datamesh.register_product(:'m');
\set m `cat test/demo/manifests/03-daily-revenue.yaml`
SELECT datamesh.register_product(:'m');
SET ROLE customer_team;
\set m `cat test/demo/manifests/04-raw-users-1.0.0.yaml`
SELECT datamesh.register_product(:'m');
\set m `cat test/demo/manifests/05-raw-users-1.2.0.yaml`
SELECT datamesh.register_product(:'m');
SET ROLE events_team;
\set m `cat test/demo/manifests/06-user-interactions.yaml`
SELECT datamesh.register_product(:'m');
SET ROLE analytics_team;
\set m `cat test/demo/manifests/07-customer-analytics-360.yaml`
SELECT datamesh.register_product(:'m');
RESET ROLE;
\o
\set ON_ERROR_STOP off
