-- The example e-commerce mesh's database side: team roles, the tables that
-- are in-database output ports, and the domains (run as a superuser).
\set ON_ERROR_STOP on
SET client_min_messages = warning;

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['platform_team', 'catalog_team', 'orders_team', 'customer_team',
                             'events_team', 'analytics_team', 'analyst']
    LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END $$;
GRANT datamesh_admin TO platform_team;

-- each team owns its schema and tables
CREATE SCHEMA catalog AUTHORIZATION catalog_team;
CREATE SCHEMA sales AUTHORIZATION orders_team;
CREATE SCHEMA customer AUTHORIZATION customer_team;
CREATE SCHEMA events AUTHORIZATION events_team;
CREATE SCHEMA analytics AUTHORIZATION analytics_team;

SET ROLE catalog_team;
CREATE TABLE catalog.products (sku text PRIMARY KEY, title text NOT NULL, category text NOT NULL,
                               price numeric(12,2) NOT NULL CHECK (price >= 0));
RESET ROLE;
SET ROLE orders_team;
CREATE TABLE sales.orders (order_id bigint PRIMARY KEY, customer_id bigint NOT NULL,
                           ordered_at timestamptz NOT NULL, total numeric(12,2) NOT NULL);
CREATE TABLE sales.order_items (order_id bigint NOT NULL REFERENCES sales.orders, sku text NOT NULL,
                                quantity int NOT NULL CHECK (quantity > 0), price numeric(12,2) NOT NULL);
CREATE MATERIALIZED VIEW sales.daily_revenue AS
    SELECT date_trunc('day', ordered_at) AS day, sum(total) AS revenue FROM sales.orders GROUP BY 1;
RESET ROLE;
SET ROLE customer_team;
CREATE TABLE customer.users (customer_id bigint PRIMARY KEY, email text NOT NULL, country text NOT NULL,
                             ssn text, created_at timestamptz NOT NULL DEFAULT now());
RESET ROLE;
SET ROLE events_team;
CREATE TABLE events.user_interactions (event_id bigint PRIMARY KEY, customer_id bigint NOT NULL,
                                       event_type text NOT NULL, occurred_at timestamptz NOT NULL);
RESET ROLE;
SET ROLE analytics_team;
CREATE TABLE analytics.customer_360 (customer_id bigint PRIMARY KEY, email text, country text NOT NULL,
                                     lifetime_value numeric(12,2) NOT NULL, segment text);
RESET ROLE;

\ir domains.sql
