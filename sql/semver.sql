--
-- datamesh.semver (SemVer 2.0.0) and node-semver ranges
--
-- The extension is created by an earlier test.
SET search_path = datamesh, public;

--
-- Input and output
--
-- valid versions come back exactly as entered, build metadata included
SELECT v::semver AS version
  FROM (VALUES ('0.0.0'), ('1.2.3'), ('10.20.30'), ('1.0.0-alpha'), ('1.0.0-alpha.1'),
               ('1.0.0-0.3.7'), ('1.0.0-x.7.z.92'), ('1.0.0-x-y-z.--'), ('1.0.0-alpha+001'),
               ('1.0.0+20130313144700'), ('1.0.0-beta+exp.sha.5114f85'),
               ('1.0.0+21AF26D3----117B344092BD'), ('1.0.0-0A.is.legal'),
               ('1.0.0-99999999999999999999999'),
               ('9223372036854775807.9223372036854775807.9223372036854775807')) t(v);

-- invalid versions: each error says what is wrong
SELECT 'v1.0.0'::semver;
SELECT '=1.0.0'::semver;
SELECT '1.0'::semver;
SELECT '1'::semver;
SELECT '1.0.0.0'::semver;
SELECT '1.x.0'::semver;
SELECT '1.0.-1'::semver;
SELECT '01.0.0'::semver;
SELECT '1.01.0'::semver;
SELECT '1.0.00'::semver;
SELECT '1.0.0-'::semver;
SELECT '1.0.0-01'::semver;
SELECT '1.0.0-alpha..1'::semver;
SELECT '1.0.0-alpha_1'::semver;
SELECT '1.0.0+'::semver;
SELECT '1.0.0+a+b'::semver;
SELECT '1.0.0x'::semver;
SELECT ''::semver;
SELECT ' 1.0.0'::semver;
SELECT '1.0.0 '::semver;
SELECT '9223372036854775808.0.0'::semver;
SELECT '1.99999999999999999999.0'::semver;

-- binary output: a format byte, then the text
SELECT semver_send('1.2.3-rc.1+b7');

--
-- Precedence
--
-- the example from the SemVer 2.0.0 specification, shuffled, then sorted
SELECT v FROM unnest('{1.0.0-beta.11, 1.0.0, 1.0.0-alpha.beta, 1.0.0-rc.1, 1.0.0-alpha,
                       1.0.0-beta.2, 1.0.0-alpha.1, 1.0.0-beta}'::semver[]) v
 ORDER BY v;
-- each is strictly lower than the next
SELECT bool_and(a < b) AS strictly_increasing, count(*) AS pairs
  FROM (SELECT v AS a, lead(v) OVER (ORDER BY n) AS b
          FROM unnest('{1.0.0-alpha, 1.0.0-alpha.1, 1.0.0-alpha.beta, 1.0.0-beta, 1.0.0-beta.2,
                        1.0.0-beta.11, 1.0.0-rc.1, 1.0.0}'::semver[]) WITH ORDINALITY t(v, n)) s
 WHERE b IS NOT NULL;
-- numbers numerically, identifiers in ASCII order, numeric below alphanumeric
SELECT a, b, semver_cmp(a, b) AS cmp, a < b AS lt, a <= b AS le, a = b AS eq,
       a <> b AS ne, a >= b AS ge, a > b AS gt
  FROM (VALUES ('1.0.0'::semver, '2.0.0'::semver), ('2.0.0', '2.1.0'), ('2.1.0', '2.1.1'), ('1.9.0', '1.10.0'),
               ('1.0.0-2', '1.0.0-10'), ('1.0.0-alpha.2', '1.0.0-alpha.10'),
               ('1.0.0-1', '1.0.0-a'), ('1.0.0-B', '1.0.0-a'), ('1.0.0-alpha', '1.0.0-alpha1'),
               ('1.0.0-99999999999999999999', '1.0.0-100000000000000000000'),
               ('1.0.0-rc.1', '1.0.0'), ('1.0.0', '1.0.0'), ('2.0.0', '1.0.0'),
               ('1.0.0+a', '1.0.0+b')) t(a, b);

--
-- Build metadata is ignored by equality, hashing, DISTINCT and GROUP BY
--
SELECT '1.0.0+a'::semver = '1.0.0+b' AS eq,
       semver_hash('1.0.0+a') = semver_hash('1.0.0+b') AS hash_eq,
       semver_hash_extended('1.0.0+a', 42) = semver_hash_extended('1.0.0+b', 42) AS hash_ext_eq,
       semver_hash('1.0.0') <> semver_hash('1.0.0-0') AS hash_differs;
-- the extended hash with seed 0 agrees with the 32-bit hash in its low bits
SELECT bool_and((semver_hash_extended(v, 0) & 4294967295) = (semver_hash(v)::int8 & 4294967295)) AS seed0_ok
  FROM unnest('{0.0.0, 1.2.3, 1.0.0-rc.1, 1.0.0+b, 99.88.77-x.1.y+z}'::semver[]) v;

CREATE TABLE semver_t (id int, v semver);
INSERT INTO semver_t VALUES (1, '1.0.0+a'), (2, '1.0.0+b'), (3, '1.0.0'), (4, '2.0.0-rc.1'),
    (5, '2.0.0-rc.1+x'), (6, '2.0.0'), (7, '0.9.0');
ANALYZE semver_t;
SELECT count(DISTINCT v) AS distinct_versions FROM semver_t;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT DISTINCT v FROM semver_t;
SELECT count(*) AS distinct_versions FROM (SELECT DISTINCT v FROM semver_t) s;
EXPLAIN (COSTS OFF) SELECT v, count(*) FROM semver_t GROUP BY v;
SELECT count(*), string_agg(id::text, ',' ORDER BY id) AS ids FROM semver_t GROUP BY v ORDER BY min(id);
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT v, count(*) FROM semver_t GROUP BY v;
SELECT count(*), string_agg(id::text, ',' ORDER BY id) AS ids FROM semver_t GROUP BY v ORDER BY v;
RESET enable_hashagg;

-- hash join and merge join match across build metadata
CREATE TABLE semver_u (v semver, label text);
INSERT INTO semver_u VALUES ('1.0.0+other', 'one'), ('2.0.0-rc.1+y', 'two-rc'), ('3.0.0', 'three');
ANALYZE semver_u;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT t.id, u.label FROM semver_t t JOIN semver_u u ON t.v = u.v;
SELECT t.id, t.v, u.v, u.label FROM semver_t t JOIN semver_u u ON t.v = u.v ORDER BY t.id;
RESET enable_mergejoin;
SET enable_hashjoin = off;
EXPLAIN (COSTS OFF) SELECT t.id, u.label FROM semver_t t JOIN semver_u u ON t.v = u.v;
SELECT t.id, t.v, u.v, u.label FROM semver_t t JOIN semver_u u ON t.v = u.v ORDER BY t.id;
RESET enable_hashjoin;
RESET enable_nestloop;

--
-- Indexes
--
CREATE TABLE semver_idx (v semver);
INSERT INTO semver_idx
SELECT format('%s.%s.%s', a, b, c) || CASE WHEN c = 0 THEN '-rc.1' ELSE '' END
  FROM generate_series(0, 9) a, generate_series(0, 9) b, generate_series(0, 9) c;
CREATE INDEX semver_idx_btree ON semver_idx (v);
ANALYZE semver_idx;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT v FROM semver_idx WHERE v = '1.2.3';
SELECT v FROM semver_idx WHERE v = '1.2.3';
EXPLAIN (COSTS OFF) SELECT v FROM semver_idx WHERE v >= '1.9.8' AND v < '2.0.1';
SELECT v FROM semver_idx WHERE v >= '1.9.8' AND v < '2.0.1';
EXPLAIN (COSTS OFF) SELECT v FROM semver_idx ORDER BY v DESC LIMIT 3;
SELECT v FROM semver_idx ORDER BY v DESC LIMIT 3;
-- min() and max() use the index through their sort operators
EXPLAIN (COSTS OFF) SELECT max(v) FROM semver_idx;
SELECT min(v), max(v) FROM semver_idx;
RESET enable_bitmapscan;
RESET enable_seqscan;

-- a hash index
CREATE INDEX semver_idx_hash ON semver_idx USING hash (v);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
DROP INDEX semver_idx_btree;
EXPLAIN (COSTS OFF) SELECT v FROM semver_idx WHERE v = '5.5.5+build';
SELECT v FROM semver_idx WHERE v = '5.5.5+build';
RESET enable_bitmapscan;
RESET enable_seqscan;

-- a unique index treats versions differing only in build metadata as equal
CREATE UNIQUE INDEX semver_u_unique ON semver_u (v);
INSERT INTO semver_u VALUES ('3.0.0+rebuilt', 'dup');

--
-- Aggregates, accessors and casts
--
SELECT min(v), max(v) FROM semver_t;
SELECT min(v), max(v) FROM semver_t WHERE v < '1.0.0';
SELECT min(v) IS NULL AS no_rows FROM semver_t WHERE false;
SELECT v, semver_major(v), semver_minor(v), semver_patch(v), semver_prerelease(v),
       semver_build(v), semver_is_prerelease(v)
  FROM unnest('{1.2.3, 1.0.0-alpha.1, 4.5.6+build.7, 0.0.1-rc.1+exp.sha.5114f85, 9223372036854775807.0.0}'::semver[]) v;
SELECT '1.2.3-a+b'::text::semver AS from_text, ('1.2.3-a+b'::semver)::text AS to_text;
-- assignment casts in both directions
CREATE TABLE semver_cast (s text, v semver);
INSERT INTO semver_cast (s, v) SELECT v, v::text FROM semver_t WHERE id = 4;
SELECT s, v FROM semver_cast;
-- no implicit cast to text: semver is not compared as text
SELECT '1.10.0'::semver > '1.9.0'::semver AS semver_order, '1.10.0'::text > '1.9.0'::text AS text_order;

--
-- node-semver ranges
--
-- expansions (as node's validRange() prints them)
SELECT r AS range, semver_range_normalize(r) AS comparators
  FROM (VALUES ('~1.2.3'), ('~1.2'), ('~1'), ('~0.2.3'), ('~1.2.3-beta.2'), ('~>1.2'),
               ('^1.2.3'), ('^0.2.3'), ('^0.0.3'), ('^1.2.x'), ('^0.0.x'), ('^0.0'), ('^1.x'),
               ('^0.x'), ('^1.2.3-beta.2'), ('^0.0.1-beta'),
               ('1.2.3 - 2.3.4'), ('1.2 - 2.3.4'), ('1.2.3 - 2.3'), ('1.2.3 - 2'),
               ('1.x'), ('1.2.*'), ('*'), (''), ('x'), ('>1'), ('<=1.2'), ('<1.x'), ('>=1.2'),
               ('>1.2.x'), ('<1'), ('=1.2'), ('>= 1.2.3'), ('v1.2.3'), ('=1.2.3'),
               ('>=1.0.0 <2.0.0 || >=3.0.0'), ('1.2.3+build'), ('<0.0.0-0 || 1.0.0'),
               ('>*')) t(r);

-- the pre-release rule
SELECT v, r AS range, satisfies(v::semver, r)
  FROM (VALUES ('1.2.3-alpha.7', '>1.2.3-alpha.3'), ('3.4.5-alpha.9', '>1.2.3-alpha.3'),
               ('3.4.5', '>1.2.3-alpha.3'), ('1.0.0-rc.1', '*'), ('1.0.0-rc.1', '>=0.9.0'),
               ('1.0.0-rc.1', '>=1.0.0-rc.0'), ('1.2.3-beta', '^1.2.3-alpha'),
               ('1.2.4-beta', '^1.2.3-alpha'), ('2.0.0-rc.1', '^1.2.3'),
               ('1.0.0-alpha', '>=1.0.0-0'), ('1.0.1-alpha', '>=1.0.0-0'),
               ('1.2.3-rc.2', '~1.2.3-rc.1'), ('1.3.0-rc.1', '~1.2.3-rc.0'),
               ('1.2.3-rc.1', '>=1.0.0 <=1.2.3-rc.1'),
               -- node turns a range with a "*" set into "*", pre-release sets and all
               ('1.0.0-beta', '* || >=1.0.0-beta'),
               ('1.0.0-beta', '>=0.0.0-0 || >=1.0.0-beta')) t(v, r);

-- node-semver's own fixtures (test/fixtures/range-include.js and
-- range-exclude.js, v7.8.5): every case without the loose or
-- includePrerelease options whose version is strict SemVer
CREATE TEMP TABLE node_satisfies (range text, version text, expected boolean);
INSERT INTO node_satisfies VALUES
    ('1.0.0 - 2.0.0', '1.2.3', true),
    ('^1.2.3+build', '1.2.3', true),
    ('^1.2.3+build', '1.3.0', true),
    ('1.2.3-pre+asdf - 2.4.3-pre+asdf', '1.2.3', true),
    ('1.2.3-pre+asdf - 2.4.3-pre+asdf', '1.2.3-pre.2', true),
    ('1.2.3-pre+asdf - 2.4.3-pre+asdf', '2.4.3-alpha', true),
    ('1.2.3+asdf - 2.4.3+asdf', '1.2.3', true),
    ('1.0.0', '1.0.0', true),
    ('>=*', '0.2.4', true),
    ('', '1.0.0', true),
    ('*', '1.2.3', true),
    ('>=1.0.0', '1.0.0', true),
    ('>=1.0.0', '1.0.1', true),
    ('>=1.0.0', '1.1.0', true),
    ('>1.0.0', '1.0.1', true),
    ('>1.0.0', '1.1.0', true),
    ('<=2.0.0', '2.0.0', true),
    ('<=2.0.0', '1.9999.9999', true),
    ('<=2.0.0', '0.2.9', true),
    ('<2.0.0', '1.9999.9999', true),
    ('<2.0.0', '0.2.9', true),
    ('>= 1.0.0', '1.0.0', true),
    ('>=  1.0.0', '1.0.1', true),
    ('>=   1.0.0', '1.1.0', true),
    ('> 1.0.0', '1.0.1', true),
    ('>  1.0.0', '1.1.0', true),
    ('<=   2.0.0', '2.0.0', true),
    ('<= 2.0.0', '1.9999.9999', true),
    ('<=  2.0.0', '0.2.9', true),
    ('<    2.0.0', '1.9999.9999', true),
    (E'<\t2.0.0', '0.2.9', true),
    ('>=0.1.97', '0.1.97', true),
    ('0.1.20 || 1.2.4', '1.2.4', true),
    ('>=0.2.3 || <0.0.1', '0.0.0', true),
    ('>=0.2.3 || <0.0.1', '0.2.3', true),
    ('>=0.2.3 || <0.0.1', '0.2.4', true),
    ('||', '1.3.4', true),
    ('2.x.x', '2.1.3', true),
    ('1.2.x', '1.2.3', true),
    ('1.2.x || 2.x', '2.1.3', true),
    ('1.2.x || 2.x', '1.2.3', true),
    ('x', '1.2.3', true),
    ('2.*.*', '2.1.3', true),
    ('1.2.*', '1.2.3', true),
    ('1.2.* || 2.*', '2.1.3', true),
    ('1.2.* || 2.*', '1.2.3', true),
    ('*', '1.2.3', true),
    ('2', '2.1.2', true),
    ('2.3', '2.3.1', true),
    ('~0.0.1', '0.0.1', true),
    ('~0.0.1', '0.0.2', true),
    ('~x', '0.0.9', true),
    ('~2', '2.0.9', true),
    ('~2.4', '2.4.0', true),
    ('~2.4', '2.4.5', true),
    ('~>3.2.1', '3.2.2', true),
    ('~1', '1.2.3', true),
    ('~>1', '1.2.3', true),
    ('~> 1', '1.2.3', true),
    ('~1.0', '1.0.2', true),
    ('~ 1.0', '1.0.2', true),
    ('~ 1.0.3', '1.0.12', true),
    ('>=1', '1.0.0', true),
    ('>= 1', '1.0.0', true),
    ('<1.2', '1.1.1', true),
    ('< 1.2', '1.1.1', true),
    ('~v0.5.4-pre', '0.5.5', true),
    ('~v0.5.4-pre', '0.5.4', true),
    ('=0.7.x', '0.7.2', true),
    ('<=0.7.x', '0.7.2', true),
    ('>=0.7.x', '0.7.2', true),
    ('<=0.7.x', '0.6.2', true),
    ('~1.2.1 >=1.2.3', '1.2.3', true),
    ('~1.2.1 =1.2.3', '1.2.3', true),
    ('~1.2.1 1.2.3', '1.2.3', true),
    ('~1.2.1 >=1.2.3 1.2.3', '1.2.3', true),
    ('~1.2.1 1.2.3 >=1.2.3', '1.2.3', true),
    ('>=1.2.1 1.2.3', '1.2.3', true),
    ('1.2.3 >=1.2.1', '1.2.3', true),
    ('>=1.2.3 >=1.2.1', '1.2.3', true),
    ('>=1.2.1 >=1.2.3', '1.2.3', true),
    ('>=1.2', '1.2.8', true),
    ('^1.2.3', '1.8.1', true),
    ('^0.1.2', '0.1.2', true),
    ('^0.1', '0.1.2', true),
    ('^0.0.1', '0.0.1', true),
    ('^1.2', '1.4.2', true),
    ('^1.2 ^1', '1.4.2', true),
    ('^1.2.3-alpha', '1.2.3-pre', true),
    ('^1.2.0-alpha', '1.2.0-pre', true),
    ('^0.0.1-alpha', '0.0.1-beta', true),
    ('^0.0.1-alpha', '0.0.1', true),
    ('^0.1.1-alpha', '0.1.1-beta', true),
    ('^x', '1.2.3', true),
    ('x - 1.0.0', '0.9.7', true),
    ('x - 1.x', '0.9.7', true),
    ('1.0.0 - x', '1.9.7', true),
    ('1.x - x', '1.9.7', true),
    ('<=7.x', '7.9.9', true),
    ('1.0.0 - 2.0.0', '2.2.3', false),
    ('1.2.3+asdf - 2.4.3+asdf', '1.2.3-pre.2', false),
    ('1.2.3+asdf - 2.4.3+asdf', '2.4.3-alpha', false),
    ('^1.2.3+build', '2.0.0', false),
    ('^1.2.3+build', '1.2.0', false),
    ('^1.2.3', '1.2.3-pre', false),
    ('^1.2', '1.2.0-pre', false),
    ('>1.2', '1.3.0-beta', false),
    ('<=1.2.3', '1.2.3-beta', false),
    ('^1.2.3', '1.2.3-beta', false),
    ('=0.7.x', '0.7.0-asdf', false),
    ('>=0.7.x', '0.7.0-asdf', false),
    ('<=0.7.x', '0.7.0-asdf', false),
    ('1.0.0', '1.0.1', false),
    ('>=1.0.0', '0.0.0', false),
    ('>=1.0.0', '0.0.1', false),
    ('>=1.0.0', '0.1.0', false),
    ('>1.0.0', '0.0.1', false),
    ('>1.0.0', '0.1.0', false),
    ('<=2.0.0', '3.0.0', false),
    ('<=2.0.0', '2.9999.9999', false),
    ('<=2.0.0', '2.2.9', false),
    ('<2.0.0', '2.9999.9999', false),
    ('<2.0.0', '2.2.9', false),
    ('>=0.1.97', '0.1.93', false),
    ('0.1.20 || 1.2.4', '1.2.3', false),
    ('>=0.2.3 || <0.0.1', '0.0.3', false),
    ('>=0.2.3 || <0.0.1', '0.2.2', false),
    ('2.x.x', '1.1.3', false),
    ('2.x.x', '3.1.3', false),
    ('1.2.x', '1.3.3', false),
    ('1.2.x || 2.x', '3.1.3', false),
    ('1.2.x || 2.x', '1.1.3', false),
    ('2.*.*', '1.1.3', false),
    ('2.*.*', '3.1.3', false),
    ('1.2.*', '1.3.3', false),
    ('1.2.* || 2.*', '3.1.3', false),
    ('1.2.* || 2.*', '1.1.3', false),
    ('2', '1.1.2', false),
    ('2.3', '2.4.1', false),
    ('~0.0.1', '0.1.0-alpha', false),
    ('~0.0.1', '0.1.0', false),
    ('~2.4', '2.5.0', false),
    ('~2.4', '2.3.9', false),
    ('~>3.2.1', '3.3.2', false),
    ('~>3.2.1', '3.2.0', false),
    ('~1', '0.2.3', false),
    ('~>1', '2.2.3', false),
    ('~1.0', '1.1.0', false),
    ('<1', '1.0.0', false),
    ('>=1.2', '1.1.1', false),
    ('~v0.5.4-beta', '0.5.4-alpha', false),
    ('=0.7.x', '0.8.2', false),
    ('>=0.7.x', '0.6.2', false),
    ('<0.7.x', '0.7.2', false),
    ('<1.2.3', '1.2.3-beta', false),
    ('=1.2.3', '1.2.3-beta', false),
    ('>1.2', '1.2.8', false),
    ('^0.0.1', '0.0.2-alpha', false),
    ('^0.0.1', '0.0.2', false),
    ('^1.2.3', '2.0.0-alpha', false),
    ('^1.2.3', '1.2.2', false),
    ('^1.2', '1.1.9', false),
    ('^1.0.0', '2.0.0-rc1', false),
    ('1 - 2', '2.0.0-pre', false),
    ('1 - 2', '1.0.0-pre', false),
    ('1.0 - 2', '1.0.0-pre', false),
    ('1.1.x', '1.0.0-a', false),
    ('1.1.x', '1.1.0-a', false),
    ('1.1.x', '1.2.0-a', false),
    ('1.x', '1.0.0-a', false),
    ('1.x', '1.1.0-a', false),
    ('1.x', '1.2.0-a', false),
    ('>=1.0.0 <1.1.0', '1.1.0', false),
    ('>=1.0.0 <1.1.0', '1.1.0-pre', false),
    ('>=1.0.0 <1.1.0-pre', '1.1.0-pre', false);

SELECT count(*) AS cases, count(*) FILTER (WHERE expected) AS included,
       count(*) FILTER (WHERE NOT expected) AS excluded
  FROM node_satisfies;
-- failures (none expected)
SELECT range, version, expected FROM node_satisfies
 WHERE satisfies(version::semver, range) IS DISTINCT FROM expected;

-- node-semver's test/fixtures/range-parse.js: the expansion, or NULL for an
-- invalid range (without the cases beyond 2^53, where node and we differ)
CREATE TEMP TABLE node_parse (range text, expected text);
INSERT INTO node_parse VALUES
    ('1.0.0 - 2.0.0', '>=1.0.0 <=2.0.0'),
    ('1 - 2', '>=1.0.0 <3.0.0-0'),
    ('1.0 - 2.0', '>=1.0.0 <2.1.0-0'),
    ('1.0.0', '1.0.0'),
    ('>=*', '*'),
    ('', '*'),
    ('*', '*'),
    ('>=1.0.0', '>=1.0.0'),
    ('>1.0.0', '>1.0.0'),
    ('<=2.0.0', '<=2.0.0'),
    ('1', '>=1.0.0 <2.0.0-0'),
    ('<2.0.0', '<2.0.0'),
    ('>= 1.0.0', '>=1.0.0'),
    ('>=  1.0.0', '>=1.0.0'),
    ('>=   1.0.0', '>=1.0.0'),
    ('> 1.0.0', '>1.0.0'),
    ('>  1.0.0', '>1.0.0'),
    ('<=   2.0.0', '<=2.0.0'),
    ('<= 2.0.0', '<=2.0.0'),
    ('<=  2.0.0', '<=2.0.0'),
    ('<    2.0.0', '<2.0.0'),
    (E'<\t2.0.0', '<2.0.0'),
    ('>=0.1.97', '>=0.1.97'),
    ('0.1.20 || 1.2.4', '0.1.20||1.2.4'),
    ('>=0.2.3 || <0.0.1', '>=0.2.3||<0.0.1'),
    ('||', '*'),
    ('2.x.x', '>=2.0.0 <3.0.0-0'),
    ('1.2.x', '>=1.2.0 <1.3.0-0'),
    ('1.2.x || 2.x', '>=1.2.0 <1.3.0-0||>=2.0.0 <3.0.0-0'),
    ('1.x.5', NULL),
    ('1.*.5', NULL),
    ('1.x.5 || 2.x', NULL),
    ('x.1', NULL),
    ('x.1.2', NULL),
    ('x.x.1', NULL),
    ('x', '*'),
    ('2.*.*', '>=2.0.0 <3.0.0-0'),
    ('1.2.*', '>=1.2.0 <1.3.0-0'),
    ('1.2.* || 2.*', '>=1.2.0 <1.3.0-0||>=2.0.0 <3.0.0-0'),
    ('2', '>=2.0.0 <3.0.0-0'),
    ('2.3', '>=2.3.0 <2.4.0-0'),
    ('~2.4', '>=2.4.0 <2.5.0-0'),
    ('~>3.2.1', '>=3.2.1 <3.3.0-0'),
    ('~1', '>=1.0.0 <2.0.0-0'),
    ('~>1', '>=1.0.0 <2.0.0-0'),
    ('~> 1', '>=1.0.0 <2.0.0-0'),
    ('~1.0', '>=1.0.0 <1.1.0-0'),
    ('~ 1.0', '>=1.0.0 <1.1.0-0'),
    ('^0', '<1.0.0-0'),
    ('^ 1', '>=1.0.0 <2.0.0-0'),
    ('^0.1', '>=0.1.0 <0.2.0-0'),
    ('^1.0', '>=1.0.0 <2.0.0-0'),
    ('^1.2', '>=1.2.0 <2.0.0-0'),
    ('^0.0.1', '>=0.0.1 <0.0.2-0'),
    ('^0.0.1-beta', '>=0.0.1-beta <0.0.2-0'),
    ('^0.1.2', '>=0.1.2 <0.2.0-0'),
    ('^1.2.3', '>=1.2.3 <2.0.0-0'),
    ('^1.2.3-beta.4', '>=1.2.3-beta.4 <2.0.0-0'),
    ('<1', '<1.0.0-0'),
    ('< 1', '<1.0.0-0'),
    ('>=1', '>=1.0.0'),
    ('>= 1', '>=1.0.0'),
    ('<1.2', '<1.2.0-0'),
    ('< 1.2', '<1.2.0-0'),
    ('>01.02.03', NULL),
    ('~1.2.3beta', NULL),
    ('^ 1.2 ^ 1', '>=1.2.0 <2.0.0-0 >=1.0.0'),
    ('1.2 - 3.4.5', '>=1.2.0 <=3.4.5'),
    ('1.2.3 - 3.4', '>=1.2.3 <3.5.0-0'),
    ('1.2 - 3.4', '>=1.2.0 <3.5.0-0'),
    ('>1', '>=2.0.0'),
    ('>1.2', '>=1.3.0'),
    ('>X', '<0.0.0-0'),
    ('<X', '<0.0.0-0'),
    ('<x <* || >* 2.x', '<0.0.0-0'),
    ('>x 2.x || * || <x', '*'),
    ('>=09090', NULL),
    ('1.x.x+build >2.x+build', '>=1.0.0 <2.0.0-0 >=3.0.0'),
    ('>=1.x+build <2.x.x+build', '>=1.0.0 <2.0.0-0'),
    ('1.x.x+build || 2.x.x+build', '>=1.0.0 <2.0.0-0||>=2.0.0 <3.0.0-0'),
    ('1.x+build.123', '>=1.0.0 <2.0.0-0'),
    ('1.x.x+meta-data', '>=1.0.0 <2.0.0-0'),
    ('1.x.x+build.123 >2.x.x+meta-data', '>=1.0.0 <2.0.0-0 >=3.0.0'),
    ('1.x.x+build <2.x.x+meta', '>=1.0.0 <2.0.0-0'),
    ('>1.x+build <=2.x.x+meta', '>=2.0.0 <3.0.0-0'),
    (' 1.x.x+build   >2.x.x+build  ', '>=1.0.0 <2.0.0-0 >=3.0.0'),
    ('^1.x+build', '>=1.0.0 <2.0.0-0'),
    ('^1.x.x+build', '>=1.0.0 <2.0.0-0'),
    ('^1.2.x+build', '>=1.2.0 <2.0.0-0'),
    ('^1.x+meta-data', '>=1.0.0 <2.0.0-0'),
    ('^1.x.x+build.123', '>=1.0.0 <2.0.0-0'),
    ('~1.x+build', '>=1.0.0 <2.0.0-0'),
    ('~1.x.x+build', '>=1.0.0 <2.0.0-0'),
    ('~1.2.x+build', '>=1.2.0 <1.3.0-0'),
    ('~1.x+meta-data', '>=1.0.0 <2.0.0-0'),
    ('~1.x.x+build.123', '>=1.0.0 <2.0.0-0'),
    ('^1.x.x+build || ~2.x.x+meta', '>=1.0.0 <2.0.0-0||>=2.0.0 <3.0.0-0'),
    ('~1.x.x+build >2.x+meta', '>=1.0.0 <2.0.0-0 >=3.0.0'),
    ('^1.x+build.123 <2.x.x+meta-data', '>=1.0.0 <2.0.0-0'),
    ('1.x.x-alpha+build', '>=1.0.0 <2.0.0-0'),
    ('>1.x.x-alpha+build', '>=2.0.0'),
    ('>=1.x.x-alpha+build <2.x.x+build', '>=1.0.0 <2.0.0-0'),
    ('1.x.x-alpha+build || 2.x.x+build', '>=1.0.0 <2.0.0-0||>=2.0.0 <3.0.0-0'),
    ('v1.0+' || repeat('a', 249) || 'x6', '>=1.0.0 <1.1.0-0'),
    ('1.2.3+' || repeat('a', 251) || ' - 2.0.0', '>=1.2.3 <=2.0.0'),
    ('> 1.2.3+' || repeat('a', 251), '>1.2.3'),
    ('~1.2.3+' || repeat('a', 251), '>=1.2.3 <1.3.0-0'),
    ('^1.2.3+' || repeat('a', 251), '>=1.2.3 <2.0.0-0');

SELECT count(*) AS cases, count(*) FILTER (WHERE expected IS NULL) AS invalid
  FROM node_parse;
-- failures (none expected)
SELECT range, expected,
       CASE WHEN semver_range_valid(range) THEN semver_range_normalize(range) END AS got
  FROM node_parse
 WHERE CASE WHEN semver_range_valid(range) THEN semver_range_normalize(range) END
       IS DISTINCT FROM expected;

-- the parsed range is cached per call site; changing ranges still work
SELECT v, r AS range, satisfies(v::semver, r)
  FROM (VALUES ('1.2.3', '^1.0.0'), ('2.0.0', '^1.0.0'), ('2.0.0', '^2.0.0'),
               ('2.0.0', '^2.0.0'), ('1.5.0', '^1.0.0'), ('1.5.0', '~1.4 || ~1.5')) t(v, r);
SELECT count(*) FILTER (WHERE satisfies(v, '>=1.2.0 <2.0.0-0')) AS in_range,
       count(*) FILTER (WHERE satisfies(v, '^1.2.0')) AS caret
  FROM semver_idx;

-- invalid ranges: errors point at the offending comparator
SELECT satisfies('1.0.0', '1.2.3.4');
SELECT satisfies('1.0.0', '>=1.0.0 <2.x.1');
SELECT satisfies('1.0.0', '>= 1.0.0 && < 2.0.0');
SELECT satisfies('1.0.0', '1.0.0 ||| 2.0.0');
SELECT satisfies('1.0.0', '>=1.0.0 || ≥2.0.0');
SELECT satisfies('1.0.0', '~1.2.3beta');
SELECT satisfies('1.0.0', '^1.2.3-01');
SELECT satisfies('1.0.0', '> = 1.2.3');
SELECT satisfies('1.0.0', '^9223372036854775807.0.0');
SELECT satisfies('1.0.0', '>=99999999999999999999.0.0');
SELECT semver_range_normalize('1.x.5');
-- semver_range_valid never raises
SELECT r AS range, semver_range_valid(r)
  FROM (VALUES ('^1.2.3'), (''), ('||'), ('1.2.3.4'), ('>=1.0.0 <2.x.1'), ('1.x.5'),
               ('x.1'), ('>01.02.03'), ('~1.2.3beta'), ('^9223372036854775807.0.0'),
               ('1.2.3 - 2.3.4 - 3'), ('v1.2.3'), ('> = 1.2.3'), ('~ > 1')) t(r);
SELECT satisfies(NULL, '*') IS NULL AS null_version, satisfies('1.0.0', NULL) IS NULL AS null_range;

--
-- max_satisfying
--
SELECT max_satisfying('{1.2.3, 1.2.4, 1.3.0, 2.0.0-rc.1, 2.0.0}', '^1.2.3') AS caret,
       max_satisfying('{1.2.3, 1.2.4, 1.3.0}', '~1.2') AS tilde,
       max_satisfying('{2.0.0-rc.1, 2.0.0}', '>=2.0.0-rc.1') AS pre,
       max_satisfying('{1.2.3, 1.2.4}', '>=3') AS none,
       max_satisfying('{NULL, 1.0.0, NULL}', '*') AS with_nulls,
       max_satisfying('{}', '*') AS empty,
       max_satisfying('{1.0.0+b, 1.0.0+a}', '*') AS first_of_equal;
SELECT max_satisfying(array_agg(v), '~1.9.0') FROM semver_idx;
SELECT max_satisfying('{1.0.0}', 'not a range');

DROP TABLE semver_t, semver_u, semver_idx, semver_cast;
