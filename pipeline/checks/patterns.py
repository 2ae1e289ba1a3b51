"""Schema `pattern` constraints restricted to a safe subset, so no cell can make matching hang.

Frictionless matches each pattern with Python's backtracking `re` against every
cell. Some patterns take exponential or high polynomial time on a crafted
cell ("catastrophic backtracking": `(a+)+$`, `(a|a)*$`, `\\d*\\d*\\d*x`). A
pattern is accepted when, in its parse tree:

- there is no backreference, lookahead or lookbehind;
- a repeated group holds no alternation, and when it holds a repeat itself, it
  starts with a single character that nothing repeated inside it can match
  (`(-[a-z0-9]+)*` is fine: each round starts at a "-");
- two unbounded repeats in a row cannot match the same character
  (`[a-z]+-[0-9]+` is fine, `[0-9]*[0-9]*` is not);
- it is at most MAX_LENGTH characters long.

`unsafe(pattern)` returns the reason a pattern is refused, or None.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    import re._constants as C  # type: ignore[import-not-found]
    import re._parser as P  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

MAX_LENGTH = 300
# Characters tried when asking whether two atoms can match the same character.
SAMPLE = [chr(c) for c in range(32, 127)] + ["\t", "\n", "\u00a0", "\u3000", "中", "０", "é"]
REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT) + ((C.POSSESSIVE_REPEAT,) if hasattr(C, "POSSESSIVE_REPEAT") else ())


def unsafe(pattern: str) -> str | None:
    if len(pattern) > MAX_LENGTH:
        return f"longer than {MAX_LENGTH} characters"
    try:
        tree = P.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"not a valid regular expression ({exc})"
    return _check(list(tree))


def _items(tree: Any) -> list[Any]:
    return list(tree)


def _check(items: list[Any]) -> str | None:
    previous_unbounded: Any = None
    for op, av in items:
        if op in (C.GROUPREF, C.GROUPREF_EXISTS):
            return "backreferences are not allowed"
        if op in (C.ASSERT, C.ASSERT_NOT):
            return "lookahead and lookbehind are not allowed"
        if op is C.SUBPATTERN:
            found = _check(_items(av[-1]))
            if found:
                return found
        elif op is C.BRANCH:
            for branch in av[1]:
                found = _check(_items(branch))
                if found:
                    return found
        elif op in REPEATS:
            low, high, body = av
            body_items = _flatten(_items(body))
            if high > 1 and _has(body_items, (C.BRANCH,)):
                return "a repeated group may not hold alternatives (a|b)"
            if high > 1 and _has(body_items, REPEATS) and not _guarded(body_items):
                return "a repeated group holding a repeat must start with a character nothing inside repeats"
            found = _check(body_items)
            if found:
                return found
            if high == C.MAXREPEAT:
                first = _first_atom(body_items)
                if previous_unbounded is not None and _overlap(previous_unbounded, first):
                    return "two unbounded repeats in a row can match the same character"
                previous_unbounded = _last_atom(body_items)
                continue
        previous_unbounded = None if op not in (C.SUBPATTERN,) else previous_unbounded
    return None


def _flatten(items: list[Any]) -> list[Any]:
    while len(items) == 1 and items[0][0] is C.SUBPATTERN:
        items = _items(items[0][1][-1])
    return items


def _has(items: list[Any], ops: tuple[Any, ...]) -> bool:
    for op, av in items:
        if op in ops:
            return True
        if op is C.SUBPATTERN and _has(_items(av[-1]), ops):
            return True
        if op in REPEATS and _has(_items(av[2]), ops):
            return True
        if op is C.BRANCH and any(_has(_items(b), ops) for b in av[1]):
            return True
    return False


def _repeated_atoms(items: list[Any]) -> list[Any]:
    atoms = []
    for op, av in items:
        if op in REPEATS:
            body = _items(av[2])
            atoms += [i for i in _flatten(body) if i[0] not in REPEATS] + _repeated_atoms(body)
        elif op is C.SUBPATTERN:
            atoms += _repeated_atoms(_items(av[-1]))
    return atoms


def _guarded(items: list[Any]) -> bool:
    first = items[0] if items else None
    if first is None or first[0] not in (C.LITERAL, C.IN):
        return False
    return not any(_overlap(first, atom) for atom in _repeated_atoms(items))


def _first_atom(items: list[Any]) -> Any:
    items = _flatten(items)
    if not items:
        return None
    op, av = items[0]
    if op in REPEATS:
        return _first_atom(_items(av[2]))
    return items[0]


def _last_atom(items: list[Any]) -> Any:
    items = _flatten(items)
    if not items:
        return None
    op, av = items[-1]
    if op in REPEATS:
        return _last_atom(_items(av[2]))
    return items[-1]


def _overlap(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return False
    return any(_matches(a, ch) and _matches(b, ch) for ch in SAMPLE)


CATEGORIES = {
    C.CATEGORY_DIGIT: str.isdigit, C.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    C.CATEGORY_SPACE: str.isspace, C.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    C.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    C.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
}


def _matches(atom: Any, ch: str) -> bool:
    op, av = atom
    if op is C.LITERAL:
        return bool(ord(ch) == av)
    if op is C.NOT_LITERAL:
        return bool(ord(ch) != av)
    if op is C.ANY:
        return True
    if op is C.IN:
        negate = False
        hit = False
        for kind, value in av:
            if kind is C.NEGATE:
                negate = True
            elif kind is C.LITERAL and ord(ch) == value:
                hit = True
            elif kind is C.RANGE and value[0] <= ord(ch) <= value[1]:
                hit = True
            elif kind is C.CATEGORY and CATEGORIES.get(value, lambda c: True)(ch):
                hit = True
        return hit != negate
    return True  # anything else (a group, a category at top level): assume it can
