/*
 * Privileges.  Internal functions (datamesh._*) are for the extension owner
 * only: the trampolines reach them through fmgr, not through SQL.
 */
DO $privileges$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
              WHERE p.pronamespace OPERATOR(pg_catalog.=) 'datamesh'::regnamespace
                AND p.proname OPERATOR(pg_catalog.~~) '\_%'
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$privileges$;

-- read functions: catalog readers only (they read tables readers may SELECT)
REVOKE ALL ON FUNCTION datamesh.get_product(pg_catalog.text, datamesh.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION datamesh.export_manifest(pg_catalog.text, datamesh.semver) FROM PUBLIC;
REVOKE ALL ON FUNCTION datamesh.validate_product(pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION datamesh.get_product(pg_catalog.text, datamesh.semver) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh.export_manifest(pg_catalog.text, datamesh.semver) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh.validate_product(pg_catalog.text) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._lookup_product(pg_catalog.text) TO datamesh_reader;
GRANT EXECUTE ON FUNCTION datamesh._lookup_version(pg_catalog.text, datamesh.semver) TO datamesh_reader;
