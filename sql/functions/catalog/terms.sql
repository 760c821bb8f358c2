-- The brand's English names of its colours and categories (050): one glossary, read by
-- catalog.terms for a fair's items and kept by admin.terms.set, admin.product.create and
-- fairctl import. A name without an entry is shown as it is.

-- One kind's entries as {name: English}, for the names in p_names (NULL: every entry).
CREATE OR REPLACE FUNCTION term_names_json(p_kind text, p_names text[]) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_object_agg(t.name, t.name_en ORDER BY t.name), '{}')
    FROM term_names t
    WHERE t.kind = p_kind AND (p_names IS NULL OR t.name = ANY (p_names))
$$;

-- catalog.terms {fair} -> {terms: {colors, categories}}: the English names of the colours
-- and categories of the fair's items (withdrawn ones too: orders keep their lines), so a
-- page in English names them as the brand does. Only the fair's own: the glossary also
-- holds the names of lines not yet shown to dealers.
CREATE OR REPLACE FUNCTION catalog_terms(p_fair bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('terms', jsonb_build_object(
        'colors', term_names_json('color', ARRAY(
            SELECT DISTINCT v.color FROM fair_items i JOIN variants v ON v.product_id = i.product_id
            WHERE i.fair_id = p_fair)),
        'categories', term_names_json('category', ARRAY(
            SELECT DISTINCT i.product_category FROM fair_items i WHERE i.fair_id = p_fair))))
    WHERE fair_must_exist(p_fair)
$$;

-- admin.terms.list {} -> {terms: {colors, categories}, unnamed: {colors, categories}}:
-- the whole glossary, and the colours and categories of the products that have no English
-- name yet (by pinyin), for the settings page to ask for them.
CREATE OR REPLACE FUNCTION admin_terms_list() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'terms', jsonb_build_object('colors', term_names_json('color', NULL),
                                    'categories', term_names_json('category', NULL)),
        'unnamed', jsonb_build_object(
            'colors', (SELECT coalesce(jsonb_agg(c.color ORDER BY c.color COLLATE fair_pinyin), '[]')
                       FROM (SELECT DISTINCT v.color FROM variants v) c
                       WHERE NOT EXISTS (SELECT 1 FROM term_names t
                                         WHERE t.kind = 'color' AND t.name = c.color)),
            'categories', (SELECT coalesce(jsonb_agg(c.category ORDER BY c.category COLLATE fair_pinyin), '[]')
                           FROM (SELECT DISTINCT p.category FROM products p) c
                           WHERE NOT EXISTS (SELECT 1 FROM term_names t
                                             WHERE t.kind = 'category' AND t.name = c.category))))
$$;

-- Sets entries of one kind from {name: English}: a name is 1 to 64 characters, its English
-- name 0 to 64 without control characters, "" removes the entry. Raises 22023 (bad_request)
-- on the first bad member, before anything is written. Returns {name: [old, new]} for the
-- entries it changed (old or new NULL when there was none or is none now).
CREATE OR REPLACE FUNCTION term_names_put(p_kind text, p_names jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_bad record;
    v_changed jsonb;
BEGIN
    IF p_names IS NULL THEN
        RETURN '{}';
    END IF;
    IF jsonb_typeof(p_names) <> 'object' THEN
        RAISE EXCEPTION '% must be an object {name: English name}',
            CASE p_kind WHEN 'color' THEN 'colors' ELSE 'categories' END USING ERRCODE = '22023';
    END IF;
    SELECT e.key, e.value INTO v_bad FROM jsonb_each(p_names) e
    WHERE length(e.key) NOT BETWEEN 1 AND 64 OR jsonb_typeof(e.value) <> 'string'
       OR length(e.value #>> '{}') > 64 OR (e.value #>> '{}') ~ '[[:cntrl:]]'
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% "%": a name is 1 to 64 characters and its English name a string of '
                        'at most 64 characters without control characters ("" removes it)',
                        p_kind, left(v_bad.key, 64) USING ERRCODE = '22023';
    END IF;
    WITH wanted AS (
        SELECT e.key AS name, nullif(btrim(e.value #>> '{}'), '') AS name_en
        FROM jsonb_each(p_names) e
    ), old AS (
        SELECT w.name, t.name_en AS before, w.name_en AS after
        FROM wanted w LEFT JOIN term_names t ON t.kind = p_kind AND t.name = w.name
        WHERE t.name_en IS DISTINCT FROM w.name_en
    ), removed AS (
        DELETE FROM term_names t USING old o
        WHERE t.kind = p_kind AND t.name = o.name AND o.after IS NULL
    ), put AS (
        INSERT INTO term_names (kind, name, name_en)
        SELECT p_kind, o.name, o.after FROM old o WHERE o.after IS NOT NULL
        ORDER BY o.name
        ON CONFLICT (kind, name) DO UPDATE SET name_en = excluded.name_en
    )
    SELECT coalesce(jsonb_object_agg(o.name, jsonb_build_array(o.before, o.after)), '{}')
    INTO v_changed FROM old o;
    RETURN v_changed;
END
$$;

-- Sets entries of both kinds (term_names_put), with one audit entry of what changed when
-- anything did: admin.terms.set, and admin.product.create's English names.
CREATE OR REPLACE FUNCTION term_names_set(p_actor bigint, p_colors jsonb, p_categories jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_colors jsonb := term_names_put('color', p_colors);
    v_categories jsonb := term_names_put('category', p_categories);
BEGIN
    IF v_colors <> '{}' OR v_categories <> '{}' THEN
        PERFORM audit_write(p_actor, 'terms.set', NULL, 'terms', NULL,
                            jsonb_build_object('colors', v_colors, 'categories', v_categories));
    END IF;
END
$$;

-- admin.terms.set {colors?, categories?} -> as admin.terms.list.
CREATE OR REPLACE FUNCTION admin_terms_set(p_actor bigint, p_colors jsonb, p_categories jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    PERFORM term_names_set(p_actor, p_colors, p_categories);
    RETURN admin_terms_list();
END
$$;
