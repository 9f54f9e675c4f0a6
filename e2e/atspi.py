#!/usr/bin/python3
"""Reads the real Tessera window's page through its accessibility tree.

The production build has no web inspector and no test bridge, so the walk
(walk.e2e.mjs) learns what WebKit shows the way a screen reader does: over
AT-SPI, on the session's accessibility bus. An element counts when it is
SHOWING with a non-empty box on the screen.

  atspi.py find [--pid PID] [--role ROLE] [--value REGEX] [--text] [--timeout S] NAME_REGEX...
      waits until an element whose accessible name matches one of the
      regexes (case-insensitive) is shown; prints {"name","role","x","y",
      "w","h"} (screen coordinates) and exits 0, or prints what was shown
      and exits 1 when the time is up.
  atspi.py dump      prints every shown element (role and name), for a failure.
"""
import json
import re
import sys
import time

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

MAX_NODES = 20000  # a runaway tree (a huge table) must not hang a poll


def shown(acc):
    try:
        st = acc.get_state_set()
        if not st.contains(Atspi.StateType.SHOWING):
            return None
        box = acc.get_extents(Atspi.CoordType.SCREEN)
        if box.width <= 0 or box.height <= 0:
            return None
        return box
    except Exception:  # the node went away while we looked
        return None


def apps(pid):
    """The desktop's applications: all, or the one of process pid."""
    desktop = Atspi.get_desktop(0)
    out = []
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        try:
            if app is not None and (pid is None or app.get_process_id() == pid):
                out.append(app)
        except Exception:  # an application that quit while we looked
            pass
    return out


def walk(pid=None):
    """Yields (accessible, role name, accessible name, box) of shown nodes."""
    stack = apps(pid)
    seen = 0
    while stack and seen < MAX_NODES:
        acc = stack.pop()
        if acc is None:
            continue
        seen += 1
        try:
            role = acc.get_role_name()
            name = acc.get_name() or ''
            n = acc.get_child_count()
        except Exception:
            continue
        box = shown(acc) if role != 'application' else None
        if box is not None:
            yield acc, role, name, box
        # An element that is not shown hides its subtree too (closed menus,
        # other tabs), except containers whose own box WebKit leaves empty.
        if role in ('application', 'frame', 'filler', 'panel', 'scroll pane', 'document web', 'section',
                    'internal frame', 'embedded', 'grouping') or box is not None:
            for i in range(n - 1, -1, -1):
                try:
                    stack.append(acc.get_child_at_index(i))
                except Exception:
                    pass


def text_of(acc):
    """The text an unnamed element shows (a paragraph, a cell's output)."""
    try:
        t = acc.get_text_iface()
        if t is None:
            return ''
        return Atspi.Text.get_text(t, 0, min(Atspi.Text.get_character_count(t), 2000)) or ''
    except Exception:
        return ''


def child_texts(acc):
    """The names and texts of an element's children (a picker's value)."""
    out = []
    try:
        for i in range(min(acc.get_child_count(), 20)):
            c = acc.get_child_at_index(i)
            if c is not None:
                out += [c.get_name() or '', text_of(c)]
    except Exception:
        pass
    return out


def find(patterns, role=None, text=False, pid=None, value=None):
    rx = [re.compile(p, re.I) for p in patterns]
    vx = re.compile(value, re.I) if value else None
    for acc, r, name, box in walk(pid):
        if role and r != role:
            continue
        if vx and not (vx.search(text_of(acc)) or any(vx.search(c) for c in child_texts(acc))):
            continue
        if any(p.search(name) for p in rx) or (text and any(p.search(text_of(acc)) for p in rx)):
            return {'name': name, 'role': r, 'x': box.x, 'y': box.y, 'w': box.width, 'h': box.height}
    return None


def dump(out, pid=None):
    for _, r, name, box in walk(pid):
        if name:
            out.write(f'{r}: {name[:100]!r} @{box.x},{box.y} {box.width}x{box.height}\n')


def main(argv):
    if not argv or argv[0] not in ('find', 'dump'):
        sys.stderr.write(__doc__)
        return 2
    if argv[0] == 'dump':
        dump(sys.stdout)
        return 0
    role, timeout, patterns, text, pid, value = None, 30.0, [], False, None, None
    args = iter(argv[1:])
    for a in args:
        if a == '--role':
            role = next(args)
        elif a == '--value':
            value = next(args)
        elif a == '--pid':
            pid = int(next(args))
        elif a == '--text':
            text = True
        elif a == '--timeout':
            timeout = float(next(args))
        else:
            patterns.append(a)
    if not patterns:
        sys.stderr.write('find needs a name to look for\n')
        return 2
    deadline = time.monotonic() + timeout
    while True:
        hit = find(patterns, role, text, pid, value)
        if hit:
            print(json.dumps(hit))
            return 0
        if time.monotonic() > deadline:
            sys.stderr.write(f'never shown: {" or ".join(patterns)}{" (" + role + ")" if role else ""}; shown were:\n')
            dump(sys.stderr, pid)
            return 1
        time.sleep(0.2)  # the poll's pace, not a wait for the state


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
