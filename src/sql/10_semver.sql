/*
 * datamesh.semver: SemVer 2.0.0 versions, and node-semver ranges.
 *
 * These are C functions: they look up no names, so they carry no SET
 * search_path (STYLE pins it on SQL and PL/pgSQL functions).  A SET clause
 * would send every call through a GUC save/restore, about 7 times slower
 * for satisfies() and worse for sorting, hashing and index scans.
 */

CREATE TYPE datamesh.semver;

CREATE FUNCTION datamesh.semver_in(pg_catalog.cstring) RETURNS datamesh.semver
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_in';
COMMENT ON FUNCTION datamesh.semver_in(pg_catalog.cstring) IS
    'input function of type datamesh.semver (strict SemVer 2.0.0)';

CREATE FUNCTION datamesh.semver_out(datamesh.semver) RETURNS pg_catalog.cstring
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_out';
COMMENT ON FUNCTION datamesh.semver_out(datamesh.semver) IS
    'output function of type datamesh.semver';

CREATE FUNCTION datamesh.semver_recv(pg_catalog.internal) RETURNS datamesh.semver
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_recv';
COMMENT ON FUNCTION datamesh.semver_recv(pg_catalog.internal) IS
    'binary input function of type datamesh.semver';

CREATE FUNCTION datamesh.semver_send(datamesh.semver) RETURNS pg_catalog.bytea
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_send';
COMMENT ON FUNCTION datamesh.semver_send(datamesh.semver) IS
    'binary output function of type datamesh.semver';

CREATE TYPE datamesh.semver (
    INPUT = datamesh.semver_in,
    OUTPUT = datamesh.semver_out,
    RECEIVE = datamesh.semver_recv,
    SEND = datamesh.semver_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended
);
COMMENT ON TYPE datamesh.semver IS
    'a SemVer 2.0.0 version, MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]; ordered by precedence, build metadata ignored';

-- Comparison

CREATE FUNCTION datamesh.semver_cmp(datamesh.semver, datamesh.semver) RETURNS pg_catalog.int4
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    AS 'MODULE_PATHNAME', 'semver_cmp';
COMMENT ON FUNCTION datamesh.semver_cmp(datamesh.semver, datamesh.semver) IS
    'SemVer 2.0.0 precedence: -1, 0 or 1 (btree support)';

CREATE FUNCTION datamesh.semver_eq(datamesh.semver, datamesh.semver) RETURNS pg_catalog.bool
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    AS 'MODULE_PATHNAME', 'semver_eq';
COMMENT ON FUNCTION datamesh.semver_eq(datamesh.semver, datamesh.semver) IS
    'implementation of the = operator for semver';

CREATE FUNCTION datamesh.semver_ne(datamesh.semver, datamesh.semver) RETURNS pg_catalog.bool
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    AS 'MODULE_PATHNAME', 'semver_ne';
COMMENT ON FUNCTION datamesh.semver_ne(datamesh.semver, datamesh.semver) IS
    'implementation of the <> operator for semver';

CREATE FUNCTION datamesh.semver_lt(datamesh.semver, datamesh.semver) RETURNS pg_catalog.bool
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    AS 'MODULE_PATHNAME', 'semver_lt';
COMMENT ON FUNCTION datamesh.semver_lt(datamesh.semver, datamesh.semver) IS
    'implementation of the < operator for semver';

CREATE FUNCTION datamesh.semver_le(datamesh.semver, datamesh.semver) RETURNS pg_catalog.bool
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    AS 'MODULE_PATHNAME', 'semver_le';
COMMENT ON FUNCTION datamesh.semver_le(datamesh.semver, datamesh.semver) IS
    'implementation of the <= operator for semver';

CREATE FUNCTION datamesh.semver_gt(datamesh.semver, datamesh.semver) RETURNS pg_catalog.bool
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    AS 'MODULE_PATHNAME', 'semver_gt';
COMMENT ON FUNCTION datamesh.semver_gt(datamesh.semver, datamesh.semver) IS
    'implementation of the > operator for semver';

CREATE FUNCTION datamesh.semver_ge(datamesh.semver, datamesh.semver) RETURNS pg_catalog.bool
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    AS 'MODULE_PATHNAME', 'semver_ge';
COMMENT ON FUNCTION datamesh.semver_ge(datamesh.semver, datamesh.semver) IS
    'implementation of the >= operator for semver';

CREATE OPERATOR datamesh.= (
    LEFTARG = datamesh.semver, RIGHTARG = datamesh.semver,
    FUNCTION = datamesh.semver_eq,
    COMMUTATOR = OPERATOR(datamesh.=), NEGATOR = OPERATOR(datamesh.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
    HASHES, MERGES
);
COMMENT ON OPERATOR datamesh.= (datamesh.semver, datamesh.semver) IS
    'equal precedence (build metadata ignored)';

CREATE OPERATOR datamesh.<> (
    LEFTARG = datamesh.semver, RIGHTARG = datamesh.semver,
    FUNCTION = datamesh.semver_ne,
    COMMUTATOR = OPERATOR(datamesh.<>), NEGATOR = OPERATOR(datamesh.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR datamesh.<> (datamesh.semver, datamesh.semver) IS
    'different precedence (build metadata ignored)';

CREATE OPERATOR datamesh.< (
    LEFTARG = datamesh.semver, RIGHTARG = datamesh.semver,
    FUNCTION = datamesh.semver_lt,
    COMMUTATOR = OPERATOR(datamesh.>), NEGATOR = OPERATOR(datamesh.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR datamesh.< (datamesh.semver, datamesh.semver) IS
    'lower precedence';

CREATE OPERATOR datamesh.<= (
    LEFTARG = datamesh.semver, RIGHTARG = datamesh.semver,
    FUNCTION = datamesh.semver_le,
    COMMUTATOR = OPERATOR(datamesh.>=), NEGATOR = OPERATOR(datamesh.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR datamesh.<= (datamesh.semver, datamesh.semver) IS
    'lower or equal precedence';

CREATE OPERATOR datamesh.> (
    LEFTARG = datamesh.semver, RIGHTARG = datamesh.semver,
    FUNCTION = datamesh.semver_gt,
    COMMUTATOR = OPERATOR(datamesh.<), NEGATOR = OPERATOR(datamesh.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR datamesh.> (datamesh.semver, datamesh.semver) IS
    'higher precedence';

CREATE OPERATOR datamesh.>= (
    LEFTARG = datamesh.semver, RIGHTARG = datamesh.semver,
    FUNCTION = datamesh.semver_ge,
    COMMUTATOR = OPERATOR(datamesh.<=), NEGATOR = OPERATOR(datamesh.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR datamesh.>= (datamesh.semver, datamesh.semver) IS
    'higher or equal precedence';

-- No equalimage support function: equal versions may differ in build
-- metadata, so btree deduplication must stay off.
CREATE OPERATOR CLASS datamesh.semver_btree_ops
    DEFAULT FOR TYPE datamesh.semver USING btree AS
        OPERATOR 1 datamesh.<,
        OPERATOR 2 datamesh.<=,
        OPERATOR 3 datamesh.=,
        OPERATOR 4 datamesh.>=,
        OPERATOR 5 datamesh.>,
        FUNCTION 1 datamesh.semver_cmp(datamesh.semver, datamesh.semver);
COMMENT ON OPERATOR CLASS datamesh.semver_btree_ops USING btree IS
    'default btree operator class for semver: SemVer 2.0.0 precedence';

-- Hashing

CREATE FUNCTION datamesh.semver_hash(datamesh.semver) RETURNS pg_catalog.int4
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    AS 'MODULE_PATHNAME', 'semver_hash';
COMMENT ON FUNCTION datamesh.semver_hash(datamesh.semver) IS
    'hash of a semver, build metadata ignored (hash support)';

CREATE FUNCTION datamesh.semver_hash_extended(datamesh.semver, pg_catalog.int8) RETURNS pg_catalog.int8
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    AS 'MODULE_PATHNAME', 'semver_hash_extended';
COMMENT ON FUNCTION datamesh.semver_hash_extended(datamesh.semver, pg_catalog.int8) IS
    '64-bit seeded hash of a semver, build metadata ignored (hash support)';

CREATE OPERATOR CLASS datamesh.semver_hash_ops
    DEFAULT FOR TYPE datamesh.semver USING hash AS
        OPERATOR 1 datamesh.=,
        FUNCTION 1 datamesh.semver_hash(datamesh.semver),
        FUNCTION 2 datamesh.semver_hash_extended(datamesh.semver, pg_catalog.int8);
COMMENT ON OPERATOR CLASS datamesh.semver_hash_ops USING hash IS
    'default hash operator class for semver, consistent with =';

-- Casts

CREATE CAST (pg_catalog.text AS datamesh.semver) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (pg_catalog.text AS datamesh.semver) IS
    'parse strict SemVer 2.0.0 text';

CREATE CAST (datamesh.semver AS pg_catalog.text) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (datamesh.semver AS pg_catalog.text) IS
    'the version as text, build metadata included';

-- Accessors

CREATE FUNCTION datamesh.semver_major(datamesh.semver) RETURNS pg_catalog.int8
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_major';
COMMENT ON FUNCTION datamesh.semver_major(datamesh.semver) IS
    'the major version';

CREATE FUNCTION datamesh.semver_minor(datamesh.semver) RETURNS pg_catalog.int8
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_minor';
COMMENT ON FUNCTION datamesh.semver_minor(datamesh.semver) IS
    'the minor version';

CREATE FUNCTION datamesh.semver_patch(datamesh.semver) RETURNS pg_catalog.int8
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_patch';
COMMENT ON FUNCTION datamesh.semver_patch(datamesh.semver) IS
    'the patch version';

CREATE FUNCTION datamesh.semver_prerelease(datamesh.semver) RETURNS pg_catalog.text
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_prerelease';
COMMENT ON FUNCTION datamesh.semver_prerelease(datamesh.semver) IS
    'the pre-release identifiers without the leading "-", or NULL for a release';

CREATE FUNCTION datamesh.semver_build(datamesh.semver) RETURNS pg_catalog.text
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_build';
COMMENT ON FUNCTION datamesh.semver_build(datamesh.semver) IS
    'the build metadata without the leading "+", or NULL if there is none';

CREATE FUNCTION datamesh.semver_is_prerelease(datamesh.semver) RETURNS pg_catalog.bool
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_is_prerelease';
COMMENT ON FUNCTION datamesh.semver_is_prerelease(datamesh.semver) IS
    'whether the version has a pre-release part';

-- Aggregates

CREATE FUNCTION datamesh.semver_smaller(datamesh.semver, datamesh.semver) RETURNS datamesh.semver
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_smaller';
COMMENT ON FUNCTION datamesh.semver_smaller(datamesh.semver, datamesh.semver) IS
    'the lower of two versions (support for min)';

CREATE FUNCTION datamesh.semver_larger(datamesh.semver, datamesh.semver) RETURNS datamesh.semver
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_larger';
COMMENT ON FUNCTION datamesh.semver_larger(datamesh.semver, datamesh.semver) IS
    'the higher of two versions (support for max)';

CREATE AGGREGATE datamesh.min(datamesh.semver) (
    SFUNC = datamesh.semver_smaller,
    STYPE = datamesh.semver,
    COMBINEFUNC = datamesh.semver_smaller,
    SORTOP = OPERATOR(datamesh.<),
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE datamesh.min(datamesh.semver) IS
    'the lowest version by precedence';

CREATE AGGREGATE datamesh.max(datamesh.semver) (
    SFUNC = datamesh.semver_larger,
    STYPE = datamesh.semver,
    COMBINEFUNC = datamesh.semver_larger,
    SORTOP = OPERATOR(datamesh.>),
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE datamesh.max(datamesh.semver) IS
    'the highest version by precedence';

-- node-semver ranges

CREATE FUNCTION datamesh.satisfies(version datamesh.semver, range pg_catalog.text) RETURNS pg_catalog.bool
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'satisfies';
COMMENT ON FUNCTION datamesh.satisfies(datamesh.semver, pg_catalog.text) IS
    'whether the version satisfies the node-semver range (npm semver v7 satisfies(), default options); an invalid range is an error';

CREATE FUNCTION datamesh.semver_range_valid(range pg_catalog.text) RETURNS pg_catalog.bool
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_range_valid';
COMMENT ON FUNCTION datamesh.semver_range_valid(pg_catalog.text) IS
    'whether the text is a valid node-semver range (never raises an error)';

CREATE FUNCTION datamesh.semver_range_normalize(range pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'semver_range_normalize';
COMMENT ON FUNCTION datamesh.semver_range_normalize(pg_catalog.text) IS
    'the node-semver range expanded to plain comparators, as node''s validRange() prints it ("*" for any)';

CREATE FUNCTION datamesh.max_satisfying(versions datamesh.semver[], range pg_catalog.text) RETURNS datamesh.semver
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'max_satisfying';
COMMENT ON FUNCTION datamesh.max_satisfying(datamesh.semver[], pg_catalog.text) IS
    'the highest version in the array that satisfies the node-semver range, or NULL';
