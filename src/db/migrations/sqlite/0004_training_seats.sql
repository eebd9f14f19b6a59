-- 0004_training_seats: what issue 3 left open.
-- seated_at: when the person got a seat (enrolled at once, or promoted
-- from the waitlist); sessions that ended before it earn no credit and
-- count as make-up needed, not as absences. Rows from before this
-- migration were seated when they were created.
-- issued_by: who issued a certificate (its signer), instead of reading
-- the audit log.
ALTER TABLE enrollments ADD COLUMN seated_at INTEGER;
UPDATE enrollments SET seated_at = created_at WHERE status IN ('enrolled', 'completed');
ALTER TABLE certificates ADD COLUMN issued_by INTEGER REFERENCES users(id);
