"""The staged writer: files and folders appear whole or not at all, and only where safe.

Every command that writes a folder (a plan, a timeline, a sweep) fills a fresh
temporary folder beside the target and renames it into place when complete; files
written one by one (a comparison, a region cache entry, the synthetic county) go to
temporary names beside them first. An interrupted run leaves what was there before.

An output folder is only ever a schoolplan output folder: a target must be a new
path, an empty folder, or a folder a previous run wrote, which a *mark* file in it
says (for example ``manifest.json`` naming schoolplan). The current folder, a folder
holding any other files, a file, a path under a file and a folder that cannot be
written to are refused with one :class:`~geodata.errors.InputError` before any work
starts. Nothing of the user's is ever moved, renamed or deleted. A cache folder
follows the same rule: new, empty, or holding only what the cache wrote.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from geodata.errors import InputError, InputIssue

#: How many bytes of a mark file are read to find its signature.
MARK_BYTES = 1 << 20
#: Names a region cache folder may hold (entries and the temporaries of runs in progress).
CACHE_ENTRIES = ("region-*.pickle", ".region-*.tmp")
#: The file of a plan's folder listing its outputs (``"outputs": {name: sha256}``).
MANIFEST = "manifest.json"
#: How many of a refused folder's entries the message names.
SHOWN = 3


def _refuse(option: str, path: object, expected: str, found: str) -> InputError:
    return InputError([InputIssue(option, str(path), "folder", expected, found)])


def _shown(names: Sequence[str]) -> str:
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return ", ".join(names[:SHOWN]) + more


def is_marked(folder: Path, marks: Mapping[str, bytes]) -> bool:
    """Whether ``folder`` holds a mark file: a file of that name starting its text with the mark.

    Parameters
    ----------
    folder
        An existing folder.
    marks
        File name -> the bytes it holds near its start (within :data:`MARK_BYTES`)
        when a schoolplan run wrote it.
    """
    for name, signature in marks.items():
        path = folder / name
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if signature in fh.read(MARK_BYTES):
                    return True
    return False


def _writable_ancestor(path: Path, option: str) -> None:
    """Refuse a path under a file or in a folder that cannot be written to."""
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise _refuse(option, path, "a path inside folders", f"{ancestor} is a file")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise _refuse(option, path, "a folder that can be written to", f"{ancestor} is read-only")
    try:  # the permissions may not tell (a read-only file system, access lists)
        os.rmdir(tempfile.mkdtemp(prefix=".schoolplan-probe.", dir=ancestor))
    except OSError as exc:
        raise _refuse(
            option, path, "a folder that can be written to", f"{ancestor}: {exc.strerror}"
        ) from None


def _common_checks(
    target: str | Path, option: str, inputs: Iterable[str | Path], *, replaced: bool
) -> Path:
    if str(target).strip() == "":
        raise _refuse(option, "''", "a folder name", "an empty name")
    path = Path(target).absolute()
    cwd = Path.cwd().resolve()
    real = path.resolve()
    if replaced and (real == cwd or real in cwd.parents):
        raise _refuse(
            option, target, "a new folder or one a previous run wrote", "the current folder"
        )
    for given in inputs:
        item = Path(given).resolve()
        if item == real or real in item.parents:
            raise _refuse(
                option, target, "a folder apart from the inputs", f"it holds the input {given}"
            )
    if path.exists() and not path.is_dir():
        raise _refuse(option, target, "a folder", "a file of that name")
    if path.is_symlink():
        raise _refuse(option, target, "a folder", "a symbolic link")
    _writable_ancestor(path, option)
    return path


def check_output_folder(
    target: str | Path,
    *,
    marks: Mapping[str, bytes],
    inputs: Iterable[str | Path] = (),
    option: str = "--out",
) -> Path:
    """Refuse ``target`` unless a run may write it whole; return its absolute path.

    Parameters
    ----------
    target
        The output folder asked for.
    marks
        File name -> signature of the files that mark a folder a previous run wrote
        (see :func:`is_marked`).
    inputs
        Files the run reads: the target may not be, or hold, any of them.
    option
        The option or setting that named the target, for the message.

    Raises
    ------
    geodata.errors.InputError
        The target is an empty name, the current folder (or one above it), a file, a
        symbolic link, under a file, in a folder that cannot be written to, holds an
        input, or is a folder with files no run wrote.
    """
    path = _common_checks(target, option, inputs, replaced=True)
    if path.is_dir():
        names = sorted(p.name for p in path.iterdir())
        if names and not is_marked(path, marks):
            raise _refuse(
                option,
                target,
                "a new folder, an empty one or one a previous run wrote "
                f"(it holds {' or '.join(sorted(marks))})",
                f"a folder holding {len(names)} other entr{'y' if len(names) == 1 else 'ies'}: "
                + _shown(names),
            )
        extra = unlisted(path)
        if extra:
            raise _refuse(
                option,
                target,
                f"a folder a previous run wrote, holding only the files its {MANIFEST} lists "
                "(replacing it would delete the others)",
                f"{len(extra)} other entr{'y' if len(extra) == 1 else 'ies'}: " + _shown(extra),
            )
    return path


def unlisted(folder: Path) -> list[str]:
    """Entries of ``folder`` that its :data:`MANIFEST` does not list among the outputs.

    Empty when the folder has no manifest with an ``outputs`` mapping (a timeline's
    or a sweep's folder is marked otherwise).
    """
    manifest = folder / MANIFEST
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8")).get("outputs")
    except (OSError, ValueError, AttributeError):
        return []
    if not isinstance(listed, dict):
        return []
    return sorted(p.name for p in folder.iterdir() if p.name not in {*listed, MANIFEST})


def check_cache_folder(target: str | Path, *, inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse a cache folder that holds anything the region cache did not write.

    Raises
    ------
    geodata.errors.InputError
        As :func:`check_output_folder`, for a folder holding other files than
        :data:`CACHE_ENTRIES`.
    """
    path = _common_checks(target, "--cache", inputs, replaced=False)
    if path.is_dir():
        others = sorted(
            p.name
            for p in path.iterdir()
            if not (p.is_file() and any(fnmatch.fnmatch(p.name, g) for g in CACHE_ENTRIES))
        )
        if others:
            raise _refuse(
                "--cache",
                target,
                "a new folder, an empty one or a region cache (only region-*.pickle files)",
                f"a folder holding {len(others)} other entr{'y' if len(others) == 1 else 'ies'}: "
                + _shown(others),
            )
    return path


@contextlib.contextmanager
def staged_folder(target: str | Path, *, marks: Mapping[str, bytes]) -> Iterator[Path]:
    """Fill a fresh temporary folder beside ``target``; it takes ``target``'s place at the end.

    The target is checked with :func:`check_output_folder` first. On success the
    previous folder (one a run wrote) is moved aside and deleted only once the new one
    is in place; on any failure or interruption the temporary folder is deleted and
    the target is left as it was.

    Yields
    ------
    pathlib.Path
        The temporary folder to write into.
    """
    target = check_output_folder(target, marks=marks)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            target.rename(old)
        tmp.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def staged_files(final: Sequence[str | Path]) -> Iterator[list[Path]]:
    """Temporary names beside ``final``; renamed over them only once every one was written.

    Each temporary name is unique, so runs in parallel may fill the same file (the
    last one wins, whole). On failure the temporaries are deleted and the files left
    as they were.

    Yields
    ------
    list of pathlib.Path
        One temporary path per final path, in order.
    """
    paths = [Path(p) for p in final]
    temps = []
    try:
        for path in paths:
            fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
            os.close(fd)
            temps.append(Path(name))
        yield temps
        for temp, path in zip(temps, paths, strict=True):
            os.chmod(temp, 0o644)
            os.replace(temp, path)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
