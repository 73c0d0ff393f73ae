\echo Use "CREATE EXTENSION datamesh" to load this file. \quit

/*
 * datamesh install script, generated from the files in src/sql, in name order.
 * Every name is schema-qualified and every function pins its search_path.
 */

-- A schema that already exists (planted or left over) makes installation fail
-- here instead of being silently reused.
CREATE SCHEMA datamesh;
COMMENT ON SCHEMA datamesh IS 'data mesh catalog and governance (datamesh extension)';
GRANT USAGE ON SCHEMA datamesh TO PUBLIC;

CREATE FUNCTION datamesh.library_version() RETURNS pg_catalog.text
    LANGUAGE C IMMUTABLE PARALLEL SAFE STRICT
    AS 'MODULE_PATHNAME', 'datamesh_library_version';
COMMENT ON FUNCTION datamesh.library_version() IS
    'version of the loaded datamesh shared library';

-- The library and this script must come from the same build.
DO $check$
BEGIN
    IF datamesh.library_version() OPERATOR(pg_catalog.<>) '@DATAMESH_VERSION@' THEN
        RAISE EXCEPTION 'datamesh library version % does not match SQL version %',
            datamesh.library_version(), '@DATAMESH_VERSION@'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Install matching datamesh files and restart the server.';
    END IF;
END
$check$;

/*
 * Roles.  Roles are cluster-wide: a second database reuses them, and
 * DROP EXTENSION leaves them.  datamesh_admin is the platform team (creates
 * domains, manages everything); datamesh_reader may discover the catalog.
 */
DO $roles$
BEGIN
    IF (SELECT pg_catalog.count(*) FROM pg_catalog.pg_roles
         WHERE rolname OPERATOR(pg_catalog.=) 'datamesh_reader') OPERATOR(pg_catalog.=) 0 THEN
        CREATE ROLE datamesh_reader NOLOGIN;
    END IF;
    IF (SELECT pg_catalog.count(*) FROM pg_catalog.pg_roles
         WHERE rolname OPERATOR(pg_catalog.=) 'datamesh_admin') OPERATOR(pg_catalog.=) 0 THEN
        CREATE ROLE datamesh_admin NOLOGIN;
    END IF;
    GRANT datamesh_reader TO datamesh_admin;
END
$roles$;
