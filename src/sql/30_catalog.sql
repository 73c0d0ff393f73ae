/*
 * Catalog: domains, data products and their immutable versions.
 *
 * Every table is written only by the extension's functions (running as the
 * extension owner) and registered with pg_extension_config_dump so that
 * pg_dump and pg_restore keep its rows.
 */

CREATE TYPE datamesh.classification AS ENUM ('public', 'internal', 'confidential', 'restricted');
COMMENT ON TYPE datamesh.classification IS
    'data classification, ordered from least to most sensitive';

CREATE TYPE datamesh.product_type AS ENUM ('source', 'aggregate', 'consumer_aligned', 'derived');
COMMENT ON TYPE datamesh.product_type IS 'kind of data product (seed 001 DataProductType)';

CREATE TYPE datamesh.product_status AS ENUM ('draft', 'active', 'deprecated', 'retired');
COMMENT ON TYPE datamesh.product_status IS 'lifecycle status of a data product version';

CREATE TABLE datamesh.domains (
    name        pg_catalog.text PRIMARY KEY
                CHECK (name OPERATOR(pg_catalog.~) '^[a-z][a-z0-9-]{0,62}$'),
    description pg_catalog.text,
    owner       pg_catalog.regrole NOT NULL,
    created_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE datamesh.domains IS 'business domains; members of the owner role manage the domain''s data products';

CREATE TABLE datamesh.data_products (
    product_id  pg_catalog.text PRIMARY KEY
                CHECK (product_id OPERATOR(pg_catalog.~) '^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$'),
    domain      pg_catalog.text NOT NULL REFERENCES datamesh.domains (name),
    created_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX data_products_domain_idx ON datamesh.data_products (domain);
COMMENT ON TABLE datamesh.data_products IS
    'data products: one row per product, identified by its manifest''s metadata.name, unique across the mesh';

CREATE TABLE datamesh.product_versions (
    product_id     pg_catalog.text NOT NULL REFERENCES datamesh.data_products (product_id),
    version        datamesh.semver NOT NULL,
    display_name   pg_catalog.text NOT NULL,
    description    pg_catalog.text,
    owner_team     pg_catalog.text NOT NULL,
    owner_email    pg_catalog.text,
    product_type   datamesh.product_type NOT NULL,
    classification datamesh.classification NOT NULL,
    retention      pg_catalog.interval,
    tags           pg_catalog.text[] NOT NULL DEFAULT '{}',
    status         datamesh.product_status NOT NULL,
    schema         pg_catalog.jsonb,
    storage_location pg_catalog.text,
    code_repository pg_catalog.text,
    manifest       pg_catalog.jsonb NOT NULL,
    registered_by  pg_catalog.regrole NOT NULL,
    created_at     pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    status_changed_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (product_id, version)
);
CREATE INDEX product_versions_tags_idx ON datamesh.product_versions USING gin (tags);
COMMENT ON TABLE datamesh.product_versions IS
    'immutable registered versions of data products; only status changes after registration';

CREATE TABLE datamesh.output_ports (
    product_id  pg_catalog.text NOT NULL,
    version     datamesh.semver NOT NULL,
    name        pg_catalog.text NOT NULL,
    port_type   pg_catalog.text NOT NULL
                CHECK (port_type OPERATOR(pg_catalog.=) ANY (ARRAY['table', 'view', 'materialized_view',
                       'foreign_table', 'rest-api', 'stream', 'file', 'batch'])),
    format      pg_catalog.text,
    location    pg_catalog.text,
    relation    pg_catalog.regclass,
    properties  pg_catalog.jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (product_id, version, name),
    FOREIGN KEY (product_id, version) REFERENCES datamesh.product_versions ON DELETE CASCADE,
    CHECK ((relation IS NULL) OPERATOR(pg_catalog.=)
           (port_type OPERATOR(pg_catalog.<>) ALL (ARRAY['table', 'view', 'materialized_view', 'foreign_table'])))
);
CREATE INDEX output_ports_relation_idx ON datamesh.output_ports (relation) WHERE relation IS NOT NULL;
-- registration refuses a location another domain's port already names (40_manifest.sql)
CREATE INDEX output_ports_location_idx ON datamesh.output_ports (pg_catalog.rtrim(location, '/'));
COMMENT ON TABLE datamesh.output_ports IS
    'how consumers read a product version; in-database ports name their relation';

CREATE TABLE datamesh.input_ports (
    product_id     pg_catalog.text NOT NULL,
    version        datamesh.semver NOT NULL,
    ordinal        pg_catalog.int4 NOT NULL,
    source_product pg_catalog.text NOT NULL,
    version_range  pg_catalog.text NOT NULL,
    mode           pg_catalog.text NOT NULL CHECK (mode OPERATOR(pg_catalog.=) ANY (ARRAY['batch', 'stream'])),
    resolved_version datamesh.semver NOT NULL,
    properties     pg_catalog.jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (product_id, version, ordinal),
    FOREIGN KEY (source_product, resolved_version) REFERENCES datamesh.product_versions,
    FOREIGN KEY (product_id, version) REFERENCES datamesh.product_versions ON DELETE CASCADE
);
CREATE INDEX input_ports_source_idx ON datamesh.input_ports (source_product);
COMMENT ON TABLE datamesh.input_ports IS
    'data a product version consumes: source product, accepted version range, and the version it resolved to';

CREATE TABLE datamesh.product_dependencies (
    product_id     pg_catalog.text NOT NULL,
    version        datamesh.semver NOT NULL,
    ordinal        pg_catalog.int4 NOT NULL,
    depends_on     pg_catalog.text NOT NULL,
    version_range  pg_catalog.text NOT NULL,
    resolved_version datamesh.semver NOT NULL,
    PRIMARY KEY (product_id, version, ordinal),
    FOREIGN KEY (depends_on, resolved_version) REFERENCES datamesh.product_versions,
    FOREIGN KEY (product_id, version) REFERENCES datamesh.product_versions ON DELETE CASCADE
);
CREATE INDEX product_dependencies_depends_on_idx ON datamesh.product_dependencies (depends_on);
COMMENT ON TABLE datamesh.product_dependencies IS
    'declared dependencies of a product version with their semver ranges and resolved versions';

CREATE TABLE datamesh.product_slas (
    product_id        pg_catalog.text NOT NULL,
    version           datamesh.semver NOT NULL,
    availability      pg_catalog.numeric(6,3) CHECK (availability BETWEEN 0 AND 100),
    freshness         pg_catalog.interval,
    completeness      pg_catalog.numeric(6,3) CHECK (completeness BETWEEN 0 AND 100),
    accuracy          pg_catalog.numeric(6,3) CHECK (accuracy BETWEEN 0 AND 100),
    timeliness        pg_catalog.numeric(6,3) CHECK (timeliness BETWEEN 0 AND 100),
    timeliness_within pg_catalog.interval,
    retention         pg_catalog.interval,
    PRIMARY KEY (product_id, version),
    FOREIGN KEY (product_id, version) REFERENCES datamesh.product_versions ON DELETE CASCADE
);
COMMENT ON TABLE datamesh.product_slas IS
    'service level commitments of a product version (percentages as numeric, durations as interval)';

CREATE TABLE datamesh.quality_rules (
    product_id  pg_catalog.text NOT NULL,
    version     datamesh.semver NOT NULL,
    name        pg_catalog.text NOT NULL,
    rule        pg_catalog.text NOT NULL,
    severity    pg_catalog.text NOT NULL
                CHECK (severity OPERATOR(pg_catalog.=) ANY (ARRAY['info', 'warning', 'error'])),
    description pg_catalog.text,
    PRIMARY KEY (product_id, version, name),
    FOREIGN KEY (product_id, version) REFERENCES datamesh.product_versions ON DELETE CASCADE
);
COMMENT ON TABLE datamesh.quality_rules IS
    'quality guarantees: a SQL boolean predicate each row must satisfy, with its severity';

CREATE TABLE datamesh.observability_metrics (
    product_id  pg_catalog.text NOT NULL,
    version     datamesh.semver NOT NULL,
    name        pg_catalog.text NOT NULL,
    metric_type pg_catalog.text NOT NULL
                CHECK (metric_type OPERATOR(pg_catalog.=) ANY (ARRAY['counter', 'gauge', 'histogram', 'summary'])),
    description pg_catalog.text,
    PRIMARY KEY (product_id, version, name),
    FOREIGN KEY (product_id, version) REFERENCES datamesh.product_versions ON DELETE CASCADE
);
COMMENT ON TABLE datamesh.observability_metrics IS 'metrics a product version declares it emits';

CREATE TABLE datamesh.observability_alerts (
    product_id  pg_catalog.text NOT NULL,
    version     datamesh.semver NOT NULL,
    name        pg_catalog.text NOT NULL,
    condition   pg_catalog.text NOT NULL,
    severity    pg_catalog.text NOT NULL
                CHECK (severity OPERATOR(pg_catalog.=) ANY (ARRAY['info', 'warning', 'critical'])),
    PRIMARY KEY (product_id, version, name),
    FOREIGN KEY (product_id, version) REFERENCES datamesh.product_versions ON DELETE CASCADE
);
COMMENT ON TABLE datamesh.observability_alerts IS 'alerts a product version declares';

CREATE TABLE datamesh.declared_policies (
    product_id  pg_catalog.text NOT NULL,
    version     datamesh.semver NOT NULL,
    ordinal     pg_catalog.int4 NOT NULL,
    policy_type pg_catalog.text NOT NULL,
    rule        pg_catalog.text NOT NULL,
    PRIMARY KEY (product_id, version, ordinal),
    FOREIGN KEY (product_id, version) REFERENCES datamesh.product_versions ON DELETE CASCADE
);
COMMENT ON TABLE datamesh.declared_policies IS
    'policies declared in a product manifest, stored for the policy engine';

SELECT pg_catalog.pg_extension_config_dump('datamesh.domains', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.data_products', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.product_versions', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.output_ports', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.input_ports', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.product_dependencies', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.product_slas', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.quality_rules', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.observability_metrics', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.observability_alerts', '');
SELECT pg_catalog.pg_extension_config_dump('datamesh.declared_policies', '');

REVOKE ALL ON ALL TABLES IN SCHEMA datamesh FROM PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA datamesh TO datamesh_reader;
