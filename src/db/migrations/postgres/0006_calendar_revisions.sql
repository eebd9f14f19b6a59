-- 0006_calendar_revisions: how many times a course and a session have
-- been changed, for the iCalendar SEQUENCE of a session's event (the sum
-- of the two grows with every change to either, cancelling included).
-- Rows from before count from 0.
ALTER TABLE courses ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE course_sessions ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
