"""What kind of road file a file is, told by its first bytes whatever its name.

Excel, a browser or a colleague renames files: a gzip file called ``roads.osm``, a
PBF extract called ``.osm``. The kind is read from the content:

==============  ==============================================================
kind            first bytes
==============  ==============================================================
gzip            ``1f 8b`` (then the decompressed start must be OSM XML)
bzip2           ``BZh`` (the same)
PBF             a 4-byte header length, then a ``BlobHeader`` naming ``OSMHeader``
OSM XML         ``<?xml`` ... ``<osm`` (a UTF-8 byte-order mark and blanks allowed)
GraphML         ``<?xml`` ... ``<graphml`` (osmnx's ``save_graphml``)
==============  ==============================================================
"""

from __future__ import annotations

import bz2
import gzip
import zlib
from enum import StrEnum
from pathlib import Path

from geodata.errors import InputError, InputIssue

#: Bytes read to tell the kind.
HEAD_BYTES = 4096


class RoadFileKind(StrEnum):
    """The kinds of road file; the value is osmium's format name."""

    OSM_XML = "osm"
    OSM_GZIP = "osm.gz"
    OSM_BZIP2 = "osm.bz2"
    PBF = "pbf"
    GRAPHML = "graphml"


#: The compression of the compressed kinds, in words.
COMPRESSION = {RoadFileKind.OSM_GZIP: "gzip", RoadFileKind.OSM_BZIP2: "bzip2"}


def _fail(path: Path, field: str, expected: str, found: str) -> InputError:
    return InputError([InputIssue(str(path), "-", field, expected, found)])


def _xml_kind(head: bytes) -> RoadFileKind | None:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"<"):
        return None
    if b"<osm" in text:
        return RoadFileKind.OSM_XML
    if b"<graphml" in text:
        return RoadFileKind.GRAPHML
    return None


def _decompressed_head(path: Path, kind: RoadFileKind) -> bytes:
    opener = gzip.open if kind is RoadFileKind.OSM_GZIP else bz2.open
    try:
        with opener(path, "rb") as fh:
            return fh.read(HEAD_BYTES)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise _fail(
            path,
            "content",
            f"a complete {COMPRESSION[kind]} file",
            f"a truncated or corrupt one ({exc})",
        ) from None


def road_file_kind(path: str | Path) -> RoadFileKind:
    """The kind of a road file, from its content.

    Raises
    ------
    geodata.errors.InputError
        When the file is missing, empty, or of no known kind (the message says what
        its first bytes look like).
    """
    path = Path(path)
    if not path.is_file():
        found = "a folder" if path.is_dir() else "no such file"
        raise _fail(path, "file", "an OSM file", found)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if not head:
        raise _fail(path, "content", "an OSM file", "an empty file")
    if head.startswith(b"\x1f\x8b"):
        kind = RoadFileKind.OSM_GZIP
    elif head.startswith(b"BZh"):
        kind = RoadFileKind.OSM_BZIP2
    elif len(head) > 16 and head[4] == 0x0A and b"OSMHeader" in head[5:20]:
        return RoadFileKind.PBF
    else:
        found = _xml_kind(head)
        if found is None:
            raise _fail(
                path,
                "content",
                "OSM XML, gzip or bzip2 compressed OSM XML, OSM PBF or GraphML "
                "(told by the first bytes, whatever the name)",
                f"a file starting {head[:16]!r}",
            )
        return found
    inner = _xml_kind(_decompressed_head(path, kind))
    if inner is not RoadFileKind.OSM_XML:
        raise _fail(
            path,
            "content",
            f"OSM XML inside the {COMPRESSION[kind]} file",
            f"compressed data starting {_decompressed_head(path, kind)[:16]!r}",
        )
    return kind
