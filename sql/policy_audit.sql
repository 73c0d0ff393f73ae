-- The decision audit is buffered in backend memory and written in batches
-- (docs/policies.md, "The audit log").  Whatever the buffer does, every
-- deny, mask and warn decision has exactly one row when its transaction
-- commits, none when the decision is rolled back (also by a savepoint or an
-- exception block), and a query of the same transaction that reads the
-- table sees the rows of its earlier decisions.
\set SHOW_CONTEXT never

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pa_owner') THEN
        CREATE ROLE pa_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pa_reader') THEN
        CREATE ROLE pa_reader NOLOGIN;
    END IF;
END $$;
SELECT datamesh.create_domain('pa-dom', 'pa_owner', 'policy audit test') IS NOT NULL AS created;
SELECT datamesh.register_product(jsonb_build_object(
    'apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
    'metadata', jsonb_build_object('name', 'pa-orders', 'domain', 'pa-dom', 'version', '1.0.0',
                                   'owner', 'pa@example.com'),
    'spec', jsonb_build_object('schema', jsonb_build_object('fields', jsonb_build_array(
                                   jsonb_build_object('name', 'id', 'type', 'bigint'),
                                   jsonb_build_object('name', 'email', 'type', 'text', 'pii', true))),
                               'sla', jsonb_build_object('availability', '99%'),
                               'output_ports', jsonb_build_array(jsonb_build_object('name', 'events', 'type', 'stream',
                                                                                    'topic', 'pa'))))::text)
       IS NOT NULL AS registered;
-- pa_reader may query (email masked: an audited decision); export is denied by default
SELECT datamesh.create_policy(name => 'pa readers', kind => 'access', effect => 'allow', domain => 'pa-dom',
                              condition => $c$user.name == 'pa_reader' && action == 'query'$c$) IS NOT NULL AS created;
SELECT datamesh.create_policy(name => 'pa emails', kind => 'privacy', effect => 'mask', domain => 'pa-dom',
                              target => '{"columns": ["email"]}', parameters => '{"style": "email"}') IS NOT NULL AS created;

-- one decision, and the audit rows of this test so far
CREATE FUNCTION pg_temp.decide(act text) RETURNS text
LANGUAGE sql AS $$ SELECT datamesh.evaluate('pa_reader', act, 'pa-orders') ->> 'decision' $$;
CREATE FUNCTION pg_temp.rows() RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(action || ':' || decision, ' ' ORDER BY id), '(none)')
      FROM datamesh.policy_audit WHERE product_id = 'pa-orders'
$$;

-- a later statement of the same transaction sees the rows; so does COPY
CREATE TEMP TABLE pa_copy (product_id text, action text, decision text);
BEGIN;
SELECT pg_temp.decide('query') AS q1, pg_temp.decide('export') AS e1;
SELECT pg_temp.rows();
SELECT pg_temp.decide('export') AS e2;
COPY (SELECT action, decision FROM datamesh.policy_audit WHERE product_id = 'pa-orders' ORDER BY id) TO STDOUT;
SELECT pg_temp.decide('query') AS q2;
\copy datamesh.policy_audit (product_id, action, decision) TO '/tmp/datamesh_policy_audit_test.csv'
\copy pa_copy FROM '/tmp/datamesh_policy_audit_test.csv'
SELECT action, decision FROM pa_copy WHERE product_id = 'pa-orders';
SELECT count(*) AS rows_before_rollback FROM datamesh.policy_audit WHERE product_id = 'pa-orders';
ROLLBACK;
SELECT pg_temp.rows() AS after_rollback;

-- a query inside the function that made the decision sees its row
CREATE FUNCTION pg_temp.decide_and_count() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM datamesh.evaluate('pa_reader', 'export', 'pa-orders');
    RETURN (SELECT count(*) FROM datamesh.policy_audit WHERE product_id = 'pa-orders');
END
$$;
BEGIN;
SELECT pg_temp.decide_and_count() AS seen_in_function;
ROLLBACK;

-- savepoints: a rolled-back decision leaves no row, an earlier one is kept
-- (also when a read inside the savepoint had already written it), and no
-- row is written twice
BEGIN;
SELECT pg_temp.decide('query') AS kept;
SAVEPOINT s1;
SELECT pg_temp.rows() AS inside_s1;
SELECT pg_temp.decide('export') AS rolled_back;
ROLLBACK TO SAVEPOINT s1;
SELECT pg_temp.rows() AS after_rollback_to;
SELECT pg_temp.decide('export') AS kept_too;
SAVEPOINT s2;
SELECT pg_temp.decide('query') AS released;
RELEASE SAVEPOINT s2;
COMMIT;
SELECT pg_temp.rows() AS committed;

-- exception blocks are subtransactions: the failed block's decisions go,
-- the outer ones stay, also past the size at which the buffer is written
-- out in the middle of a transaction (1024 rows)
DO $$
DECLARE
    i int;
BEGIN
    PERFORM datamesh.evaluate('pa_reader', 'outer-before', 'pa-orders');
    BEGIN
        FOR i IN 1..1100 LOOP
            PERFORM datamesh.evaluate('pa_reader', 'inner-failed', 'pa-orders');
        END LOOP;
        RAISE EXCEPTION 'abandon the block';
    EXCEPTION WHEN raise_exception THEN
        NULL;
    END;
    BEGIN
        FOR i IN 1..1030 LOOP
            PERFORM datamesh.evaluate('pa_reader', 'inner-kept', 'pa-orders');
        END LOOP;
    END;
    PERFORM datamesh.evaluate('pa_reader', 'outer-after', 'pa-orders');
END
$$;
SELECT action, count(*), count(DISTINCT id) AS distinct_ids
  FROM datamesh.policy_audit WHERE product_id = 'pa-orders' GROUP BY action ORDER BY min(id);

-- a two-phase commit writes the rows at PREPARE
BEGIN;
SELECT datamesh.evaluate('pa_reader', 'prepared', 'pa-orders') ->> 'decision' AS decision;
PREPARE TRANSACTION 'pa_audit';
COMMIT PREPARED 'pa_audit';
SELECT pg_temp.rows() ~ 'prepared:deny$' AS prepared_row_committed;

-- a table the direct path cannot serve (an insert trigger) gets each row at once
CREATE FUNCTION pg_temp.audit_seen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'audit row for %', NEW.action;
    RETURN NEW;
END
$$;
BEGIN;
CREATE TRIGGER pa_seen BEFORE INSERT ON datamesh.policy_audit FOR EACH ROW EXECUTE FUNCTION pg_temp.audit_seen();
SELECT pg_temp.decide('via-trigger') AS decision;
ROLLBACK;
-- and rows buffered before such a change are written before it takes effect
BEGIN;
SELECT pg_temp.decide('before-trigger') AS decision;
CREATE TRIGGER pa_seen BEFORE INSERT ON datamesh.policy_audit FOR EACH ROW EXECUTE FUNCTION pg_temp.audit_seen();
SELECT pg_temp.decide('after-trigger') AS decision;
SELECT count(*) AS both_rows FROM datamesh.policy_audit WHERE action IN ('before-trigger', 'after-trigger');
ROLLBACK;

-- committed rows are in the table for every session
\c
SELECT count(*) AS rows_seen_by_a_new_session FROM datamesh.policy_audit WHERE product_id = 'pa-orders';


SELECT datamesh.drop_policy(id) IS NOT NULL AS dropped FROM datamesh.policies WHERE name LIKE 'pa %' ORDER BY id;
SELECT datamesh.delete_product('pa-orders') IS NOT NULL AS deleted;
SELECT datamesh.drop_domain('pa-dom') IS NOT NULL AS dropped;
