"""Scenario schema errors in a planner's words: a missing key, an unknown key, a bad value.

pydantic describes each problem for a programmer ("Extra inputs are not permitted",
"Field required"); :func:`describe` turns one of its errors into the
``expected ... ; found ...`` pair of an :class:`geodata.errors.InputIssue`, with the
keys that are allowed at that place and the nearest one to a misspelt key.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

#: Fields set by the loader, never written in a file.
HIDDEN = frozenset({"base_dir", "sources"})


def _unwrap(annotation: Any) -> Any:
    """The model inside ``X | None`` or ``str | Model`` (the annotation itself otherwise)."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = get_args(annotation)
        models = [a for a in members if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if models else annotation
    return annotation


def model_at(root: type[BaseModel], loc: Sequence[object]) -> Any:
    """The model (or type) found at a YAML path below ``root``, or ``None``."""
    current: Any = root
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            if part == current.__name__:  # pydantic's tag of a union member
                continue
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = _unwrap(field.annotation)
        elif get_origin(current) is dict:
            current = _unwrap(get_args(current)[1])
        else:
            return None
    return current


def known_keys(root: type[BaseModel], loc: Sequence[object]) -> list[str]:
    """The keys a file may write in the mapping at ``loc``."""
    model = model_at(root, loc)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [k for k in model.model_fields if k not in HIDDEN]
    return []


def describe(err: dict[str, Any], root: type[BaseModel]) -> tuple[str, str]:
    """``(expected, found)`` for one pydantic error of a model rooted at ``root``."""
    loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "missing":
        return "a value: this key is required", "nothing"
    if kind == "extra_forbidden" and loc:
        key = str(loc[-1])
        known = known_keys(root, loc[:-1])
        if known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            return f"one of the keys {', '.join(known)}{hint}", f"an unknown key '{key}'"
        return "no key of this name", f"an unknown key '{key}'"
    message = str(err["msg"]).removeprefix("Value error, ")
    given = err.get("input")
    section = model_at(root, loc)
    if kind == "value_error" and isinstance(section, type) and issubclass(section, BaseModel):
        return in_words(message), ""  # a rule across a section's keys: the message says it
    return in_words(message), repr(given)[:80]


#: pydantic's words for a type -> a planner's.
_TYPES = {
    "a valid integer": "a whole number",
    "a valid number": "a number",
    "a valid string": "text",
    "a valid boolean": "true or false",
    "a valid dictionary": "a mapping (key: value lines)",
    "a valid list": "a list",
}


def in_words(message: str) -> str:
    """pydantic's ``Input should be ...`` as what was expected: ``a number greater than 0``."""
    if not message.startswith("Input should be "):
        return message
    rest = message.removeprefix("Input should be ").split(", unable to")[0]
    rest = _TYPES.get(rest, rest)
    if rest.startswith(("greater", "less")):
        rest = "a number " + rest
    return rest
