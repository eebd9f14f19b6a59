-- bench/training.sql: a generated training program for bench/training,
-- through the sqlite3 shell on a database fresh from `citkit init` (which
-- loads the national model). Deterministic, so every run measures the
-- same data:
--   10 agencies of 500 officers (5,000), a supervisor each, 40 instructors;
--   one approved local curriculum copied from the model;
--   300 courses, one a week back from today, each with half-hour sessions
--   that cover every module of the curriculum for its full minutes;
--   42 trainees a course (12,600 enrollments, about 2.5 an officer);
--   a roll-call row for every trainee and session (about a million);
--   a certificate for every trainee of a completed course.
-- Ids are computed (course c's session k is c * 1000 + k) so the rows can
-- be joined without lookups; the database holds no training rows before.
PRAGMA foreign_keys = ON;
PRAGMA synchronous = OFF;
BEGIN;

CREATE TEMP TABLE bench_now AS
SELECT unixepoch() - unixepoch() % 86400 AS today;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
INSERT INTO orgs (name, kind, created_at, updated_at)
SELECT printf('Bench Agency %02d', i), 'law_enforcement', unixepoch(), unixepoch() FROM n;
INSERT INTO orgs (name, kind, created_at, updated_at)
VALUES ('Bench Training Center', 'mental_health', unixepoch(), unixepoch());

-- Officers (role bit 8), agency i % 10; supervisors (16); instructors (4);
-- one coordinator (2).
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO users (org_id, email, name, roles, is_active, created_at, updated_at)
SELECT (SELECT id FROM orgs WHERE name = printf('Bench Agency %02d', 1 + (i - 1) % 10)),
       printf('officer%04d@training.bench.example', i), printf('Bench Trainee %04d', i),
       8, 1, unixepoch(), unixepoch()
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
INSERT INTO users (org_id, email, name, roles, is_active, created_at, updated_at)
SELECT (SELECT id FROM orgs WHERE name = printf('Bench Agency %02d', i)),
       printf('supervisor%02d@training.bench.example', i), printf('Bench Supervisor %02d', i),
       16, 1, unixepoch(), unixepoch()
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
INSERT INTO users (org_id, email, name, roles, is_active, created_at, updated_at)
SELECT (SELECT id FROM orgs WHERE name = 'Bench Training Center'),
       printf('instructor%02d@training.bench.example', i), printf('Bench Instructor %02d', i),
       4, 1, unixepoch(), unixepoch()
FROM n;
INSERT INTO users (org_id, email, name, roles, is_active, created_at, updated_at)
SELECT id, 'coordinator@training.bench.example', 'Bench Coordinator', 2, 1, unixepoch(), unixepoch()
FROM orgs WHERE name = 'Bench Training Center';

CREATE TEMP TABLE bench_officer AS
SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM users WHERE email LIKE 'officer%@training.bench.example';
CREATE TEMP TABLE bench_instructor AS
SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM users WHERE email LIKE 'instructor%@training.bench.example';

-- The local curriculum: the newest approved model version, copied.
CREATE TEMP TABLE bench_model AS
SELECT v.id AS version_id FROM curriculum_versions v JOIN curricula c ON c.id = v.curriculum_id
WHERE c.kind = 'model' AND v.status = 'approved' ORDER BY v.version DESC LIMIT 1;
INSERT INTO curricula (name, kind, created_at) VALUES ('Bench CIT', 'local', unixepoch());
INSERT INTO curriculum_versions (curriculum_id, version, title, status, based_on_id,
                                 approved_at, created_at, updated_at)
SELECT (SELECT id FROM curricula WHERE name = 'Bench CIT'), 1, 'Bench CIT 40-hour course',
       'approved', version_id, unixepoch(), unixepoch(), unixepoch()
FROM bench_model;
CREATE TEMP TABLE bench_version AS
SELECT v.id FROM curriculum_versions v JOIN curricula c ON c.id = v.curriculum_id WHERE c.name = 'Bench CIT';
INSERT INTO curriculum_modules (version_id, code, position, day, title, component, minutes,
                                objectives, instructor_kinds, is_required, model_minutes)
SELECT (SELECT id FROM bench_version), code, position, day, title, component, minutes,
       objectives, instructor_kinds, is_required, minutes
FROM curriculum_modules WHERE version_id = (SELECT version_id FROM bench_model);

-- Each module cut into half-hour pieces, numbered k in curriculum order;
-- piece k is slot k % 16 of day k / 16 (08:00 to 16:00).
CREATE TEMP TABLE bench_piece AS
WITH RECURSIVE p(module_id, position, j, minutes, left_over) AS (
	SELECT id, position, 0, min(30, minutes), minutes - min(30, minutes)
	FROM curriculum_modules WHERE version_id = (SELECT id FROM bench_version)
	UNION ALL
	SELECT module_id, position, j + 1, min(30, left_over), left_over - min(30, left_over)
	FROM p WHERE left_over > 0)
SELECT row_number() OVER (ORDER BY position, j) - 1 AS k, module_id, minutes FROM p;

-- Course c (1 = the newest) started two days and c - 1 weeks ago; the
-- newest is in progress, the rest completed.
WITH RECURSIVE n(c) AS (SELECT 1 UNION ALL SELECT c + 1 FROM n WHERE c < 300)
INSERT INTO courses (id, version_id, title, location, starts_on, ends_on, capacity, status,
                     created_at, updated_at)
SELECT c, (SELECT id FROM bench_version), printf('Bench CIT course %03d', c), 'Bench Training Center',
       (SELECT today FROM bench_now) - ((c - 1) * 7 + 2) * 86400,
       (SELECT today FROM bench_now) - ((c - 1) * 7 + 2) * 86400 + ((SELECT max(k) FROM bench_piece) / 16) * 86400,
       45, CASE WHEN c = 1 THEN 'in_progress' ELSE 'completed' END, unixepoch(), unixepoch()
FROM n;

INSERT INTO course_sessions (id, course_id, starts_at, ends_at, room, created_at, updated_at)
SELECT c.id * 1000 + p.k, c.id,
       c.starts_on + (p.k / 16) * 86400 + 8 * 3600 + (p.k % 16) * 1800,
       c.starts_on + (p.k / 16) * 86400 + 8 * 3600 + (p.k % 16) * 1800 + p.minutes * 60,
       printf('Room %d', 1 + c.id % 4), unixepoch(), unixepoch()
FROM courses c, bench_piece p;
INSERT INTO session_modules (session_id, module_id, minutes)
SELECT c.id * 1000 + p.k, p.module_id, p.minutes FROM courses c, bench_piece p;
INSERT INTO session_instructors (session_id, user_id)
SELECT s.id, i.id FROM course_sessions s JOIN bench_instructor i
  ON i.n IN ((s.course_id * 3 + s.id % 1000 / 16) % 40, (s.course_id * 7 + 1) % 40);

-- Trainee t of course c is officer (e * 7919) % 5000 with e = (c-1)*42 + t:
-- distinct within a course, spread over every agency.
WITH RECURSIVE n(e) AS (SELECT 0 UNION ALL SELECT e + 1 FROM n WHERE e < 300 * 42 - 1)
INSERT INTO enrollments (id, course_id, user_id, status, enrolled_by, assessment_passed_at,
                         assessment_by, created_at, updated_at)
SELECT e + 1, e / 42 + 1, o.id, CASE WHEN e / 42 = 0 THEN 'enrolled' ELSE 'completed' END,
       (SELECT id FROM users WHERE email = 'coordinator@training.bench.example'),
       CASE WHEN e / 42 = 0 THEN NULL ELSE (SELECT today FROM bench_now) - ((e / 42) * 7 + 2) * 86400 + 4 * 86400 END,
       CASE WHEN e / 42 = 0 THEN NULL ELSE (SELECT id FROM bench_instructor WHERE n = 0) END,
       unixepoch(), unixepoch()
FROM n JOIN bench_officer o ON o.n = (e * 7919) % 5000;

-- Roll call: present, except one in 23 late by 10 minutes, one in 97
-- absent; in the course in progress only the sessions already held.
INSERT INTO attendance (session_id, enrollment_id, status, minutes_late, credited_minutes,
                        recorded_by, recorded_at)
SELECT s.id, en.id,
       CASE WHEN (s.id + en.id) % 97 = 0 THEN 'absent' WHEN (s.id + en.id) % 23 = 0 THEN 'late' ELSE 'present' END,
       CASE WHEN (s.id + en.id) % 97 <> 0 AND (s.id + en.id) % 23 = 0 THEN 10 ELSE 0 END,
       CASE WHEN (s.id + en.id) % 97 = 0 THEN 0
            WHEN (s.id + en.id) % 23 = 0 THEN max(0, (s.ends_at - s.starts_at) / 60 - 10)
            ELSE (s.ends_at - s.starts_at) / 60 END,
       (SELECT id FROM bench_instructor WHERE n = s.course_id % 40), s.ends_at
FROM enrollments en JOIN course_sessions s ON s.course_id = en.course_id
WHERE s.ends_at <= unixepoch();

-- Certificates: two years valid, refresher due 90 days before; every
-- 50th revoked.
INSERT INTO certificates (serial, verify_code, enrollment_id, user_id, course_id, holder_name,
                          minutes, issued_at, expires_at, refresher_due_at, revoked_at, revoked_by,
                          revoked_reason)
SELECT printf('BENCH-%05d', en.id), lower(hex(randomblob(16))), en.id, en.user_id, en.course_id,
       u.name, (SELECT sum(a.credited_minutes) FROM attendance a WHERE a.enrollment_id = en.id),
       c.ends_on + 86400, c.ends_on + 86400 + 730 * 86400, c.ends_on + 86400 + 640 * 86400,
       CASE WHEN en.id % 50 = 0 THEN c.ends_on + 30 * 86400 END,
       CASE WHEN en.id % 50 = 0 THEN (SELECT id FROM users WHERE email = 'coordinator@training.bench.example') END,
       CASE WHEN en.id % 50 = 0 THEN 'bench: issued in error' END
FROM enrollments en JOIN users u ON u.id = en.user_id JOIN courses c ON c.id = en.course_id
WHERE en.status = 'completed';

COMMIT;
ANALYZE;
