--
-- Installing and using datamesh is safe with hostile objects planted in
-- schema public: functions, operators and types that would be chosen over
-- the pg_catalog ones (same or better-matching argument types) if public were
-- searched first, and tables and types named like datamesh's.  Every trap
-- writes to public.trap_log.  The extension is installed and used by a
-- superuser with search_path = public, pg_catalog, and no trap may fire.
-- A pre-existing schema "datamesh" makes CREATE EXTENSION fail instead of
-- being reused.  Ends with the extension installed and the planted objects
-- gone.
--
\set VERBOSITY default

-- start without datamesh (the objects earlier tests left that depend on it go too)
SET client_min_messages = warning;
DROP EXTENSION datamesh CASCADE;
RESET client_min_messages;
SELECT count(*) AS datamesh_schemas FROM pg_namespace WHERE nspname = 'datamesh';

------------------------------------------------------------ the planting
-- an unprivileged role that may create objects in public, as in databases
-- created before PostgreSQL 15 or where public was opened up
CREATE ROLE hostile_planter NOLOGIN;
GRANT CREATE ON SCHEMA public TO hostile_planter;
SET ROLE hostile_planter;

CREATE TABLE public.trap_log (id serial PRIMARY KEY, trap pg_catalog.text NOT NULL);
GRANT SELECT, INSERT ON public.trap_log TO PUBLIC;
GRANT USAGE ON SEQUENCE public.trap_log_id_seq TO PUBLIC;
CREATE FUNCTION public.trap(what pg_catalog.text) RETURNS pg_catalog.bool
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ INSERT INTO public.trap_log (trap) VALUES (what); SELECT true $$;

-- functions: each logs, then does what the pg_catalog function does
CREATE FUNCTION public.format(pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('format(text, text)'); SELECT pg_catalog.format($1, $2) $$;
CREATE FUNCTION public.format(pg_catalog.text, pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('format(text, text, text)'); SELECT pg_catalog.format($1, $2, $3) $$;
CREATE FUNCTION public.array_to_string(pg_catalog.text[], pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('array_to_string(text[], text)'); SELECT pg_catalog.array_to_string($1, $2) $$;
CREATE FUNCTION public.jsonb_build_object(pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.jsonb
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('jsonb_build_object(text, text)'); SELECT pg_catalog.jsonb_build_object($1, $2) $$;
CREATE FUNCTION public.jsonb_typeof(pg_catalog.jsonb) RETURNS pg_catalog.text
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('jsonb_typeof(jsonb)'); SELECT pg_catalog.jsonb_typeof($1) $$;
CREATE FUNCTION public.jsonb_array_length(pg_catalog.jsonb) RETURNS pg_catalog.int4
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('jsonb_array_length(jsonb)'); SELECT pg_catalog.jsonb_array_length($1) $$;
CREATE FUNCTION public.to_jsonb(pg_catalog.text) RETURNS pg_catalog.jsonb
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('to_jsonb(text)'); SELECT pg_catalog.to_jsonb($1) $$;
CREATE FUNCTION public.length(pg_catalog.text) RETURNS pg_catalog.int4
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('length(text)'); SELECT pg_catalog.length($1) $$;
CREATE FUNCTION public.btrim(pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('btrim(text)'); SELECT pg_catalog.btrim($1) $$;
CREATE FUNCTION public.strpos(pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.int4
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('strpos(text, text)'); SELECT pg_catalog.strpos($1, $2) $$;
CREATE FUNCTION public.split_part(pg_catalog.text, pg_catalog.text, pg_catalog.int4) RETURNS pg_catalog.text
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('split_part(text, text, int)'); SELECT pg_catalog.split_part($1, $2, $3) $$;
CREATE FUNCTION public.replace(pg_catalog.text, pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('replace(text, text, text)'); SELECT pg_catalog.replace($1, $2, $3) $$;
CREATE FUNCTION public.regexp_match(pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.text[]
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('regexp_match(text, text)'); SELECT pg_catalog.regexp_match($1, $2) $$;
CREATE FUNCTION public.to_regclass(pg_catalog.text) RETURNS pg_catalog.regclass
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('to_regclass(text)'); SELECT pg_catalog.to_regclass($1) $$;
CREATE FUNCTION public.pg_has_role(pg_catalog.oid, pg_catalog.name, pg_catalog.text) RETURNS pg_catalog.bool
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('pg_has_role(oid, name, text)'); SELECT pg_catalog.pg_has_role($1, $2, $3) $$;
CREATE FUNCTION public.now() RETURNS pg_catalog.timestamptz
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('now()'); SELECT pg_catalog.now() $$;
-- datamesh's own function names, for unqualified calls
CREATE FUNCTION public.yaml_to_jsonb(pg_catalog.text) RETURNS pg_catalog.jsonb
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('yaml_to_jsonb(text)'); SELECT pg_catalog.to_jsonb($1) $$;
CREATE FUNCTION public.jsonb_to_yaml(pg_catalog.jsonb) RETURNS pg_catalog.text
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('jsonb_to_yaml(jsonb)'); SELECT $1::pg_catalog.text $$;
CREATE FUNCTION public.semver_range_valid(pg_catalog.text) RETURNS pg_catalog.bool
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('semver_range_valid(text)') $$;

-- operators
CREATE FUNCTION public.trap_text_eq(pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.bool
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('= (text, text)') AND pg_catalog.texteq($1, $2) $$;
CREATE OPERATOR public.= (LEFTARG = pg_catalog.text, RIGHTARG = pg_catalog.text, FUNCTION = public.trap_text_eq);
CREATE FUNCTION public.trap_text_varchar_eq(pg_catalog.text, pg_catalog.varchar) RETURNS pg_catalog.bool
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('= (text, varchar)') AND pg_catalog.texteq($1, $2) $$;
CREATE OPERATOR public.= (LEFTARG = pg_catalog.text, RIGHTARG = pg_catalog.varchar, FUNCTION = public.trap_text_varchar_eq);
CREATE FUNCTION public.trap_text_ne(pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.bool
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('<> (text, text)') AND pg_catalog.textne($1, $2) $$;
CREATE OPERATOR public.<> (LEFTARG = pg_catalog.text, RIGHTARG = pg_catalog.text, FUNCTION = public.trap_text_ne);
CREATE FUNCTION public.trap_text_regex(pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.bool
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('~ (text, text)') AND pg_catalog.textregexeq($1, $2) $$;
CREATE OPERATOR public.~ (LEFTARG = pg_catalog.text, RIGHTARG = pg_catalog.text, FUNCTION = public.trap_text_regex);
CREATE FUNCTION public.trap_text_cat(pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('|| (text, text)'); SELECT pg_catalog.textcat($1, $2) $$;
CREATE OPERATOR public.|| (LEFTARG = pg_catalog.text, RIGHTARG = pg_catalog.text, FUNCTION = public.trap_text_cat);
CREATE FUNCTION public.trap_array_append(pg_catalog.text[], pg_catalog.text) RETURNS pg_catalog.text[]
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('|| (text[], text)'); SELECT pg_catalog.array_append($1, $2) $$;
CREATE OPERATOR public.|| (LEFTARG = pg_catalog.text[], RIGHTARG = pg_catalog.text, FUNCTION = public.trap_array_append);
CREATE FUNCTION public.trap_jsonb_field(pg_catalog.jsonb, pg_catalog.text) RETURNS pg_catalog.jsonb
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('-> (jsonb, text)'); SELECT pg_catalog.jsonb_object_field($1, $2) $$;
CREATE OPERATOR public.-> (LEFTARG = pg_catalog.jsonb, RIGHTARG = pg_catalog.text, FUNCTION = public.trap_jsonb_field);
CREATE FUNCTION public.trap_jsonb_field_text(pg_catalog.jsonb, pg_catalog.text) RETURNS pg_catalog.text
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('->> (jsonb, text)'); SELECT pg_catalog.jsonb_object_field_text($1, $2) $$;
CREATE OPERATOR public.->> (LEFTARG = pg_catalog.jsonb, RIGHTARG = pg_catalog.text, FUNCTION = public.trap_jsonb_field_text);
CREATE FUNCTION public.trap_jsonb_exists(pg_catalog.jsonb, pg_catalog.text) RETURNS pg_catalog.bool
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('? (jsonb, text)') AND pg_catalog.jsonb_exists($1, $2) $$;
CREATE OPERATOR public.? (LEFTARG = pg_catalog.jsonb, RIGHTARG = pg_catalog.text, FUNCTION = public.trap_jsonb_exists);

-- types and tables named like datamesh's or like built-in ones
CREATE DOMAIN public.semver AS pg_catalog.text CHECK (public.trap('type public.semver'));
CREATE DOMAIN public.text AS pg_catalog.text CHECK (public.trap('type public.text'));
CREATE DOMAIN public.regrole AS pg_catalog.oid CHECK (public.trap('type public.regrole'));
CREATE TABLE public.domains (name pg_catalog.text, owner pg_catalog.oid, description pg_catalog.text);
INSERT INTO public.domains VALUES ('planted-domain', 0, 'not a datamesh domain');
CREATE FUNCTION public.trap_table() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog
    AS $$ BEGIN PERFORM public.trap('table public.' || TG_TABLE_NAME); RETURN NULL; END $$;
CREATE TRIGGER domains_trap BEFORE INSERT OR UPDATE OR DELETE ON public.domains
    FOR EACH ROW EXECUTE FUNCTION public.trap_table();
CREATE TABLE public.data_products (product_id pg_catalog.text, domain pg_catalog.text);
CREATE TRIGGER data_products_trap BEFORE INSERT OR UPDATE OR DELETE ON public.data_products
    FOR EACH ROW EXECUTE FUNCTION public.trap_table();
CREATE VIEW public.products AS
    SELECT 'planted-product'::pg_catalog.text AS product_id WHERE public.trap('view public.products');
RESET ROLE;

-- what was planted
SELECT 'function' AS kind, count(*) FROM pg_proc
 WHERE pronamespace = 'public'::regnamespace AND proowner = 'hostile_planter'::regrole
UNION ALL
SELECT 'operator', count(*) FROM pg_operator
 WHERE oprnamespace = 'public'::regnamespace AND oprowner = 'hostile_planter'::regrole
UNION ALL
SELECT 'domain type', count(*) FROM pg_type
 WHERE typnamespace = 'public'::regnamespace AND typowner = 'hostile_planter'::regrole AND typtype = 'd'
UNION ALL
SELECT 'table or view', count(*) FROM pg_class
 WHERE relnamespace = 'public'::regnamespace AND relowner = 'hostile_planter'::regrole AND relkind IN ('r', 'v');

-- the traps work: an unqualified call with public first in search_path hits them
SET search_path = public, pg_catalog;
SELECT format('%s', 'x'::pg_catalog.text) AS format_call,
       'a'::pg_catalog.text = 'a'::pg_catalog.text AS text_eq, now() IS NOT NULL AS now_call;
SET search_path = pg_catalog, pg_temp;
SELECT trap FROM public.trap_log ORDER BY id;
DELETE FROM public.trap_log;

------------------------------------------------- install with public first
SET search_path = public, pg_catalog;
CREATE EXTENSION datamesh;
SET search_path = pg_catalog, pg_temp;
SELECT trap AS traps_after_install, count(*) FROM public.trap_log GROUP BY trap ORDER BY trap;
SELECT extname, extversion, extnamespace::regnamespace AS extschema FROM pg_extension WHERE extname = 'datamesh';

------------------------------------------------------- use with public first
CREATE ROLE hostile_owner NOLOGIN;
CREATE SCHEMA hostile_data AUTHORIZATION hostile_owner;
CREATE TABLE hostile_data.orders (order_id bigint PRIMARY KEY, total numeric(12,2) NOT NULL);
ALTER TABLE hostile_data.orders OWNER TO hostile_owner;
CREATE VIEW hostile_data.big_orders AS SELECT order_id, total FROM hostile_data.orders WHERE total > 100;
ALTER VIEW hostile_data.big_orders OWNER TO hostile_owner;

SET search_path = public, pg_catalog;
SELECT datamesh.library_version() IS NOT NULL AS library_loaded;
SELECT datamesh.create_domain('hostile-domain', 'hostile_owner', 'Domain used under a hostile search_path');
SELECT datamesh.alter_domain('hostile-domain', description => 'Orders, under a hostile search_path');
SELECT datamesh.yaml_to_jsonb('a: [1, "two", {b: null}]') AS yaml_to_jsonb;
SELECT datamesh.jsonb_to_yaml('{"a": [1, "two"]}') AS jsonb_to_yaml;
SELECT datamesh.satisfies('1.2.3', '^1.0.0') AS satisfies, datamesh.semver_range_valid('>=1 <2') AS range_valid;

-- a domain team registers, as itself and as a superuser
SET ROLE hostile_owner;
SELECT datamesh.register_product($$
apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: hostile-orders
  domain: hostile-domain
  owner: orders-team@company.com
  version: 1.0.0
  tags: [orders, orders, finance]
  classification: confidential
spec:
  description: Orders.
  schema: {fields: [{name: order_id, type: bigint}]}
  output_ports:
    - {name: orders-table, type: table, relation: hostile_data.orders}
    - {name: orders-stream, type: stream, topic: orders}
  sla: {availability: 99.9%, freshness: 15 minutes, timeliness: 95% within 1 hour, retention: 1 year}
  quality:
    - {name: total_positive, rule: total > 0, severity: warning}
  observability:
    metrics: [{name: rows, type: counter}]
    alerts: [{name: late, condition: freshness > 1 hour, severity: critical}]
  policies:
    - {type: access-control, rule: allow analysts}
$$);
SELECT datamesh.register_product($$
apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: hostile-orders
  domain: hostile-domain
  owner: orders-team@company.com
  version: 1.1.0
spec:
  schema: {fields: []}
  output_ports:
    - {name: orders-table, type: table, relation: hostile_data.orders}
  sla: {availability: 99.9%}
$$);
RESET ROLE;
SELECT datamesh.register_product($$
{"apiVersion": "datamesh.io/v1", "kind": "DataProduct",
 "metadata": {"name": "hostile-big-orders", "domain": "hostile-domain", "owner": "orders-team", "version": "0.1.0"},
 "spec": {"schema": {}, "sla": {"availability": "99.5"}, "retention": 30,
          "output_ports": [{"name": "big", "type": "view", "relation": "hostile_data.big_orders"}],
          "input_ports": [{"source": "hostile-domain.hostile-orders", "version": "^1.0.0"}],
          "dependencies": [{"data_product": "hostile-orders", "version": "~1.0.0"}]}}
$$);
-- identical again, and refused ones
SET ROLE hostile_owner;
SELECT datamesh.register_product(datamesh.export_manifest('hostile-orders', '1.0.0')) AS same_again;
SELECT datamesh.register_product($$
apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {name: hostile-bad, domain: hostile-domain, owner: x@y.z, version: "1.0"}
spec:
  output_ports: [{name: p, type: table, relation: hostile_data.nope}]
  input_ports: [{source: hostile-orders, version: ">=9"}]
  sla: {availability: 90%}
  quality: [{name: q, rule: "1; DROP TABLE x"}]
$$);
SELECT datamesh.validate_product('{"apiVersion": "datamesh.io/v1"}') AS validate_product;
RESET ROLE;

-- discovery
SELECT product_id, domain, current_version, status, product_type, classification, tags, availability, freshness
  FROM datamesh.products WHERE domain OPERATOR(pg_catalog.=) 'hostile-domain' ORDER BY product_id;
SELECT product_id, version, status, is_current
  FROM datamesh.versions WHERE product_id OPERATOR(pg_catalog.~~) 'hostile-%' ORDER BY product_id, version;
SELECT product_id, direction, name, port_type, relation, version_range, resolved_version
  FROM datamesh.product_ports WHERE product_id OPERATOR(pg_catalog.~~) 'hostile-%' ORDER BY 1, 2 DESC, 3;
SELECT jsonb_pretty(datamesh.get_product('hostile-domain.hostile-big-orders')
                    OPERATOR(pg_catalog.-) '{created_at,updated_at,versions}'::pg_catalog.text[]);
SELECT datamesh.export_manifest('hostile-orders', '1.0.0');

-- lifecycle and clean-up of the products and the domain
SET ROLE hostile_owner;
SELECT datamesh.set_version_status('hostile-orders', '1.1.0', 'deprecated');
SELECT datamesh.delete_product('hostile-orders');
SELECT datamesh.delete_product('hostile-big-orders');
SELECT datamesh.delete_product('hostile-orders');
RESET ROLE;
SELECT datamesh.drop_domain('hostile-domain');

SET search_path = pg_catalog, pg_temp;
SELECT trap AS traps_after_use, count(*) FROM public.trap_log GROUP BY trap ORDER BY trap;
SELECT * FROM public.domains;
SELECT count(*) AS planted_data_products FROM public.data_products;

-------------------------------------------------- a squatted schema "datamesh"
DROP EXTENSION datamesh;
CREATE SCHEMA datamesh AUTHORIZATION hostile_planter;
SET ROLE hostile_planter;
CREATE FUNCTION datamesh.library_version() RETURNS pg_catalog.text
    LANGUAGE sql SET search_path = pg_catalog
    AS $$ SELECT public.trap('squatted datamesh.library_version()'); SELECT '0.1.0'::pg_catalog.text $$;
RESET ROLE;
CREATE EXTENSION datamesh;
SELECT count(*) AS datamesh_extensions FROM pg_extension WHERE extname = 'datamesh';
SELECT trap AS traps_after_squat, count(*) FROM public.trap_log GROUP BY trap ORDER BY trap;
DROP SCHEMA datamesh CASCADE;
CREATE EXTENSION datamesh;
SELECT extname, extversion FROM pg_extension WHERE extname = 'datamesh';

------------------------------------------------------------------ clean-up
RESET search_path;
DROP SCHEMA hostile_data CASCADE;
DROP OWNED BY hostile_planter;
REVOKE CREATE ON SCHEMA public FROM hostile_planter;
SELECT count(*) AS planted_objects_left FROM pg_shdepend
 WHERE refobjid IN ('hostile_planter'::regrole, 'hostile_owner'::regrole) AND deptype = 'o';
DROP ROLE hostile_planter, hostile_owner;
SELECT count(*) AS datamesh_domains FROM datamesh.domains;
