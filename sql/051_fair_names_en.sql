-- 051: a fair's English name. The English pages named every product, colour and category in
-- English (050) but each fair in Chinese: in the lobby, the header of every page, the
-- dashboard, the printed confirmation and the mail and messages about the fair. name_en
-- ('' for none: the Chinese name stands in) is set by admin.fair.create and
-- admin.fair.update, fairctl import's fair.json and the demo; fair_json and the fair list
-- carry it, and the messages about a fair keep it beside its name (fair_name_en).

ALTER TABLE fairs ADD COLUMN name_en text NOT NULL DEFAULT ''
    CHECK (length(name_en) <= 200 AND name_en !~ '[[:cntrl:]]');

-- admin.fair.create and admin.fair.update take it: the functions gain a parameter.
DROP FUNCTION IF EXISTS admin_fair_create(bigint, text, text, text, text, timestamptz, timestamptz);
DROP FUNCTION IF EXISTS admin_fair_update(bigint, bigint, text, timestamptz, timestamptz, text);
