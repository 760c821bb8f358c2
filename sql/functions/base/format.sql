-- Formats every area shares: times as the protocol writes them (rfc3339) and as the server
-- passes them (epoch_ms_time), a picture's URLs (media_urls), keywords as LIKE patterns
-- (like_pattern).

-- Milliseconds-precise RFC 3339 UTC, the protocol's time format. Inlinable (008): an
-- SQL-language function that cannot be inlined is parsed and planned again at every call,
-- and the hot path calls this once per order or item; to_char is only STABLE, and an
-- IMMUTABLE wrapper of it is never inlined.
CREATE OR REPLACE FUNCTION rfc3339(t timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- A time given as milliseconds since the epoch (the server parses RFC 3339 itself, so
-- PostgreSQL never guesses at a format).
CREATE OR REPLACE FUNCTION epoch_ms_time(p_ms bigint)
RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
    SELECT to_timestamp(0) + p_ms * interval '1 millisecond'
$$;

-- The URLs of a picture's three sizes under /media/ (NULL without a media key).
CREATE OR REPLACE FUNCTION media_urls(p_key text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_key IS NULL THEN NULL ELSE jsonb_build_object(
        'thumb', '/media/' || p_key || '-thumb.jpg',
        'card', '/media/' || p_key || '-card.jpg',
        'full', '/media/' || p_key || '-full.jpg') END
$$;

-- A product's clip as the pages get it (NULL without one): the MP4 and its poster under
-- /media/, the source's duration and the MP4's picture size (products.clip, 046).
CREATE OR REPLACE FUNCTION media_clip(p_key text, p_ms integer, p_width integer, p_height integer)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_key IS NULL THEN NULL ELSE jsonb_build_object(
        'url', '/media/' || p_key || '.mp4',
        'poster', '/media/' || p_key || '-poster.jpg',
        'duration_ms', p_ms, 'width', p_width, 'height', p_height) END
$$;

-- Keywords match as plain text: % _ and \ in them mean themselves.
CREATE OR REPLACE FUNCTION like_pattern(p_text text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT '%' || replace(replace(replace(p_text, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;
