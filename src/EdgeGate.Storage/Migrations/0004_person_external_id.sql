-- An optional external identifier (e.g. a national ID number), stored only as a salted hash
-- (HMAC-SHA-256 with a salt from the credentials directory), never in clear.

ALTER TABLE persons ADD COLUMN external_id_hash TEXT;

CREATE UNIQUE INDEX persons_by_external_id_hash
    ON persons (external_id_hash)
    WHERE external_id_hash IS NOT NULL;
