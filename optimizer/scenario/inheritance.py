"""Scenario inheritance: ``extends: other.yaml`` and a few changed keys.

A scenario file may start from another one::

    extends: demo.yaml          # relative to this file
    name: Grades 1-3 within 20 min
    policy:
      bands:
        p13: {one_way_min: 20}

The files are read from the root of the chain down to the file asked for, and
each one is deep-merged onto the one it extends: mappings merge key by key, every
other value (lists included) replaces the inherited one, and ``null`` clears it.
Region paths are resolved relative to the file that declared them, so a child in
another folder still finds its parent's roads and tables. A file that extends
itself, directly or through others, is an error naming the whole cycle.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from geodata.errors import InputError, InputIssue
from optimizer.scenario.yaml_reader import load_yaml

#: The key naming the scenario a file extends.
EXTENDS = "extends"
#: Region keys holding a path (a string, or a mapping with a ``path`` key).
REGION_PATH_KEYS = ("roads", "villages", "schools", "depots", "boundaries")
#: Keys the loader sets itself; a file may not set them.
RESERVED = ("base_dir", "sources")


@dataclass(frozen=True)
class ScenarioSource:
    """The merged content of a scenario file and of every file it extends.

    Attributes
    ----------
    data
        The merged mapping, ``extends`` removed, region paths relative to the
        folder of the file asked for.
    files
        The chain of files read, the file asked for first, then its parent, ...
    layers
        The content of each file of ``files`` as written (``extends`` removed, region
        paths made absolute): where a key was declared.
    """

    data: dict[str, Any]
    files: tuple[Path, ...]
    layers: tuple[dict[str, Any], ...]

    @property
    def base_dir(self) -> Path:
        """The folder of the file asked for."""
        return self.files[0].parent

    def declared_in(self, loc: tuple[object, ...]) -> Path:
        """The file that declared the value at a YAML path (the nearest in the chain).

        For a key that no file sets (a missing required key), the file declaring its
        nearest enclosing mapping; for the top level, the file asked for.
        """
        for depth in range(len(loc), 0, -1):
            prefix = loc[:depth]
            for file, layer in zip(self.files, self.layers):
                if _has_path(layer, prefix):
                    return file
        return self.files[0]


def read_scenario_source(path: str | Path) -> ScenarioSource:
    """Read a scenario file and the files it extends, and merge them.

    Raises
    ------
    geodata.errors.InputError
        A missing or unreadable file, invalid YAML, content that is not a mapping, a
        reserved key, a bad ``extends`` value or a cycle, naming the file at fault.
    """
    files: list[Path] = []
    layers: list[dict[str, Any]] = []
    path = Path(path).resolve()
    while True:
        layer = _read_layer(path, referenced_by=files[-1] if files else None)
        files.append(path)
        parent = layer.pop(EXTENDS, None)
        layers.append(layer)
        if parent is None:
            break
        if not isinstance(parent, str) or not parent.strip():
            raise InputError(
                [
                    InputIssue(
                        str(path),
                        EXTENDS,
                        "value",
                        "the path of another scenario file, relative to this one",
                        repr(parent)[:80],
                    )
                ]
            )
        nxt = (path.parent / parent).resolve()
        chain = [*files, nxt]
        if nxt in files:
            raise InputError(
                [
                    InputIssue(
                        str(path),
                        EXTENDS,
                        "value",
                        "a chain of scenario files without a cycle",
                        "the cycle " + " -> ".join(p.name for p in chain[chain.index(nxt) :]),
                    )
                ]
            )
        path = nxt
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged = deep_merge(merged, layer)
    _relative_region_paths(merged, files[0].parent)
    return ScenarioSource(data=merged, files=tuple(files), layers=tuple(layers))


def deep_merge(base: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``change`` on top: mappings merge recursively, the rest replaces.

    Neither argument is modified.
    """
    out = dict(base)
    for key, value in change.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_layer(path: Path, *, referenced_by: Path | None) -> dict[str, Any]:
    """One file's mapping, its region paths made absolute."""
    if not path.is_file():
        if referenced_by is not None:
            issue = InputIssue(
                str(referenced_by),
                EXTENDS,
                "value",
                "the path of an existing scenario file, relative to this one",
                f"no such file {path}",
            )
        else:
            issue = InputIssue(str(path), "-", "file", "a scenario YAML file", "no such file")
        raise InputError([issue])
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "-"
        found = " ".join((exc.problem or "invalid YAML").split())
        if exc.context:
            found += f" ({exc.context})"
        if "'\\t'" in found:
            found = "a tab character: indent YAML with spaces, never tabs"
        expected = getattr(exc, "expected", "valid YAML")
        raise InputError([InputIssue(str(path), where, "content", expected, found)]) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                InputIssue(
                    str(path),
                    "-",
                    "encoding",
                    "UTF-8 text",
                    f"a byte that is not UTF-8 at position {exc.start}",
                )
            ]
        ) from None
    except (yaml.YAMLError, OSError) as exc:
        raise InputError(
            [InputIssue(str(path), "-", "content", "valid YAML", " ".join(str(exc).split()))]
        ) from None
    if data is None:
        raise InputError(
            [InputIssue(str(path), "-", "content", "a YAML mapping (name, region, ...)", "empty")]
        )
    if not isinstance(data, dict):
        raise InputError(
            [InputIssue(str(path), "-", "content", "a YAML mapping", type(data).__name__)]
        )
    reserved = [key for key in RESERVED if key in data]
    if reserved:
        raise InputError(
            InputIssue(str(path), key, "value", "Extra inputs are not permitted", "")
            for key in reserved
        )
    region = data.get("region")
    if isinstance(region, dict):
        data["region"] = {
            key: _absolute(value, path.parent) if key in REGION_PATH_KEYS else value
            for key, value in region.items()
        }
    return data


def _absolute(value: Any, folder: Path) -> Any:
    if isinstance(value, str) and value.strip():
        return os.path.normpath(folder / value)
    if isinstance(value, dict) and isinstance(value.get("path"), str):
        return {**value, "path": os.path.normpath(folder / value["path"])}
    return value


def _relative(value: Any, folder: Path) -> Any:
    if isinstance(value, str) and os.path.isabs(value):
        return Path(os.path.relpath(value, folder)).as_posix()
    if isinstance(value, dict) and isinstance(value.get("path"), str):
        return {**value, "path": _relative(value["path"], folder)}
    return value


def _relative_region_paths(data: dict[str, Any], folder: Path) -> None:
    region = data.get("region")
    if isinstance(region, dict):
        data["region"] = {
            key: _relative(value, folder) if key in REGION_PATH_KEYS else value
            for key, value in region.items()
        }


def _has_path(data: Any, loc: tuple[object, ...]) -> bool:
    for key in loc:
        if not isinstance(data, Mapping) or key not in data:
            return False
        data = data[key]
    return True
