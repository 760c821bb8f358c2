-- A dealer's ship-to addresses (收货地址): read by the dealer, the staff ordering for it and
-- the managers; kept by the dealer itself, a rep of its region and an administrator. The
-- dealer's row is locked first, as every writer of a dealer locks it (the order batch, then
-- its addresses), so a change and an order never deadlock; an order keeps a copy of the
-- address it ships to, so a change or a removal never alters an order. Refusals: 42501 (the
-- staff name no dealer, or one outside a rep's regions), P0002 (no such address), 22023.

-- The dealer a call is about: the caller's own (a dealer may name only itself), or the one
-- the staff name (a rep only within its regions).
CREATE OR REPLACE FUNCTION address_dealer(p_own bigint, p_actor bigint, p_named bigint)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_dealer bigint := coalesce(p_own, staff_named_dealer(p_actor, p_named));
BEGIN
    IF p_own IS NOT NULL AND p_named IS DISTINCT FROM p_own AND p_named IS NOT NULL THEN
        RAISE EXCEPTION 'a dealer keeps only its own addresses' USING ERRCODE = '42501';
    END IF;
    IF v_dealer IS NULL THEN
        RAISE EXCEPTION 'the staff name the dealer whose addresses these are' USING ERRCODE = '42501';
    END IF;
    RETURN v_dealer;
END
$$;

-- addresses.list -> {dealer, addresses}: the default first, then in the order made.
CREATE OR REPLACE FUNCTION address_list(p_dealer bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('dealer', p_dealer, 'addresses', coalesce((
        SELECT jsonb_agg(order_address_json(a) || jsonb_build_object('default', a.is_default)
                         ORDER BY a.is_default DESC, a.id)
        FROM dealer_addresses a WHERE a.dealer_id = p_dealer), '[]'))
$$;

CREATE OR REPLACE FUNCTION addresses_of_caller(p_own bigint, p_actor bigint, p_named bigint)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT address_list(address_dealer(p_own, p_actor, p_named))
$$;

-- address.save -> {dealer, addresses}: a new address (p_id NULL; at most 20), or a change
-- of one; NULL fields of a change stay. p_default true makes it the default (the others
-- lose it); the first address is the default. Audited as address.save (old and new).
CREATE OR REPLACE FUNCTION address_save(p_own bigint, p_actor bigint, p_named bigint, p_id bigint,
                                        p_label text, p_recipient text, p_phone text,
                                        p_address text, p_default boolean)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_dealer bigint := address_dealer(p_own, p_actor, p_named);
    v_old dealer_addresses;
    v_new dealer_addresses;
BEGIN
    PERFORM 1 FROM dealers WHERE id = v_dealer FOR NO KEY UPDATE;
    IF p_id IS NULL THEN
        IF p_recipient IS NULL OR p_address IS NULL THEN
            RAISE EXCEPTION 'a new address needs recipient and address' USING ERRCODE = '22023';
        END IF;
        IF (SELECT count(*) FROM dealer_addresses WHERE dealer_id = v_dealer) >= 20 THEN
            RAISE EXCEPTION 'a dealer has at most 20 addresses' USING ERRCODE = '22023';
        END IF;
        IF coalesce(p_default, false) THEN
            UPDATE dealer_addresses SET is_default = false WHERE dealer_id = v_dealer AND is_default;
        END IF;
        INSERT INTO dealer_addresses (dealer_id, label, recipient, phone, address, is_default)
        VALUES (v_dealer, coalesce(p_label, ''), p_recipient, coalesce(p_phone, ''), p_address,
                coalesce(p_default, false)
                OR NOT EXISTS (SELECT 1 FROM dealer_addresses WHERE dealer_id = v_dealer))
        RETURNING * INTO v_new;
    ELSE
        SELECT * INTO v_old FROM dealer_addresses WHERE id = p_id AND dealer_id = v_dealer;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'address % not found', p_id USING ERRCODE = 'P0002';
        END IF;
        IF coalesce(p_default, false) AND NOT v_old.is_default THEN
            UPDATE dealer_addresses SET is_default = false WHERE dealer_id = v_dealer AND is_default;
        END IF;
        UPDATE dealer_addresses SET
            label = coalesce(p_label, label), recipient = coalesce(p_recipient, recipient),
            phone = coalesce(p_phone, phone), address = coalesce(p_address, address),
            is_default = is_default OR coalesce(p_default, false)
        WHERE id = p_id
        RETURNING * INTO v_new;
    END IF;
    IF v_old IS DISTINCT FROM v_new THEN
        PERFORM audit_write(p_actor, 'address.save', NULL, 'dealer:' || v_dealer,
                            CASE WHEN v_old.id IS NULL THEN NULL
                                 ELSE order_address_json(v_old) || jsonb_build_object('default', v_old.is_default) END,
                            order_address_json(v_new) || jsonb_build_object('default', v_new.is_default));
    END IF;
    RETURN address_list(v_dealer);
END
$$;

-- address.remove -> {dealer, addresses}: the default's role passes to the oldest address
-- left. Audited as address.remove.
CREATE OR REPLACE FUNCTION address_remove(p_own bigint, p_actor bigint, p_named bigint, p_id bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_dealer bigint := address_dealer(p_own, p_actor, p_named);
    v_old dealer_addresses;
BEGIN
    PERFORM 1 FROM dealers WHERE id = v_dealer FOR NO KEY UPDATE;
    DELETE FROM dealer_addresses WHERE id = p_id AND dealer_id = v_dealer RETURNING * INTO v_old;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'address % not found', p_id USING ERRCODE = 'P0002';
    END IF;
    IF v_old.is_default THEN
        UPDATE dealer_addresses SET is_default = true
        WHERE id = (SELECT min(id) FROM dealer_addresses WHERE dealer_id = v_dealer);
    END IF;
    PERFORM audit_write(p_actor, 'address.remove', NULL, 'dealer:' || v_dealer,
                        order_address_json(v_old) || jsonb_build_object('default', v_old.is_default),
                        NULL);
    RETURN address_list(v_dealer);
END
$$;
