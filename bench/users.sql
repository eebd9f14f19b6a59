-- bench/users.sql: one organization and 5,000 users for bench/run, through
-- the sqlite3 shell (the same SQL the schema of 0001_foundation takes).
INSERT INTO orgs (name, kind, created_at, updated_at)
VALUES ('Bench Police Department', 'law_enforcement', unixepoch(), unixepoch());
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO users (org_id, email, name, roles, is_active, created_at, updated_at)
SELECT (SELECT id FROM orgs WHERE name = 'Bench Police Department'),
       printf('officer%04d@bench.example', i), printf('Bench Officer %04d', i),
       8, 1, unixepoch(), unixepoch()
FROM n;
