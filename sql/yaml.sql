--
-- yaml_to_jsonb / jsonb_to_yaml
--
\set VERBOSITY default

-- YAML 1.2 core schema typing of plain scalars; quoted scalars stay strings
SELECT v AS yaml, datamesh.yaml_to_jsonb(v) AS jsonb
  FROM (VALUES ('42'), ('-17'), ('+3'), ('007'), ('-0'), ('0x1F'), ('0x1f'), ('0o17'), ('0xFFFFFFFFFFFFFFFF'),
               ('123456789012345678901234567890'),
               ('1.5'), ('.5'), ('-2.'), ('1.e5'), ('1e3'), ('6.02E+23'), ('1e-2'), ('+0.5e-3'), ('1E+0001'),
               ('true'), ('True'), ('TRUE'), ('FALSE'), ('null'), ('Null'), ('NULL'), ('~'), ('key:'),
               ('yes'), ('no'), ('on'), ('off'), ('y'), ('Yes'), ('tRUE'), ('nULL'), ('1_000'), ('12:30'), ('0b101'),
               ('1.2.3'), ('0x'), ('0o'), ('0o8'), ('0X1F'), ('-0x1F'), ('.'), ('--'), ('1e'), ('e5'), ('.inf.'),
               ('2024-01-31'), ('"42"'), ('''true'''), ('"null"'), ('"~"'), ('"1e3"'), ('|' || E'\n  42'), ('>' || E'\n  true'),
               ('!!str 123'), ('!!str true'), ('!!str ~'), ('!!int "42"'), ('!!int 0x1F'), ('!!float 1'), ('!!float "2.5"'),
               ('!!bool "true"'), ('!!null ""'), ('!!null "~"'), ('! 12'), ('!<tag:yaml.org,2002:int> "7"')) t(v);

-- mapping keys keep their text
SELECT datamesh.yaml_to_jsonb(E'1: int\n~: tilde\nnull: word\ntrue: bool\n1.50: float\n"q": quoted\n!!str 2: tagged\n? explicit\n: value\n? bare');

-- documents: mappings, sequences, block scalars, flow style, JSON
SELECT datamesh.yaml_to_jsonb($$
name: customer-analytics-360
tags: [customer, analytics]
sla:
  availability: 99.9%
  freshness: 1 hour
description: |
  line one
  line two
folded: >
  joined
  words
kept: |+
  trailing

stripped: |-
  no newline
empty_map: {}
empty_list: []
nested:
  - a: 1
    b: [x, {y: z}]
  - - deep
$$);
SELECT datamesh.yaml_to_jsonb('"just a string"'), datamesh.yaml_to_jsonb('- 1'), datamesh.yaml_to_jsonb('--- 5'),
       datamesh.yaml_to_jsonb('---') AS explicit_empty_document, datamesh.yaml_to_jsonb(E'a: 1\n...\n# after the end');
SELECT datamesh.yaml_to_jsonb(E'%YAML 1.2\n---\na: 1') AS yaml_1_2, datamesh.yaml_to_jsonb(E'%YAML 1.1\n---\na: 1') AS yaml_1_1;
SELECT datamesh.yaml_to_jsonb(E'\xEF\xBB\xBFa: 1\nb: 2') AS with_bom;
SELECT datamesh.yaml_to_jsonb(E'name: "caf\\u00e9 \\t tab \\x41 \\U0001F600 \\/"\nsnow: ☃');
SELECT datamesh.yaml_to_jsonb(E'a: 1\r\nb: 2\r\n') AS crlf;

-- JSON: read as json is (JSON is YAML 1.2 flow style)
SELECT datamesh.yaml_to_jsonb('{"apiVersion": "datamesh.io/v1", "n": [1, 2.5, "x", null, true, {"k": []}]}');
SELECT datamesh.yaml_to_jsonb(E'{\n\t"tab": "indented",\n\t"list": [\n\t\t1,\n\t\t2\n\t]\n}') AS tab_indented;
SELECT datamesh.yaml_to_jsonb('{"a":1,"b":[true,false,null],"c":{"d":"e"}}') AS compact;
-- surrogate pairs (Python's json.dumps writes them), DEL, C1 controls, NEL, LS, PS in strings
SELECT v, datamesh.yaml_to_jsonb(v) AS yaml_to_jsonb, datamesh.yaml_to_jsonb(v) = v::jsonb AS same_as_json
  FROM (VALUES ('{"emoji": "\ud83d\ude00", "rocket": "\uD83D\uDE80!", "pair in key \ud83d\ude00": 1}'),
               ('["\\\ud83d\ude00", "\\\\ud83d", "\u00e9\u20ac\ud800\udc00\udbff\udfff"]'),
               (E'["del \u007f", "c1 \u0080 \u009f", "nel \u0085 x", "ls \u2028 ps \u2029"]'),
               (E'{"nel\u0085key": "v\u2028", "\u0085": "\u2029"}'),
               ('{"a": "\/ \b \f \n \r \t \" \\"}')) t(v);
-- outside double quotes the escape text stays text, and NEL, LS, PS are not line breaks
SELECT datamesh.yaml_to_jsonb(E'plain: \\ud83d\\ude00 x\nsingle: \'\\uD83D\\uDE00\'\nblock: |\n  \\ud83d\\uDE00\n# \\ud83d\\ude00\nnel: a\u0085b\nls: c\u2028d');
-- JSON documents generated from many values, compact and pretty-printed
SELECT count(*) AS cases,
       count(*) FILTER (WHERE datamesh.yaml_to_jsonb(j::text) IS DISTINCT FROM j) AS compact_failures,
       count(*) FILTER (WHERE datamesh.yaml_to_jsonb(jsonb_pretty(j)) IS DISTINCT FROM j) AS pretty_failures
  FROM (SELECT jsonb_build_object('i', g, 's', chr(32 + g % 95) || chr(160 + g) || 's' || g, 'f', g / 7.0,
                                  'e', (g || 'e' || (g % 40 - 20))::numeric, 'b', g % 2 = 0, 'n', NULL::int,
                                  'l', jsonb_build_array(g, chr(32 + g % 95), chr(g % 30 + 1), repeat(chr(10), g % 3),
                                                         chr(127 + g % 40), chr(8232 + g % 2), jsonb_build_object()),
                                  chr(33 + g % 94) || chr(1 + g % 31), jsonb_build_array(jsonb_build_array())) AS j
          FROM generate_series(1, 2000) g) t;

-- anchors, aliases and merge keys: explicit keys win, earlier merged maps win over later ones
SELECT jsonb_pretty(datamesh.yaml_to_jsonb($$
base: &base {region: eu, tier: gold, retries: 3}
extra: &extra {tier: silver, owner: ops}
alias_copy: *base
merged:
  <<: *base
  retries: 5
merged_list:
  <<: [*base, *extra]
  name: combined
inline_merge: {<<: {a: 1}, b: 2}
list_of_aliases: [*base, *extra]
$$));
SELECT jsonb_pretty(datamesh.yaml_to_jsonb($$
grandparent: &gp {a: 1, b: 1, c: 1}
parent: &p {<<: *gp, b: 2}
child: {<<: *p, c: 3}
quoted_is_a_key: {"<<": *gp}
tagged_merge: {!!merge <<: *gp}
scalar_anchor: &s hello
scalar_alias: *s
redefined: &gp 2
after_redefinition: *gp
$$));

-- errors say what and where (line, column)
SELECT datamesh.yaml_to_jsonb(E'a: 1\nb: 2\na: 3');
SELECT datamesh.yaml_to_jsonb(E'a: {x: 1, x: 2}');
SELECT datamesh.yaml_to_jsonb(E'a: {1: x, "1": y}');
SELECT datamesh.yaml_to_jsonb(E'{"a": 1, "a": 2}');
SELECT datamesh.yaml_to_jsonb(E'base: &b {x: 1}\nm:\n  <<: *b\n  x: 2\n  x: 3');
SELECT datamesh.yaml_to_jsonb(E'a:\n  b: 1\n   c: 2');
SELECT datamesh.yaml_to_jsonb(E'a: [1, 2\nb: 3');
SELECT datamesh.yaml_to_jsonb(E'a: "unterminated');
SELECT datamesh.yaml_to_jsonb(E'a:\n\tb: 1');
SELECT datamesh.yaml_to_jsonb(E'a: *missing');
SELECT datamesh.yaml_to_jsonb(E'a: &a [1, *a]');
SELECT datamesh.yaml_to_jsonb(E'a: 1\n---\nb: 2');
SELECT datamesh.yaml_to_jsonb(E'a: 1\n...\n---\nb: 2');
SELECT datamesh.yaml_to_jsonb(E'# nothing here\n\n');
SELECT datamesh.yaml_to_jsonb('');
SELECT datamesh.yaml_to_jsonb(E'? [a, b]\n: 1');
SELECT datamesh.yaml_to_jsonb(E'? {a: 1}\n: 1');
SELECT datamesh.yaml_to_jsonb(E'a:\n  <<: 5');
SELECT datamesh.yaml_to_jsonb(E'a: &a [1]\nb:\n  <<: *a');
SELECT datamesh.yaml_to_jsonb(E'a: &a {x: 1}\nb:\n  <<: [*a, 2]');
SELECT datamesh.yaml_to_jsonb('x: .inf');
SELECT datamesh.yaml_to_jsonb('x: -.Inf');
SELECT datamesh.yaml_to_jsonb('x: +.INF');
SELECT datamesh.yaml_to_jsonb('x: .NaN');
SELECT datamesh.yaml_to_jsonb('x: !!float .nan');
SELECT datamesh.yaml_to_jsonb('x: 0x1FFFFFFFFFFFFFFFFF');
SELECT datamesh.yaml_to_jsonb('x: !!foo bar');
SELECT datamesh.yaml_to_jsonb('x: !local bar');
SELECT datamesh.yaml_to_jsonb('x: !!binary aGVsbG8=');
SELECT datamesh.yaml_to_jsonb('x: !!int abc');
SELECT datamesh.yaml_to_jsonb('x: !!float 0x1F');
SELECT datamesh.yaml_to_jsonb('x: !!bool yes');
SELECT datamesh.yaml_to_jsonb('x: !!null 0');
SELECT datamesh.yaml_to_jsonb('x: !!map {a: 1}'), datamesh.yaml_to_jsonb('x: !!seq [1]'), datamesh.yaml_to_jsonb('x: ! {a: 1}');
SELECT datamesh.yaml_to_jsonb('x: !!set {a, b}');
SELECT datamesh.yaml_to_jsonb('x: !!omap [a: 1]');
SELECT datamesh.yaml_to_jsonb(E'x:\n  !custom\n  a: 1');
SELECT datamesh.yaml_to_jsonb('!thing key: value');
SELECT datamesh.yaml_to_jsonb('!!int key: value');
SELECT datamesh.yaml_to_jsonb(E'%YAML 1.1\n%YAML 1.1\n--- a');
SELECT datamesh.yaml_to_jsonb(E'%YAML 2.0\n--- a');
-- control characters are refused where they are, with the character in the DETAIL
SELECT datamesh.yaml_to_jsonb(E'a: 1\nb: x\x01y');
SELECT datamesh.yaml_to_jsonb(E'\xEF\xBB\xBFa: 1\ncafé: x\x1B');
-- the null character cannot be in text (json rejects \u0000 as well)
SELECT datamesh.yaml_to_jsonb(E'a: "x\\0y"');
SELECT datamesh.yaml_to_jsonb('{"a": "\u0000"}');
-- a surrogate escape that is not part of a pair
SELECT datamesh.yaml_to_jsonb('{"a": "\ud83d"}');
SELECT datamesh.yaml_to_jsonb('{"a": "\ude00\ud83d"}');

-- numbers: numeric's range, as for json, with the position when exceeded
SELECT datamesh.yaml_to_jsonb('[1e131071, 1e-16383, 0.0001e131075, 0e131072]') IS NOT NULL AS in_range;
SELECT datamesh.yaml_to_jsonb('x: 1e131072');
SELECT datamesh.yaml_to_jsonb(E'x: 1\ny: 1.5e-16383');
SELECT datamesh.yaml_to_jsonb(E'x: 1\ny: [0e-16384]');
SELECT datamesh.yaml_to_jsonb('x: 1e2147483648');
SELECT datamesh.yaml_to_jsonb('x: ' || repeat('9', 131073));
SELECT length(datamesh.yaml_to_jsonb(repeat('9', 131072))::text) AS digits;

-- bounds: nesting depth, alias expansion ("billion laughs"), size
SELECT datamesh.yaml_to_jsonb(repeat('[', 10000));
SELECT datamesh.yaml_to_jsonb(repeat('{a: ', 10000));
SELECT datamesh.yaml_to_jsonb(repeat('- ', 10000) || 'x');
SELECT datamesh.yaml_to_jsonb(string_agg(repeat(' ', 2 * n) || 'k:', E'\n') || ' 1')
  FROM generate_series(0, 99) n;
SELECT jsonb_typeof(datamesh.yaml_to_jsonb(repeat('[', 64) || repeat(']', 64))) AS depth_64_ok;
SELECT datamesh.yaml_to_jsonb(repeat('[', 65) || repeat(']', 65));
SELECT datamesh.yaml_to_jsonb(E'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\ni: [*h, *h, *h, *h, *h, *h, *h, *h, *h]');
SELECT datamesh.yaml_to_jsonb(E'a: &a {x: 1, y: 2}\nb: &b {<<: *a, z: 3}\nc: &c {<<: [*b, *b, *b, *b]}\nd: &d {<<: [*c, *c, *c, *c]}\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d]');
SELECT datamesh.yaml_to_jsonb('deep: &d ' || repeat('[', 60) || '1' || repeat(']', 60) || E'\nagain: [[[[[[[[[[*d]]]]]]]]]]');
SELECT datamesh.yaml_to_jsonb(E'empty: &e []\nat_the_limit: ' || repeat('[', 62) || '*e' || repeat(']', 62)) IS NOT NULL AS alias_at_depth_64;
SELECT datamesh.yaml_to_jsonb(E'empty: &e []\nbeyond: ' || repeat('[', 63) || '*e' || repeat(']', 63));
SELECT datamesh.yaml_to_jsonb('a: ' || repeat('x', 2 * 1024 * 1024));
SET datamesh.yaml_max_alias_nodes = 5;
SELECT datamesh.yaml_to_jsonb(E'a: &a [1, 2, 3]\nb: *a\nc: *a');
RESET datamesh.yaml_max_alias_nodes;
SELECT datamesh.yaml_to_jsonb(E'a: &a [1, 2, 3]\nb: *a\nc: *a');
SET datamesh.yaml_max_depth = 2;
SELECT datamesh.yaml_to_jsonb(E'a:\n  b: 1');
SELECT datamesh.yaml_to_jsonb(E'a:\n  b:\n    c: 1');
RESET datamesh.yaml_max_depth;
SET datamesh.manifest_max_bytes = 1024;
SELECT length(datamesh.yaml_to_jsonb('a: ' || repeat('x', 1021)) ->> 'a') AS at_the_limit;
SELECT datamesh.yaml_to_jsonb('a: ' || repeat('x', 1022));
RESET datamesh.manifest_max_bytes;

-- writing YAML
SELECT datamesh.jsonb_to_yaml('{"apiVersion": "datamesh.io/v1", "metadata": {"name": "x", "tags": ["a", "b"], "version": "1.0.0"},
                                "spec": {"sla": {"availability": 99.9}, "empty": {}, "none": [], "text": "line1\nline2\n",
                                         "ports": [{"name": "p1", "type": "table"}, {"name": "p2", "columns": [[1, 2], []]}]}}');
SELECT datamesh.jsonb_to_yaml('["true", "42", "", "null", "~", "0x1F", "1e3", ".5", "-.inf", "<<", " lead", "trail ", "a: b", "#c", "- d",
                                "yes", "é", "tab\t", "cr\r", "nel\u0085", "ls\u2028", "del\u007f", "\u0001", 1.50, -0, 1e-7, true, null]');
SELECT datamesh.jsonb_to_yaml(jsonb_build_object(repeat('k', 130), 1, E'multi\nline key', 2, '', 3, 'null', 4));
SELECT datamesh.jsonb_to_yaml('"scalar"') AS scalar, datamesh.jsonb_to_yaml('42') AS number, datamesh.jsonb_to_yaml('{}') AS empty,
       datamesh.jsonb_to_yaml('[]') AS empty_list, datamesh.jsonb_to_yaml('null') AS "null", datamesh.jsonb_to_yaml('"true"') AS string_true;

-- the round trip is exact for every jsonb value
SELECT count(*) FILTER (WHERE datamesh.yaml_to_jsonb(datamesh.jsonb_to_yaml(v)) IS DISTINCT FROM v) AS failures, count(*) AS cases
  FROM (VALUES ('{"a": [1, "true", "", "x: y", "multi\nline\n", {}, [], null, 1.50, "0x1F", " lead", "<<", "é",
                      "trail ", "- x", "#c", "a\tb", "\u0001", "null", "~", "1e3", ".5", "-.inf", "yes", "@x", "`y",
                      "%z", "!t", "&a", "*b", "{", "[", "|", ">", "? q", "a #b", "12:30", "0o7", "+1", "-", "...", "---"]}'::jsonb),
               ('"\n"'), ('"  "'), ('1e100'), ('0.000001'), ('-0'), ('123456789012345678901234567890.123'), ('1e-300'),
               ('{"": 1, "<<": {"a": 1}, "k\nk": 2, "true": 3, "1": 4, "null": 5}'),
               ('[[[]], {"a": {"b": {}}}]'), ('"line\n  indented\n"'), ('" leading space\n x"'),
               ('"\nstarts with newline"'), ('"x"'), ('null'), ('true'), ('{"a": "\r\n"}'), ('"tab\t"'),
               ('"ends with newlines\n\n\n"'), (to_jsonb(repeat('long words ', 50))),
               (('{"k": "' || repeat('x', 300) || '"}')::jsonb),
               ('["nel \u0085", "ls \u2028 ps \u2029", "block\u2028\nscalar", "c1 \u0080\u009f\u007f", "bom \ufeff", "😀", "\\ud83d\\ude00"]'),
               ('{"\u0085": "\u2028", "\ud83d\ude00": "x"}'),
               (jsonb_build_array(('1e' || 3000)::numeric, ('-1e-' || 3000)::numeric))) t(v);
SELECT count(*) FILTER (WHERE datamesh.yaml_to_jsonb(datamesh.jsonb_to_yaml(j)) IS DISTINCT FROM j) AS generated_failures
  FROM (SELECT jsonb_build_object('i', g, 's', 's' || g, 'f', g / 7.0, 'b', g % 2 = 0, 'n', NULL::int,
                                  'l', jsonb_build_array(g, chr(32 + g % 90), repeat(chr(10), g % 3), chr(1 + g % 31) || chr(127 + g % 40),
                                                         repeat(' ', g % 3) || chr(8232 + g % 2) || repeat(chr(10), g % 2)),
                                  chr(33 + g % 90), g, repeat(chr(32 + g % 95), 1 + g % 4), jsonb_build_array(jsonb_build_object())) AS j
          FROM generate_series(1, 2000) g) t;

-- the demo manifests parse, and round-trip (files are read by psql, client side)
\set seed `cat test/demo/manifests/07-customer-analytics-360.yaml`
SELECT jsonb_pretty(datamesh.yaml_to_jsonb(:'seed') -> 'spec' -> 'sla') AS seed_sla;
\set demo `cd test/demo/manifests && for f in $(LC_ALL=C ls); do echo "$f $(base64 -w0 < "$f")"; done`
SELECT f AS manifest, jsonb_typeof(j) AS parsed, datamesh.yaml_to_jsonb(datamesh.jsonb_to_yaml(j)) = j AS round_trip
  FROM (SELECT split_part(line, ' ', 1) AS f,
               datamesh.yaml_to_jsonb(convert_from(decode(split_part(line, ' ', 2), 'base64'), 'UTF8')) AS j
          FROM regexp_split_to_table(:'demo', E'\n') AS line) t
 ORDER BY f;
