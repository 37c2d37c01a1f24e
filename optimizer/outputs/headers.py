"""The words over every column of the plan's tables, in English and Chinese.

The CSV files keep the column names of :mod:`optimizer.outputs.tables` (for scripts);
``plan.xlsx`` and the GeoPackage's field aliases show these words instead. A column
ending in a band (``before_p13``, ``school_k``) reads its base words and the band's.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from optimizer.outputs.labels import labels, name
from optimizer.plan import Band, Level

#: Per column: (English, Chinese).
COLUMN_WORDS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "village": ("Village id", "村庄编号"),
        "village_name": ("Village", "村庄"),
        "name": ("Name", "名称"),
        "lon": ("Longitude", "经度"),
        "lat": ("Latitude", "纬度"),
        "band": ("Grade band", "年级段"),
        "pupils": ("Pupils", "学生数"),
        "school": ("School id", "学校编号"),
        "school_name": ("School", "学校"),
        "mode": ("How", "上学方式"),
        "moved": ("Moved", "转学"),
        "bused": ("Newly bused", "新增乘校车"),
        "time_s": ("Journey (s)", "单程时间（秒）"),
        "time_min": ("Journey (min)", "单程时间（分钟）"),
        "distance_m": ("Distance (m)", "距离（米）"),
        "distance_km": ("Distance (km)", "距离（公里）"),
        "stop": ("Stop", "站点"),
        "walk_to_stop_m": ("Walk to stop (m)", "步行到站（米）"),
        "limit_s": ("Limit (s)", "时限（秒）"),
        "limit_min": ("Limit (min)", "时限（分钟）"),
        "over_limit": ("Over the limit", "超出时限"),
        "before_school": ("School before (id)", "调整前学校编号"),
        "before_mode": ("How before", "调整前上学方式"),
        "snap_m": ("To the road (m)", "距道路（米）"),
        "walk_snap_m": ("To a footpath (m)", "距步行道（米）"),
        "before_school_name": ("School before", "调整前学校"),
        "before_time_s": ("Journey before (s)", "调整前单程时间（秒）"),
        "before_time_min": ("Journey before (min)", "调整前单程时间（分钟）"),
        "before_distance_m": ("Distance before (m)", "调整前距离（米）"),
        "before_distance_km": ("Distance before (km)", "调整前距离（公里）"),
        "change_s": ("Change (s)", "变化（秒）"),
        "change_min": ("Change (min)", "变化（分钟）"),
        "role": ("Role", "作用"),
        "decision": ("Planner's decision", "规划决定"),
        "villages": ("Villages", "村庄数"),
        "village_ids": ("Village ids", "村庄编号"),
        "area_km2": ("Area (km²)", "面积（平方公里）"),
        "route": ("Route", "线路"),
        "start": ("Depot", "车场"),
        "seats": ("Seats", "座位数"),
        "stops": ("Stops", "站点数"),
        "depart_s": ("Leaves (s)", "发车时间（秒）"),
        "depart": ("Leaves", "发车时间"),
        "arrive_school_s": ("At school (s)", "到校时间（秒）"),
        "arrive_school": ("At school", "到校时间"),
        "bell": ("Bell", "上课时间"),
        "drive_s": ("Drive (s)", "行驶时间（秒）"),
        "drive_min": ("Drive (min)", "行驶时间（分钟）"),
        "longest_ride_s": ("Longest ride (s)", "最长乘车时间（秒）"),
        "longest_ride_min": ("Longest ride (min)", "最长乘车时间（分钟）"),
        "geometry_points": ("Path points", "路径点数"),
        "drops": ("Schools served", "送达学校"),
        "level": ("Level", "学段"),
        "status": ("Status", "状态"),
        "may_close": ("May close", "可撤并"),
        "must_keep": ("Must keep", "必须保留"),
        "ownership": ("Ownership", "办学性质"),
        "capacity": ("Places", "学位数"),
        "running_cost": ("Running cost (yuan/year)", "运行经费（元/年）"),
        "enrolment_before": ("Pupils before", "调整前学生数"),
        "enrolment_after": ("Pupils after", "调整后学生数"),
        "before": ("Before", "调整前"),
        "after": ("After", "调整后"),
        "class_norm": ("Class norm", "班额标准"),
        "classes_after": ("Classes after", "调整后班级数"),
        "largest_class_after": ("Largest class after", "调整后最大班额"),
        "over_class_norm": ("Above the class norm", "超出班额标准"),
        "canteen_seats": ("Canteen seats", "食堂座位"),
        "lunch_pupils_after": ("Pupils at lunch after", "调整后午餐学生"),
        "boarding_beds": ("Boarding beds", "宿舍床位"),
        "boarders_after": ("Boarders after", "调整后寄宿学生"),
        "investment": ("Investment", "投资"),
        "capital_cost": ("Capital cost (yuan)", "投资额（元）"),
        "arrive_s": ("Arrives (s)", "到站时间（秒）"),
        "arrive": ("Arrives", "到站时间"),
        "boarding": ("Boarding", "上车人数"),
        "walking_pupils": ("Walking here", "步行到此站人数"),
        "walk_from": ("Walking from", "步行来自"),
        "load_after": ("On board after", "离站时车上人数"),
        "ride_s": ("Ride (s)", "乘车时间（秒）"),
        "ride_min": ("Ride (min)", "乘车时间（分钟）"),
        "segment": ("Road segment", "路段"),
        "run": ("Run", "班次"),
        "alighting": ("Alighting", "下车人数"),
        "afternoon_runs": ("Afternoon runs", "放学班次"),
        "afternoon_depart": ("Afternoon leaves school", "放学发车时间"),
        "afternoon_distance_m": ("Afternoon distance (m)", "放学行驶距离（米）"),
        "afternoon_longest_ride_s": ("Longest afternoon ride (s)", "放学最长乘车时间（秒）"),
        "afternoon_longest_ride_min": ("Longest afternoon ride (min)", "放学最长乘车时间（分钟）"),
        "town": ("Township", "乡镇/街道"),
        "depot": ("Depot id", "车场编号"),
        "buses": ("Buses", "校车数"),
        "runs": ("Runs", "班次数"),
        "schools_before": ("Schools before", "调整前学校数"),
        "schools_after": ("Schools after", "调整后学校数"),
        "schools_closed": ("Schools closed", "撤并学校数"),
        "pupils_moved": ("Pupils moved", "转学学生数"),
        "pupils_newly_bused": ("Newly bused", "新增乘校车学生数"),
        "weekly_boarders": ("Weekly boarders", "寄宿学生数"),
        "longest_journey_min": ("Longest daily journey (min)", "最长每日单程（分钟）"),
        "running_cost_saved": ("Running cost saved (yuan/year)", "节省运行经费（元/年）"),
        "net_annual_saving": ("Annual net saving (yuan/year)", "年度净节省（元/年）"),
        "capital": ("Capital, new buses included (yuan)", "所需投资（含新增校车，元）"),
    }
)

#: The column prefixes that are followed by a school level (``schools_before_primary``).
_LEVEL_PREFIXES = ("schools_before", "schools_after")
#: The column prefixes that are followed by a band (``before_time_min_p13``).
_BAND_PREFIXES = ("before_time_min", "before_mode", "time_min", "before", "after", "pupils")
_BAND_PREFIXES += ("longest_journey_min",)
_BAND_PREFIXES += ("school", "mode", "boarding", "alighting")


def header(column: str, language: str) -> str:
    """The words over ``column`` in ``language`` (the column name when it has none)."""
    column_of = {"en": 0, "zh": 1}[language]
    if column in COLUMN_WORDS:
        return COLUMN_WORDS[column][column_of]
    for prefix in _LEVEL_PREFIXES:
        level = column.removeprefix(prefix + "_")
        if level != column and level in set(Level):
            base = COLUMN_WORDS[prefix][column_of]
            return f"{base} · {name(labels(language), Level(level))}"
    for prefix in _BAND_PREFIXES:
        band = column.removeprefix(prefix + "_")
        if band != column and band in set(Band):
            base = COLUMN_WORDS.get(prefix, (prefix, prefix))[column_of]
            return f"{base} · {name(labels(language), Band(band))}"
    return column


def headers(columns: list[str], language: str) -> list[str]:
    """:func:`header` of every column."""
    return [header(c, language) for c in columns]
