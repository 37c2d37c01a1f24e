"""The words for every member of the plan's enumerations, in English and Chinese.

Kept by member, both languages side by side, so that no member goes without a word:
a band, level, ownership, mode, status, school role, veto outcome or hazard kind.
:mod:`optimizer.outputs.labels` makes them the ``"<kind>.<value>"`` labels of each
language (``"mode.walk"``); :func:`name` looks a member up in a language's labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from geodata.kinds import Hazard
from optimizer.plan import Band, Level, Mode, Ownership, Role, Status, VetoStatus

#: The label prefix of each enumeration: ``"mode.walk"`` is :attr:`Mode.WALK`'s label.
KINDS: Mapping[type[StrEnum], str] = MappingProxyType(
    {
        Band: "band",
        Level: "level",
        Ownership: "ownership",
        Mode: "mode",
        Status: "status",
        Role: "role",
        VetoStatus: "veto",
        Hazard: "hazard",
    }
)

#: Per enumeration, each member's words: (English, Chinese). Members of different
#: enumerations may share a value (``Status.KEPT == Role.KEPT``): hence one table each.
MEMBER_WORDS: Mapping[type[StrEnum], Mapping[StrEnum, tuple[str, str]]] = MappingProxyType(
    {
        Band: {
            Band.K: ("Kindergarten", "幼儿园"),
            Band.P13: ("Grades 1-3", "一至三年级"),
            Band.P46: ("Grades 4-6", "四至六年级"),
            Band.J79: ("Grades 7-9", "七至九年级"),
        },
        Level: {
            Level.KINDERGARTEN: ("kindergarten", "幼儿园"),
            Level.PRIMARY: ("primary school", "小学"),
            Level.JUNIOR: ("junior secondary", "初中"),
            Level.NINE_YEAR: ("nine-year school", "九年一贯制学校"),
        },
        Ownership: {
            Ownership.PUBLIC: ("public", "公办"),
            Ownership.PRIVATE_INCLUSIVE: ("private, inclusive (subsidised)", "普惠性民办"),
            Ownership.PRIVATE: ("private", "民办"),
        },
        Mode: {
            Mode.WALK: ("walk", "步行"),
            Mode.BUS: ("school bus", "校车"),
            Mode.BOARD: ("boarding", "寄宿"),
            Mode.GUARDIAN: ("guardian", "家长接送"),
            Mode.AS_TODAY: ("as today", "维持现状"),
        },
        Status: {
            Status.KEPT: ("kept", "保留"),
            Status.CLOSED: ("closed", "撤并"),
            Status.TEACHING_POINT: ("teaching point", "教学点"),
        },
        Role: {
            Role.KEPT: ("kept", "保留"),
            Role.RECEIVING: ("kept, receives pupils", "保留，接收学生"),
            Role.TEACHING_POINT: ("teaching point", "教学点"),
            Role.CLOSED: ("closed", "撤并"),
        },
        VetoStatus: {
            VetoStatus.PASS: ("pass", "通过"),
            VetoStatus.FAIL: ("FAIL", "不通过"),
            VetoStatus.MANUAL: ("for the hearing", "待听证"),
        },
        Hazard: {
            Hazard.TRACK: ("field track", "机耕路"),
            Hazard.UNPAVED: ("unpaved", "未铺装路面"),
            Hazard.ROUGH: ("rough surface", "路面破损"),
            Hazard.STEEP: ("steep slope", "陡坡"),
            Hazard.NARROW: ("narrow road", "窄路"),
        },
    }
)

#: The position of each language in :data:`MEMBER_WORDS`.
LANGUAGE_COLUMN = MappingProxyType({"en": 0, "zh": 1})


def member_labels(language: str) -> dict[str, str]:
    """The ``"<kind>.<value>"`` labels of every member in one language."""
    column = LANGUAGE_COLUMN[language]
    return {
        f"{KINDS[kind]}.{member}": words[column]
        for kind, members in MEMBER_WORDS.items()
        for member, words in members.items()
    }


def name(text: Mapping[str, str], member: StrEnum) -> str:
    """The word for ``member`` in a language's labels (its value when it has none)."""
    return text.get(f"{KINDS[type(member)]}.{member}", str(member))
