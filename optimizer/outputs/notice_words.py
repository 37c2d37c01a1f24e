"""The words and the page style of the notices to parents (告家长书), both languages.

:mod:`optimizer.outputs.labels` adds the words to each language's labels; the Chinese
reads as a county education bureau writes a letter to parents.
"""

from __future__ import annotations

NOTICE_EN = {
    "notice.file_title": "Notices to parents",
    "notice.cover": "One page per village whose schooling changes under the plan: "
    "{villages}. The {unchanged} with no change (same school, same way to school) are "
    "left out.",
    "notice.stamp": "Draft for consultation",
    "notice.title": "Letter to parents",
    "notice.dear": "Dear parents,",
    "notice.intro": "Under the county's draft school layout plan ({scenario}), the "
    "children of {village} will go to school as follows. Lunch at school and, beyond "
    "walking distance, a school bus are provided for every pupil of a merged school.",
    "notice.closes": "{school} closes {when}; its pupils from this village go to {dest}.",
    "notice.when_year": "in year +{year} of the plan",
    "notice.when_built": "once the plan takes effect, after {built} are ready at the "
    "receiving school (build first, close after)",
    "notice.when_plan": "once the plan takes effect",
    "notice.before": "Today",
    "notice.after": "Under the plan",
    "notice.stop": "Bus stop",
    "notice.pickup": "Morning pick-up",
    "notice.dropoff": "Afternoon drop-off",
    "notice.journey": "One-way journey, today → plan",
    "notice.walk_to_stop": "walk {m} to the stop",
    "notice.bus_rules": "Children wait at the stop before the pick-up time; a bus "
    "attendant rides on every school bus. Times may move by a few minutes once the "
    "routes are approved.",
    "notice.feedback": "This is a draft for public consultation. Please send comments "
    "and suggestions to the county education bureau within the notice period.",
    "notice.contact": "Contact: ________________   Phone: ________________",
    "notice.sign": "County Education Bureau (seal)      Date: ____________",
}

NOTICE_ZH = {
    "notice.file_title": "告家长书",
    "notice.cover": "本方案调整就学安排的村庄每村一页，共 {villages}；"
    "就学安排不变（学校和上学方式不变）的 {unchanged}未列入。",
    "notice.stamp": "征求意见稿",
    "notice.title": "告家长书",
    "notice.dear": "尊敬的家长：",
    "notice.intro": "根据本县农村学校布局调整方案（征求意见稿，{scenario}），"
    "{village}学生就学安排如下。撤并学校的学生在校午餐有保障，超出步行距离的学生由校车接送。",
    "notice.closes": "{school}{when}撤并，本村在该校就读的学生转入{dest}就读。",
    "notice.when_year": "于方案实施第 {year} 年",
    "notice.when_built": "待接收学校{built}建成后（先建后撤）",
    "notice.when_plan": "自方案实施之日起",
    "notice.before": "现在",
    "notice.after": "调整后",
    "notice.stop": "乘车站点",
    "notice.pickup": "上学接车时间",
    "notice.dropoff": "放学送达时间",
    "notice.journey": "单程时间（现在 → 调整后）",
    "notice.walk_to_stop": "步行 {m}到站",
    "notice.bus_rules": "请家长督促孩子在接车时间前到站候车；每辆校车均配备照管员。"
    "线路审定后时间可能有几分钟调整。",
    "notice.feedback": "本告家长书为征求意见稿。如有意见或建议，请在公示期内向县教育局反映。",
    "notice.contact": "联系人：________________　　联系电话：________________",
    "notice.sign": "县教育局（盖章）　　　　____年__月__日",
}

NOTICE_CSS = """
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
  margin: 0; color: #222; font-size: 10pt; line-height: 1.45; }
h1 { font-size: 16pt; text-align: center; margin: 2mm 0 4mm; letter-spacing: .1em; }
p { margin: 1.5mm 0; }
p.stamp { float: right; border: 2px solid #b71c1c; color: #b71c1c; padding: .5mm 2mm;
  font-weight: bold; margin: 0; }
p.place { text-align: center; color: #444; }
p.contact, p.sign { margin-top: 5mm; }
p.sign { text-align: right; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 2mm 0; }
th, td { border: 1px solid #999; padding: .6mm 1mm; text-align: left; vertical-align: top;
  word-break: keep-all; overflow-wrap: break-word; }
th { background: #eef2f6; font-weight: 600; }
td.n { text-align: right; white-space: nowrap; }
section.notice, section.cover { break-after: page; page-break-after: always; }
section.notice:last-of-type { break-after: auto; page-break-after: auto; }
@page { size: A4; margin: 15mm 14mm; }
@media screen { body { max-width: 182mm; margin: 1em auto; } section.notice {
  border-bottom: 2px dashed #bbb; padding-bottom: 4mm; margin-bottom: 6mm; } }
"""
