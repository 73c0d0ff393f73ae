--
\set root `pwd`
-- yaml_to_jsonb / jsonb_to_yaml
--
\set VERBOSITY default

-- YAML 1.2 core schema typing of plain scalars; quoted scalars stay strings
SELECT v AS yaml, datamesh.yaml_to_jsonb(v) AS jsonb
  FROM (VALUES ('42'), ('-17'), ('+3'), ('007'), ('0x1F'), ('0o17'), ('123456789012345678901234567890'),
               ('1.5'), ('.5'), ('-2.'), ('1e3'), ('6.02E+23'), ('1e-2'),
               ('true'), ('True'), ('FALSE'), ('null'), ('Null'), ('~'), ('key:'),
               ('yes'), ('no'), ('on'), ('off'), ('y'), ('1_000'), ('12:30'), ('0b101'), ('1.2.3'), ('0x'),
               ('"42"'), ('''true'''), ('"null"'), ('!!str 123'), ('!!int "42"'), ('!!float 1'), ('!!bool "true"'),
               ('!!null ""'), ('! 12')) t(v);

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
empty_map: {}
empty_list: []
nested:
  - a: 1
    b: [x, {y: z}]
  - - deep
$$);
SELECT datamesh.yaml_to_jsonb('{"apiVersion": "datamesh.io/v1", "n": [1, 2.5, "x", null, true, {"k": []}]}');
SELECT datamesh.yaml_to_jsonb('"just a string"'), datamesh.yaml_to_jsonb('- 1'), datamesh.yaml_to_jsonb('--- 5');
SELECT datamesh.yaml_to_jsonb(E'\xEF\xBB\xBFa: 1') AS with_bom;
SELECT datamesh.yaml_to_jsonb(E'name: "caf\\u00e9 \\t tab"\nsnow: ☃');

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

-- errors say what and where (line, column)
SELECT datamesh.yaml_to_jsonb(E'a: 1\nb: 2\na: 3');
SELECT datamesh.yaml_to_jsonb(E'a: {x: 1, x: 2}');
SELECT datamesh.yaml_to_jsonb(E'a:\n  b: 1\n   c: 2');
SELECT datamesh.yaml_to_jsonb(E'a: [1, 2\nb: 3');
SELECT datamesh.yaml_to_jsonb(E'a: "unterminated');
SELECT datamesh.yaml_to_jsonb(E'a:\n\tb: 1');
SELECT datamesh.yaml_to_jsonb(E'a: *missing');
SELECT datamesh.yaml_to_jsonb(E'a: &a [1, *a]');
SELECT datamesh.yaml_to_jsonb(E'a: 1\n---\nb: 2');
SELECT datamesh.yaml_to_jsonb(E'# nothing here\n\n');
SELECT datamesh.yaml_to_jsonb('');
SELECT datamesh.yaml_to_jsonb(E'? [a, b]\n: 1');
SELECT datamesh.yaml_to_jsonb(E'? {a: 1}\n: 1');
SELECT datamesh.yaml_to_jsonb(E'a:\n  <<: 5');
SELECT datamesh.yaml_to_jsonb('x: .inf');
SELECT datamesh.yaml_to_jsonb('x: -.Inf');
SELECT datamesh.yaml_to_jsonb('x: .NaN');
SELECT datamesh.yaml_to_jsonb('x: 1e999999');
SELECT datamesh.yaml_to_jsonb('x: 0x1FFFFFFFFFFFFFFFFF');
SELECT datamesh.yaml_to_jsonb('x: !!foo bar');
SELECT datamesh.yaml_to_jsonb('x: !local bar');
SELECT datamesh.yaml_to_jsonb('x: !!int abc');
SELECT datamesh.yaml_to_jsonb(E'%YAML 1.1\n%YAML 1.1\n--- a');

-- bounds: nesting depth, alias expansion ("billion laughs"), size
SELECT datamesh.yaml_to_jsonb(repeat('[', 10000));
SELECT datamesh.yaml_to_jsonb(string_agg(repeat(' ', 2 * n) || 'k:', E'\n') || ' 1')
  FROM generate_series(0, 99) n;
SELECT jsonb_typeof(datamesh.yaml_to_jsonb(repeat('[', 64) || repeat(']', 64))) AS depth_64_ok;
SELECT datamesh.yaml_to_jsonb(E'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\ni: [*h, *h, *h, *h, *h, *h, *h, *h, *h]');
SELECT datamesh.yaml_to_jsonb('deep: &d ' || repeat('[', 60) || '1' || repeat(']', 60) || E'\nagain: [[[[[[[[[[*d]]]]]]]]]]');
SELECT datamesh.yaml_to_jsonb('a: ' || repeat('x', 2 * 1024 * 1024));
SET datamesh.yaml_max_alias_nodes = 5;
SELECT datamesh.yaml_to_jsonb(E'a: &a [1, 2, 3]\nb: *a\nc: *a');
RESET datamesh.yaml_max_alias_nodes;
SELECT datamesh.yaml_to_jsonb(E'a: &a [1, 2, 3]\nb: *a\nc: *a');

-- writing YAML
SELECT datamesh.jsonb_to_yaml('{"apiVersion": "datamesh.io/v1", "metadata": {"name": "x", "tags": ["a", "b"], "version": "1.0.0"},
                                "spec": {"sla": {"availability": 99.9}, "empty": {}, "none": [], "text": "line1\nline2\n"}}');
SELECT datamesh.jsonb_to_yaml('["true", "42", "", "null", "~", "0x1F", "1e3", ".5", "<<", " lead", "trail ", "a: b", "#c", "- d", "é", 1.50, true, null]');
SELECT datamesh.jsonb_to_yaml('"scalar"') AS scalar, datamesh.jsonb_to_yaml('42') AS number, datamesh.jsonb_to_yaml('{}') AS empty;

-- the round trip is exact for every jsonb value
SELECT count(*) FILTER (WHERE datamesh.yaml_to_jsonb(datamesh.jsonb_to_yaml(v)) IS DISTINCT FROM v) AS failures, count(*) AS cases
  FROM (VALUES ('{"a": [1, "true", "", "x: y", "multi\nline\n", {}, [], null, 1.50, "0x1F", " lead", "<<", "é",
                      "trail ", "- x", "#c", "a\tb", "\u0001", "null", "~", "1e3", ".5", "-.inf", "yes", "@x", "`y",
                      "%z", "!t", "&a", "*b", "{", "[", "|", ">", "? q", "a #b", "12:30", "0o7", "+1", "-", "..."]}'::jsonb),
               ('"\n"'), ('"  "'), ('1e100'), ('0.000001'), ('-0'), ('123456789012345678901234567890.123'),
               ('{"": 1, "<<": {"a": 1}, "k\nk": 2, "true": 3, "1": 4, "null": 5}'),
               ('[[[]], {"a": {"b": {}}}]'), ('"line\n  indented\n"'), ('" leading space\n x"'),
               ('"\nstarts with newline"'), ('"x"'), ('null'), ('true'), ('{"a": "\r\n"}'), ('"tab\t"'),
               ('"ends with newlines\n\n\n"'), (to_jsonb(repeat('long words ', 50))),
               (('{"k": "' || repeat('x', 300) || '"}')::jsonb)) t(v);
SELECT count(*) FILTER (WHERE datamesh.yaml_to_jsonb(datamesh.jsonb_to_yaml(j)) IS DISTINCT FROM j) AS generated_failures
  FROM (SELECT jsonb_build_object('i', g, 's', 's' || g, 'f', g / 7.0, 'b', g % 2 = 0, 'n', NULL::int,
                                  'l', jsonb_build_array(g, chr(32 + g % 90), repeat(chr(10), g % 3)),
                                  chr(33 + g % 90), g) AS j
          FROM generate_series(1, 2000) g) t;

-- the seed manifests parse
SELECT jsonb_pretty(datamesh.yaml_to_jsonb(pg_read_file(:'root' || '/test/demo/manifests/07-customer-analytics-360.yaml')) -> 'spec' -> 'sla') AS seed_sla;
