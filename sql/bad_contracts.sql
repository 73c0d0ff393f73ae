--
-- The catalogue of bad contracts: every file of test/contracts/bad is given
-- to datamesh.publish_contract, and the error a user sees (SQLSTATE,
-- message, DETAIL with every problem, HINT) is shown for each.  Nothing may
-- reach the catalog: every catalog table is fingerprinted before and after.
--
-- Corpus files are named NN-short-description.EXT; their first line is
--     # expect: SQLSTATE text
-- meaning that publishing must fail with SQLSTATE and that text must occur
-- in the message or the DETAIL.  What is published depends on EXT, as in
-- sql/bad_manifests.sql:
--   .yaml         the whole file (the header is a YAML comment);
--   .json, .txt   the file without its header line, byte for byte;
--   .sql          the file without its header line is a SQL expression whose
--                 value is published (NULL, generated inputs).
-- The contracts refer to the fixtures created below: roles bc_owner (who
-- publishes) and bc_other, domains bc-domain (bc_owner's) and
-- bc-other-domain (bc_other's), products bc-base (a table port and a
-- rest-api port, contract 1.0.0 published), bc-two-ports (two in-database
-- ports) and bc-foreign (in bc-other-domain).
--
\set VERBOSITY default

------------------------------------------------------------------ fixtures
CREATE ROLE bc_owner NOLOGIN;
CREATE ROLE bc_other NOLOGIN;
CREATE SCHEMA bc_schema AUTHORIZATION bc_owner;
SET ROLE bc_owner;
CREATE TABLE bc_schema.items (sku text PRIMARY KEY, title text, price numeric(12,2) NOT NULL);
CREATE VIEW bc_schema.items_view AS SELECT sku, price FROM bc_schema.items;
RESET ROLE;
CREATE TABLE bc_schema.others (id int);
ALTER TABLE bc_schema.others OWNER TO bc_other;
SELECT datamesh.create_domain('bc-domain', 'bc_owner', 'Fixtures of the bad contract catalogue');
SELECT datamesh.create_domain('bc-other-domain', 'bc_other', 'A domain bc_owner may not publish into');

\set product 'apiVersion: datamesh.io/v1\nkind: DataProduct\nmetadata:\n  name: NAME\n  domain: DOMAIN\n  owner: bc-team@company.com\n  version: 1.0.0\nspec:\n  description: A data product of the bad contract catalogue.\n  schema: {fields: [{name: sku, type: text}]}\n  output_ports:\nPORTS  sla:\n    availability: 99.9%\n'
SET ROLE bc_owner;
SELECT datamesh.register_product(replace(replace(replace(:'product', 'NAME', 'bc-base'), 'DOMAIN', 'bc-domain'),
    'PORTS', E'    - {name: items-table, type: table, relation: bc_schema.items}\n    - {name: items-api, type: rest-api, endpoint: "https://api.example.com/items"}\n')) ->> 'result' AS bc_base;
SELECT datamesh.register_product(replace(replace(replace(:'product', 'NAME', 'bc-two-ports'), 'DOMAIN', 'bc-domain'),
    'PORTS', E'    - {name: items-table, type: table, relation: bc_schema.items}\n    - {name: items-view, type: view, relation: bc_schema.items_view}\n')) ->> 'result' AS bc_two_ports;
SELECT datamesh.publish_contract($$
apiVersion: datamesh.io/v1
kind: DataContract
metadata:
  product_id: bc-base
  version: 1.0.0
schema:
  compatibility: backward
  definition:
    fields:
      - {name: sku, type: string, required: true}
      - {name: title, type: string}
      - {name: price, type: "decimal(12,2)", required: true, min: 0}
$$) ->> 'result' AS bc_base_contract;
RESET ROLE;
SET ROLE bc_other;
SELECT datamesh.register_product(replace(replace(replace(:'product', 'NAME', 'bc-foreign'), 'DOMAIN', 'bc-other-domain'),
    'PORTS', E'    - {name: others, type: table, relation: bc_schema.others}\n')) ->> 'result' AS bc_foreign;
RESET ROLE;
SELECT product_id, version, status, port_name, relation FROM datamesh.contracts ORDER BY product_id;

-- the corpus runner and the catalog fingerprint
\i test/sql/bad_corpus.sql
-- validate_contract reports the same document problems without writing
-- (problems that need the catalog are publish_contract's)
CREATE FUNCTION pg_temp.bc_cross_check(input text, msg text, detail text) RETURNS text
    LANGUAGE plpgsql AS $fn$
DECLARE
    checked jsonb;
BEGIN
    IF msg NOT LIKE 'invalid data contract%' THEN
        RETURN NULL;
    END IF;
    checked := datamesh.validate_contract(input);
    IF NOT EXISTS (SELECT FROM jsonb_array_elements_text(checked -> 'problems') p
                    WHERE strpos(detail, p) > 0)
       AND NOT detail LIKE 'metadata.p%' THEN
        RETURN format('validate_contract disagrees: %s', checked -> 'problems');
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TEMP TABLE bc_catalog_before AS SELECT * FROM pg_temp.catalog_fingerprint();

------------------------------------------------------------------- corpus
-- psql reads the files (base64, one "name data" line each), so the server
-- needs no access to the source tree
\set corpus `cd test/contracts/bad && for f in $(LC_ALL=C ls); do echo "$f $(base64 -w0 < "$f")"; done`
CREATE TEMP TABLE bc_corpus AS
SELECT split_part(l, ' ', 1) AS file, decode(split_part(l, ' ', 2), 'base64') AS content
  FROM regexp_split_to_table(:'corpus', E'\n') AS l;
GRANT SELECT ON bc_corpus TO bc_owner;
SELECT count(*) >= 40 AS corpus_has_40_files FROM bc_corpus;

SET ROLE bc_owner;
CALL pg_temp.run_bad_corpus('bc_corpus', 'datamesh.publish_contract', 'pg_temp.bc_cross_check');
RESET ROLE;

-- the catalog is exactly as before (the output does not depend on which
-- tables other features add: every datamesh table is compared)
SELECT count(*) = (SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'datamesh'::regnamespace AND c.relkind = 'r')
           AS every_table_compared,
       count(*) FILTER (WHERE b.n > 0) >= 6 AS fixtures_fill_tables,
       coalesce(string_agg(coalesce(b.tbl, a.tbl), ', ' ORDER BY coalesce(b.tbl, a.tbl))
                    FILTER (WHERE a.n IS DISTINCT FROM b.n OR a.md5 IS DISTINCT FROM b.md5), 'none') AS changed_tables
  FROM bc_catalog_before b FULL JOIN pg_temp.catalog_fingerprint() a ON a.tbl = b.tbl;
SELECT product_id, version, status FROM datamesh.contracts ORDER BY product_id, version;

------------------------------------------------------------------ cleanup
SET ROLE bc_owner;
SELECT datamesh.delete_product('bc-base');
SELECT datamesh.delete_product('bc-two-ports');
RESET ROLE;
SET ROLE bc_other;
SELECT datamesh.delete_product('bc-foreign');
RESET ROLE;
SELECT datamesh.drop_domain('bc-domain');
SELECT datamesh.drop_domain('bc-other-domain');
DROP TABLE bc_corpus, bc_catalog_before;
DROP FUNCTION pg_temp.catalog_fingerprint(), pg_temp.bc_cross_check(text, text, text);
DROP PROCEDURE pg_temp.run_bad_corpus(regclass, text, text);
DROP VIEW bc_schema.items_view;
DROP TABLE bc_schema.items, bc_schema.others;
DROP SCHEMA bc_schema;
DROP ROLE bc_owner, bc_other;
SELECT count(*) AS bc_left_in_catalog FROM datamesh.contracts WHERE product_id LIKE 'bc-%';
