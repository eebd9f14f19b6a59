-- 0007_calendar_resets: a feed URL is a secret that can leak. Each course
-- and each person counts how often their feed links were replaced; the
-- count is part of the link's token, so a new count retires the old
-- links. 0 keeps the links made before this migration working.
ALTER TABLE courses ADD COLUMN calendar_generation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN calendar_generation BIGINT NOT NULL DEFAULT 0;
