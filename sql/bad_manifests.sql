--
-- The catalogue of bad manifests: every file of test/manifests/bad is given
-- to datamesh.register_product, and the error a user sees (SQLSTATE, message,
-- DETAIL with every problem, HINT) is shown for each.  Nothing may reach the
-- catalog: every catalog table is fingerprinted before and after.
--
-- Corpus files are named NN-short-description.EXT; their first line is
--     # expect: SQLSTATE text
-- meaning that registration must fail with SQLSTATE and that text must occur
-- in the message or the DETAIL.  What is registered depends on EXT:
--   .yaml         the whole file (the header is a YAML comment);
--   .json, .txt   the file without its header line, byte for byte; it is
--                 converted from UTF-8 here, so invalid UTF-8 fails before
--                 reaching datamesh, as it does for any client;
--   .sql          the file without its header line is a SQL expression whose
--                 value is registered (NULL, generated huge or deep inputs).
-- Adding a file to the corpus needs no change here, only a new expected
-- output.  The manifests refer to the fixtures created below: roles
-- bad_owner (who registers) and bad_other, domains bad-domain,
-- bad-second-domain (both bad_owner's) and bad-other-domain (bad_other's),
-- relations bad_schema.items, bad_schema.items_view, bad_schema.others
-- (bad_other's) and the temporary table bad_tmp, and the products bad-base
-- (1.0.0, 1.1.0) and bad-rich.
--
\set VERBOSITY default

------------------------------------------------------------------ fixtures
CREATE ROLE bad_owner NOLOGIN;
CREATE ROLE bad_other NOLOGIN;
CREATE SCHEMA bad_schema AUTHORIZATION bad_owner;
SET ROLE bad_owner;
CREATE TABLE bad_schema.items (sku text PRIMARY KEY, email text, price numeric(12,2) NOT NULL);
CREATE VIEW bad_schema.items_view AS SELECT sku, price FROM bad_schema.items;
CREATE TEMP TABLE bad_tmp (sku text);
RESET ROLE;
CREATE TABLE bad_schema.others (id int);
ALTER TABLE bad_schema.others OWNER TO bad_other;
SELECT datamesh.create_domain('bad-domain', 'bad_owner', 'Fixtures of the bad manifest catalogue');
SELECT datamesh.create_domain('bad-second-domain', 'bad_owner', 'A second domain of bad_owner');
SELECT datamesh.create_domain('bad-other-domain', 'bad_other', 'A domain bad_owner may not publish into');

-- a known valid catalog state: bad-base 1.0.0 and 1.1.0, and bad-rich, which
-- puts a row into every catalog table
SET ROLE bad_owner;
\set base 'apiVersion: datamesh.io/v1\nkind: DataProduct\nmetadata:\n  name: bad-base\n  domain: bad-domain\n  owner: bad-team@company.com\n  version: VERSION\nspec:\n  description: A data product whose manifest has one mistake.\n  schema: {fields: [{name: sku, type: text}]}\n  output_ports:\n    - name: items-table\n      type: table\n      relation: bad_schema.items\n  sla:\n    availability: 99.9%\n    freshness: 1 hour\n'
SELECT datamesh.register_product(replace(:'base', 'VERSION', '1.0.0'));
SELECT datamesh.register_product(replace(:'base', 'VERSION', '1.1.0'));
SELECT datamesh.register_product($$
apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: bad-rich
  display_name: Bad Rich
  domain: bad-domain
  owner: bad-team@company.com
  version: 0.1.0-rc.1
  classification: confidential
  tags: [fixture, pii]
spec:
  description: Uses every part of the catalog.
  type: aggregate
  schema: {fields: [{name: sku, type: text}, {name: price, type: numeric}]}
  output_ports:
    - {name: items-view, type: view, relation: bad_schema.items_view}
    - {name: items-api, type: rest-api, endpoint: "https://api.example.com/items"}
  input_ports:
    - {source: bad-domain.bad-base, type: batch, version: "^1.0.0"}
  dependencies:
    - {data_product: bad-base, version: "~1.0.0"}
  sla:
    availability: "99.5"
    freshness: 30 minutes
    completeness: 99%
    accuracy: 98.5%
    timeliness: 95% within 1 hour
    retention: 90 days
  retention: 90
  quality:
    - {name: price_not_negative, rule: price >= 0, severity: error}
    - {name: email_format, rule: "email ~ '^[^@]+@[^@]+$'", severity: warning}
  observability:
    metrics: [{name: rows_processed, type: counter}]
    alerts: [{name: stale, condition: freshness > 1 hour, severity: critical}]
  policies:
    - {type: data-retention, rule: delete records older than 90 days}
$$);
RESET ROLE;
SELECT product_id, current_version, status, product_type, version_count
  FROM datamesh.products WHERE domain = 'bad-domain' ORDER BY product_id;

-- the corpus runner and the catalog fingerprint
\i test/sql/bad_corpus.sql
-- validate_product reports the same problems without writing
CREATE FUNCTION pg_temp.bad_cross_check(input text, msg text, detail text) RETURNS text
    LANGUAGE plpgsql AS $fn$
DECLARE
    checked jsonb := datamesh.validate_product(input);
BEGIN
    IF (checked -> 'valid')::bool OR detail <> (SELECT string_agg(p, E'\n' ORDER BY o)
                                                 FROM jsonb_array_elements_text(checked -> 'problems')
                                                      WITH ORDINALITY AS x(p, o)) THEN
        RETURN format('validate_product disagrees: %s', checked -> 'problems');
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TEMP TABLE bad_catalog_before AS SELECT * FROM pg_temp.catalog_fingerprint();

------------------------------------------------------------------- corpus
-- psql reads the files (base64, one "name data" line each), so the server
-- needs no access to the source tree
\set corpus `cd test/manifests/bad && for f in $(LC_ALL=C ls); do echo "$f $(base64 -w0 < "$f")"; done`
CREATE TEMP TABLE bad_corpus AS
SELECT split_part(l, ' ', 1) AS file, decode(split_part(l, ' ', 2), 'base64') AS content
  FROM regexp_split_to_table(:'corpus', E'\n') AS l;
GRANT SELECT ON bad_corpus TO bad_owner;
SELECT count(*) >= 60 AS corpus_has_60_files FROM bad_corpus;

SET ROLE bad_owner;
CALL pg_temp.run_bad_corpus('bad_corpus', 'datamesh.register_product', 'pg_temp.bad_cross_check');
RESET ROLE;

-- the catalog is exactly as before
SELECT coalesce(b.tbl, a.tbl) AS catalog_table, b.n > 0 AS has_rows,
       a.n IS NOT DISTINCT FROM b.n AS same_rows, a.md5 IS NOT DISTINCT FROM b.md5 AS same_md5
  FROM bad_catalog_before b FULL JOIN pg_temp.catalog_fingerprint() a ON a.tbl = b.tbl
 ORDER BY 1;
SELECT product_id, current_version, version_count
  FROM datamesh.products WHERE domain LIKE 'bad-%' ORDER BY product_id;

------------------------------------------------------------------ cleanup
SET ROLE bad_owner;
SELECT datamesh.delete_product('bad-rich');
SELECT datamesh.delete_product('bad-base');
DROP TABLE bad_tmp;
RESET ROLE;
SELECT datamesh.drop_domain('bad-domain');
SELECT datamesh.drop_domain('bad-second-domain');
SELECT datamesh.drop_domain('bad-other-domain');
DROP TABLE bad_corpus, bad_catalog_before;
DROP FUNCTION pg_temp.catalog_fingerprint(), pg_temp.bad_cross_check(text, text, text);
DROP PROCEDURE pg_temp.run_bad_corpus(regclass, text, text);
DROP VIEW bad_schema.items_view;
DROP TABLE bad_schema.items, bad_schema.others;
DROP SCHEMA bad_schema;
DROP ROLE bad_owner, bad_other;
SELECT count(*) AS bad_left_in_catalog
  FROM datamesh.data_products WHERE product_id LIKE 'bad-%';
