/*
 * OpenLineage: ingest RunEvents into the lineage tables of 86_lineage.sql.
 * Jobs become nodes of the product graph; datasets map to data products
 * through the output ports of current versions (datamesh.lineage_dataset_products)
 * and are recorded whether they map or not; the columnLineage facet becomes
 * column edges.  Members of datamesh_admin or datamesh_lineage_ingest ingest.
 */

DO $roles$
BEGIN
    IF (SELECT pg_catalog.count(*) FROM pg_catalog.pg_roles
         WHERE rolname OPERATOR(pg_catalog.=) 'datamesh_lineage_ingest') OPERATOR(pg_catalog.=) 0 THEN
        CREATE ROLE datamesh_lineage_ingest NOLOGIN;
    END IF;
END
$roles$;

-- Raise the error for a malformed event at a JSON path
CREATE FUNCTION datamesh._openlineage_error(path pg_catalog.text, problem pg_catalog.text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    RAISE EXCEPTION 'invalid OpenLineage event: %: %', path, problem
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'datamesh.ingest_openlineage accepts OpenLineage RunEvents (https://openlineage.io/spec); nothing was recorded.';
END
$fn$;
COMMENT ON FUNCTION datamesh._openlineage_error(pg_catalog.text, pg_catalog.text) IS
    'internal: raise invalid_parameter_value for a malformed OpenLineage event';

-- Require a non-empty string at path
CREATE FUNCTION datamesh._openlineage_string(v pg_catalog.jsonb, path pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
BEGIN
    IF v IS NULL THEN
        PERFORM datamesh._openlineage_error(path, 'required');
    ELSIF jsonb_typeof(v) <> 'string' OR btrim(v #>> '{}') = '' THEN
        PERFORM datamesh._openlineage_error(path, 'expected a non-empty string, got ' || datamesh._describe(v));
    END IF;
    RETURN v #>> '{}';
END
$fn$;
COMMENT ON FUNCTION datamesh._openlineage_string(pg_catalog.jsonb, pg_catalog.text) IS
    'internal: a required non-empty string of an OpenLineage event';

/*
 * The transformation type of one input field of the columnLineage facet:
 * its transformations list (spec 1.x: type DIRECT/INDIRECT, subtype,
 * masking), else the field's legacy transformationType, else "transform".
 */
CREATE FUNCTION datamesh._openlineage_transformation(input_field pg_catalog.jsonb, field pg_catalog.jsonb, path pg_catalog.text)
    RETURNS pg_catalog.text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    t jsonb := input_field -> 'transformations';
    i int;
BEGIN
    IF t IS NOT NULL THEN
        IF jsonb_typeof(t) <> 'array' THEN
            PERFORM datamesh._openlineage_error(path || '.transformations', 'expected a list, got ' || datamesh._describe(t));
        END IF;
        FOR i IN 0 .. jsonb_array_length(t) - 1 LOOP
            IF jsonb_typeof(t -> i) <> 'object' OR NOT (t -> i ->> 'type') = ANY ('{DIRECT,INDIRECT}'::text[]) THEN
                PERFORM datamesh._openlineage_error(format('%s.transformations[%s].type', path, i),
                                                    'expected DIRECT or INDIRECT, got ' || datamesh._describe(t -> i -> 'type'));
            END IF;
            IF t -> i ? 'masking' AND jsonb_typeof(t -> i -> 'masking') <> 'boolean' THEN
                PERFORM datamesh._openlineage_error(format('%s.transformations[%s].masking', path, i),
                                                    'expected true or false, got ' || datamesh._describe(t -> i -> 'masking'));
            END IF;
        END LOOP;
        IF jsonb_array_length(t) > 0 THEN
            RETURN CASE
                WHEN EXISTS (SELECT FROM jsonb_array_elements(t) x
                              WHERE x ->> 'type' = 'DIRECT' AND coalesce(x -> 'masking', 'false') = 'false') THEN
                    CASE (SELECT upper(x ->> 'subtype') FROM jsonb_array_elements(t) x
                           WHERE x ->> 'type' = 'DIRECT' AND coalesce(x -> 'masking', 'false') = 'false' LIMIT 1)
                    WHEN 'IDENTITY' THEN 'identity' WHEN 'AGGREGATION' THEN 'aggregate' ELSE 'transform' END
                WHEN EXISTS (SELECT FROM jsonb_array_elements(t) x WHERE x -> 'masking' = 'true') THEN 'mask'
                ELSE 'indirect' END;
        END IF;
    END IF;
    IF jsonb_typeof(field -> 'transformationType') = 'string' THEN
        RETURN CASE upper(field ->> 'transformationType') WHEN 'IDENTITY' THEN 'identity' ELSE 'transform' END;
    END IF;
    RETURN 'transform';
END
$fn$;
COMMENT ON FUNCTION datamesh._openlineage_transformation(pg_catalog.jsonb, pg_catalog.jsonb, pg_catalog.text) IS
    'internal: map OpenLineage column transformations to a datamesh transformation type';

CREATE FUNCTION datamesh._ingest_openlineage(event pg_catalog.jsonb, caller pg_catalog.regrole)
    RETURNS pg_catalog.jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    ev_time timestamptz;
    ev_type text;
    ev_run_id text;
    ev_job_ns text;
    ev_job_name text;
    datasets jsonb := '[]';      -- [{namespace, name, fields, direction}]
    col_edges jsonb := '[]';     -- [{sns, sname, sfield, tns, tname, tfield, transformation, description}]
    section text;
    ds jsonb;
    p text;
    q text;
    f record;
    inf jsonb;
    i int;
    j int;
    result jsonb;
BEGIN
    IF NOT (datamesh._is_admin(caller) OR pg_has_role(caller::oid, 'datamesh_lineage_ingest', 'MEMBER')) THEN
        RAISE EXCEPTION 'permission denied to ingest OpenLineage events'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Members of datamesh_admin and of datamesh_lineage_ingest ingest lineage events.';
    END IF;
    -------------------------------------------------------------- validate
    IF event IS NULL OR jsonb_typeof(event) <> 'object' THEN
        PERFORM datamesh._openlineage_error('$', 'expected a RunEvent object, got ' || CASE WHEN event IS NULL THEN 'NULL' ELSE datamesh._describe(event) END);
    END IF;
    p := datamesh._openlineage_string(event -> 'eventTime', '$.eventTime');
    BEGIN
        ev_time := p::timestamptz;
    EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format OR invalid_time_zone_displacement_value THEN
        PERFORM datamesh._openlineage_error('$.eventTime', format('"%s" is not an ISO 8601 date and time', p));
    END;
    IF event ? 'eventType' THEN
        ev_type := datamesh._openlineage_string(event -> 'eventType', '$.eventType');
        IF NOT ev_type = ANY ('{START,RUNNING,COMPLETE,ABORT,FAIL,OTHER}'::text[]) THEN
            PERFORM datamesh._openlineage_error('$.eventType',
                format('expected START, RUNNING, COMPLETE, ABORT, FAIL or OTHER, got "%s"', ev_type));
        END IF;
    END IF;
    IF jsonb_typeof(event -> 'run') IS DISTINCT FROM 'object' THEN
        PERFORM datamesh._openlineage_error('$.run', CASE WHEN event ? 'run' THEN 'expected an object, got ' || datamesh._describe(event -> 'run')
                                                          ELSE 'required (only RunEvents are accepted)' END);
    END IF;
    ev_run_id := datamesh._openlineage_string(event #> '{run,runId}', '$.run.runId');
    IF ev_run_id !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
        PERFORM datamesh._openlineage_error('$.run.runId', format('"%s" is not a UUID', ev_run_id));
    END IF;
    IF jsonb_typeof(event -> 'job') IS DISTINCT FROM 'object' THEN
        PERFORM datamesh._openlineage_error('$.job', CASE WHEN event ? 'job' THEN 'expected an object, got ' || datamesh._describe(event -> 'job')
                                                          ELSE 'required' END);
    END IF;
    ev_job_ns := datamesh._openlineage_string(event #> '{job,namespace}', '$.job.namespace');
    ev_job_name := datamesh._openlineage_string(event #> '{job,name}', '$.job.name');

    FOREACH section IN ARRAY ARRAY['inputs', 'outputs'] LOOP
        CONTINUE WHEN NOT event ? section;
        IF jsonb_typeof(event -> section) <> 'array' THEN
            PERFORM datamesh._openlineage_error('$.' || section, 'expected a list of datasets, got ' || datamesh._describe(event -> section));
        END IF;
        FOR i IN 0 .. jsonb_array_length(event -> section) - 1 LOOP
            ds := event -> section -> i;
            p := format('$.%s[%s]', section, i);
            IF jsonb_typeof(ds) <> 'object' THEN
                PERFORM datamesh._openlineage_error(p, 'expected a dataset object, got ' || datamesh._describe(ds));
            END IF;
            PERFORM datamesh._openlineage_string(ds -> 'namespace', p || '.namespace');
            PERFORM datamesh._openlineage_string(ds -> 'name', p || '.name');
            IF ds ? 'facets' AND jsonb_typeof(ds -> 'facets') <> 'object' THEN
                PERFORM datamesh._openlineage_error(p || '.facets', 'expected an object, got ' || datamesh._describe(ds -> 'facets'));
            END IF;
            datasets := datasets || jsonb_build_object(
                'namespace', ds ->> 'namespace', 'name', ds ->> 'name', 'direction', left(section, -1),
                'fields', CASE WHEN jsonb_typeof(ds #> '{facets,schema,fields}') = 'array'
                               THEN ds #> '{facets,schema,fields}' ELSE '[]' END);
            CONTINUE WHEN section = 'inputs' OR NOT coalesce((ds -> 'facets') ? 'columnLineage', false);
            -- the columnLineage facet of an output
            p := p || '.facets.columnLineage';
            IF jsonb_typeof(ds #> '{facets,columnLineage}') <> 'object'
               OR jsonb_typeof(ds #> '{facets,columnLineage,fields}') IS DISTINCT FROM 'object' THEN
                PERFORM datamesh._openlineage_error(p || '.fields', 'expected an object mapping output fields to their inputFields');
            END IF;
            FOR f IN SELECT * FROM jsonb_each(ds #> '{facets,columnLineage,fields}') ORDER BY key LOOP
                q := p || '.fields.' || f.key;
                IF btrim(f.key) = '' THEN
                    PERFORM datamesh._openlineage_error(q, 'field names must not be empty');
                END IF;
                IF jsonb_typeof(f.value) <> 'object' OR jsonb_typeof(f.value -> 'inputFields') IS DISTINCT FROM 'array' THEN
                    PERFORM datamesh._openlineage_error(q || '.inputFields', 'expected a list of {namespace, name, field}');
                END IF;
                FOR j IN 0 .. jsonb_array_length(f.value -> 'inputFields') - 1 LOOP
                    inf := f.value -> 'inputFields' -> j;
                    IF jsonb_typeof(inf) <> 'object' THEN
                        PERFORM datamesh._openlineage_error(format('%s.inputFields[%s]', q, j),
                                                            'expected {namespace, name, field}, got ' || datamesh._describe(inf));
                    END IF;
                    PERFORM datamesh._openlineage_string(inf -> 'namespace', format('%s.inputFields[%s].namespace', q, j));
                    PERFORM datamesh._openlineage_string(inf -> 'name', format('%s.inputFields[%s].name', q, j));
                    PERFORM datamesh._openlineage_string(inf -> 'field', format('%s.inputFields[%s].field', q, j));
                    IF (inf ->> 'namespace', inf ->> 'name', inf ->> 'field') = (ds ->> 'namespace', ds ->> 'name', f.key) THEN
                        PERFORM datamesh._openlineage_error(format('%s.inputFields[%s]', q, j), 'a field cannot be its own input');
                    END IF;
                    col_edges := col_edges || jsonb_build_object(
                        'sns', inf ->> 'namespace', 'sname', inf ->> 'name', 'sfield', inf ->> 'field',
                        'tns', ds ->> 'namespace', 'tname', ds ->> 'name', 'tfield', f.key,
                        'transformation', datamesh._openlineage_transformation(inf, f.value, format('%s.inputFields[%s]', q, j)),
                        'description', coalesce(f.value ->> 'transformationDescription',
                                                (SELECT string_agg(x ->> 'description', '; ') FROM jsonb_array_elements(
                                                     CASE WHEN jsonb_typeof(inf -> 'transformations') = 'array'
                                                          THEN inf -> 'transformations' ELSE '[]' END) x)));
                    -- datasets named only by column lineage are recorded too
                    datasets := datasets || jsonb_build_object('namespace', inf ->> 'namespace', 'name', inf ->> 'name',
                                                               'direction', NULL, 'fields', '[]'::jsonb);
                END LOOP;
            END LOOP;
        END LOOP;
    END LOOP;

    ----------------------------------------------------------------- write
    INSERT INTO datamesh.lineage_jobs AS j (namespace, name, facets, first_seen, last_seen)
    VALUES (ev_job_ns, ev_job_name, coalesce(event #> '{job,facets}', '{}'), ev_time, ev_time)
    ON CONFLICT ON CONSTRAINT lineage_jobs_pkey DO UPDATE
       SET facets = CASE WHEN excluded.last_seen >= j.last_seen THEN excluded.facets ELSE j.facets END,
           first_seen = least(j.first_seen, excluded.first_seen),
           last_seen = greatest(j.last_seen, excluded.last_seen);

    INSERT INTO datamesh.lineage_datasets AS d (namespace, name, fields, first_seen, last_seen)
    SELECT x ->> 'namespace', x ->> 'name',
           coalesce((SELECT y -> 'fields' FROM jsonb_array_elements(datasets) y
                      WHERE y ->> 'namespace' = x ->> 'namespace' AND y ->> 'name' = x ->> 'name'
                        AND jsonb_array_length(y -> 'fields') > 0 LIMIT 1), '[]'),
           ev_time, ev_time
      FROM (SELECT DISTINCT ON (y ->> 'namespace', y ->> 'name') y AS x FROM jsonb_array_elements(datasets) y) s
    ON CONFLICT ON CONSTRAINT lineage_datasets_pkey DO UPDATE
       SET fields = CASE WHEN jsonb_array_length(excluded.fields) > 0 AND excluded.last_seen >= d.last_seen
                         THEN excluded.fields ELSE d.fields END,
           first_seen = least(d.first_seen, excluded.first_seen),
           last_seen = greatest(d.last_seen, excluded.last_seen);

    INSERT INTO datamesh.lineage_job_io AS io (job_namespace, job_name, dataset_namespace, dataset_name, direction,
                                               last_run_id, last_seen)
    SELECT DISTINCT ON (x ->> 'namespace', x ->> 'name', x ->> 'direction')
           ev_job_ns, ev_job_name, x ->> 'namespace', x ->> 'name', x ->> 'direction', ev_run_id, ev_time
      FROM jsonb_array_elements(datasets) x WHERE x ->> 'direction' IS NOT NULL
    ON CONFLICT ON CONSTRAINT lineage_job_io_pkey DO UPDATE
       SET last_run_id = CASE WHEN excluded.last_seen >= io.last_seen THEN excluded.last_run_id ELSE io.last_run_id END,
           last_seen = greatest(io.last_seen, excluded.last_seen);

    INSERT INTO datamesh.openlineage_column_edges AS e (source_namespace, source_name, source_field, target_namespace,
                                                        target_name, target_field, transformation, description,
                                                        job_namespace, job_name, last_run_id)
    SELECT DISTINCT ON (x ->> 'tns', x ->> 'tname', x ->> 'tfield', x ->> 'sns', x ->> 'sname', x ->> 'sfield')
           x ->> 'sns', x ->> 'sname', x ->> 'sfield', x ->> 'tns', x ->> 'tname', x ->> 'tfield',
           x ->> 'transformation', x ->> 'description', ev_job_ns, ev_job_name, ev_run_id
      FROM jsonb_array_elements(col_edges) x
    ON CONFLICT ON CONSTRAINT openlineage_column_edges_pkey DO UPDATE
       SET transformation = excluded.transformation, description = excluded.description,
           job_namespace = excluded.job_namespace, job_name = excluded.job_name, last_run_id = excluded.last_run_id;

    INSERT INTO datamesh.lineage_runs AS r (run_id, job_namespace, job_name, state, started_at, ended_at,
                                            last_event_time, event_count, last_event, ingested_by)
    VALUES (ev_run_id, ev_job_ns, ev_job_name, coalesce(ev_type, 'OTHER'),
            CASE WHEN ev_type = 'START' THEN ev_time END,
            CASE WHEN ev_type IN ('COMPLETE', 'ABORT', 'FAIL') THEN ev_time END,
            ev_time, 1, event, caller)
    ON CONFLICT ON CONSTRAINT lineage_runs_pkey DO UPDATE
       SET state = CASE WHEN excluded.last_event_time >= r.last_event_time THEN excluded.state ELSE r.state END,
           started_at = coalesce(least(r.started_at, excluded.started_at), r.started_at, excluded.started_at),
           ended_at = coalesce(greatest(r.ended_at, excluded.ended_at), r.ended_at, excluded.ended_at),
           last_event = CASE WHEN excluded.last_event_time >= r.last_event_time THEN excluded.last_event ELSE r.last_event END,
           last_event_time = greatest(r.last_event_time, excluded.last_event_time),
           event_count = r.event_count + 1,
           ingested_by = excluded.ingested_by;

    SELECT jsonb_build_object(
        'run_id', ev_run_id,
        'job', ev_job_ns || '/' || ev_job_name,
        'event_type', coalesce(ev_type, 'OTHER'),
        'inputs', coalesce((SELECT jsonb_agg(jsonb_build_object('namespace', x ->> 'namespace', 'name', x ->> 'name',
                                                                'product_id', m.product_id) ORDER BY k)
                              FROM jsonb_array_elements(datasets) WITH ORDINALITY AS d(x, k)
                              LEFT JOIN datamesh.lineage_dataset_products m ON m.namespace = x ->> 'namespace' AND m.name = x ->> 'name'
                             WHERE x ->> 'direction' = 'input'), '[]'),
        'outputs', coalesce((SELECT jsonb_agg(jsonb_build_object('namespace', x ->> 'namespace', 'name', x ->> 'name',
                                                                 'product_id', m.product_id) ORDER BY k)
                               FROM jsonb_array_elements(datasets) WITH ORDINALITY AS d(x, k)
                               LEFT JOIN datamesh.lineage_dataset_products m ON m.namespace = x ->> 'namespace' AND m.name = x ->> 'name'
                              WHERE x ->> 'direction' = 'output'), '[]'),
        'column_edges', jsonb_array_length(col_edges),
        'unknown_datasets', coalesce((SELECT jsonb_agg(DISTINCT (x ->> 'namespace') || '/' || (x ->> 'name'))
                                        FROM jsonb_array_elements(datasets) x
                                       WHERE NOT EXISTS (SELECT FROM datamesh.lineage_dataset_products m
                                                          WHERE m.namespace = x ->> 'namespace' AND m.name = x ->> 'name')), '[]'))
      INTO result;
    RETURN result;
END
$fn$;
COMMENT ON FUNCTION datamesh._ingest_openlineage(pg_catalog.jsonb, pg_catalog.regrole) IS
    'internal: implementation of datamesh.ingest_openlineage';

CREATE FUNCTION datamesh.ingest_openlineage(event pg_catalog.jsonb)
    RETURNS pg_catalog.jsonb
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'datamesh_call_privileged';
COMMENT ON FUNCTION datamesh.ingest_openlineage(pg_catalog.jsonb) IS
    'record an OpenLineage RunEvent: its job, input and output datasets (mapped to data products by output port) and column lineage';
