-- Recorded consent to face recognition is a time (consent_at) AND who recorded it (an operator of
-- the property office, or the platform). Consents recorded before this column existed did not say
-- who took them; they keep their time and say so.

ALTER TABLE persons ADD COLUMN consent_recorded_by TEXT;

UPDATE persons SET consent_recorded_by = 'unknown (recorded before consents named their recorder)'
    WHERE consent_at IS NOT NULL;
