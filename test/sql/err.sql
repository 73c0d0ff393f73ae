-- pg_temp.err(q): run the statement q and return "SQLSTATE: message" of its
-- error, or "no error" (\i test/sql/err.sql)
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
