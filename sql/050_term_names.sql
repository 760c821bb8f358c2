-- 050: the brand's English names of its colours and categories. Products carry name_en and
-- description_en, but a colour (黑色) and a category (外套) are free text repeated on every
-- variant and product, so their English names are one glossary for the whole brand, kept
-- apart from the rows that name them: the English pages, the printed confirmation in
-- English and any other client show "Black" and "Outerwear" from it (catalog.terms,
-- admin.terms.set, admin.product.create's category_en and color_en, fairctl import's
-- category_en and colors_en columns; sql/functions/catalog/terms.sql). A name with no
-- English entry is shown as it is.

CREATE TABLE term_names (
    kind    text NOT NULL CHECK (kind IN ('color', 'category')),
    name    text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 64 AND name_en !~ '[[:cntrl:]]'),
    PRIMARY KEY (kind, name)
);

-- admin.product.create takes the category's English name (its variants' colours carry
-- theirs): the function gains a parameter.
DROP FUNCTION IF EXISTS admin_product_create(bigint, text, text, text, text, text, text, bigint, jsonb);
