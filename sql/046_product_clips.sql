-- 046: a product's clip (issue 24): a short video of the product, stored by the server (or
-- fairctl import) as an H.264/AAC MP4 and a poster JPEG under the media root
-- (clips/<style>/<hash>.mp4, clips/<style>/<hash>-poster.jpg), named by a hash of the bytes
-- uploaded. clip is that key; its duration (of the source) and the MP4's picture size go
-- beside it so a page can lay the player out before it loads anything. All four or none.
ALTER TABLE products
    ADD COLUMN clip        text CHECK (clip ~ '^clips/[a-z0-9/_-]{1,114}$'),
    ADD COLUMN clip_ms     integer CHECK (clip_ms BETWEEN 1 AND 300000),
    ADD COLUMN clip_width  integer CHECK (clip_width BETWEEN 2 AND 1280),
    ADD COLUMN clip_height integer CHECK (clip_height BETWEEN 2 AND 1280),
    ADD CONSTRAINT products_clip_whole CHECK (
        (clip IS NULL) = (clip_ms IS NULL) AND (clip IS NULL) = (clip_width IS NULL)
        AND (clip IS NULL) = (clip_height IS NULL));
