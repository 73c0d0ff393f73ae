--
-- Policy condition language: parser, type checker, compiled form, evaluator
--
-- The extension is created by an earlier test.
SET search_path = datamesh, public;

-- a fixed environment for most cases
CREATE TEMP TABLE env AS SELECT $${
  "user": {"role": "analyst", "roles": ["analyst", "reader"], "region": "EU",
           "team": "sales", "completed_pii_training": true, "email": "ann@example.com",
           "attributes": {"level": 3, "nickname": null}},
  "resource": {"id": "sales.orders", "domain": "sales", "tags": ["gdpr", "pii"],
               "classification": "confidential", "owner": "sales_team",
               "retention_days": 1095, "sla": {"availability": 99.9},
               "quality": {"completeness": 0.97}},
  "column": {"name": "email", "type": "text", "tags": ["pii"], "pii": true},
  "action": "read",
  "context": {"hour": 14, "purpose": "analytics"}
}$$::jsonb AS e;

-- evaluate a condition against the fixed environment
CREATE FUNCTION pg_temp.ev(expr text) RETURNS boolean
    LANGUAGE sql AS $$ SELECT datamesh.eval_condition(expr, (SELECT e FROM env)) $$;
-- the same with the evaluation error, if any
CREATE FUNCTION pg_temp.evd(expr text) RETURNS jsonb
    LANGUAGE sql AS $$ SELECT datamesh.eval_condition_detail(expr, (SELECT e FROM env)) $$;
-- the error of a condition that does not compile
CREATE FUNCTION pg_temp.err(expr text, schema jsonb DEFAULT NULL) RETURNS text
    LANGUAGE sql AS $$ SELECT (datamesh.validate_condition(expr, schema) -> 'error' ->> 'sqlstate') || ' @' ||
                              (datamesh.validate_condition(expr, schema) -> 'error' ->> 'offset') || ': ' ||
                              (datamesh.validate_condition(expr, schema) -> 'error' ->> 'detail') $$;

--
-- The seeds' rules
--
SELECT pg_temp.ev($$user.role in ['analyst','data_scientist'] and user.completed_pii_training$$);
SELECT eval_condition($$user.role in ['analyst','data_scientist'] and user.completed_pii_training$$,
                      '{"user": {"role": "analyst", "completed_pii_training": false}}');
SELECT eval_condition($$user.role in ['analyst','data_scientist'] and user.completed_pii_training$$,
                      '{"user": {"role": "viewer", "completed_pii_training": true}}');
SELECT pg_temp.ev($$'gdpr' in resource.tags and user.region == 'CN'$$);
SELECT eval_condition($$'gdpr' in resource.tags and user.region == 'CN'$$,
                      '{"user": {"region": "CN"}, "resource": {"tags": ["gdpr"]}}');
SELECT pg_temp.ev($$user.region != 'EU'$$);
SELECT eval_condition($$user.region != 'EU'$$, '{"user": {"region": "US"}}');
SELECT pg_temp.ev($$resource.retention_days <= 2555$$);
SELECT eval_condition($$resource.retention_days <= 2555$$, '{"resource": {"retention_days": 2556}}');
SELECT pg_temp.ev($$has(resource.sla)$$);
SELECT eval_condition($$has(resource.sla)$$, '{"resource": {"id": "x"}}');
SELECT pg_temp.ev($$resource.classification in ['public', 'internal'] || user.role == 'data_producer'$$);
SELECT pg_temp.ev($$resource.quality.completeness >= 0.95$$);
SELECT pg_temp.ev($$column.pii && user.role != 'compliance_officer'$$);

--
-- Literals
--
SELECT pg_temp.ev($$true$$), pg_temp.ev($$false$$), pg_temp.ev($$null == null$$);
-- quotes inside strings are escaped with a backslash, not doubled
SELECT pg_temp.ev($$'it''s' == "it's"$$);
SELECT pg_temp.ev($$'it\'s' == "it's"$$);
SELECT pg_temp.ev($$"say \"hi\"" == 'say "hi"'$$);
SELECT pg_temp.ev($$'a\\b' == "a\\b"$$), pg_temp.ev($$size('a\\b') == 3$$);
SELECT pg_temp.ev($$size('tab\there\n') == 9$$);
SELECT pg_temp.ev($$'\u00e9t\u00E9' == 'été'$$), pg_temp.ev($$size('\u00e9') == 1$$);
SELECT pg_temp.ev($$'\/' == '/'$$);
SELECT pg_temp.ev($$1 == 1.0$$), pg_temp.ev($$1.5 > 1.25$$), pg_temp.ev($$-3 < 2$$);
SELECT pg_temp.ev($$1e3 == 1000$$), pg_temp.ev($$2.5E-1 == 0.25$$), pg_temp.ev($$-0 == 0$$);
SELECT pg_temp.ev($$123456789012345678901234567890 > 123456789012345678901234567889$$);
SELECT pg_temp.ev($$0.1 < 0.10000000000000000001$$);
SELECT pg_temp.ev($$size([]) == 0$$), pg_temp.ev($$size([1, 2, 3,]) == 3$$);
SELECT pg_temp.ev($$2 in [1, 2.0, 3]$$), pg_temp.ev($$'b' in ['a', 'c']$$);
SELECT pg_temp.ev($$null in [1, null]$$), pg_temp.ev($$true in [false]$$);

--
-- Operators and precedence
--
SELECT pg_temp.ev($$1 < 2$$), pg_temp.ev($$2 <= 2$$), pg_temp.ev($$3 > 2$$), pg_temp.ev($$2 >= 3$$);
SELECT pg_temp.ev($$'abc' < 'abd'$$), pg_temp.ev($$'ab' < 'abc'$$), pg_temp.ev($$'B' < 'a'$$);
SELECT pg_temp.ev($$'é' > 'z'$$);
SELECT pg_temp.ev($$1 == 2$$), pg_temp.ev($$1 != 2$$), pg_temp.ev($$'a' != 'a'$$);
SELECT pg_temp.ev($$true == true$$), pg_temp.ev($$true != false$$);
-- "and" binds tighter than "or"
SELECT pg_temp.ev($$true or true and false$$), pg_temp.ev($$(true or true) and false$$);
SELECT pg_temp.ev($$false and false or true$$);
-- "not" binds looser than comparisons, tighter than "and"
SELECT pg_temp.ev($$not user.region == 'US'$$), pg_temp.ev($$!(user.region == 'EU')$$);
SELECT pg_temp.ev($$not false and false$$), pg_temp.ev($$not not true$$), pg_temp.ev($$!!false$$);
SELECT pg_temp.ev($$user.region not in ['US', 'CN']$$), pg_temp.ev($$'pii' not in resource.tags$$);
SELECT pg_temp.ev($$true && false || true$$), pg_temp.ev($$true && (false || true)$$);

--
-- Member access
--
SELECT pg_temp.ev($$resource.sla.availability > 99.5$$);
SELECT pg_temp.ev($$resource['sla']['availability'] == 99.9$$);
SELECT pg_temp.ev($$action == 'read'$$), pg_temp.ev($$action in ['read', 'write']$$);
SELECT pg_temp.ev($$user.attributes.level >= 3$$), pg_temp.ev($$user.attributes.nickname == null$$);
SELECT pg_temp.ev($$user.attributes['level'] == 3$$);
SELECT pg_temp.ev($$context.purpose == 'analytics' and context.hour < 18$$);
SELECT pg_temp.ev($$'level' in user.attributes$$), pg_temp.ev($$'rank' in user.attributes$$);

--
-- Functions (and method-call syntax)
--
SELECT pg_temp.ev($$size(user.roles) == 2$$), pg_temp.ev($$user.roles.size() == 2$$);
SELECT pg_temp.ev($$size('héllo') == 5$$), pg_temp.ev($$size(user.attributes) == 2$$);
SELECT pg_temp.ev($$lower(user.region) == 'eu'$$), pg_temp.ev($$upper('Sales') == 'SALES'$$);
SELECT pg_temp.ev($$startsWith(resource.id, 'sales.')$$), pg_temp.ev($$resource.id.startsWith('hr.')$$);
SELECT pg_temp.ev($$user.email.endsWith('@example.com')$$), pg_temp.ev($$endsWith('a', 'ba')$$);
SELECT pg_temp.ev($$resource.id.contains('.ord')$$), pg_temp.ev($$contains('abc', '')$$);
SELECT pg_temp.ev($$contains('abc', 'abcd')$$);
SELECT pg_temp.ev($$resource.id.matches('^[a-z]+\\.[a-z]+$')$$);
SELECT pg_temp.ev($$user.email.matches('(?i)^ANN@')$$), pg_temp.ev($$matches('abc', 'x|y')$$);
SELECT pg_temp.ev($$resource.id.lower().startsWith('sales')$$);

--
-- Run-time errors: NULL result; "and"/"or" absorb them (CEL semantics)
--
SELECT pg_temp.evd($$user.department == 'x'$$);
SELECT pg_temp.evd($$row.amount > 10$$);
SELECT pg_temp.evd($$false && user.department == 'x'$$);
SELECT pg_temp.evd($$user.department == 'x' && false$$);
SELECT pg_temp.evd($$true || user.department == 'x'$$);
SELECT pg_temp.evd($$user.department == 'x' || true$$);
SELECT pg_temp.evd($$user.department == 'x' && true$$);
SELECT pg_temp.evd($$user.department == 'x' || false$$);
SELECT pg_temp.evd($$not (user.department == 'x')$$);
SELECT pg_temp.evd($$has(user.department)$$), pg_temp.evd($$has(row.amount)$$);
SELECT pg_temp.evd($$has(resource.sla.availability)$$), pg_temp.evd($$has(user.attributes.nickname)$$);
SELECT pg_temp.evd($$user.attributes.nickname.startsWith('a')$$);
SELECT pg_temp.evd($$user.attributes.nickname > 1$$);
SELECT pg_temp.evd($$user.attributes.level.x == 1$$);
SELECT pg_temp.evd($$user.attributes.level$$);
SELECT pg_temp.evd($$user.attributes.level in user.attributes.nickname$$);
SELECT pg_temp.evd($$user.attributes.level == 'three'$$);
SELECT pg_temp.evd($$user.region in [user.department, 'EU']$$);
SELECT pg_temp.evd($$user.region in [user.department, 'US']$$);
SELECT pg_temp.evd($$lower(user.attributes.level) == 'x'$$);
SELECT pg_temp.evd($$size(user.attributes.level) == 1$$);
SELECT eval_condition($$user.region == 'EU'$$, '{"user": {"region": null}}');
SELECT eval_condition($$user.region == null$$, '{"user": {"region": null}}');
SELECT eval_condition($$action == 'read'$$, '{}');

--
-- Syntax errors: offset (1-based characters) and what was expected
--
SELECT compile_condition($$user.role == 'a' and$$);
SELECT compile_condition($$(user.role == 'a'$$);
SELECT compile_condition($$user.role = 'a'$$);
SELECT compile_condition($$user.role == 'a' & true$$);
SELECT compile_condition($$user.role == 'a' | true$$);
SELECT compile_condition($$user.role == 'abc$$);
SELECT compile_condition($$'\q'$$);
SELECT compile_condition($$'\u12' == 'a'$$);
SELECT compile_condition($$'\u0000' == 'a'$$);
SELECT compile_condition($$1 < 2 < 3$$);
SELECT compile_condition($$user.$$);
SELECT compile_condition($$user.role ==$$);
SELECT compile_condition($$$$);
SELECT compile_condition($$   $$);
SELECT compile_condition($$true false$$);
SELECT compile_condition($$[1, 2$$);
SELECT compile_condition($$size(1 2)$$);
SELECT compile_condition($$1e$$);
SELECT compile_condition($$12abc == 1$$);
SELECT compile_condition($$- 'a' == 'a'$$);
SELECT compile_condition($$user.role == 'a' ; drop table x$$);
SELECT compile_condition($$has(user)$$);
SELECT compile_condition($$has('a')$$);
SELECT compile_condition($$resource[1] == 1$$);
-- offsets count characters, not bytes
SELECT compile_condition($$'ééé' == 'ééé' and$$);
SELECT compile_condition($$'ééé' == 'ééé' ~$$);

--
-- Unknown roots, attributes and functions
--
SELECT compile_condition($$usr.role == 'a'$$);
SELECT compile_condition($$user.regoin == 'EU'$$);
SELECT compile_condition($$column.pii_level > 1$$);
-- an object with "*" admits any attribute
SELECT compile_condition($$resource.sla.uptime > 1$$) IS NOT NULL AS open_object;
SELECT compile_condition($$has(resource.owner_team)$$);
SELECT compile_condition($$foo(user.role)$$);
SELECT compile_condition($$user.role.trim() == 'a'$$);
SELECT compile_condition($$size(user.roles, 1) == 1$$);
SELECT compile_condition($$startsWith(user.role)$$);

--
-- Type errors
--
SELECT compile_condition($$user.region > 3$$);
SELECT compile_condition($$size(3) == 1$$);
SELECT compile_condition($$not 'a'$$);
SELECT compile_condition($$user.role$$);
SELECT compile_condition($$size(user.roles)$$);
SELECT compile_condition($$user.role == 1$$);
SELECT compile_condition($$user.completed_pii_training == 'yes'$$);
SELECT compile_condition($$true < false$$);
SELECT compile_condition($$user.roles == ['a']$$);
SELECT compile_condition($$'a' in 'abc'$$);
SELECT compile_condition($$1 in user.roles$$);
SELECT compile_condition($$user.roles in user.roles$$);
SELECT compile_condition($$user.role.x == 1$$);
SELECT compile_condition($$size('a').x == 1$$);
SELECT compile_condition($$lower(1) == 'a'$$);
SELECT compile_condition($$startsWith(user.role, 1)$$);
SELECT compile_condition($$[[1]] == null$$);
SELECT compile_condition($$true and 'a'$$);
SELECT compile_condition($$1 or true$$);
SELECT compile_condition($$user.role.matches(user.region)$$);
SELECT compile_condition($$user.role.matches('(a')$$);
SELECT compile_condition($$user.role.matches('a{2,1}')$$);
SELECT compile_condition($$1 in resource.sla$$);

--
-- validate_condition: the same errors as jsonb, never raised
--
SELECT validate_condition($$user.role in ['analyst'] and user.completed_pii_training$$);
SELECT validate_condition($$user.role in ['analyst' and$$);
SELECT validate_condition($$user.regoin == 'EU'$$);
SELECT validate_condition($$user.region > 3$$);
SELECT validate_condition(NULL);
SELECT q, pg_temp.err(q) FROM (VALUES ($$x == 1$$), ($$user.role == $$), ($$user.role.matches('[')$$),
                                      ($$not 1$$), ($$true &&$$), ($$'unterminated$$)) t(q);

--
-- Schemas given by the caller
--
SELECT eval_condition($$row.amount > 100 and row.currency == 'EUR'$$,
                      '{"row": {"amount": 120, "currency": "EUR"}}',
                      '{"row": {"amount": "number", "currency": "string"}}');
SELECT compile_condition($$row.amount > 'x'$$, '{"row": {"amount": "number"}}');
SELECT compile_condition($$row.other == 1$$, '{"row": {"amount": "number"}}');
SELECT compile_condition($$user.role == 'a'$$, '{"row": {"amount": "number"}}');
SELECT eval_condition($$row.anything.at.all == 1$$, '{"row": {"anything": {"at": {"all": 1}}}}',
                      '{"row": {"*": "any"}}');
SELECT eval_condition($$row.known == 'a' and row.other > 2$$, '{"row": {"known": "a", "other": 3}}',
                      '{"row": {"known": "string", "*": "number"}}');
SELECT compile_condition($$row.other == 'a'$$, '{"row": {"known": "string", "*": "number"}}');
SELECT eval_condition($$action == 'read'$$, '{"action": "read"}', '{"action": "string"}');
SELECT eval_condition($$'x' in row.codes$$, '{"row": {"codes": ["x"]}}', '{"row": {"codes": "list"}}');
SELECT compile_condition($$1 in row.codes$$, '{"row": {"codes": "list<string>"}}');
SELECT eval_condition($$row.o.k == 1$$, '{"row": {"o": {"k": 1}}}', '{"row": {"o": "object"}}');
-- invalid schemas
SELECT compile_condition($$true$$, '{"people": {}}');
SELECT compile_condition($$true$$, '{"user": {"role": "strng"}}');
SELECT compile_condition($$true$$, '{"user": {"tags": "list<list<string>>"}}');
SELECT compile_condition($$true$$, '{"user": {"sla": {"x": 3}}}');
SELECT compile_condition($$true$$, '[1]');
-- the built-in schema
SELECT jsonb_object_keys(policy_default_schema()) AS root ORDER BY 1;
SELECT policy_default_schema() -> 'user' ->> 'completed_pii_training' AS pii_training,
       policy_default_schema() -> 'resource' ->> 'tags' AS tags;

--
-- Limits
--
SELECT current_setting('datamesh.policy_max_expression_length');
SELECT compile_condition(repeat('true and ', 500) || 'true');
SELECT validate_condition(repeat('true and ', 500) || 'true') -> 'error' ->> 'sqlstate';
SELECT compile_condition(repeat('(', 40) || 'true' || repeat(')', 40));
SELECT compile_condition(repeat('not ', 40) || 'true');
SELECT compile_condition(repeat('(', 30) || 'true' || repeat(')', 30)) IS NOT NULL AS thirty_deep_ok;
-- long "and"/"or" chains are flat, not deep
SELECT pg_temp.ev(repeat('true and ', 200) || 'true') AS long_chain;
SELECT (explain_condition(repeat('true or ', 200) || 'false') ->> 'depth')::int AS chain_depth;
SET datamesh.policy_max_expression_length = 100000;
SELECT compile_condition('1 in [' || repeat('1, ', 1100) || '1]');
RESET datamesh.policy_max_expression_length;
SET datamesh.policy_max_expression_length = 16;
SELECT compile_condition($$user.role == 'analyst'$$);
RESET datamesh.policy_max_expression_length;

--
-- explain_condition: the tree as jsonb
--
SELECT jsonb_pretty(explain_condition($$user.role in ['a', 'b'] and not has(resource.sla) or size(resource.tags) > 2$$));
SELECT explain_condition($$resource.id.startsWith('sales')$$) -> 'ast';
SELECT explain_condition($$user.region not in ['EU']$$) -> 'ast' ->> 'op' AS not_in;
SELECT explain_condition($$-1.50 < 2 and null == null$$) -> 'ast' -> 'args' -> 0 -> 'left';
SELECT explain_condition($$context.hour < 12$$) -> 'roots' AS roots;

--
-- Compiled programs: stored, copied, evaluated without parsing
--
CREATE TEMP TABLE progs (name text, src text, program bytea);
INSERT INTO progs (name, src) VALUES
  ('pii', $$user.role in ['analyst','data_scientist'] and user.completed_pii_training$$),
  ('gdpr', $$'gdpr' in resource.tags and user.region == 'CN'$$),
  ('email', $$user.region != 'EU'$$),
  ('retention', $$resource.retention_days <= 2555$$),
  ('sla', $$has(resource.sla)$$),
  ('err', $$user.department == 'x'$$);
UPDATE progs SET program = compile_condition(src);
SELECT name, eval_compiled(program, (SELECT e FROM env)) AS compiled,
       eval_condition(src, (SELECT e FROM env)) AS direct
  FROM progs ORDER BY name;
SELECT name, explain_compiled(program) -> 'roots' AS roots,
       explain_compiled(program) = explain_condition(src) AS same_tree
  FROM progs ORDER BY name;
SELECT eval_compiled(compile_condition($$true$$), '{}');
SELECT eval_compiled(compile_condition($$user.role == 'a'$$), '{"user": {"role": "a"}}');
-- environments must be objects naming known roots
SELECT eval_compiled(compile_condition($$true$$), '[1]');
SELECT eval_compiled(compile_condition($$true$$), '{"usr": {}}');

--
-- Corrupted programs are rejected, never trusted
--
SELECT eval_compiled('\x'::bytea, '{}');
SELECT eval_compiled('\x00010203'::bytea, '{}');
SELECT eval_compiled(decode(repeat('00', 64), 'hex'), '{}');
-- wrong version
SELECT eval_compiled(overlay(compile_condition($$true$$) placing '\x0200'::bytea from 5), '{}');
-- truncated and extended
SELECT eval_compiled(substr(p, 1, length(p) - 4), '{}') FROM (SELECT compile_condition($$user.role == 'a'$$) p) s;
SELECT eval_compiled(p || '\x00000000'::bytea, '{}') FROM (SELECT compile_condition($$user.role == 'a'$$) p) s;
-- every single byte flipped: rejected (ERROR) or still a well-formed program; never a crash
CREATE FUNCTION pg_temp.try_eval(p bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN coalesce(datamesh.eval_compiled(p, (SELECT e FROM env))::text, 'eval error');
EXCEPTION WHEN invalid_binary_representation THEN
    RETURN 'rejected';
END $$;
SELECT outcome, count(*) > 0 AS seen
  FROM (SELECT pg_temp.try_eval(set_byte(p, i, get_byte(p, i) # 255)) AS outcome
          FROM (SELECT compile_condition($$user.role in ['analyst', 'x'] and resource.id.matches('^s') and
                                          size(resource.tags) > 1.5 and not has(row.x)$$) p) s,
               generate_series(0, length(p) - 1) i) t
 GROUP BY outcome ORDER BY outcome;
-- pseudo-random corruption of several bytes at once
SELECT count(*) AS trials, count(*) FILTER (WHERE outcome = 'rejected') > 0 AS some_rejected
  FROM (SELECT pg_temp.try_eval(set_byte(set_byte(p, (i * 7919) % length(p), (i * 31) % 256),
                                         (i * 104729) % length(p), (i * 17) % 256)) AS outcome
          FROM (SELECT compile_condition($$'gdpr' in resource.tags and user.region == 'CN' or
                                          resource.sla.availability >= 99.5$$) p) s,
               generate_series(1, 2000) i) t;
-- a node referring to itself or to a later node
SELECT explain_compiled(p) IS NOT NULL FROM (SELECT compile_condition($$not true$$) p) s;
SELECT eval_compiled(overlay(p placing '\x01000000'::bytea from 49), '{}')
  FROM (SELECT compile_condition($$not true$$) p) s;

--
-- More evaluation cases
--
-- numbers from jsonb against literals of other widths
SELECT pg_temp.ev($$resource.sla.availability == 99.90$$), pg_temp.ev($$context.hour == 14$$),
       pg_temp.ev($$size(user.roles) < 2.5$$), pg_temp.ev($$size(user.roles) == 2.0$$);
SELECT eval_condition($$3 in row.nums and 2.50 in row.nums and not (4 in row.nums)$$,
                      '{"row": {"nums": [1, 2.5, 3]}}', '{"row": {"nums": "list<number>"}}');
SELECT eval_condition($$row.big > 99999999999999999999 and row.small < -99999999999999999999$$,
                      '{"row": {"big": 100000000000000000000, "small": -100000000000000000000}}');
-- values of "any" type: equality across types is false, ordering across types is an error
SELECT eval_condition_detail($$row.a == row.b$$, '{"row": {"a": 1, "b": "1"}}');
SELECT eval_condition_detail($$row.a < row.b$$, '{"row": {"a": 1, "b": "1"}}');
SELECT eval_condition_detail($$row.a == row.b$$, '{"row": {"a": {"x": [1, 2]}, "b": {"x": [1, 2.0]}}}');
SELECT eval_condition_detail($$row.a != row.b$$, '{"row": {"a": [1], "b": [2]}}');
SELECT eval_condition_detail($$row.flag$$, '{"row": {"flag": true}}');
SELECT eval_condition_detail($$row.flag and true$$, '{"row": {"flag": "yes"}}');
SELECT eval_condition_detail($$not row.flag$$, '{"row": {"flag": 1}}');
SELECT eval_condition_detail($$'k' in row$$, '{"row": {"k": 1}}');
SELECT eval_condition_detail($$row.x in row$$, '{"row": {"x": 1}}');
SELECT eval_condition_detail($$row.true == true and row.in == 1$$, '{"row": {"true": true, "in": 1}}');
-- a root given as an array or a scalar where an object is read
SELECT eval_condition_detail($$row.x == 1$$, '{"row": [1, 2]}');
SELECT eval_condition_detail($$has(row.x)$$, '{"row": "text"}');
SELECT eval_condition_detail($$has(resource.sla.availability)$$, '{"resource": {"sla": "gold"}}');
SELECT eval_condition_detail($$action == 'read'$$, '{"action": {"name": "read"}}');
-- the first error that decides is reported, absorbed ones are forgotten
SELECT pg_temp.evd($$user.department == 'x' || user.clearance == 'y'$$);
SELECT pg_temp.evd($$(user.department == 'x' and false) or user.clearance == 'y'$$);
SELECT pg_temp.evd($$user.clearance in [user.department, 'x'] or user.name == 'y'$$);
SELECT pg_temp.evd($$'EU' in [user.department, user.region]$$);
-- methods on literals and chains of methods
SELECT pg_temp.ev($$'abc'.startsWith('a')$$), pg_temp.ev($$[1, 2].size() == 2$$),
       pg_temp.ev($$user.email.upper().endsWith('.COM')$$);
SELECT pg_temp.ev($$resource['id'].contains('orders')$$);
-- a list of mixed literals is list<any>; a uniform one is checked against the left operand
SELECT compile_condition($$user.role in ['a', 1]$$) IS NOT NULL AS mixed_list_ok;
SELECT explain_condition($$1 in [1, 'a', true, null]$$) -> 'ast' -> 'right' ->> 'type' AS mixed_list_type;
SELECT compile_condition($$user.role in [1, 2]$$);
-- NULL arguments
SELECT compile_condition(NULL) IS NULL AS null_expr, eval_condition(NULL, '{}') IS NULL AS null_eval,
       eval_condition('true', NULL) IS NULL AS null_env, explain_condition(NULL) IS NULL AS null_explain;
-- number literals
SELECT compile_condition(repeat('9', 101) || ' > 1');
SELECT pg_temp.ev(repeat('9', 100) || ' > 1');
SELECT pg_temp.ev($$1e999 > 1e998 and 1e-999 > 0$$);
SELECT compile_condition($$1e1000 > 1$$);
SELECT compile_condition($$1.e5 > 1$$);
-- keywords are lower case: "AND" and "True" are not keywords
SELECT compile_condition($$true AND false$$);
SELECT compile_condition($$True$$);
-- the benchmark helper evaluates in C
SELECT _policy_eval_loop(compile_condition($$user.role == 'analyst'$$), (SELECT e FROM env), 100) > 0 AS timed;
SELECT _policy_eval_loop(compile_condition($$user.role == 'analyst'$$), (SELECT e FROM env), 100, true) > 0 AS timed_trusted;
SELECT _policy_eval_loop(compile_condition($$true$$), '{}', 0);
-- trusted evaluation still checks the program once
SELECT _policy_eval_loop('\x00'::bytea, '{}', 10, true);
-- constant folding: lower/upper/size of literals are computed when compiling
SELECT explain_condition($$user.region == upper('eu')$$) -> 'ast' -> 'right';
SELECT explain_condition($$size('abc') == 3 and size([1, 2]) == 2$$) -> 'ast' -> 'args' -> 1 -> 'left';
SELECT pg_temp.ev($$lower('SALES.Orders') == resource.id$$), pg_temp.ev($$size('') == 0$$);
-- a program whose string is not valid text still evaluates safely, but is not explained
SELECT eval_compiled(overlay(p placing '\xff'::bytea from position('\x616263'::bytea in p)),
                     '{"user": {"role": "abc"}}') AS still_evaluates
  FROM (SELECT compile_condition($$user.role == 'abc'$$) p) s;
SELECT explain_compiled(overlay(p placing '\xff'::bytea from position('\x616263'::bytea in p)))
  FROM (SELECT compile_condition($$user.role == 'abc'$$) p) s;
SELECT explain_compiled(overlay(p placing '\x00'::bytea from position('\x616263'::bytea in p)))
  FROM (SELECT compile_condition($$user.role == 'abc'$$) p) s;

--
-- Parser fuzzing: random token sequences are either compiled or rejected with
-- a language error (never a crash, never another kind of error); those that
-- compile evaluate to true, false or an evaluation error
--
SELECT setseed(0.42);
CREATE TEMP TABLE fuzz AS
SELECT i, string_agg(tok[1 + floor(random() * array_length(tok, 1))::int], ' ') AS q
  FROM (SELECT ARRAY['user', 'resource', '.', 'role', 'tags', 'region', 'sla', 'availability',
                     '(', ')', '[', ']', ',', 'and', 'or', 'not', '!', '&&', '||', '==', '!=', '<',
                     '>=', 'in', 'has', 'size', 'startsWith', 'matches', '''a''', '''(''', '"x"',
                     '1', '2.5', '-', 'true', 'false', 'null', 'action', 'row', '''\u00e9''',
                     '''\q''', '=', '&', '#', 'é', 'lower', '.size()'] AS tok) t,
       generate_series(1, 3000) i, generate_series(1, 1 + (i % 12)) j
 GROUP BY i;
SELECT coalesce(v -> 'error' ->> 'sqlstate', 'valid') AS outcome, count(*) > 0 AS seen
  FROM fuzz, LATERAL validate_condition(q) v
 GROUP BY 1 ORDER BY 1;
SELECT count(*) AS compiled, count(r) AS decided
  FROM (SELECT eval_condition(q, (SELECT e FROM env)) r
          FROM fuzz WHERE (validate_condition(q) ->> 'valid')::boolean) s;

--
-- Differential test of the three-valued logic: random conditions built from
-- atoms whose outcome is known (true, false, or an evaluation error) must give
-- what SQL's AND/OR/NOT give with NULL for the error, which is exactly the
-- CEL absorption rule (false AND NULL = false, true OR NULL = true ...)
--
CREATE FUNCTION pg_temp.gen(d int) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    atoms text[][] := ARRAY[
        ARRAY[$c$user.role == 'analyst'$c$, 'true'],
        ARRAY[$c$'gdpr' in resource.tags$c$, 'true'],
        ARRAY[$c$has(resource.sla)$c$, 'true'],
        ARRAY[$c$size(user.roles) > 1$c$, 'true'],
        ARRAY[$c$'x' in [user.department, 'x']$c$, 'true'],
        ARRAY[$c$true$c$, 'true'],
        ARRAY[$c$user.region == 'CN'$c$, 'false'],
        ARRAY[$c$resource.retention_days > 2555$c$, 'false'],
        ARRAY[$c$resource.id.matches('^hr')$c$, 'false'],
        ARRAY[$c$has(user.department)$c$, 'false'],
        ARRAY[$c$false$c$, 'false'],
        ARRAY[$c$user.department == 'x'$c$, 'NULL'],
        ARRAY[$c$row.x > 1$c$, 'NULL'],
        ARRAY[$c$user.attributes.nickname.startsWith('a')$c$, 'NULL'],
        ARRAY[$c$'y' in [user.department, 'x']$c$, 'NULL']];
    r float8 := random();
    a text[];
    b text[];
    k int;
BEGIN
    IF d = 0 OR r < 0.25 THEN
        k := 1 + floor(random() * array_length(atoms, 1))::int;
        RETURN ARRAY[atoms[k][1], atoms[k][2]];
    END IF;
    a := pg_temp.gen(d - 1);
    IF r < 0.4 THEN
        RETURN ARRAY[CASE WHEN random() < 0.5 THEN 'not (' ELSE '!(' END || a[1] || ')',
                     'NOT (' || a[2] || ')'];
    END IF;
    b := pg_temp.gen(d - 1);
    IF r < 0.7 THEN
        RETURN ARRAY['(' || a[1] || CASE WHEN random() < 0.5 THEN ' and ' ELSE ' && ' END || b[1] || ')',
                     '(' || a[2] || ' AND ' || b[2] || ')'];
    END IF;
    RETURN ARRAY['(' || a[1] || CASE WHEN random() < 0.5 THEN ' or ' ELSE ' || ' END || b[1] || ')',
                 '(' || a[2] || ' OR ' || b[2] || ')'];
END $$;
CREATE FUNCTION pg_temp.oracle(expr text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    r boolean;
BEGIN
    EXECUTE 'SELECT ' || expr INTO r;
    RETURN r;
END $$;
SELECT setseed(0.7);
CREATE TEMP TABLE diff AS SELECT i, pg_temp.gen(6) AS g FROM generate_series(1, 1500) i;
SELECT count(*) AS conditions,
       count(*) FILTER (WHERE pg_temp.ev(g[1]) IS NOT DISTINCT FROM pg_temp.oracle(g[2])) AS agree,
       count(*) FILTER (WHERE pg_temp.oracle(g[2])) > 0 AS some_true,
       count(*) FILTER (WHERE NOT pg_temp.oracle(g[2])) > 0 AS some_false,
       count(*) FILTER (WHERE pg_temp.oracle(g[2]) IS NULL) > 0 AS some_error
  FROM diff;
-- compiled once, evaluated from the bytea: the same answers
SELECT count(*) FILTER (WHERE eval_compiled(compile_condition(g[1]), (SELECT e FROM env))
                        IS NOT DISTINCT FROM pg_temp.oracle(g[2])) AS agree_compiled
  FROM diff;
