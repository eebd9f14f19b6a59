#!/usr/bin/python3
"""ics_check.py FILE EVENTS [EXPECT]: proves an iCalendar feed is valid.

Parses FILE with python3-icalendar (RFC 5545), checks every content line
ends in CRLF and holds at most 75 octets, that the number of VEVENTs is
EVENTS, and that each event has a UID, a DTSTAMP, a SEQUENCE, a STATUS
and a DTSTART before its DTEND.

Times: with X-WR-TIMEZONE, DTSTART and DTEND carry TZID=<that zone> and
a feed with events holds one VTIMEZONE of that TZID; each time is resolved twice, by
python3-icalendar's own reading (the zone by name) and through the
feed's VTIMEZONE alone (Timezone.to_tz), and both must give the same
instant. Without X-WR-TIMEZONE they are UTC.

EXPECT (a JSON file) names the events by UID up to "@":
  {"session-12": {"start": "2027-03-01T14:00:00Z", "end": "…",
                  "summary": "…", "location": "…", "sequence": 0,
                  "status": "CONFIRMED"}, …}
and each must match exactly: the instants, and SUMMARY / LOCATION
decoded back to the text given. Prints what is wrong and exits 1; exits 0
when all is well.
"""
import datetime
import json
import sys

import icalendar


def instant(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


def main():
    path, want = sys.argv[1], int(sys.argv[2])
    expect = json.load(open(sys.argv[3])) if len(sys.argv) > 3 else None
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
    zone = str(cal["X-WR-TIMEZONE"]) if "X-WR-TIMEZONE" in cal else None
    own_tz = None
    zones = [c for c in cal.walk() if c.name == "VTIMEZONE"]
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    if zone and events:
        mine = [z for z in zones if str(z.get("TZID")) == zone]
        if len(mine) != 1:
            problems.append(f"{len(mine)} VTIMEZONE for {zone}, want 1")
        else:
            own_tz = mine[0].to_tz()
    if len(events) != want:
        problems.append(f"{len(events)} events, want {want}")
    seen = set()
    for ev in events:
        uid = str(ev.get("UID", ""))
        key = uid.split("@")[0]
        if not uid.startswith("session-") or "@" not in uid:
            problems.append(f"UID {uid!r}")
        got = {}
        for name in ("DTSTART", "DTEND"):
            prop = ev.get(name)
            when = ev.decoded(name)
            if zone:
                if prop is None or prop.params.get("TZID") != zone:
                    problems.append(f"{uid}: {name} has no TZID={zone}")
                    continue
                # The same wall-clock time through the feed's own VTIMEZONE.
                local = when.replace(tzinfo=None)
                if own_tz is not None:
                    via_own = own_tz.localize(local) if hasattr(own_tz, "localize") \
                        else local.replace(tzinfo=own_tz)
                    if via_own != when:
                        problems.append(f"{uid}: {name} {local} is {when} by name but "
                                        f"{via_own} by the feed's VTIMEZONE")
            elif when.utcoffset() is None or when.utcoffset().total_seconds() != 0:
                problems.append(f"{uid}: {name} is not UTC")
            got[name] = when
        if len(got) == 2 and not got["DTSTART"] < got["DTEND"]:
            problems.append(f"{uid}: DTSTART not before DTEND")
        for name in ("DTSTAMP", "SUMMARY", "SEQUENCE", "STATUS"):
            if name not in ev:
                problems.append(f"{uid}: no {name}")
        if expect is None:
            continue
        seen.add(key)
        e = expect.get(key)
        if e is None:
            problems.append(f"{uid}: not expected")
            continue
        for name, field in (("DTSTART", "start"), ("DTEND", "end")):
            if name in got and got[name] != instant(e[field]):
                problems.append(f"{uid}: {name} is {got[name].astimezone(datetime.timezone.utc)}"
                                f", want {e[field]}")
        for name, field in (("SUMMARY", "summary"), ("LOCATION", "location"),
                            ("STATUS", "status")):
            if field in e and str(ev.get(name, "")) != e[field]:
                problems.append(f"{uid}: {name} {str(ev.get(name, ''))!r}, want {e[field]!r}")
        if "sequence" in e and int(ev.get("SEQUENCE", -1)) != e["sequence"]:
            problems.append(f"{uid}: SEQUENCE {ev.get('SEQUENCE')}, want {e['sequence']}")
    if expect is not None:
        for key in expect:
            if key not in seen:
                problems.append(f"{key}: missing")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
