#!/usr/bin/env python3
"""bench/scenarios.py: the people of bench/scenarios, as SQL both engines take.

    scenarios.py OUT-DIR SUBSCRIBERS CLASSMATE-SCORERS INSTRUCTOR-SCORERS

Writes into OUT-DIR:
  setup.sql       an agency; a course (on the national model's first
                  version) with one session; the trainee, SUBSCRIBERS
                  officers who watch the debrief and CLASSMATE-SCORERS
                  officers who score, all enrolled; INSTRUCTOR-SCORERS
                  instructors on the session; an API token for each
                  (stored as citkit stores one: the SHA-256 of
                  "ck_" + 43 URL-safe base64 characters); and, when
                  `citkit init` loaded no scenario with a rubric, a
                  bench rubric and scenario.
  subscribers.txt one "Authorization: Bearer …" line a stream: the
                  trainee's first (the anonymous view), then the officers
  scorers.txt     the same for the scorers: instructors, then classmates
  instructor.txt  the first instructor's token (starts the run)

Values are literals (no engine's time function), so the same file runs in
the sqlite3 shell and in psql.
"""
import base64
import hashlib
import os
import sys
import time

DOMAIN = "scenarios.bench.example"
ORG = "Scenario Bench Agency"
OFFICER, INSTRUCTOR = 8, 4


def token():
    plain = "ck_" + base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    return plain, hashlib.sha256(plain.encode()).hexdigest()


def main():
    out, n_subs, n_classmates, n_instructors = sys.argv[1], *map(int, sys.argv[2:5])
    now = int(time.time())
    day = now - now % 86400
    sql = ["BEGIN;"]
    add = sql.append
    add(f"INSERT INTO orgs (name, kind, created_at, updated_at) "
        f"VALUES ('{ORG}', 'law_enforcement', {now}, {now});")
    org = f"(SELECT id FROM orgs WHERE name = '{ORG}')"

    people = [("trainee", "Bench Trainee", OFFICER)]
    people += [(f"watch{i:04d}", f"Bench Watcher {i:04d}", OFFICER) for i in range(1, n_subs)]
    people += [(f"scorer{i:02d}", f"Bench Classmate {i:02d}", OFFICER)
               for i in range(1, n_classmates + 1)]
    people += [(f"instructor{i:02d}", f"Bench Instructor {i:02d}", INSTRUCTOR)
               for i in range(1, n_instructors + 1)]
    tokens = {}
    for local, name, roles in people:
        add(f"INSERT INTO users (org_id, email, name, roles, is_active, created_at, updated_at) "
            f"VALUES ({org}, '{local}@{DOMAIN}', '{name}', {roles}, 1, {now}, {now});")
        plain, digest = token()
        tokens[local] = plain
        add(f"INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) "
            f"VALUES ((SELECT id FROM users WHERE email = '{local}@{DOMAIN}'), 'bench', "
            f"'{digest}', '{plain[:11]}', {now});")

    add(f"INSERT INTO courses (version_id, title, location, starts_on, ends_on, capacity, status, "
        f"created_at, updated_at) SELECT min(id), 'Scenario Bench Course', 'Bench Hall', {day}, "
        f"{day + 4 * 86400}, {len(people) + 10}, 'in_progress', {now}, {now} "
        f"FROM curriculum_versions;")
    course = "(SELECT id FROM courses WHERE title = 'Scenario Bench Course')"
    add(f"INSERT INTO course_sessions (course_id, starts_at, ends_at, room, created_at, updated_at) "
        f"VALUES ({course}, {day + 8 * 3600}, {day + 17 * 3600}, 'Bench Hall', {now}, {now});")
    add(f"INSERT INTO session_instructors (session_id, user_id) "
        f"SELECT s.id, u.id FROM course_sessions s, users u WHERE s.course_id = {course} "
        f"AND u.email LIKE 'instructor%@{DOMAIN}';")
    add(f"INSERT INTO enrollments (course_id, user_id, status, created_at, updated_at) "
        f"SELECT {course}, id, 'enrolled', {now}, {now} FROM users "
        f"WHERE email LIKE '%@{DOMAIN}' AND email NOT LIKE 'instructor%';")

    # A rubric and scenario of our own only when the library is not there.
    none = "NOT EXISTS (SELECT 1 FROM scenarios WHERE rubric_id IS NOT NULL)"
    add(f"INSERT INTO rubrics (code, title, description, pass_mean_x100, created_at, updated_at) "
        f"SELECT 'bench-rubric', 'Bench de-escalation', '', 300, {now}, {now} WHERE {none};")
    skills = ["introduces-self", "calm-voice", "active-listening", "validates-feelings",
              "offers-choices", "safe-positioning", "open-body-language", "avoids-threats",
              "connects-resources"]
    for pos, code in enumerate(skills, 1):
        add(f"INSERT INTO rubric_skills (rubric_id, position, code, title, weight, is_critical) "
            f"SELECT id, {pos}, '{code}', '{code.replace('-', ' ').capitalize()}', 1, "
            f"{1 if code == 'safe-positioning' else 0} FROM rubrics WHERE code = 'bench-rubric';")
    add(f"INSERT INTO scenarios (code, title, crisis_type, difficulty, dispatch_brief, minutes, "
        f"rubric_id, created_at, updated_at) SELECT 'bench-scenario', 'Bench scenario', "
        f"'psychosis', 'introductory', 'A caller reports a man shouting at traffic.', 10, id, "
        f"{now}, {now} FROM rubrics WHERE code = 'bench-rubric';")
    add("COMMIT;")
    with open(os.path.join(out, "setup.sql"), "w") as f:
        f.write("\n".join(sql) + "\n")

    def bearer(local):
        return f"Authorization: Bearer {tokens[local]}\n"
    with open(os.path.join(out, "subscribers.txt"), "w") as f:
        f.write(bearer("trainee"))
        for i in range(1, n_subs):
            f.write(bearer(f"watch{i:04d}"))
    with open(os.path.join(out, "scorers.txt"), "w") as f:
        for i in range(1, n_instructors + 1):
            f.write(bearer(f"instructor{i:02d}"))
        for i in range(1, n_classmates + 1):
            f.write(bearer(f"scorer{i:02d}"))
    with open(os.path.join(out, "instructor.txt"), "w") as f:
        f.write(tokens["instructor01"] + "\n")


if __name__ == "__main__":
    main()
