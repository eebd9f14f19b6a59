#!/usr/bin/python3
"""ics_check.py FILE EVENTS: proves an iCalendar feed is valid.

Parses FILE with python3-icalendar (RFC 5545), checks every content line
ends in CRLF and holds at most 75 octets, that the number of VEVENTs is
EVENTS, and that each event has a UID, a DTSTAMP, and a DTSTART before its
DTEND in UTC. Prints what is wrong and exits 1; exits 0 when all is well.
"""
import sys

import icalendar


def main():
    path, want = sys.argv[1], int(sys.argv[2])
    raw = open(path, "rb").read()
    problems = []
    if not raw.endswith(b"\r\n"):
        problems.append("does not end in CRLF")
    for n, line in enumerate(raw.split(b"\r\n")[:-1], 1):
        if len(line) > 75:
            problems.append(f"line {n} has {len(line)} octets")
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {n} has a bare CR or LF")
    cal = icalendar.Calendar.from_ical(raw)
    if cal.name != "VCALENDAR" or str(cal.get("VERSION")) != "2.0":
        problems.append("not a VCALENDAR 2.0")
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    if len(events) != want:
        problems.append(f"{len(events)} events, want {want}")
    for ev in events:
        uid = str(ev.get("UID", ""))
        if not uid.startswith("session-") or "@" not in uid:
            problems.append(f"UID {uid!r}")
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        if start.utcoffset() is None or start.utcoffset().total_seconds() != 0:
            problems.append(f"{uid}: DTSTART is not UTC")
        if not start < end:
            problems.append(f"{uid}: DTSTART not before DTEND")
        if "DTSTAMP" not in ev or "SUMMARY" not in ev:
            problems.append(f"{uid}: no DTSTAMP or SUMMARY")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
