-- The bad-input catalogues' machinery, shared by sql/bad_manifests.sql and
-- sql/bad_contracts.sql (\i test/sql/bad_corpus.sql).
--
-- pg_temp.catalog_fingerprint(): every catalog table's row count and md5
-- of all its rows.
CREATE FUNCTION pg_temp.catalog_fingerprint() RETURNS TABLE (tbl text, n bigint, md5 text)
    LANGUAGE plpgsql AS $fn$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT c.oid FROM pg_class c
              WHERE c.relnamespace = 'datamesh'::regnamespace AND c.relkind = 'r'
              ORDER BY c.relname
    LOOP
        tbl := t::text;
        EXECUTE format('SELECT count(*), md5(coalesce(string_agg(x::text, %L ORDER BY x::text), %L)) FROM %s x',
                       '|', '', t)
           INTO n, md5;
        RETURN NEXT;
    END LOOP;
END
$fn$;

-- CALL pg_temp.run_bad_corpus(corpus, action, cross_check): give every file
-- of the corpus table (file, content) to the function named action, show
-- the error a user sees for each as a NOTICE, and fail unless each failed
-- with the SQLSTATE and text of its "# expect: SQLSTATE text" header.  For
-- the invalid_parameter_value (22023) errors of action itself, the function
-- named cross_check gets (input, message, detail) and returns what is wrong
-- (the validating function disagrees) or NULL.  What is given depends on
-- the file's extension: .yaml the whole file (the header is a YAML
-- comment); .json and .txt the file without its header line, converted
-- from UTF-8; .sql the value of the SQL expression after the header line.
CREATE PROCEDURE pg_temp.run_bad_corpus(corpus regclass, action text, cross_check text)
    LANGUAGE plpgsql AS $corpus$
DECLARE
    c record;
    nl int;
    expect text[];
    body bytea;
    input text;
    stage text;
    result jsonb;
    state text;
    msg text;
    detail text;
    hint text;
    problem text;
    total bigint;
    failures text[] := '{}';
BEGIN
    FOR c IN EXECUTE format('SELECT b.file, b.content FROM %s b ORDER BY b.file COLLATE "C"', corpus) LOOP
        -- the first line is the header, the rest the body
        nl := position('\x0a'::bytea IN c.content);
        IF nl = 0 THEN
            nl := length(c.content) + 1;
        END IF;
        expect := regexp_match(convert_from(substring(c.content FROM 1 FOR nl - 1), 'UTF8'),
                               '^# expect: ([0-9A-Z]{5}) (.+)$');
        IF expect IS NULL THEN
            failures := failures || format('%s: no "# expect: SQLSTATE text" first line', c.file);
            CONTINUE;
        END IF;
        body := substring(c.content FROM nl + 1);
        input := NULL;
        BEGIN
            stage := 'reading';
            IF c.file LIKE '%.yaml' THEN
                input := convert_from(c.content, 'UTF8');
            ELSIF c.file LIKE '%.sql' THEN
                EXECUTE format(E'SELECT (%s\n)::text', convert_from(body, 'UTF8')) INTO input;
            ELSE
                input := convert_from(body, 'UTF8');
            END IF;
            stage := 'running';
            EXECUTE format('SELECT %s($1)', action) INTO result USING input;
            -- it worked: undo it, and report it as a failure of the corpus
            RAISE EXCEPTION '% succeeded: %', action, result USING ERRCODE = 'DM000';
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                                    detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
        END;
        IF detail <> '' AND hint <> '' THEN
            RAISE NOTICE '%: % %', c.file, state, msg USING DETAIL = detail, HINT = hint;
        ELSIF detail <> '' THEN
            RAISE NOTICE '%: % %', c.file, state, msg USING DETAIL = detail;
        ELSIF hint <> '' THEN
            RAISE NOTICE '%: % %', c.file, state, msg USING HINT = hint;
        ELSE
            RAISE NOTICE '%: % %', c.file, state, msg;
        END IF;
        IF state <> expect[1] OR strpos(msg || E'\n' || detail, expect[2]) = 0 THEN
            failures := failures || format('%s: expected %s "%s", got %s "%s"', c.file, expect[1], expect[2], state, msg);
        ELSIF state = '22023' AND stage = 'running' THEN
            EXECUTE format('SELECT %s($1, $2, $3)', cross_check) INTO problem USING input, msg, detail;
            IF problem IS NOT NULL THEN
                failures := failures || format('%s: %s', c.file, problem);
            END IF;
        END IF;
    END LOOP;
    IF cardinality(failures) > 0 THEN
        RAISE EXCEPTION '% corpus file(s) did not fail as their header says', cardinality(failures)
            USING DETAIL = array_to_string(failures, E'\n');
    END IF;
    EXECUTE format('SELECT count(*) FROM %s', corpus) INTO total;
    RAISE NOTICE 'all % corpus files failed as expected', total;
END
$corpus$;
