--
-- The domain team's path of docs/guide-first-data-product.md, step by step
-- as the guide writes it (each "-- N." is the guide's section N): roles and a
-- domain, a product from its manifest, its contract, the table scaffolded
-- from the contract, rows, validate_data, a breaking ALTER TABLE refused, a
-- new major contract version, column lineage to a derived product, the
-- standard policies and an analyst's access with masking.  It runs in its own
-- database so that no other test's policies or products take part.
--
\set regress_db :DBNAME
CREATE DATABASE dm_guide;
\c dm_guide
SET client_min_messages = warning;
CREATE EXTENSION datamesh;
RESET client_min_messages;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- 1. Roles and a domain (as an administrator)
CREATE ROLE platform_admins NOLOGIN;
CREATE ROLE crm_team NOLOGIN;
CREATE ROLE bi_team NOLOGIN;
-- the role the standard policies let read (step 10), once per cluster
DO $$ BEGIN CREATE ROLE data_consumer NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE ROLE alice NOLOGIN IN ROLE data_consumer, datamesh_reader;
GRANT datamesh_admin TO platform_admins;
CREATE SCHEMA customer AUTHORIZATION crm_team;
CREATE SCHEMA analytics AUTHORIZATION bi_team;
SET ROLE platform_admins;
SELECT datamesh.create_domain('customer-domain', 'crm_team', 'Customer master data');
SELECT datamesh.create_domain('analytics-domain', 'bi_team', 'Analytics');
RESET ROLE;

-- 2. Register the product from its manifest
SET ROLE crm_team;
SELECT r->>'result' AS result, r->>'version' AS version, r->'warnings' AS warnings FROM datamesh.register_product($$
apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: raw-users
  domain: customer-domain
  owner: customer-team@company.com
  version: 1.0.0
  classification: internal
  tags: [customer, pii, gdpr]
spec:
  description: Registered customers.
  schema:
    fields:
      - {name: customer_id, type: bigint, required: true}
      - {name: email, type: text, required: true, pii: true}
      - {name: country, type: text, required: true}
      - {name: signup_source, type: text}
  output_ports:
    - name: users-export
      type: file
      location: s3://customer-domain/users/
      format: parquet
  sla:
    availability: 99.9%
    freshness: 1 hour
  retention: 1 year
$$) r;
-- 3. Publish the contract
SELECT jsonb_pretty(datamesh.publish_contract($$
apiVersion: datamesh.io/v1
kind: DataContract
metadata:
  product_id: raw-users
  version: 1.0.0
schema:
  compatibility: backward
  definition:
    fields:
      - {name: customer_id, type: bigint, required: true, primary_key: true}
      - {name: email, type: text, required: true, pii: true}
      - {name: country, type: text, required: true}
      - {name: signup_source, type: text, required: false}
quality_rules:
  - {name: email_has_at, rule: "email LIKE '%@%'", severity: error}
$$));
-- 4. Scaffold the table from the contract, load rows
SELECT datamesh.contract_ddl('raw-users', '1.0.0', 'customer.users');
SELECT datamesh.scaffold_table('raw-users', 'customer.users', '1.0.0');
INSERT INTO customer.users VALUES (1, 'ann@example.com', 'DE', 'shop'), (2, 'bob@example.com', 'US', NULL), (3, 'carl-at-example', 'FR', 'app');
-- 5. Bind the contract to the table
SELECT r->>'result' AS result, r->>'version' AS version, r->'warnings' AS warnings FROM datamesh.register_product($$
apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: raw-users
  domain: customer-domain
  owner: customer-team@company.com
  version: 1.1.0
  classification: internal
  tags: [customer, pii, gdpr]
spec:
  description: Registered customers.
  schema:
    fields:
      - {name: customer_id, type: bigint, required: true}
      - {name: email, type: text, required: true, pii: true}
      - {name: country, type: text, required: true}
      - {name: signup_source, type: text}
  output_ports:
    - name: users-export
      type: file
      location: s3://customer-domain/users/
      format: parquet
    - name: users-table
      type: table
      relation: customer.users
  sla:
    availability: 99.9%
    freshness: 1 hour
  retention: 1 year
$$) r;
SELECT jsonb_pretty(datamesh.publish_contract($$
apiVersion: datamesh.io/v1
kind: DataContract
metadata:
  product_id: raw-users
  version: 1.0.1
  product_version: 1.1.0
  port: users-table
schema:
  compatibility: backward
  definition:
    fields:
      - {name: customer_id, type: bigint, required: true, primary_key: true}
      - {name: email, type: text, required: true, pii: true}
      - {name: country, type: text, required: true}
      - {name: signup_source, type: text, required: false}
quality_rules:
  - {name: email_has_at, rule: "email LIKE '%@%'", severity: error}
$$));
-- 6. Check the table and the data
SELECT * FROM datamesh.verify_contract('raw-users');
SELECT * FROM datamesh.validate_data('raw-users');
-- 7. A breaking ALTER TABLE is refused
ALTER TABLE customer.users DROP COLUMN signup_source;
-- 8. Evolve the contract with a new major version
SELECT jsonb_pretty(datamesh.publish_contract($$
apiVersion: datamesh.io/v1
kind: DataContract
metadata:
  product_id: raw-users
  version: 2.0.0
  product_version: 1.1.0
schema:
  compatibility: backward
  definition:
    fields:
      - {name: customer_id, type: bigint, required: true, primary_key: true}
      - {name: email, type: text, required: true, pii: true}
      - {name: country, type: text, required: true}
quality_rules:
  - {name: email_has_at, rule: "email LIKE '%@%'", severity: error}
$$));
SELECT datamesh.deprecate_contract('raw-users', '1.0.0');
SELECT datamesh.deprecate_contract('raw-users', '1.0.1');
ALTER TABLE customer.users DROP COLUMN signup_source;
SELECT version, status, relation FROM datamesh.contracts WHERE product_id = 'raw-users' ORDER BY version;
RESET ROLE;
-- 9. A derived product and its column lineage
SET ROLE bi_team;
CREATE TABLE analytics.users_by_country (country text PRIMARY KEY, users bigint NOT NULL);
SELECT r->>'result' AS result, r->>'version' AS version FROM datamesh.register_product($$
apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: users-by-country
  domain: analytics-domain
  owner: analytics-team@company.com
  version: 1.0.0
  classification: internal
spec:
  description: Customers per country.
  type: aggregate
  input_ports:
    - source: customer-domain.raw-users
      type: batch
      version: "^1.1.0"
  output_ports:
    - name: by-country
      type: table
      relation: analytics.users_by_country
  sla:
    availability: 99%
    freshness: 1 day
  retention: 1 year
$$) r;
SELECT datamesh.add_column_lineage('raw-users', 'country', 'users-by-country', 'country');
SELECT datamesh.add_column_lineage('raw-users', 'customer_id', 'users-by-country', 'users', 'aggregate', 'count(*) per country');
SELECT * FROM datamesh.column_lineage('raw-users', 'country');
SELECT * FROM datamesh.lineage('raw-users');
RESET ROLE;
-- 10. Standard policies and principal attributes (as an administrator)
SET ROLE platform_admins;
SELECT jsonb_array_length(r->'installed') AS installed FROM datamesh.install_standard_policies() r;
SELECT datamesh.set_principal_attributes('alice', '{"role": "analyst", "region": "US"}');
RESET ROLE;
-- 11. What the analyst may see
SELECT d->>'decision' AS decision, jsonb_pretty(d->'transformations') AS transformations FROM datamesh.evaluate('alice', 'query', 'raw-users') d;
SELECT p->>'name' AS policy, p->>'decision' AS decision FROM datamesh.evaluate('alice', 'query', 'raw-users') d, jsonb_array_elements(d->'policies_applied') p;
-- 12. Find things
SELECT product_id, domain, current_version, classification, tags
  FROM datamesh.products WHERE 'pii' = ANY (tags);
SELECT version, status, is_current FROM datamesh.versions WHERE product_id = 'raw-users' ORDER BY version;
SELECT version, direction, name, port_type, relation FROM datamesh.product_ports WHERE product_id = 'raw-users' ORDER BY version, name;
SELECT datamesh.get_contract('raw-users') -> 'version' AS current_contract;

\c :regress_db
DROP DATABASE dm_guide;
DROP ROLE platform_admins, crm_team, bi_team, alice;
