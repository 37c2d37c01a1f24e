"""Variants of a scenario: ``--vary KEY=V1,V2`` options and the grid they make.

A variant is the base scenario with a few dotted keys set (``policy.bus.seats=45``),
validated like a scenario file; a key the schema does not know, or a value out of
range, is reported against its ``--vary`` option before anything runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from geodata.errors import InputError, InputIssue
from optimizer.scenario.inheritance import deep_merge
from optimizer.scenario.schema import Scenario, pending_settings, validate_scenario_data


@dataclass(frozen=True)
class Vary:
    """One ``--vary`` option: a dotted key and the values it takes."""

    key: str
    values: tuple[Any, ...]

    @classmethod
    def parse(cls, text: str) -> Vary:
        """Read ``key=v1,v2,...`` (each value a YAML scalar: ``20``, ``false``, ``null``).

        Raises
        ------
        geodata.errors.InputError
            When the text has no ``=``, an empty key or part, or a value that is not
            a scalar.
        """
        key, sep, rest = text.partition("=")
        key = key.strip()
        parts = [p.strip() for p in rest.split(",")]
        if not sep or not key or any(not k for k in key.split(".")) or any(not p for p in parts):
            raise InputError(
                [InputIssue("--vary", text, "option", "KEY=V1,V2,... with a dotted KEY", text)]
            )
        values = []
        for part in parts:
            try:
                value = yaml.safe_load(part)
            except yaml.YAMLError:
                value = part
            if ":" in part and isinstance(value, int | float):
                value = part  # a time of day such as 10:30, not YAML's base-60 number
            if isinstance(value, dict | list):
                expected = "a single value (a number, a word, true or false)"
                raise InputError([InputIssue("--vary", key, "value", expected, part)])
            values.append(value)
        return cls(key, tuple(values))


@dataclass(frozen=True)
class Variant:
    """One combination of the varied values, validated.

    Attributes
    ----------
    id
        ``v001``, ``v002``, ... in grid order (the first ``--vary`` varies slowest).
    changes
        ``(dotted key, value)`` pairs.
    scenario
        The scenario with the changes made.
    """

    id: str
    changes: tuple[tuple[str, Any], ...]
    scenario: Scenario

    @property
    def label(self) -> str:
        """``key=value, ...`` with each key's last part."""
        return ", ".join(f"{key.rsplit('.', 1)[-1]}={value}" for key, value in self.changes)


def with_changes(data: dict[str, Any], changes: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """A copy of a scenario mapping with each dotted key set to its value.

    Raises
    ------
    geodata.errors.InputError
        When a key runs through a value that is not a mapping.
    """
    out = data
    for key, value in changes:
        parts = key.split(".")
        node: Any = out
        for depth, part in enumerate(parts[:-1]):
            node = node.get(part, {}) if isinstance(node, dict) else None
            if not isinstance(node, dict):
                where = ".".join(parts[: depth + 1])
                raise InputError(
                    [InputIssue("--vary", key, "key", f"{where} to be a group of settings")]
                )
        nested: Any = value
        for part in reversed(parts):
            nested = {part: nested}
        out = deep_merge(out, nested)
    return out


def make_variants(base: Scenario, varies: Sequence[Vary]) -> list[Variant]:
    """Every combination of the varied values, each validated.

    Raises
    ------
    geodata.errors.InputError
        Every problem of every variant (a key the schema does not know, a value out
        of range), named by its ``--vary`` option.
    """
    data = base.model_dump(mode="json")
    issues: list[InputIssue] = []
    variants = []
    keys = [v.key for v in varies]
    for i, values in enumerate(itertools.product(*(v.values for v in varies)), start=1):
        changes = tuple(zip(keys, values))
        label = ", ".join(f"{k}={v}" for k, v in changes)
        changed = with_changes(data, changes)
        if "name" not in keys:
            changed = {**changed, "name": f"{base.name} [{label}]"}

        def file_of(loc: tuple[object, ...], label: str = label) -> str:
            dotted = ".".join(str(p) for p in loc)
            hit = any(dotted == k or dotted.startswith(k + ".") for k in keys)
            return f"--vary ({label})" if hit else str(base.sources[0] if base.sources else "-")

        try:
            scenario = validate_scenario_data(
                changed, base_dir=base.base_dir, sources=base.sources, file_of=file_of
            )
        except InputError as exc:
            issues.extend(i for i in exc.issues if i not in issues)
            continue
        issues.extend(i for i in pending_settings(scenario) if i not in issues)
        variants.append(Variant(f"v{i:03d}", changes, scenario))
    if issues:
        raise InputError(issues)
    return variants
