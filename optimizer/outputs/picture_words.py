"""The words of the print map's sheet and of the report's pictures, in English and Chinese.

The part of :mod:`optimizer.outputs.labels` that the print map's frame (stamp, issuing body,
date, north arrow, scale) and the charts (journey times, enrolment, money) print.
"""

from __future__ import annotations

PICTURE_EN = {
    # the print map's sheet
    "sheet.stamp": "Draft for consultation",
    "sheet.issuer": "Issued by: {issuer}",
    "sheet.issuer_blank": "Issued by: ______________________",
    "sheet.date": "Date: {date}",
    "sheet.date_blank": "Date: ______________",
    "sheet.north": "N",
    "sheet.route_number": "R001: route number (see the route sheets)",
    "sheet.names_left_out": "{n} school names left out where they would overlap",
    "month.1": "January",
    "month.2": "February",
    "month.3": "March",
    "month.4": "April",
    "month.5": "May",
    "month.6": "June",
    "month.7": "July",
    "month.8": "August",
    "month.9": "September",
    "month.10": "October",
    "month.11": "November",
    "month.12": "December",
    "date_format": "{day} {month_name} {year}",
    # the pictures
    "pictures": "Pictures",
    "chart.journeys": "One-way journey to school, today and after the plan",
    "chart.journeys_changed": "Pupils whose school or way to school changes",
    "chart.journeys_all": "All pupils with a daily journey",
    "chart.today": "Today",
    "chart.after": "After the plan",
    "chart.limit": "limit {n} min",
    "chart.limit_legend": "The band's limit",
    "chart.minutes": "One-way journey (min)",
    "chart.pupils": "Pupils",
    "chart.band_pupils": "{band} ({n} pupils)",
    "chart.no_pupils": "no pupils",
    "chart.journeys_caption": (
        "Pupils whose school or way to school changes ({changed}): under 10 minutes "
        "{within_before} today, {within_after} after; over their band's limit "
        "{over_before} today, {over_after} after; longest {longest_before} min today, "
        "{longest_after} min after. All {all} pupils with a daily journey: under 10 "
        "minutes {all_within_before} today, {all_within_after} after."
    ),
    "chart.journeys_boarders": " {boarders} boarders travel weekly and are not counted here.",
    "chart.enrolment": "Pupils per school, today and after the plan, against the places",
    "chart.enrolment_before": "Pupils today",
    "chart.enrolment_after": "Pupils after the plan",
    "chart.capacity": "Places after the plan (classrooms built included)",
    "chart.capacity_today": "Places today",
    "chart.closed": "Closed (name in red, 0 after)",
    "chart.enrolment_caption": (
        "{receiving} receiving schools go from {receiving_before} to {receiving_after} "
        "pupils; {closed} schools close ({closed_before} pupils today, 0 after). Fullest "
        "after the plan: {fullest} at {fullest_share} % of its places. Schools over their "
        "places: {over_before} today, {over} after the plan."
    ),
    "chart.costs": "Money a year, and capital",
    "chart.annual": "A year (yuan)",
    "chart.capital_items": "Capital by item (yuan)",
    "chart.gross": "Running cost of the closed schools",
    "chart.teachers": "Teachers' pay, redeployed",
    "chart.bus_fixed": "New buses, fixed",
    "chart.bus_km": "New buses, per km",
    "chart.lunch": "Lunch subsidies",
    "chart.boarding": "Boarding subsidies",
    "chart.inclusive": "Inclusive kindergarten subsidies",
    "chart.net": "Annual net saving",
    "chart.capital_total": "Capital in all",
    "chart.costs_caption": (
        "The closed schools' running cost {gross} a year, less teachers' pay that moves "
        "with them {teachers}, new buses {buses} and subsidies {subsidies}: annual net "
        "saving {net}. Capital {capital} ({items}); payback {payback}."
    ),
    "chart.payback_years": "{n} years",
    "chart.payback_never": "never",
    "chart.no_money": "The plan carries no money figures.",
}

PICTURE_ZH = {
    "sheet.stamp": "征求意见稿",
    "sheet.issuer": "编制单位：{issuer}",
    "sheet.issuer_blank": "编制单位：______________________",
    "sheet.date": "日期：{date}",
    "sheet.date_blank": "日期：______________",
    "sheet.north": "北",
    "sheet.route_number": "R001：校车线路编号（见校车线路单）",
    "sheet.names_left_out": "另有 {n} 所学校因图面重叠未标注名称",
    **{f"month.{m}": f"{m}月" for m in range(1, 13)},
    "date_format": "{year}年{month}月{day}日",
    "pictures": "统计图",
    "chart.journeys": "单程上学时间：调整前后",
    "chart.journeys_changed": "学校或上学方式改变的学生",
    "chart.journeys_all": "全部走读学生",
    "chart.today": "调整前",
    "chart.after": "调整后",
    "chart.limit": "时限 {n} 分钟",
    "chart.limit_legend": "本学段时限",
    "chart.minutes": "单程上学时间（分钟）",
    "chart.pupils": "学生数（名）",
    "chart.band_pupils": "{band}（{n} 名）",
    "chart.no_pupils": "无学生",
    "chart.journeys_caption": (
        "学校或上学方式改变的学生 {changed} 名：单程不足 10 分钟的，调整前 {within_before} 名，"
        "调整后 {within_after} 名；超出本学段时限的，调整前 {over_before} 名，调整后 "
        "{over_after} 名；最长单程调整前 {longest_before} 分钟，调整后 {longest_after} 分钟。"
        "全部走读学生 {all} 名：单程不足 10 分钟的，调整前 {all_within_before} 名，调整后 "
        "{all_within_after} 名。"
    ),
    "chart.journeys_boarders": "寄宿学生 {boarders} 名每周往返一次，未计入图中。",
    "chart.enrolment": "各校学生数：调整前后与学位数",
    "chart.enrolment_before": "调整前学生数",
    "chart.enrolment_after": "调整后学生数",
    "chart.capacity": "调整后学位数（含新建教室）",
    "chart.capacity_today": "现有学位数",
    "chart.closed": "撤并（校名红色，调整后为 0）",
    "chart.enrolment_caption": (
        "接收学生的学校 {receiving} 所，学生数由 {receiving_before} 名增至 {receiving_after} 名；"
        "撤并学校 {closed} 所（调整前 {closed_before} 名学生，调整后为 0）。调整后最满的学校是 "
        "{fullest}，达到学位数的 {fullest_share}%。超出学位数的学校：调整前 {over_before} 所，"
        "调整后 {over} 所。"
    ),
    "chart.costs": "年度经费与投资",
    "chart.annual": "每年（万元）",
    "chart.capital_items": "分项投资（万元）",
    "chart.gross": "关停学校的运行经费",
    "chart.teachers": "随教师调配的工资",
    "chart.bus_fixed": "新增校车固定费用",
    "chart.bus_km": "新增校车里程费用",
    "chart.lunch": "午餐补助",
    "chart.boarding": "寄宿补助",
    "chart.inclusive": "普惠性幼儿园补助",
    "chart.net": "年度净节省",
    "chart.capital_total": "投资合计",
    "chart.costs_caption": (
        "关停学校的运行经费每年 {gross}，扣除随教师调配的工资 {teachers}、新增校车费用 "
        "{buses}、各项补助 {subsidies}，年度净节省 {net}。所需投资 {capital}（{items}），"
        "投资回收期 {payback}。"
    ),
    "chart.payback_years": "{n} 年",
    "chart.payback_never": "无法收回",
    "chart.no_money": "本方案没有经费数据。",
}
