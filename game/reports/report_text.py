"""Every text of the progress report and its charts, in English and Simplified Chinese.

The report follows the child's language setting (`facequest report --lang` overrides it), so
a therapist who runs the game in Chinese gives parents a report in Chinese. Expression names
come from `game.phrases`, the same words the child hears in the game. Dates: "22 Nov 2026" /
"2026年11月22日".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as calendar_day
from datetime import datetime

from game import phrases

# key -> (English, Simplified Chinese); {fields} are filled by `ReportText.t`.
TEXTS: dict[str, tuple[str, str]] = {
    # headline sentences
    "sentence.none": ("{name} has not played a session yet.", "{name}还没有进行过练习。"),
    "sentence.one": (
        "{name} played one session on {date} and tried {faces}.",
        "{name}在{date}进行了一次练习，共尝试了{faces}。",
    ),
    "sentence.many": (
        "{name} has played {sessions} sessions between {first} and {last}, trying {faces} in all.",
        "{name}在{first}至{last}之间进行了{sessions}次练习，共尝试了{faces}。",
    ),
    "sentence.latest": (
        "In the latest session, {made} of {attempts} faces were made, {alone} of them without "
        "any help.",
        "最近一次练习中，{attempts}个表情做到了{made}个，其中{alone}个没有用任何帮助。",
    ),
    "sentence.up": (
        "That is up from {pct} in the first session.",
        "第一次练习时是{pct}，现在提高了。",
    ),
    "sentence.same": (
        "That is the same share as in the first session ({pct}).",
        "和第一次练习时的比例相同（{pct}）。",
    ),
    "sentence.first_was": ("In the first session it was {pct}.", "第一次练习时是{pct}。"),
    "sentence.best_low": (
        "Made most easily so far: {best} ({best_pct}). Still practising: {low} ({low_pct}).",
        "目前最容易做到的表情：{best}（{best_pct}）。还在练习的表情：{low}（{low_pct}）。",
    ),
    "faces.one": ("1 face", "1个表情"),
    "faces.many": ("{n} faces", "{n}个表情"),
    # tiles
    "tile.sessions": ("sessions played", "次练习"),
    "tile.session": ("session played", "次练习"),
    "tile.faces": ("faces tried in all", "个表情尝试（总计）"),
    "tile.made_latest": ("made in the latest session", "最近一次练习做到的比例"),
    "tile.alone_latest": (
        "made without help, latest session",
        "最近一次练习没有用帮助就做到的比例",
    ),
    # page
    "page.title": ("FaceQuest progress: {name}", "FaceQuest 进步报告：{name}"),
    "page.brand": ("FaceQuest progress report", "FaceQuest 进步报告"),
    "page.id": ("Id", "编号"),
    "page.born": ("born {year}", "{year}年出生"),
    "page.span": ("{first} to {last}", "{first}至{last}"),
    "page.made_on": ("Made {date}", "生成于{date}"),
    "page.glance": ("At a glance", "概览"),
    "section.progress": ("Progress over time", "随时间的进步"),
    "section.expressions": ("By expression", "按表情"),
    "section.sessions": ("Sessions", "练习记录"),
    "section.notes": ("Therapist notes and overrides", "治疗师备注和人工判定"),
    "section.counting": ("How the numbers are counted", "数字是怎样计算的"),
    "col.expression": ("Expression", "表情"),
    "col.tries": ("Tries", "尝试"),
    "col.made": ("Made", "做到"),
    "col.made_pct": ("% made", "做到比例"),
    "col.alone_pct": ("% made without help", "没有用帮助做到的比例"),
    "col.latency": ("Median time (s)", "中位用时（秒）"),
    "col.peak": ("Mean peak score", "平均最高分"),
    "col.change": ("First &rarr; latest session (% made)", "第一次 → 最近一次（做到比例）"),
    "col.number": ("#", "#"),
    "col.date": ("Date", "日期"),
    "col.minutes": ("Minutes", "分钟"),
    "col.level_set": ("Level set", "关卡组"),
    "col.trials": ("Trials", "题目"),
    "col.made_share": ("Made (%)", "做到（比例）"),
    "col.alone_share": ("Without help (%)", "没有用帮助（比例）"),
    "col.peak_short": ("Mean peak", "平均最高分"),
    "col.overrides": ("Overrides", "人工判定"),
    "col.ended": ("Ended", "结束方式"),
    "col.session": ("Session", "练习"),
    "col.trial": ("Trial", "题目"),
    "col.target": ("Target", "目标表情"),
    "col.machine": ("Machine said", "机器判断"),
    "col.decision": ("Therapist decided", "治疗师判定"),
    "col.note": ("Note", "备注"),
    "empty.sessions": ("No sessions have been played yet.", "还没有进行过练习。"),
    "empty.notes": ("No notes or overrides were recorded.", "没有记录备注或人工判定。"),
    "notes.whole_session": ("whole session", "整次练习"),
    "def.try": ("Try", "尝试"),
    "def.try.text": (
        "A trial that ran to a verdict (made, or time ran out), or that the therapist judged. "
        'Skipped trials and trials cut short by the end of a session are listed under "Trials" '
        "but are not tries.",
        "有结果的题目（做到了，或时间到了），或由治疗师判定的题目。跳过的题目和因练习结束而中断"
        "的题目计入“题目”，但不算尝试。",
    ),
    "def.made": ("Made", "做到"),
    "def.made.text": (
        "The final verdict, after any therapist override; the therapist's judgement wins over "
        "the camera's.",
        "最终结果，已包括治疗师的人工判定；治疗师的判断优先于摄像头的判断。",
    ),
    "def.alone": ("Without help", "没有用帮助"),
    "def.alone.text": (
        "Made at prompt level 0, before any repeat, model or hint was given.",
        "在提示级别 0 做到，即在任何重复、示范或提示之前做到。",
    ),
    "def.latency": ("Time to make the face", "做出表情的用时"),
    "def.latency.text": (
        "From the prompt to the first moment the score crossed the threshold, for faces that "
        "were made (median of the session).",
        "从提示开始到分数第一次达到及格线的时间，只计做到的表情（取该次练习的中位数）。",
    ),
    "def.peak": ("Peak score", "最高分"),
    "def.peak.text": (
        "The highest score (0 to 100) the camera gave the target expression during a try: how "
        "clearly the face was shown.",
        "一次尝试中摄像头给目标表情的最高分（0 到 100）：表情做得有多清楚。",
    ),
    "def.trial": ("Trial number", "题目编号"),
    "def.trial.text": (
        "Trials are numbered from 1 in each session, in the order they were shown; the research "
        "export gives the same number as trial_number.",
        "每次练习中的题目按出现顺序从 1 开始编号；研究用的导出数据中的 trial_number 与此相同。",
    ),
    "def.versions": ("Versions", "版本"),
    "footer": (
        "Made by FaceQuest {version} on this computer. This report holds personal information "
        "about a child: keep it safe and share it only with people who care for the child. "
        "Research exports use the id {profile_id} instead of the name.",
        "由本机的 FaceQuest {version} 生成。本报告含有儿童的个人信息：请妥善保管，只与照顾"
        "这名儿童的人分享。研究用的导出数据使用编号 {profile_id}，不含姓名。",
    ),
    # table values
    "value.still_open": ("Not ended (the game stopped)", "未结束（游戏中断）"),
    "value.made": ("made", "做到"),
    "value.not_yet": ("not yet", "还没有"),
    "value.counted": ("counted as made", "算作做到"),
    "value.not_counted": ("not counted", "不算做到"),
    "value.versions": ("FaceQuest {app}, model {model}", "FaceQuest {app}，模型 {model}"),
    "value.model_hash": ("hash {hash}", "哈希 {hash}"),
    "value.unknown": ("unknown", "未知"),
    "value.by_key": ("{decision} (with the therapist's key)", "{decision}（治疗师按键判定）"),
    "value.time": ("{date}, {time}", "{date} {time}"),
    # how a session ended: every reason the game writes (see `END_REASON_KEYS`)
    "end.completed": ("Every level played", "全部关卡完成"),
    "end.time_cap": ("Time limit reached", "到了练习时间上限"),
    "end.therapist": ("Ended by the therapist", "治疗师结束了练习"),
    "end.child_away": ("The child stepped away", "孩子离开了"),
    "end.closed": ("The program was closed", "程序被关闭"),
    "end.source_ended": ("The video ended", "视频结束了"),
    "end.stopped": ("Stopped from outside the game (the computer asked it to stop)",
                    "从游戏外部停止（电脑要求它停止）"),
    "end.other": ("Ended another way", "以其他方式结束"),
    # charts
    "chart.made": ("Faces made, by expression", "各表情做到的比例"),
    "chart.without_help": ("Faces made without help", "没有用帮助做到的表情"),
    "chart.latency": ("Time to make the face", "做出表情的用时"),
    "chart.intensity": ("How strong the faces were", "表情的强度"),
    "caption.made": (
        "Share of tries in which the face was made, per session and expression.",
        "每次练习、每种表情中做到的尝试所占比例。",
    ),
    "caption.without_help": (
        "Dark: made before any help was given. Light: made after a hint, a repeat or a model.",
        "深色：在任何帮助之前做到。浅色：在提示、重复或示范之后做到。",
    ),
    "caption.latency": (
        "Median seconds from the prompt to the face (shaded: middle half of tries).",
        "从提示到做出表情的中位秒数（阴影：中间一半的尝试）。",
    ),
    "caption.intensity": (
        "Average peak score of the tries, 0 to 100 (how clearly the face was shown).",
        "各次尝试最高分的平均值，0 到 100（表情做得有多清楚）。",
    ),
    "axis.session": ("session", "练习"),
    "axis.made_pct": ("% of tries made", "做到的尝试（%）"),
    "axis.tries_pct": ("% of tries", "尝试（%）"),
    "axis.seconds": ("seconds", "秒"),
    "axis.peak": ("peak score", "最高分"),
    "legend.alone": ("made without help", "没有用帮助做到"),
    "legend.helped": ("made with help", "用了帮助做到"),
    "legend.middle": ("middle half", "中间一半"),
    "legend.median": ("median", "中位数"),
    "chart.empty": ("No sessions yet", "还没有练习"),
    # how the face moved (game.reports.motion_charts)
    "section.motion": ("How the face moved", "面部是怎样动的"),
    "motion.intro": (
        "Measured from the face tracking in each try, as a change from the child's calm face. "
        "Each dot is one session: the middle value (median) of that session's measured tries.",
        "根据每次尝试中的面部追踪测量，以孩子平静表情为起点的变化。每个点代表一次练习：该次练习中"
        "已测量尝试的中间值（中位数）。",
    ),
    "motion.metric.peak_intensity": ("Peak intensity", "最大强度"),
    "motion.metric.onset_latency_ms": ("Time to start moving", "开始动的时间"),
    "motion.metric.asymmetry": ("Left-right difference", "左右差别"),
    "motion.metric.coordination": ("Coordination", "协调性"),
    "motion.axis.peak_intensity": ("1 = a typical posed face", "1 = 典型的表情"),
    "motion.axis.onset_latency_ms": ("seconds", "秒"),
    "motion.axis.asymmetry": ("+ = left side more", "正 = 左侧动得多"),
    "motion.axis.coordination": ("1 = in step", "1 = 完全同步"),
    "motion.axis.weeks": ("weeks", "周"),
    "motion.axis.time": ("seconds from the prompt", "从提示起的秒数"),
    "motion.axis.strength": ("strength", "强度"),
    "trend.rising": ("rising", "上升"),
    "trend.steady": ("steady", "平稳"),
    "trend.falling": ("falling", "下降"),
    "trend.few": ("too few sessions to tell", "练习次数太少，还看不出趋势"),
    "motion.trend_item": ("{metric}: {word}", "{metric}：{word}"),
    "motion.trend_none": (
        "Trends: too few sessions to tell yet (at least 3 are needed).",
        "趋势：练习次数太少，还看不出（至少需要 3 次练习）。",
    ),
    "motion.join": ("; ", "；"),
    "motion.measured.one": ("1 try measured", "测量了1次尝试"),
    "motion.measured.many": ("{n} tries measured", "测量了{n}次尝试"),
    "motion.not_measurable.one": (
        "1 try not measurable (too few clear frames of the face, or recorded before this was "
        "measured or by an earlier version of the metrics), left out",
        "1次尝试无法测量（清楚的面部画面太少，或记录于此功能之前或用旧版指标测量），未计入",
    ),
    "motion.not_measurable.many": (
        "{n} tries not measurable (too few clear frames of the face, or recorded before this "
        "was measured or by an earlier version of the metrics), left out",
        "{n}次尝试无法测量（清楚的面部画面太少，或记录于此功能之前或用旧版指标测量），未计入",
    ),
    "caption.motion_trends": (
        "Dashed line: the trend (Theil-Sen: the median of the slopes between every two "
        "sessions, per week). It is called rising or falling when it changes the value by more "
        "than 0.05 (intensity, difference, coordination) or 0.1 s over the weeks shown, "
        "otherwise steady; at least 3 sessions are needed.",
        "虚线：趋势（泰尔-森方法：每两次练习之间斜率的中位数，按周计）。在所示的几周内，"
        "若数值变化超过 0.05（强度、左右差别、协调性）或 0.1 秒，则为上升或下降，否则为平稳；"
        "至少需要 3 次练习。",
    ),
    "motion.strips": ("The best try of each expression, session by session",
                      "每次练习中各表情最好的一次尝试"),
    "caption.motion_strip": (
        "Thin lines: how strongly each facial action of the expression was made, from the "
        "prompt (0 s); thick line: the actions together (1 = a typical posed face). Dashed "
        "line: the hold began; green line: the reward. Best try: the strongest try that was "
        "made, else the strongest try.",
        "细线：从提示（0 秒）起，表情的每个面部动作做得有多强；粗线：所有动作合在一起（1 = 典型的"
        "表情）。虚线：开始保持；绿线：奖励。最好的一次尝试：做到的尝试中最强的一次，否则为最强的一次。",
    ),
    "motion.strip_title": ("{expression}, try {trial}: {verdict}",
                           "{expression}，第{trial}题：{verdict}"),
    "motion.session": ("Session {number}, {date}", "第{number}次练习，{date}"),
    "motion.no_record": (
        "No motion record was kept for this session (per-frame records were off then, or its "
        "file is gone).",
        "这次练习没有保存动作记录（当时没有开启逐帧记录，或者文件已经不在了）。",
    ),
    "motion.unreadable": ("This session's motion record could not be read.",
                          "这次练习的动作记录无法读取。"),
    "motion.no_best": ("No try in this session could be measured.",
                       "这次练习中没有可以测量的尝试。"),
    "motion.population": (
        "{n} measured before a calm-face calibration, from an average calm face",
        "其中{n}次是在校准平静表情之前测量的，用的是平均的平静表情",
    ),
    "motion.earlier": (
        "The {n} latest sessions are shown; every session is in the research motion export.",
        "这里显示最近的{n}次练习；所有练习都在研究用的动作导出数据中。",
    ),
    # facial actions (game.expressions), for the strips' legends
    "action.lip_corners_up": ("lip corners up", "嘴角上扬"),
    "action.cheeks_raised": ("cheeks raised", "脸颊抬起"),
    "action.jaw_drop": ("jaw drop", "张嘴"),
    "action.lips_part": ("lips apart", "双唇分开"),
    "action.inner_brows_up": ("inner brows up", "眉毛内侧上扬"),
    "action.outer_brows_up": ("outer brows up", "眉毛外侧上扬"),
    "action.brows_lowered": ("brows lowered", "眉毛压低"),
    "action.brows_together": ("brows together", "皱眉"),
    "action.upper_lids_up": ("eyes wide", "睁大眼睛"),
    "action.lids_tight": ("eyes narrowed", "眯眼"),
    "action.lip_corners_down": ("lip corners down", "嘴角向下"),
    "action.lips_pressed": ("lips pressed", "抿嘴"),
    "action.lips_stretched": ("lips stretched", "嘴唇拉伸"),
    "action.nose_wrinkled": ("nose wrinkled", "皱鼻子"),
    "action.upper_lip_raised": ("upper lip raised", "上唇提起"),
}

# Issue 23 (h23a): the "Programme and mastery" section (`game.reports.programme_section`).
_PROGRAMME_TEXTS: dict[str, tuple[str, str]] = {
    "section.programme": ("Programme and mastery", "练习计划和掌握情况"),
    "programme.intro": (
        "The level sets planned for the child, in order, and when each was mastered. A step "
        "is mastered after the number of sessions in a row that the plan asks for, each with "
        "the share of faces made without help that it asks for.",
        "为孩子计划的关卡组（按顺序），以及每一步是什么时候掌握的。孩子连续达到计划要求的"
        "练习次数，而且每次自己做到的比例达到要求，这一步就算掌握了。"),
    "programme.period.current": ("In force since {since}", "自{since}起执行"),
    "programme.period.past": ("{since} to {until}", "{since}至{until}"),
    "programme.rule": (
        "Moves on after {sessions} session(s) in a row with at least {rate} of the attempts "
        "made without help, each session with at least {trials} attempts; sessions of "
        "{minutes} minutes.",
        "连续{sessions}次练习中，每次至少{rate}的尝试是自己做到的，每次至少{trials}次尝试，"
        "就进入下一步；每次练习{minutes}分钟。"),
    "programme.reached": ("Steps mastered: {count} of {steps}.", "已掌握{count}步，共{steps}步。"),
    "programme.step.mastered": ("Mastered on {date}, session {number}",
                                "{date}掌握，第{number}次练习"),
    "programme.step.now": ("Now: {run} of {sessions} session(s) in a row met the rule",
                           "现在：已连续{run}次达到要求，需要{sessions}次"),
    "programme.step.stopped": ("Reached; the plan was changed before it was mastered",
                               "已开始；掌握之前计划改了"),
    "programme.step.to_come": ("To come", "还没开始"),
    "programme.step.before": ("Before this plan", "本计划之前"),
    "programme.col.step": ("Step", "步骤"),
    "programme.col.state": ("Where the child stands", "进展"),
    "programme.col.plan": ("Plan", "计划"),
}
if set(_PROGRAMME_TEXTS) & set(TEXTS):
    raise AssertionError(f"report text keys defined twice: "
                         f"{sorted(set(_PROGRAMME_TEXTS) & set(TEXTS))}")
TEXTS.update(_PROGRAMME_TEXTS)
# Home practice: the "Home and clinic" section and the session table's place.
_HOME_TEXTS: dict[str, tuple[str, str]] = {
    "section.home": ("Home and clinic", "在家与在诊所"),
    "home.intro": ("Sessions played at home (sent back in bundles) beside those played at "
                   "the clinic, and how each home plan was followed.",
                   "在家练习的记录（通过数据包发回）与在诊所的记录并列，以及每个居家计划的完成情况。"),
    "home.place.clinic": ("Clinic", "诊所"),
    "home.place.home": ("Home", "家中"),
    "col.place": ("Place", "地点"),
    "col.sessions": ("Sessions", "练习次数"),
    "col.plan": ("Plan", "计划"),
    "col.asked": ("Asked for", "计划要求"),
    "col.period": ("Period", "时间段"),
    "col.days_practised": ("Days practised", "练习天数"),
    "col.minutes_practised": ("Minutes practised", "练习分钟数"),
    "home.asked": ("{days} days a week, {minutes} min a day",
                   "每周 {days} 天，每天 {minutes} 分钟"),
    "home.span": ("{first} to {last}", "{first} 至 {last}"),
    "home.of": ("{done} of {planned} ({share})", "{done}/{planned} ({share})"),
    "home.no_plan": ("No home plan was issued from these records.",
                     "这些记录中没有发出过居家计划。"),
}
TEXTS.update(_HOME_TEXTS)

REPORT_LANGUAGES = phrases.LANGUAGES

# `SessionRecord.end_reason` -> its words. The game writes "completed", "time_cap",
# "therapist", "child_away" (`game.ui.session_events`), "closed" and "source_ended"; the
# engine's own `EndReason` values ("complete", "ended") are mapped too in case one is stored.
END_REASON_KEYS: dict[str, str] = {
    "completed": "end.completed",
    "complete": "end.completed",
    "time_cap": "end.time_cap",
    "therapist": "end.therapist",
    "ended": "end.therapist",
    "child_away": "end.child_away",
    "closed": "end.closed",
    "source_ended": "end.source_ended",
    "stopped": "end.stopped",
}


@dataclass(frozen=True, slots=True)
class ReportText:
    """The report's texts in one language ("en" or "zh-CN")."""

    lang: str = "en"

    def __post_init__(self) -> None:
        object.__setattr__(self, "lang", phrases.normalize_language(self.lang))

    @property
    def chinese(self) -> bool:
        return self.lang == "zh-CN"

    def t(self, key: str, **fields: object) -> str:
        """The text of `key`, with its fields filled in (KeyError names an unknown key)."""
        en, zh = TEXTS[key]
        template = zh if self.chinese else en
        return template.format(**fields) if fields else template

    def faces(self, count: int) -> str:
        return self.t("faces.one") if count == 1 else self.t("faces.many", n=count)

    def expression(self, value: str) -> str:
        """An expression's name: "Happy", "Fearful" (the data's names, capitalised) or, in
        Chinese, the word the child hears in the game ("开心", "害怕")."""
        if self.chinese:
            try:
                return phrases.text(f"expression.{value}", self.lang)
            except KeyError:
                return value
        return value.capitalize()

    def date(self, when: datetime) -> str:
        if self.chinese:
            return f"{when.year}年{when.month}月{when.day}日"
        return f"{when.day} {when:%b %Y}"

    def date_only(self, day: calendar_day) -> str:
        """A calendar day (no time of day), as `date` writes it."""
        return self.date(datetime(day.year, day.month, day.day))

    def short_date(self, when: datetime) -> str:
        """Day and month, for chart ticks."""
        return f"{when.month}月{when.day}日" if self.chinese else f"{when.day} {when:%b}"

    def time(self, when: datetime) -> str:
        """Date and time of day, e.g. "3 Mar 2025, 09:30" / "2025年3月3日 09:30"."""
        return self.t("value.time", date=self.date(when), time=f"{when:%H:%M}")

    def end_reason(self, reason: str) -> str:
        """How a session ended, in words; a reason this version does not know reads
        "Ended another way" (never the stored code)."""
        return self.t(END_REASON_KEYS.get(reason, "end.other"))
