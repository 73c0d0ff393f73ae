--
-- Lineage: product graph of the demo mesh (seed 001 get_product_lineage shape),
-- hand-built graphs with cycles, bounds and their notices, both directions,
-- column lineage, manifest lineage sections, cache invalidation, diagrams.
--
\i test/sql/demo_mesh.sql

-- the product graph of the demo mesh: input ports and dependencies of current versions
SELECT * FROM datamesh.lineage_edges ORDER BY source, target;
SELECT * FROM datamesh.lineage('customer-analytics-360', 'upstream');
SELECT * FROM datamesh.lineage('raw-users');
SELECT * FROM datamesh.lineage('customer-domain.raw-users', 'both');
SELECT * FROM datamesh.lineage('daily-revenue', 'both');
-- seed 001's shape
SELECT p AS product, datamesh.get_product_lineage(p) AS lineage
  FROM unnest(ARRAY['customer-analytics-360', 'raw-users', 'orders', 'daily-revenue', 'product-catalog']) p;
SELECT jsonb_pretty(datamesh.lineage_graph('customer-analytics-360', 'upstream'));
SELECT datamesh.lineage_mermaid('customer-analytics-360', 'upstream');
SELECT datamesh.lineage_dot('daily-revenue');

-- errors
SELECT * FROM datamesh.lineage('no-such-product');
SELECT * FROM datamesh.lineage('orders.raw-users');
SELECT * FROM datamesh.lineage('raw-users', 'sideways');
SELECT * FROM datamesh.lineage('raw-users', 'upstream', -1);
SELECT * FROM datamesh.lineage('raw-users', 'upstream', 3, -5);
SELECT * FROM datamesh.lineage(NULL);
SELECT * FROM datamesh.lineage('raw-users', NULL);
SELECT * FROM datamesh.lineage('job:nowhere/nothing');
SELECT datamesh.lineage_graph('raw-users', 'around');

-- a hand-built graph: products of domain "lab" linked by column lineage,
-- with a cycle lab-a -> lab-b -> lab-c -> lab-a and a chain lab-c -> ... -> lab-f
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lab_team') THEN
        CREATE ROLE lab_team NOLOGIN;
    END IF;
END $$;
SET ROLE platform_team;
SELECT datamesh.create_domain('lab', 'lab_team', 'hand-built lineage graphs');
RESET ROLE;
CREATE FUNCTION pg_temp.lab_manifest(name text, extra jsonb DEFAULT '{}') RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'datamesh.io/v1', 'kind', 'DataProduct',
        'metadata', jsonb_build_object('name', name, 'domain', 'lab', 'version', '1.0.0', 'owner', 'lab@example.com'),
        'spec', jsonb_build_object('schema', '{}'::jsonb, 'sla', jsonb_build_object('availability', '99%'),
            'output_ports', jsonb_build_array(jsonb_build_object('name', 'files', 'type', 'file',
                                                                 'location', 's3://lab/' || name))) || extra)::text
$$;
GRANT EXECUTE ON FUNCTION pg_temp.lab_manifest(text, jsonb) TO PUBLIC;
SET ROLE lab_team;
SELECT datamesh.register_product(pg_temp.lab_manifest(p)) ->> 'result' AS result
  FROM unnest(ARRAY['lab-a', 'lab-b', 'lab-c', 'lab-d', 'lab-e', 'lab-f']) p;
SELECT datamesh.add_column_lineage(s, sc, t, tc, tr) ->> 'result' AS result
  FROM (VALUES ('lab-a', 'x', 'lab-b', 'x', 'identity'), ('lab-b', 'x', 'lab-c', 'x', 'transform'),
               ('lab-c', 'x', 'lab-a', 'y', 'aggregate'), ('lab-c', 'x', 'lab-d', 'x', 'identity'),
               ('lab-d', 'x', 'lab-e', 'x', 'filter'), ('lab-e', 'x', 'lab-f', 'x', 'join'),
               ('lab-a', 'x', 'lab-f', 'z', 'hash')) e(s, sc, t, tc, tr);
-- declaring again updates the edge
SELECT datamesh.add_column_lineage('lab.lab-a', 'x', 'lab-f', 'z', 'mask', 'masked copy', 'md5(x)');
RESET ROLE;
SELECT * FROM datamesh.column_lineage_edges WHERE target_product LIKE 'lab-%'
 ORDER BY target_product, target_column, source_product;
-- the cycle is walked once; the root is not repeated
SELECT * FROM datamesh.lineage('lab-a');
SELECT * FROM datamesh.lineage('lab-a', 'upstream');
SELECT product_id, depth, direction FROM datamesh.lineage('lab-d', 'both') ORDER BY direction, depth, product_id;
-- bounds: the notice says what was cut
SELECT product_id, depth FROM datamesh.lineage('lab-a', 'downstream', 2);
SELECT product_id, depth FROM datamesh.lineage('lab-a', 'downstream', 4, 3);
SELECT product_id, depth FROM datamesh.lineage('lab-a', 'downstream', 0);
SELECT product_id, depth, direction FROM datamesh.lineage('lab-c', 'both', 1, 2);
-- bounds that cut nothing say nothing
SELECT count(*) FROM datamesh.lineage('lab-a', 'downstream', 4, 5);
SELECT count(*) FROM datamesh.lineage('lab-a', 'downstream', NULL, NULL);
SELECT (datamesh.lineage_graph('lab-a', 'downstream', 1)) -> 'truncated' AS truncated;
SELECT jsonb_pretty(datamesh.lineage_graph('lab-c', 'both', 1));

-- column lineage
SELECT * FROM datamesh.column_lineage('lab-a', 'x');
SELECT * FROM datamesh.column_lineage('lab-f', 'x', 'upstream');
SELECT product_id, column_name, depth FROM datamesh.column_lineage('lab-f', 'x', 'upstream', 2);
SELECT * FROM datamesh.column_lineage('lab-a', 'x', 'downstream', NULL, NULL, true);
SELECT * FROM datamesh.column_lineage('lab-a', 'no_such_column');
SELECT * FROM datamesh.column_lineage('lab-a', NULL);

-- edge declaration errors
SET ROLE lab_team;
SELECT datamesh.add_column_lineage('lab-a', 'x', 'lab-b', 'x', 'teleport');
SELECT datamesh.add_column_lineage('lab-a', 'x', 'lab-a', 'x');
SELECT datamesh.add_column_lineage('lab-a', '', 'lab-b', 'x');
SELECT datamesh.add_column_lineage('lab-a', 'x', 'nope', 'x');
SELECT datamesh.add_column_lineage('lab-a', 'x', 'lab-b', NULL);
-- the target's domain decides: lab_team may not declare lineage of raw-users
SELECT datamesh.add_column_lineage('lab-a', 'x', 'raw-users', 'email');
SELECT datamesh.remove_column_lineage('lab-a', 'x', 'lab-f', 'z');
SELECT datamesh.remove_column_lineage('lab-a', 'x', 'lab-f', 'z');
RESET ROLE;

-- the cache follows changes: in the same transaction, and back after a rollback
SELECT count(*) AS downstream_of_lab_e FROM datamesh.lineage('lab-e');
BEGIN;
SET ROLE lab_team;
SELECT datamesh.add_column_lineage('lab-f', 'x', 'lab-b', 'w') ->> 'result' AS result;
RESET ROLE;
SELECT product_id, depth FROM datamesh.lineage('lab-e');
ROLLBACK;
SELECT product_id, depth FROM datamesh.lineage('lab-e');
SELECT (s -> 'product_graph' ->> 'cached')::bool AS cached, (s -> 'product_graph' ->> 'nodes')::int AS nodes,
       (s -> 'product_graph' ->> 'edges')::int AS edges
  FROM datamesh.lineage_cache_stats() s;

-- lineage declared in a manifest (spec.lineage) and its validation
SET ROLE lab_team;
SELECT datamesh.register_product(pg_temp.lab_manifest('lab-g', '{"lineage": [
    {"column": "total", "transformation": "aggregate", "description": "sum of x",
     "sources": [{"product": "lab.lab-e", "column": "x"}, {"product": "lab-f", "column": "x"}]},
    {"column": "x", "sources": [{"product": "lab-f", "column": "x"}]}]}')) ->> 'result' AS result;
SELECT jsonb_pretty(datamesh.validate_product(pg_temp.lab_manifest('lab-h', '{"lineage": [
    {"column": "a", "transformation": "teleport", "sources": [{"product": "nope", "column": "x"}]},
    {"column": "", "sources": []},
    {"sources": [{"product": "lab-h", "column": "c"}, {"product": "orders.lab-a"}], "column": "c", "colour": "red"},
    "not a mapping"]}')) -> 'problems');
SELECT datamesh.validate_product(pg_temp.lab_manifest('lab-h', '{"lineage": {"column": "a"}}')) -> 'problems' AS problems;
RESET ROLE;
SELECT source_product, source_column, target_product, target_column, transformation, origin, propagates
  FROM datamesh.column_lineage_edges WHERE target_product = 'lab-g' ORDER BY target_column, source_product;
SELECT * FROM datamesh.lineage('lab-g', 'upstream', 2);
SELECT datamesh.get_product_lineage('lab-f');
-- the manifest's lineage travels with export
SELECT datamesh.yaml_to_jsonb(datamesh.export_manifest('lab-g')) #> '{spec,lineage,1}' AS exported;

-- diagrams escape labels
SELECT datamesh._mermaid_label('a "quoted" <b>|#x'), datamesh._dot_quote(E'a "b" \\ c');
SELECT datamesh.lineage_mermaid('lab-c', 'both', 1);
SELECT datamesh.lineage_dot('lab-c', 'downstream', 1);
