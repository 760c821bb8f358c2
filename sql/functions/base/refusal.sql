-- How an op refuses. Each op function checks what only the database can check, then:
--   * RAISEs with the SQLSTATEs the server maps (rpc/proto.c): 23505 conflict, P0002
--     not_found, 22023 bad_request; the transaction rolls back, so nothing changes;
--   * or, for codes that have no SQLSTATE of their own (fair_not_live, insufficient_stock,
--     forbidden, ...), returns {"refused": {"code", "message", ...details}} (op_refusal),
--     always before the function has changed anything.

-- A refusal returned instead of raised (see above).
CREATE OR REPLACE FUNCTION op_refusal(p_code text, p_message text, p_details jsonb DEFAULT '{}')
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('refused',
        jsonb_build_object('code', p_code, 'message', p_message) || coalesce(p_details, '{}'))
$$;
