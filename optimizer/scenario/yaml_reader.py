"""Reading a scenario's YAML safely: no duplicate key, no alias bomb, no base-60 numbers.

PyYAML's ``safe_load`` follows YAML 1.1, which has three traps for a planner:

- a key written twice in one mapping (a second ``policy:`` block) silently replaces
  the first; here it is an error naming both lines;
- aliases (``*name``) may refer to a list of aliases, and so on: a few hundred bytes
  can expand to a billion values (the "billion laughs"); here a document whose
  expansion exceeds :data:`MAX_NODES` values is refused before it is built;
- ``8:20`` unquoted is the base-60 number 500; here digits separated by colons stay
  text (``"8:20"``), so that a bell time reads as a clock time, quoted or not.

Dates (``2026-12-01``) stay text too, for the schema to read: YAML 1.1 would build a
date, and fail on an impossible one (``2026-13-01``) with no line and no key.
"""

from __future__ import annotations

import re

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["MAX_NODES", "DuplicateKey", "TooManyValues", "load_yaml"]

#: Most values a scenario document may hold once every alias is expanded.
MAX_NODES = 100_000


class ScenarioYAMLError(yaml.MarkedYAMLError):
    """A YAML document refused for what it says, not its syntax; ``expected`` in words."""

    expected = "valid YAML"


class DuplicateKey(ScenarioYAMLError):
    """A key written twice in one mapping."""

    expected = "each key once in a mapping (a second one would silently replace the first)"


class TooManyValues(ScenarioYAMLError):
    """A document whose aliases expand beyond :data:`MAX_NODES` values."""

    expected = f"a scenario of at most {MAX_NODES:,} values once its aliases are expanded"


_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+)$""",
    re.X,
)
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)


class _Loader(yaml.SafeLoader):
    """``SafeLoader`` with YAML 1.1's base-60 integers and floats, and dates, read as text."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag
        not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


def _size(node: Node, seen: dict[int, int]) -> int:
    """How many values ``node`` holds once expanded (aliases share their node)."""
    key = id(node)
    if key in seen:
        return seen[key]
    seen[key] = 1  # a recursive alias counts once instead of forever
    total = 1
    if isinstance(node, SequenceNode):
        total += sum(_size(child, seen) for child in node.value)
    elif isinstance(node, MappingNode):
        total += sum(_size(k, seen) + _size(v, seen) for k, v in node.value)
    seen[key] = min(total, MAX_NODES + 1)
    return seen[key]


def _check_keys(node: Node, done: set[int]) -> None:
    """Refuse a key written twice in any mapping below ``node``."""
    if id(node) in done:
        return
    done.add(id(node))
    if isinstance(node, MappingNode):
        first: dict[str, Node] = {}
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                if key.value in first:
                    line = first[key.value].start_mark.line + 1
                    raise DuplicateKey(
                        None,
                        None,
                        f"the key '{key.value}' a second time (first at line {line})",
                        key.start_mark,
                    )
                first[key.value] = key
            _check_keys(value, done)
    elif isinstance(node, SequenceNode):
        for child in node.value:
            _check_keys(child, done)


def load_yaml(text: str) -> object:
    """The one document in ``text``, read as described in the module docstring.

    Raises
    ------
    yaml.YAMLError
        Invalid YAML; :class:`DuplicateKey` or :class:`TooManyValues` (both
        :class:`yaml.MarkedYAMLError`, with the line) for what is refused here.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _size(node, {}) > MAX_NODES:
            raise TooManyValues(
                None,
                None,
                f"more than {MAX_NODES:,} values (aliases nested in aliases)",
                node.start_mark,
            )
        _check_keys(node, set())
        return loader.construct_document(node)
    finally:
        loader.dispose()
