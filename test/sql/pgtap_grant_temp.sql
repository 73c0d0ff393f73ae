-- pgTAP keeps its results in temporary tables; let the test roles write them
-- (\i test/sql/pgtap_grant_temp.sql after plan() in a pgTAP suite that
-- switches roles)
DO $$
DECLARE
    r regclass;
BEGIN
    FOR r IN SELECT c.oid FROM pg_class c
              WHERE c.relnamespace = pg_my_temp_schema() AND c.relkind IN ('r', 'S') LOOP
        EXECUTE format('GRANT ALL ON %s TO PUBLIC', r);
    END LOOP;
END $$;
