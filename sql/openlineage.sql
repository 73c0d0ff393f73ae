--
-- OpenLineage: RunEvents map datasets to data products through their output ports,
-- jobs become lineage nodes, unknown datasets are recorded, the columnLineage
-- facet becomes column edges; malformed events are refused with nothing written.
--
\i test/sql/demo_mesh.sql

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ol_pipeline') THEN
        CREATE ROLE ol_pipeline NOLOGIN;
    END IF;
END $$;
GRANT datamesh_lineage_ingest TO ol_pipeline;
GRANT datamesh_reader TO ol_pipeline;
-- a row count of every lineage table, to show that refused events write nothing
CREATE FUNCTION pg_temp.ol_counts() RETURNS text LANGUAGE sql AS $$
    SELECT format('jobs=%s datasets=%s io=%s column_edges=%s runs=%s',
                  (SELECT count(*) FROM datamesh.lineage_jobs), (SELECT count(*) FROM datamesh.lineage_datasets),
                  (SELECT count(*) FROM datamesh.lineage_job_io), (SELECT count(*) FROM datamesh.openlineage_column_edges),
                  (SELECT count(*) FROM datamesh.lineage_runs))
$$;
GRANT EXECUTE ON FUNCTION pg_temp.ol_counts() TO PUBLIC;

-- a Spark-like job reads customer.users (raw-users) and events.user_interactions
-- (user-interactions) from PostgreSQL and an unknown CRM export, and writes
-- the parquet files of customer-analytics-360 (matched by its port location)
\set ev1 '{"eventType": "START", "eventTime": "2026-11-30T10:00:00Z", "producer": "https://example.com/spark", "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent", "run": {"runId": "0190c0de-0000-7000-8000-000000000001"}, "job": {"namespace": "spark-prod", "name": "build_customer_360"}, "inputs": [{"namespace": "postgres://db.internal:5432", "name": "shop.customer.users", "facets": {"schema": {"fields": [{"name": "email", "type": "text"}]}}}, {"namespace": "postgres://db.internal:5432", "name": "events.user_interactions"}, {"namespace": "s3://crm-exports", "name": "contacts.csv"}], "outputs": [{"namespace": "s3://data-mesh", "name": "customer-analytics/customer-360", "facets": {"columnLineage": {"fields": {"email": {"inputFields": [{"namespace": "postgres://db.internal:5432", "name": "shop.customer.users", "field": "email", "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]}]}, "email_hash": {"inputFields": [{"namespace": "postgres://db.internal:5432", "name": "shop.customer.users", "field": "email", "transformations": [{"type": "DIRECT", "subtype": "TRANSFORMATION", "masking": true, "description": "sha256"}]}]}, "events": {"inputFields": [{"namespace": "postgres://db.internal:5432", "name": "events.user_interactions", "field": "event_id", "transformations": [{"type": "DIRECT", "subtype": "AGGREGATION"}]}]}, "segment": {"inputFields": [{"namespace": "s3://crm-exports", "name": "contacts.csv", "field": "tier", "transformations": [{"type": "INDIRECT", "subtype": "CONDITIONAL"}]}], "transformationDescription": "tier to segment"}}}}}]}'
SELECT pg_temp.ol_counts();
SET ROLE ol_pipeline;
SELECT jsonb_pretty(datamesh.ingest_openlineage(:'ev1'));
-- the COMPLETE event of the same run: the run's state moves on, nothing is duplicated
SELECT datamesh.ingest_openlineage(jsonb_set(jsonb_set(:'ev1', '{eventType}', '"COMPLETE"'),
                                             '{eventTime}', '"2026-11-30T10:05:00Z"')) ->> 'event_type' AS event_type;
RESET ROLE;
SELECT pg_temp.ol_counts();
SELECT run_id, job_namespace, job_name, state, started_at AT TIME ZONE 'UTC' AS started, ended_at AT TIME ZONE 'UTC' AS ended,
       event_count, ingested_by FROM datamesh.lineage_runs;
SELECT * FROM datamesh.lineage_dataset_products ORDER BY namespace, name;
SELECT namespace, name, fields FROM datamesh.lineage_datasets ORDER BY namespace, name;
SELECT job_namespace, job_name, dataset_namespace, dataset_name, direction FROM datamesh.lineage_job_io
 ORDER BY direction, dataset_namespace, dataset_name;
SELECT source_name, source_field, target_name, target_field, transformation, description
  FROM datamesh.openlineage_column_edges ORDER BY target_field, source_field;
-- the job is a node between the products; the unknown dataset is one too
SELECT * FROM datamesh.lineage('customer-analytics-360', 'upstream');
SELECT * FROM datamesh.lineage('job:spark-prod/build_customer_360', 'both');
SELECT * FROM datamesh.lineage('dataset:s3://crm-exports/contacts.csv');
-- seed 001's lists name products only (not the job, not the unknown dataset)
SELECT datamesh.get_product_lineage('customer-analytics-360') AS c360, datamesh.get_product_lineage('raw-users') AS raw_users;
SELECT datamesh.lineage_mermaid('customer-analytics-360', 'upstream');
-- column edges between mapped datasets are column lineage of the products
SELECT source_product, source_column, target_product, target_column, transformation, origin, propagates
  FROM datamesh.column_lineage_edges WHERE origin = 'openlineage' ORDER BY target_column;
SELECT product_id, column_name, depth, transformations FROM datamesh.column_lineage('raw-users', 'email');
SELECT datamesh.effective_classification('customer-analytics-360', 'email') -> 'tags' AS email_tags,
       datamesh.effective_classification('customer-analytics-360', 'email_hash') -> 'tags' AS email_hash_tags;

-- legacy facets (transformationType) and events without inputs or eventType
SET ROLE ol_pipeline;
SELECT datamesh.ingest_openlineage('{"eventTime": "2026-11-30T11:00:00+01:00", "run": {"runId": "0190c0de-0000-7000-8000-000000000002"},
    "job": {"namespace": "dbt", "name": "orders_daily"},
    "outputs": [{"namespace": "postgres://db.internal:5432", "name": "sales.daily_revenue",
                 "facets": {"columnLineage": {"fields": {"revenue": {"inputFields": [
                     {"namespace": "postgres://db.internal:5432", "name": "sales.orders", "field": "total"}],
                     "transformationType": "IDENTITY", "transformationDescription": "sum"}}}}}]}') - 'run_id' AS result;
-- outputs without facets
SELECT datamesh.ingest_openlineage('{"eventType": "RUNNING", "eventTime": "2026-11-30T12:00:00Z", "run": {"runId": "0190c0de-0000-7000-8000-000000000003"},
    "job": {"namespace": "dbt", "name": "catalog_copy"},
    "inputs": [{"namespace": "postgres://db.internal:5432", "name": "catalog.products"}],
    "outputs": [{"namespace": "s3://lake", "name": "catalog/products"}]}') - 'run_id' AS result;
RESET ROLE;
SELECT source_name, source_field, target_name, target_field, transformation, description
  FROM datamesh.openlineage_column_edges WHERE job_namespace = 'dbt';
SELECT product_id, depth, node_type FROM datamesh.lineage('product-catalog');
-- a job between two products: seed 001's lists see through it
SET ROLE ol_pipeline;
SELECT datamesh.ingest_openlineage('{"eventType": "COMPLETE", "eventTime": "2026-11-30T13:00:00Z", "run": {"runId": "0190c0de-0000-7000-8000-000000000004"},
    "job": {"namespace": "airflow", "name": "enrich_interactions"},
    "inputs": [{"namespace": "postgres://db.internal:5432", "name": "catalog.products"}],
    "outputs": [{"namespace": "postgres://db.internal:5432", "name": "events.user_interactions"}]}') ->> 'job' AS job;
RESET ROLE;
SELECT datamesh.get_product_lineage('user-interactions') AS user_interactions,
       datamesh.get_product_lineage('product-catalog') AS product_catalog;

-- malformed events: a clear error naming the JSON path, nothing written
SELECT pg_temp.ol_counts() AS before \gset
SET ROLE ol_pipeline;
SELECT datamesh.ingest_openlineage('[1, 2]');
SELECT datamesh.ingest_openlineage(NULL);
SELECT datamesh.ingest_openlineage(:'ev1'::jsonb - 'eventTime');
SELECT datamesh.ingest_openlineage(jsonb_set(:'ev1', '{eventTime}', '"yesterday-ish"'));
SELECT datamesh.ingest_openlineage(jsonb_set(:'ev1', '{eventType}', '"FINISHED"'));
SELECT datamesh.ingest_openlineage(:'ev1'::jsonb - 'run');
SELECT datamesh.ingest_openlineage(jsonb_set(:'ev1', '{run,runId}', '"run-42"'));
SELECT datamesh.ingest_openlineage(jsonb_set(:'ev1', '{job}', '"spark"'));
SELECT datamesh.ingest_openlineage(jsonb_set(:'ev1', '{job,name}', '""'));
SELECT datamesh.ingest_openlineage(jsonb_set(:'ev1', '{inputs}', '{"a": 1}'));
SELECT datamesh.ingest_openlineage(jsonb_set(:'ev1', '{inputs,1}', '{"namespace": "postgres://x"}'));
SELECT datamesh.ingest_openlineage(jsonb_set(:'ev1', '{outputs,0,facets,columnLineage,fields,email,inputFields,0,field}', '7'));
SELECT datamesh.ingest_openlineage(jsonb_set(:'ev1', '{outputs,0,facets,columnLineage,fields,email,inputFields,0,transformations,0,type}', '"SIDEWAYS"'));
SELECT datamesh.ingest_openlineage(jsonb_set(:'ev1', '{outputs,0,facets,columnLineage,fields}', '[]'));
SELECT datamesh.ingest_openlineage(jsonb_set(:'ev1', '{outputs,0,facets,columnLineage,fields,email}', '{"inputFields": {}}'));
RESET ROLE;
SELECT pg_temp.ol_counts() = :'before' AS nothing_written;

-- who may ingest: datamesh_admin and datamesh_lineage_ingest only
SET ROLE analyst;
SELECT datamesh.ingest_openlineage(:'ev1');
RESET ROLE;
SET ROLE platform_team;
SELECT datamesh.ingest_openlineage(:'ev1') ->> 'job' AS admin_ingests;
RESET ROLE;
