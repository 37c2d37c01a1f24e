"""The words of the route sheets (the bus permit dossier) and of the report's route list.

Both languages side by side; :mod:`optimizer.outputs.labels` adds them to each
language's labels. The Chinese reads as a county bureau writes a 校车使用许可 file (the
notices to parents have theirs in :mod:`optimizer.outputs.notice_words`).
"""

from __future__ import annotations

SHEET_EN = {
    "sheet.title": "School bus route sheets",
    "sheet.heading": "School bus route sheet (for the school bus permit application)",
    "sheet.intro": "One page per bus run: the approved route, its stops and times, the "
    "roads and hazard sections, and the blanks the permit application asks for.",
    "sheet.route": "Route {route} to {school}",
    "sheet.yard": "Bus yard",
    "sheet.school_yard": "{school}'s own yard",
    "sheet.bus": "Bus",
    "sheet.morning": "Morning run",
    "sheet.pupils": "Pupils / seats",
    "sheet.length": "Length (yard to school)",
    "sheet.longest": "Longest ride / its limit",
    "sheet.longest_value": "{ride} (limit {limit}, at stop {stop})",
    "sheet.map_note": "Map: numbered circles are the stops in driving order, triangles the "
    "school, the square the bus yard; grey lines are the roads nearby.",
    "sheet.map_alt": "Map of route {route}",
    "sheet.stops": "Stops, morning and afternoon",
    "sheet.no": "No.",
    "sheet.pickup": "Morning: arrives / leaves",
    "sheet.dropoff": "Afternoon: arrives · ride (limit)",
    "sheet.dropoff_run": "Afternoon run {n}: arrives · ride (limit)",
    "sheet.roads": "Roads from the first stop to the school",
    "sheet.unnamed": "unnamed road {km}",
    "sheet.no_roads": "no road path recorded",
    "sheet.hazards": "Hazard sections (school bus at most 20 km/h)",
    "sheet.no_hazards": "No steep, narrow or unpaved section on this route.",
    "sheet.hazard_road": "Road",
    "sheet.hazard_length": "Length",
    "sheet.hazard_kind": "Why",
    "sheet.blanks": "Vehicle and crew (to fill in)",
    "sheet.plate": "Vehicle plate",
    "sheet.seats_rated": "Rated seats",
    "sheet.driver": "Driver",
    "sheet.attendant": "Bus attendant",
    "sheet.phone": "Phone",
    "sheet.sign": "Applicant (school, seal): ________________   Date: ____________",
    "sheet.review": "Reviewed by (education, public security, transport): ________________",
    "report.route_list": "Bus routes",
    "report.route_link": "Each route's sheet (map, stops and times morning and afternoon, "
    "roads, hazard sections, blanks for the vehicle and crew) is one A4 page of {link} "
    "beside this report; this report lists the routes only, so that it stays short enough "
    "to read.",
    "report.route_first": "First stop",
    "sheet.km": "km",
    "report.route_times": "Leaves / at school",
}

SHEET_ZH = {
    "sheet.title": "校车线路表",
    "sheet.heading": "校车线路表（申请校车使用许可用）",
    "sheet.intro": "每趟校车一页：审定的行驶线路、停靠站点和时间、途经道路和危险路段，"
    "以及校车使用许可申请需填写的栏目。",
    "sheet.route": "线路 {route}（开往{school}）",
    "sheet.yard": "停车场",
    "sheet.school_yard": "{school}自有停车场",
    "sheet.bus": "车辆",
    "sheet.morning": "上学班次",
    "sheet.pupils": "乘车学生 / 座位",
    "sheet.length": "里程（停车场至学校）",
    "sheet.longest": "最长乘车时间 / 时限",
    "sheet.longest_value": "{ride}（时限 {limit}，第 {stop} 站）",
    "sheet.map_note": "图例：带编号圆圈为停靠站点（按行驶顺序），三角形为学校，方块为停车场；"
    "灰线为附近道路。",
    "sheet.map_alt": "线路 {route} 示意图",
    "sheet.stops": "停靠站点（上学、放学）",
    "sheet.no": "序号",
    "sheet.pickup": "上学：到站 / 离站",
    "sheet.dropoff": "放学：到站 · 乘车（时限）",
    "sheet.dropoff_run": "放学第{n}班：到站 · 乘车（时限）",
    "sheet.roads": "途经道路（首站至学校）",
    "sheet.unnamed": "无名道路 {km}",
    "sheet.no_roads": "未记录行驶路径",
    "sheet.hazards": "危险路段（校车时速不超过 20 公里）",
    "sheet.no_hazards": "本线路无急弯陡坡、窄路或未铺装路段。",
    "sheet.hazard_road": "道路",
    "sheet.hazard_length": "长度",
    "sheet.hazard_kind": "情形",
    "sheet.blanks": "车辆和人员（填写）",
    "sheet.plate": "车牌号",
    "sheet.seats_rated": "核定载客人数",
    "sheet.driver": "驾驶人",
    "sheet.attendant": "照管员",
    "sheet.phone": "联系电话",
    "sheet.sign": "申请单位（盖章）：________________　　日期：____年__月__日",
    "sheet.review": "教育、公安、交通运输部门审核意见：________________",
    "report.route_list": "校车线路",
    "report.route_link": "每条线路的线路表（示意图、上学放学的站点和时间、途经道路、危险路段、"
    "车辆和人员填写栏）见本报告同目录下的{link}，每条线路一页 A4；"
    "本报告只列出线路，以便阅读。",
    "report.route_first": "首站",
    "sheet.km": "公里",
    "report.route_times": "发车 / 到校",
}
