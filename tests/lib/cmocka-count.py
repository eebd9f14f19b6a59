#!/usr/bin/env python3
"""Counts cmocka test cases for tests/run.

usage: cmocka-count.py meson TESTLOG.json
       cmocka-count.py log NAME EXITCODE FILE

Prints "PASSED FAILED" on the last line of stdout; a line per failure
before it. A test program counts as failed, beyond its own counts, when it
exits non-zero without reporting a failed case (a crash), when it stops
before every case it announced has run, when it ran no case at all, or
when its output holds a sanitizer report.
"""
import json
import re
import sys

SANITIZER = re.compile(r'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:'
                       r'|SUMMARY: (Address|Undefined|Leak)Sanitizer')


def count(name, exit_ok, out):
    running = sum(int(n) for n in re.findall(r'\[=+\] Running (\d+) test', out))
    passed = sum(int(n) for n in re.findall(r'\[  PASSED  \] (\d+) test', out))
    failed = sum(int(n) for n in re.findall(r'\[  FAILED  \] (\d+) test', out))
    for case in dict.fromkeys(re.findall(r'^\[  FAILED  \] ([A-Za-z_]\w*)$', out, re.M)):
        print(f'FAILED {name}: {case}')
    if running == 0:
        print(f'FAILED {name}: ran no cmocka test case')
        failed += 1
    elif passed + failed < running:
        print(f'FAILED {name}: stopped after {passed + failed} of {running} cases')
        failed += running - passed - failed
    if not exit_ok and failed == 0:
        print(f'FAILED {name}: exited non-zero')
        failed += 1
    if SANITIZER.search(out):
        print(f'FAILED {name}: sanitizer report')
        for line in out.splitlines():
            if SANITIZER.search(line):
                print('    ' + line)
                break
        failed += 1
    return passed, failed


def main():
    total_p = total_f = 0
    if sys.argv[1] == 'meson':
        with open(sys.argv[2], encoding='utf-8', errors='replace') as f:
            for line in f:
                t = json.loads(line)
                out = (t.get('stdout') or '') + '\n' + (t.get('stderr') or '')
                p, fl = count(t['name'], t.get('result') == 'OK', out)
                total_p += p
                total_f += fl
    else:
        name, code, path = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        with open(path, encoding='utf-8', errors='replace') as f:
            out = f.read()
        total_p, total_f = count(name, code == 0, out)
    print(total_p, total_f)


main()
