-- 027: a share card only for someone who may see the dealer.
--
-- share.png?dealer= served any dealer's card to any rep, also to a rep limited to regions
-- that do not include the dealer's. The card is now drawn only for: the dealer's own users,
-- managers, admins, and reps whose regions are unlimited or include the dealer's; for anyone
-- else it is as if the dealer did not exist (404, as for an unknown dealer).
CREATE FUNCTION share_data_for(p_actor bigint, p_fair bigint, p_dealer bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT share_data(p_fair, p_dealer)
    FROM users u, dealers d
    WHERE u.id = p_actor AND d.id = p_dealer AND NOT u.disabled
      AND (u.role IN ('manager', 'admin')
           OR (u.role = 'rep' AND (u.regions = '{}' OR d.region = ANY (u.regions)))
           OR (u.role = 'dealer' AND u.dealer_id = d.id))
$$;
