-- The example mesh's domains, each owned by its team's role: run by
-- setup.sql, and by tests that create the extension again over the roles
-- and tables setup.sql left behind (test/sql/demo_mesh.sql).
SET ROLE platform_team;
\o /dev/null
SELECT datamesh.create_domain('product-catalog', 'catalog_team', 'Product catalog: items, categories, prices');
SELECT datamesh.create_domain('orders', 'orders_team', 'Orders and order items of the web shop');
SELECT datamesh.create_domain('customer-domain', 'customer_team', 'Customer master data');
SELECT datamesh.create_domain('events-domain', 'events_team', 'Behavioural analytics: clickstream and interactions');
SELECT datamesh.create_domain('customer-analytics', 'analytics_team', 'Customer analytics for marketing and product');
\o
RESET ROLE;
