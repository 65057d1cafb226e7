"""Every fixed text the game says or shows, in English and Mandarin Chinese (simplified).

Texts are looked up by stable keys (CONTRACTS.md): `expression.<name>`,
`prompt.show_me.<name>`, `hint.<HintKey>`, `quality.<QualityFlag>`, `praise.independent.<n>`,
`praise.prompted.<n>`, `praise.named.<name>`, `try_another`, `cant_see_you`, `calibration.*`,
`break.*`, `rest.*` (the break scene), `pause.manual`,
`session_end`, `maze.*`, `story.*`, the facial actions' names `action.*` and the on-screen
labels `ui.*`.

Spoken texts are short, warm and never negative (CLINICAL.md: no "wrong"). Only `ui.*` labels
may hold `{fields}`; every other text is fixed so the voice pack can pre-render it.

    >>> text("hint.raise_brows", "en")
    'Lift your eyebrows up high!'
"""

from __future__ import annotations

import string

from game.expressions import Expression, FacePart, HintKey, QualityFlag

LANGUAGES: tuple[str, ...] = ("en", "zh-CN")
DEFAULT_LANGUAGE = "en"

_ALIASES = {"en": "en", "en-us": "en", "en-gb": "en", "zh": "zh-CN", "zh-cn": "zh-CN",
            "zh-hans": "zh-CN", "cmn": "zh-CN"}


class UnknownPhraseError(KeyError):
    """A phrase key (or language) that the catalogue does not have."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


def normalize_language(lang: str) -> str:
    """Map "en", "zh", "zh_CN", "zh-cn"... to one of LANGUAGES; KeyError when unsupported."""
    found = _ALIASES.get(lang.strip().lower().replace("_", "-"))
    if found is None:
        raise UnknownPhraseError(
            f"unsupported language {lang!r}; supported: {', '.join(LANGUAGES)}"
        )
    return found


# (en, zh-CN)
_EXPRESSION_NAMES: dict[Expression, tuple[str, str]] = {
    Expression.NEUTRAL: ("calm", "平静"),
    Expression.HAPPY: ("happy", "开心"),
    Expression.SAD: ("sad", "难过"),
    Expression.ANGRY: ("angry", "生气"),
    Expression.SURPRISED: ("surprised", "惊讶"),
    Expression.FEARFUL: ("scared", "害怕"),
    Expression.DISGUSTED: ("disgusted", "嫌弃"),
}

_HINTS: dict[HintKey, tuple[str, str]] = {
    HintKey.SMILE_WIDER: ("Make a big, wide smile!", "嘴巴笑得再大一点！"),
    HintKey.SQUINT_CHEEKS: ("Push your cheeks up high!", "笑得脸蛋鼓起来！"),
    HintKey.OPEN_MOUTH: ("Open your mouth wide!", "把嘴巴张大！"),
    HintKey.RAISE_BROWS: ("Lift your eyebrows up high!", "把眉毛抬得高高的！"),
    HintKey.RAISE_INNER_BROWS: ("Lift the middle of your eyebrows!", "把眉毛中间往上抬！"),
    HintKey.LOWER_BROWS: ("Pull your eyebrows down low!", "把眉毛往下压！"),
    HintKey.WIDEN_EYES: ("Open your eyes big and wide!", "把眼睛睁得大大的！"),
    HintKey.NARROW_EYES: ("Squeeze your eyes a little!", "把眼睛眯一眯！"),
    HintKey.FROWN_CORNERS: ("Turn the corners of your mouth down!", "把嘴角往下拉！"),
    HintKey.PRESS_LIPS: ("Press your lips together!", "把嘴唇紧紧抿起来！"),
    HintKey.STRETCH_LIPS: ("Stretch your lips out to the sides!", "把嘴唇往两边拉！"),
    HintKey.WRINKLE_NOSE: ("Wrinkle up your nose!", "皱一皱鼻子！"),
    HintKey.RAISE_UPPER_LIP: ("Lift your top lip up!", "把上嘴唇往上抬！"),
    HintKey.RELAX_FACE: ("Let your face go soft and relaxed!", "让脸放松，软软的！"),
}

_QUALITY: dict[QualityFlag, tuple[str, str]] = {
    QualityFlag.NO_FACE: (
        "I can't see you. Come back in front of the camera!", "我看不到你啦，回到摄像头前面来吧！"
    ),
    QualityFlag.MOUTH_COVERED: ("I can't see your mouth. Let me see it!",
                                "我看不到你的嘴巴，让我看看吧！"),
    QualityFlag.EYES_COVERED: ("I can't see your eyes. Let me see them!",
                               "我看不到你的眼睛，让我看看吧！"),
    QualityFlag.SEVERAL_FACES: ("I can see lots of faces! Just one, please.",
                                "我看到好多张脸！只要一张就好。"),
    QualityFlag.FACE_TOO_SMALL: ("Come a little bit closer!", "再靠近一点点！"),
    QualityFlag.HEAD_TURNED: ("Look at the screen, please!", "请看着屏幕哦！"),
    QualityFlag.PARTLY_OUT_OF_VIEW: ("Move so I can see all of your face.",
                                     "动一动，让我看到你的整张脸吧。"),
    QualityFlag.MOTION_BLUR: ("Hold still for a moment.", "先不要动，停一下下哦。"),
    QualityFlag.TOO_DARK: ("It's a bit dark. Can we turn on a light?", "有点暗，我们开个灯好吗？"),
    QualityFlag.CAMERA_LOST: ("The camera stopped. Let's ask a grown-up to help.",
                              "摄像头停了，请大人帮帮忙吧。"),
    QualityFlag.NOT_CALIBRATED: ("First, let me get to know your face.", "先让我认识一下你的脸。"),
}

_FACE_PARTS: dict[FacePart, tuple[str, str]] = {
    FacePart.BROWS: ("eyebrows", "眉毛"),
    FacePart.EYES: ("eyes", "眼睛"),
    FacePart.CHEEKS: ("cheeks", "脸蛋"),
    FacePart.NOSE: ("nose", "鼻子"),
    FacePart.MOUTH: ("mouth", "嘴巴"),
    FacePart.WHOLE_FACE: ("face", "脸"),
}

_PRAISE_INDEPENDENT: tuple[tuple[str, str], ...] = (
    ("Wow, you did it all by yourself!", "哇，你自己做到了！"),
    ("Amazing! That was all you!", "太棒了！全靠你自己！"),
    ("Super job! You knew just what to do!", "真厉害！你一下就会了！"),
    ("What a fantastic face! High five!", "这个表情太棒了！击个掌！"),
    ("Brilliant! You are a face champion!", "好棒！你是表情小冠军！"),
)

_PRAISE_PROMPTED: tuple[tuple[str, str], ...] = (
    ("Good job! You did it!", "做得好！你做到了！"),
    ("Nice! You got it!", "不错！你做到了！"),
    ("Well done, that's it!", "很好，就是这样！"),
    ("Yes, that's the face!", "对啦，就是这个表情！"),
)

_ENCOURAGE: tuple[tuple[str, str], ...] = (
    ("You're getting closer!", "越来越像啦！"),
    ("Keep going!", "继续加油！"),
    ("Nearly there!", "快做到啦！"),
)

_FIXED: dict[str, tuple[str, str]] = {
    "greeting": ("Hi! Let's play with faces!", "你好！我们一起来玩表情游戏吧！"),
    "copy_my_face": ("Copy my face!", "跟我学这个表情！"),
    "watch_me": ("Watch my face.", "看看我的表情。"),
    "your_turn": ("Now you try!", "现在轮到你啦！"),
    "get_ready": ("Get ready!", "准备好！"),
    "hold_it": ("Hold it... hold it...", "保持住……保持住……"),
    "try_another": ("Let's try another one!", "我们来试试下一个吧！"),
    "cant_see_you": (
        "I can't see you. Come back in front of the camera!", "我看不到你啦，回到摄像头前面来吧！"
    ),
    "welcome_back": ("There you are! Welcome back!", "你回来啦！欢迎回来！"),
    "calibration.intro": ("First, let me learn your face.", "首先，让我认识一下你的脸。"),
    "calibration.instruction": (
        "Make a calm, relaxed face and look at the screen.", "做一个平静、放松的表情，看着屏幕。"
    ),
    "calibration.hold_still": ("Stay still, just like that.", "保持不动，就这样。"),
    "calibration.almost": ("Almost done!", "快好啦！"),
    "calibration.done": ("All done! Thank you!", "好啦！谢谢你！"),
    "calibration.retry": ("Let's try that again.", "我们再来一次吧。"),
    "calibration.sit_here": ("Sit so your face is in the circle.", "坐好，让你的脸在圆圈里。"),
    "break.suggest": ("Let's take a little break.", "我们休息一下吧。"),
    "break.resume": ("Ready to play again?", "准备好再玩了吗？"),
    "session_end": (
        "That's all for today. I loved playing with you!", "今天就玩到这里啦，和你一起玩真开心！"
    ),
    "maze.instructions": (
        "Make the face on the door, and the door will open!", "做出门上的表情，门就会打开！"
    ),
    "maze.door_open": ("The door is open!", "门开啦！"),
    "maze.goal": ("You found the treasure!", "你找到宝藏啦！"),
    "story.instructions": (
        "How does this friend feel? Show me with your face!",
        "这个小朋友是什么心情？用你的脸做给我看！",
    ),
    "story.next": ("Let's see what happens next!", "我们看看接下来会怎么样！"),
    "story.end": ("The end! What a lovely story.", "故事讲完啦！真是个好故事。"),
    # On-screen labels (shown, rarely spoken). Only these may hold {fields}.
    "ui.title": ("FaceQuest", "表情大冒险"),
    "ui.start": ("Start", "开始"),
    "ui.play": ("Play", "开始玩"),
    "ui.settings": ("Settings", "设置"),
    "ui.back": ("Back", "返回"),
    "ui.ok": ("OK", "确定"),
    "ui.cancel": ("Cancel", "取消"),
    "ui.yes": ("Yes", "是"),
    "ui.no": ("No", "不"),
    "ui.on": ("On", "开"),
    "ui.off": ("Off", "关"),
    "ui.quit": ("Quit", "退出"),
    "ui.pause": ("Pause", "暂停"),
    "ui.resume": ("Continue", "继续"),
    "ui.skip": ("Skip", "跳过"),
    "ui.take_break": ("Break", "休息一下"),
    "ui.loading": ("Loading...", "加载中……"),
    "ui.volume": ("Volume", "音量"),
    "ui.volume.voice": ("Voice", "语音"),
    "ui.volume.effects": ("Sound effects", "音效"),
    "ui.volume.music": ("Music", "音乐"),
    "ui.mute": ("Mute all sound", "全部静音"),
    "ui.quiet_mode": ("Quiet mode", "安静模式"),
    "ui.show_timer": ("Show the session timer", "显示练习计时器"),
    "ui.speech_rate": ("Speaking speed", "语速"),
    "ui.palette": ("Colours", "颜色"),
    "ui.palette.calm": ("Calm", "柔和"),
    "ui.palette.high_contrast": ("High contrast", "高对比度"),
    "ui.language": ("Language", "语言"),
    "ui.language.en": ("English", "英语"),
    "ui.language.zh-CN": ("Chinese", "中文"),
    "ui.reduced_motion": ("Reduced motion", "减少动画"),
    "ui.text_size": ("Text size", "文字大小"),
    "ui.text_size.small": ("Small", "小"),
    "ui.text_size.medium": ("Medium", "中"),
    "ui.text_size.large": ("Large", "大"),
    "ui.camera_view": ("Show the camera picture", "显示摄像头画面"),
    "ui.therapist": ("Therapist", "治疗师"),
    "ui.therapist.enter_pin": ("Enter the therapist PIN", "请输入治疗师密码"),
    "ui.therapist.pin_incorrect": ("That PIN did not match. Please try again.",
                                   "密码不对，请再输入一次。"),
    "ui.therapist.set_pin": ("Choose a therapist PIN of {min} to {max} digits",
                             "请设置{min}到{max}位数字的治疗师密码"),
    "ui.therapist.pin_locked": ("Too many wrong PINs. Please wait {seconds} seconds, then "
                                "try again.", "密码错误次数太多。请等待{seconds}秒后再试。"),
    "ui.therapist.pin_length": ("A PIN has {min} to {max} digits.", "密码是{min}到{max}位数字。"),
    "ui.therapist.confirm_pin": ("Type the same PIN again", "请再输入一次同样的密码"),
    "ui.therapist.pin_mismatch": ("The two PINs were different. Let's start again.",
                                  "两次输入的密码不一样，我们重新设置吧。"),
    "ui.therapist.accept": ("Count it", "算成功"),
    "ui.therapist.reject": ("Don't count it", "不算"),
    "ui.therapist.note": ("Note", "备注"),
    "ui.end_session": ("End session", "结束练习"),
    "ui.progress": ("Progress", "进步记录"),
    "ui.profiles": ("Children", "孩子"),
    "ui.profile.new": ("Add a child", "添加孩子"),
    "ui.profile.name": ("Name", "名字"),
    "ui.choose_level": ("Choose a game", "选择游戏"),
    "ui.level_number": ("Level {number}", "第{number}关"),
    "ui.trial_of": ("{done} of {total}", "第{done}个，共{total}个"),
    "ui.calibrate": ("Learn my calm face", "认识我的平静表情"),
    "ui.no_camera": ("No camera found", "没有找到摄像头"),
    "ui.mode.practice": ("Practice", "练习"),
    "ui.mode.copy": ("Copy me", "跟我学"),
    "ui.mode.maze": ("Maze", "迷宫"),
    "ui.mode.story": ("Stories", "故事"),
    "ui.records.set_aside": (
        "The progress file could not be read, so it was moved to {moved} and a new one was "
        "started; the newest backup is {backup}.",
        "进步记录文件无法读取，已移到 {moved}，并新建了一个；最新的备份是 {backup}。"),
    "ui.records.not_saved": (
        "Progress is not being saved right now (is the disk full, or the data folder gone?); "
        "{waiting} unsaved item(s) are kept and the game keeps trying.",
        "现在无法保存进步记录（磁盘满了，或数据文件夹不见了？）；{waiting}项未保存的记录已保留，"
        "游戏会一直重试。"),
    "ui.records.set_aside_no_backup": (
        "The progress file could not be read, so it was moved to {moved} and a new one was "
        "started; there is no backup yet.",
        "进步记录文件无法读取，已移到 {moved}，并新建了一个；还没有备份。"),
}


# Issue 14 (helper C): the therapist's day: back to the start, quitting, settings defaults,
# many children on the start screen, the therapist keys' toasts, the end of the video.
_THERAPIST_DAY: dict[str, tuple[str, str]] = {
    "ui.flow.back_to_start": ("Press any key to go back to the start",
                              "按任意键回到开始画面"),
    "ui.flow.closing": ("The game will close in a moment", "游戏马上就会关闭"),
    "ui.flow.quit_question": ("Quit FaceQuest?", "要退出表情大冒险吗？"),
    "ui.flow.end_question": ("End the session?", "要结束这次练习吗？"),
    "ui.flow.video_ended": ("The video ended.", "视频播放完了。"),
    "ui.flow.defaults_note": ("No child is chosen: these become the settings for new children.",
                              "还没有选择孩子：这些设置会用于新添加的孩子。"),
    "ui.flow.child_note": ("These settings are kept for {name}.", "这些设置会保存给{name}。"),
    "ui.flow.more_children": ("More children", "更多孩子"),
    "ui.flow.page": ("Page {page} of {pages}", "第{page}页，共{pages}页"),
    "ui.flow.find": ("Find: {typed}", "查找：{typed}"),
    "ui.flow.find_hint": ("Type letters to find a name", "输入字母来查找名字"),
    "ui.flow.none_found": ("No name starts with {typed} ({keyname} takes a letter back)",
                           "没有以{typed}开头的名字（按{keyname}删掉一个字母）"),
    "ui.flow.therapist_keys": ("Therapist keys", "治疗师按键"),
    "ui.toast.accepted": ("Counted as made", "已算作成功"),
    "ui.toast.rejected": ("Marked as not made", "已标记为未成功"),
    "ui.toast.skipped": ("Skipped", "已跳过"),
    "ui.toast.paused": ("Paused", "已暂停"),
    "ui.toast.resumed": ("Continuing", "继续"),
    "ui.toast.camera_on": ("Camera picture on", "摄像头画面已打开"),
    "ui.toast.camera_off": ("Camera picture off", "摄像头画面已关闭"),
    "ui.toast.camera_not_allowed": ("The camera picture is off in this child's settings",
                                    "这个孩子的设置里关闭了摄像头画面"),
    "ui.toast.nothing_to_change": ("No trial to change right now", "现在没有可以更改的练习"),
}


# Issue 16: the break scene, the therapist's pause, the named praise after a prompted success.
_REST_AND_PRAISE: dict[str, tuple[str, str]] = {
    "rest.start": ("Rest time. Let's breathe slowly.", "休息时间到，我们慢慢呼吸。"),
    "rest.how_to_end": ("Smile or press a key when you're ready.",
                        "准备好了，就笑一笑，或者按一下键。"),
    "rest.breathe_in": ("Breathe in...", "吸气……"),
    "rest.breathe_out": ("...and out.", "呼气……"),
    "rest.end": ("Ready? Here we go!", "准备好了吗？我们开始吧！"),
    "pause.manual": ("Let's wait a moment.", "我们先停一下。"),
}

_PRAISE_NAMED: dict[Expression, tuple[str, str]] = {
    Expression.NEUTRAL: ("A calm face, just like that!", "平静的表情，就是这样！"),
    Expression.HAPPY: ("A happy face, just like that!", "开心的表情，就是这样！"),
    Expression.SAD: ("A sad face, just like that!", "难过的表情，就是这样！"),
    Expression.ANGRY: ("An angry face, just like that!", "生气的表情，就是这样！"),
    Expression.SURPRISED: ("A surprised face, just like that!", "惊讶的表情，就是这样！"),
    Expression.FEARFUL: ("A scared face, just like that!", "害怕的表情，就是这样！"),
    Expression.DISGUSTED: ("A disgusted face, just like that!", "嫌弃的表情，就是这样！"),
}


# Issue 14, helper D: the therapist's child management behind the PIN (rename, birth year,
# notes, consents, delete), restoring the newest backup after a corrupt file, and the words
# of the progress view (F3).
_CHILD_ADMIN: dict[str, tuple[str, str]] = {
    "ui.admin.title": ("Manage {name}", "管理：{name}"),
    "ui.admin.open": ("Manage children", "管理孩子"),
    "ui.admin.name": ("Name", "名字"),
    "ui.admin.birth_year": ("Birth year", "出生年份"),
    "ui.admin.notes": ("Notes", "备注"),
    "ui.admin.not_set": ("Not set", "未填写"),
    "ui.admin.frame_traces": ("Keep per-frame records", "保存逐帧记录"),
    "ui.admin.frame_traces.why": (
        "Every frame's scores and face movements are kept (numbers, no pictures), for replay.",
        "保存每一帧的得分和面部动作，只有数字，没有画面，用于回放。"),
    "ui.admin.motion_consent": (
        "Keep a record of how {name}'s face moves in each session? It holds numbers only, "
        "never pictures, and lets you replay each try on the avatar. You can change this "
        "later on {name}'s page.",
        "要保存{name}每次练习时面部动作的记录吗？记录里只有数字，没有任何画面，可以用卡通脸"
        "回放每一次尝试。以后可以在{name}的页面里更改。"),
    "ui.admin.motion_consent.no": ("Not now", "暂时不要"),
    "ui.admin.motion_consent.yes": ("Keep it", "保存"),
    "ui.admin.delete": ("Delete {name}", "删除 {name}"),
    "ui.admin.done": ("Done", "完成"),
    "ui.admin.keys": ("Up/down: choose. Enter: change. Esc: done.",
                      "上下键：选择。回车键：修改。退出键：完成。"),
    "ui.admin.editing": ("Type, then press Enter to keep it.", "输入后按回车键保存。"),
    "ui.admin.saved": ("Saved.", "已保存。"),
    "ui.admin.bad_year": ("A birth year is four digits between {first} and {last}.",
                          "出生年份是{first}到{last}之间的四位数字。"),
    "ui.admin.name_taken": ("Another child is already called {name}; please choose another "
                            "name.", "已经有一个孩子叫 {name}，请换一个名字。"),
    "ui.admin.not_saved": ("That could not be saved: {reason}", "无法保存：{reason}"),
    "ui.admin.confirm_delete": ("Delete {name} and all their records? This cannot be undone.",
                                "删除 {name} 及其全部记录吗？删除后无法恢复。"),
    "ui.admin.keep": ("Keep {name}", "保留 {name}"),
    "ui.admin.press_again": ("Press again to delete", "再按一次即删除"),
    "ui.admin.deleted": ("{name} and all their records were deleted.",
                         "{name} 及其全部记录已删除。"),
    "ui.restore.offer": ("Restore the newest backup", "恢复最新的备份"),
    "ui.restore.start_fresh": ("Start with empty records", "使用新的空白记录"),
    "ui.restore.done": ("The backup {backup} was restored: {count} child(ren) are back. The "
                        "unreadable file stays kept as {moved}.",
                        "已恢复备份 {backup}：{count}个孩子的记录回来了。无法读取的文件仍保留为 "
                        "{moved}。"),
    "ui.restore.failed": ("The backup could not be restored: {reason}",
                          "无法恢复备份：{reason}"),
    "ui.progress.title": ("Progress: {name}", "进步记录：{name}"),
    "ui.progress.expression": ("Expression", "表情"),
    "ui.progress.tries": ("Tries", "尝试次数"),
    "ui.progress.made": ("Made", "做到"),
    "ui.progress.without_help": ("Made without help", "没有用帮助做到"),
    "ui.progress.all": ("All expressions", "全部表情"),
    "ui.progress.none": ("No tries are recorded yet.", "还没有练习记录。"),
    "ui.progress.page.table": ("Table", "表格"),
    "ui.progress.page.made": ("Faces made", "做到的表情"),
    "ui.progress.page.without_help": ("Made without help", "没有用帮助做到"),
    "ui.progress.keys": ("Left/right: next page. Esc: close.", "左右键：翻页。退出键：关闭。"),
}


# Issue 21, item 5: the replay of a trial's motion record (the therapist's replay screen,
# behind the PIN, and `facequest replay --out` clips). Shown only, never spoken: these keys
# are not in the voice pack (`SHOWN_ONLY_PREFIXES`).
_REPLAY: dict[str, tuple[str, str]] = {
    "ui.replay.open": ("Replay how the face moved", "回放脸部的动作"),
    "ui.replay.open.why": (
        "The avatar shows each trial again as the face moved (from the motion record).",
        "头像按照动作记录，把每次练习中脸部的动作重新做一遍。"),
    "ui.replay.open.none": (
        "No motion record yet: per-frame traces are off for this child, or no session was "
        "played with them on.",
        "还没有动作记录：这个孩子的逐帧记录是关闭的，或者开启后还没有练习过。"),
    "ui.replay.title": ("{date}, trial {number} of {count}: {expression}",
                        "{date}，第{number}个练习（共{count}个）：{expression}"),
    "ui.replay.clip_title": ("Trial {number}: {expression}", "第{number}个练习：{expression}"),
    "ui.replay.child": ("How the face moved", "脸部的动作"),
    "ui.replay.child.population": ("How the face moved, from an average calm face",
                                   "脸部的动作，从平均的平静表情算起"),
    "ui.replay.model": ("The {expression} face", "{expression}的表情"),
    "ui.replay.no_face": ("No face in view", "没有看到脸"),
    "ui.replay.no_frames": ("This trial has no measured frames.", "这个练习没有测量到的画面帧。"),
    "ui.replay.together": ("All together", "综合"),
    "ui.replay.full": ("full", "完整"),
    "ui.replay.seconds": ("{value} s", "{value}秒"),
    "ui.replay.time": ("{now} s of {total} s", "{now}秒 / {total}秒"),
    "ui.replay.keys": (
        "Space: play or pause. Left/right: one frame. Home/End: start/end. Click or drag the "
        "timeline. Up/down: another trial. Esc: back.",
        "空格键：播放或暂停。左右键：一帧。Home/End 键：开头或结尾。点击或拖动时间线。"
        "上下键：换一个练习。退出键：返回。"),
    "ui.replay.mark.prompt": ("Asked", "提出要求"),
    "ui.replay.mark.help": ("Help", "帮助"),
    "ui.replay.mark.hint": ("Hint", "提示"),
    "ui.replay.mark.hold": ("Holding", "保持"),
    "ui.replay.mark.reward": ("Made it", "做到了"),
    "ui.replay.mark.timeout": ("Time up", "时间到"),
    "ui.replay.mark.pause": ("Paused", "暂停"),
    "ui.replay.mark.end": ("Ended", "结束"),
    "ui.replay.event.prompt": ("The face was asked for.", "提出了表情要求。"),
    "ui.replay.event.help.voice_repeat": ("Help: the request was said again.",
                                          "帮助：再说了一遍要求。"),
    "ui.replay.event.help.model_face": ("Help: the avatar showed the face.",
                                        "帮助：头像示范了表情。"),
    "ui.replay.event.help.part_hint": ("Help: which part of the face to move.",
                                       "帮助：提示要动的部位。"),
    "ui.replay.event.help.lower_threshold": ("Help: an easier goal.", "帮助：降低了要求。"),
    "ui.replay.event.help": ("Help was given.", "给了帮助。"),
    "ui.replay.event.hint": ("Hint: {hint}", "提示：{hint}"),
    "ui.replay.event.hold_start": ("Holding the face.", "正在保持表情。"),
    "ui.replay.event.hold_end": ("The hold stopped early.", "提前松开了。"),
    "ui.replay.event.pause": ("Paused.", "暂停了。"),
    "ui.replay.event.resume": ("Going on.", "继续。"),
    "ui.replay.event.reward.independent": ("Made it without help.", "自己做到了。"),
    "ui.replay.event.reward.prompted": ("Made it with help.", "在帮助下做到了。"),
    "ui.replay.event.reward": ("Made it.", "做到了。"),
    "ui.replay.event.timeout": ("The time was up.", "时间到了。"),
    "ui.replay.event.end": ("The trial ended.", "练习结束了。"),
    "action.lip_corners_up": ("Lip corners up", "嘴角上扬"),
    "action.cheeks_raised": ("Cheeks raised", "脸颊抬起"),
    "action.jaw_drop": ("Jaw dropped", "下巴张开"),
    "action.lips_part": ("Lips parted", "双唇分开"),
    "action.inner_brows_up": ("Inner brows up", "眉头上扬"),
    "action.outer_brows_up": ("Outer brows up", "眉尾上扬"),
    "action.brows_lowered": ("Brows lowered", "眉毛下压"),
    "action.brows_together": ("Brows together", "眉头靠拢"),
    "action.upper_lids_up": ("Upper lids up", "上眼皮抬起"),
    "action.lids_tight": ("Lids tightened", "眼皮收紧"),
    "action.lip_corners_down": ("Lip corners down", "嘴角下拉"),
    "action.lips_pressed": ("Lips pressed", "双唇抿紧"),
    "action.lips_stretched": ("Lips stretched", "嘴唇横拉"),
    "action.nose_wrinkled": ("Nose wrinkled", "皱起鼻子"),
    "action.upper_lip_raised": ("Upper lip raised", "上唇上提"),
}

# Issue 23 (h23a): the child's programme (the plan page behind the PIN, the child's page row,
# the start screen's next step). Shown only, never spoken (`SHOWN_ONLY_PREFIXES`).
_PLAN: dict[str, tuple[str, str]] = {
    "ui.plan.open": ("Programme and today's level set", "练习计划和今天的关卡"),
    "ui.plan.open.why": (
        "Which level sets in which order, when the child moves on, and how long a session is.",
        "关卡组和顺序、什么时候进入下一步、每次练习的时长。"),
    "ui.plan.title": ("Programme for {name}", "{name}的练习计划"),
    "ui.plan.none": ("No programme yet: choose level sets below, then save.",
                     "还没有练习计划：在下面选择关卡组，然后保存。"),
    "ui.plan.status": ("Now: step {step} of {steps}, {title}; {run} of {sessions} sessions "
                       "met the rule.",
                       "现在：第{step}步，共{steps}步，{title}；{run}次练习达到了要求，"
                       "需要{sessions}次。"),
    "ui.plan.status.done": ("Every step is mastered; {title} is played as practice.",
                            "每一步都掌握了；继续练习{title}。"),
    "ui.plan.today": ("Today", "今天"),
    "ui.plan.today.planned": ("As planned: {title}", "按计划：{title}"),
    "ui.plan.today.usual": ("As usual: {title}", "照常：{title}"),
    "ui.plan.step": ("Step {step}", "第{step}步"),
    "ui.plan.not_in": ("Not in the plan", "不在计划中"),
    "ui.plan.rate": ("Made without help, per session", "每次练习自己做到的比例"),
    "ui.plan.sessions": ("Sessions in a row to move on", "连续几次达到要求才进入下一步"),
    "ui.plan.minutes": ("Session length", "每次练习的时长"),
    "ui.plan.minutes.value": ("{minutes} min", "{minutes}分钟"),
    "ui.plan.save": ("Save the plan", "保存计划"),
    "ui.plan.clear": ("Remove the plan", "删除计划"),
    "ui.plan.back": ("Back", "返回"),
    "ui.plan.keys": ("Up/down: choose. Enter: add or remove a level set. Left/right: move it, "
                     "or change the value. Esc: back.",
                     "上下键：选择。回车键：加入或去掉关卡组。左右键：调整顺序，或改变数值。"
                     "退出键：返回。"),
    "ui.plan.saved": ("The plan is saved.", "计划已保存。"),
    "ui.plan.cleared": ("The plan was removed.", "计划已删除。"),
    "ui.plan.need_set": ("Choose at least one level set first: Enter adds it.",
                         "请先选至少一个关卡组：按回车键加入。"),
    "ui.plan.next": ("Next for {name}: {title}, step {step} of {steps}",
                     "{name}的下一步：{title}，第{step}步，共{steps}步"),
    "ui.plan.next.today": ("Today for {name}: {title}, chosen for today",
                           "{name}今天练习：{title}，今天特别选的"),
    "ui.plan.next.done": ("{name} has mastered every step: {title} as practice",
                          "{name}已经掌握了每一步：继续练习{title}"),
}

# Home practice: the home screen of a home installation and the
# child's page's "home plan" button.
_HOME_PRACTICE: dict[str, tuple[str, str]] = {
    "ui.home.title": ("Practice at home", "在家练习"),
    "ui.home.today": ("Today: {done} of {planned} minutes", "今天：{done}/{planned} 分钟"),
    "ui.home.today_done": ("Today's practice is done!", "今天的练习完成了！"),
    "ui.home.week": ("This week: {done} of {planned} days", "本周：{done}/{planned} 天"),
    "ui.home.play": ("Play", "开始玩"),
    "ui.home.grown_ups": ("For grown-ups", "家长设置"),
    "ui.home.admin.make_plan": ("Make a home plan", "制作居家练习计划"),
    "ui.home.admin.plan_written": ("Home plan saved as {path}", "居家练习计划已保存：{path}"),
    "ui.home.admin.no_clinic_key": ("First run: facequest clinic init",
                              "请先运行：facequest clinic init"),
}


# Issue 23 (2): the child's side: the visual schedule, the rest button, the sticker book,
# the avatar's looks. Shown texts are under `ui.child.` (not voiced); `schedule.intro` is
# spoken when the schedule shows.
_CHILD_SIDE: dict[str, tuple[str, str]] = {
    "schedule.intro": ("Look! This is what we do today.", "看！这是我们今天要做的事。"),
    "ui.child.schedule.title": ("Today", "今天"),
    "ui.child.schedule.face": ("1 face", "1个表情"),
    "ui.child.schedule.faces": ("{count} faces", "{count}个表情"),
    "ui.child.schedule.rest": ("A rest", "休息"),
    "ui.child.schedule.done": ("All done", "完成"),
    "ui.child.schedule.start": ("Press a key or tap to start.", "按任意键或点一下，就开始。"),
    "ui.child.rest_button": ("Rest", "休息"),
    "ui.child.rest_key": ("A rest the child asks for", "孩子自己要休息"),
    "ui.child.stickers.count": ("{count} in the sticker book", "贴纸册里有{count}个"),
    "ui.child.avatar.row": ("Avatar look", "小伙伴的样子"),
    "ui.child.avatar.row.why": ("How the friendly face looks in the game and the replay.",
                                "游戏和回放里小伙伴的样子。"),
    "ui.child.avatar.title": ("Choose how the friendly face looks", "选一选小伙伴的样子"),
    "ui.child.avatar.keys": ("Left / right: choose   Enter: keep it   Esc: back",
                             "左右键：选择   回车：就要这个   Esc：返回"),
    "ui.child.avatar.wave": ("Wavy hair", "波浪头发"),
    "ui.child.avatar.curls": ("Curly hair", "卷卷头发"),
    "ui.child.avatar.tuft": ("Little tuft", "小翘毛"),
    "ui.child.avatar.beanie": ("Warm hat", "暖暖的帽子"),
}

# Issue 25: the key hints of the therapist's settings screen (shown, never spoken).
_SCREEN_KEYS: dict[str, tuple[str, str]] = {
    "ui.keys.settings": ("Up/down: choose. Left/right or Enter: change. Esc: done.",
                         "上下键：选择。左右键或回车键：修改。退出键：完成。"),
}

# Keys shown on a therapist's screen only and never spoken: left out of the voice pack.
SHOWN_ONLY_PREFIXES: tuple[str, ...] = ("ui.replay.", "action.", "ui.plan.", "ui.child.",
                                        "ui.keys.", "ui.home.admin.")


def _build() -> dict[str, dict[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for expr, (en, zh) in _EXPRESSION_NAMES.items():
        table[f"expression.{expr.value}"] = (en, zh)
        article = "an" if en[0] in "aeiou" else "a"
        table[f"prompt.show_me.{expr.value}"] = (
            f"Show me {article} {en} face!", f"做一个{zh}的表情吧！"
        )
    for hint, pair in _HINTS.items():
        table[f"hint.{hint.value}"] = pair
    for flag, pair in _QUALITY.items():
        table[f"quality.{flag.value}"] = pair
    for part, pair in _FACE_PARTS.items():
        table[f"part.{part.value}"] = pair
    for name, group in (("praise.independent", _PRAISE_INDEPENDENT),
                        ("praise.prompted", _PRAISE_PROMPTED), ("encourage", _ENCOURAGE)):
        for number, pair in enumerate(group, start=1):
            table[f"{name}.{number}"] = pair
    for expr, pair in _PRAISE_NAMED.items():
        table[f"praise.named.{expr.value}"] = pair
    for key, pair in (_FIXED | _REST_AND_PRAISE | _CHILD_ADMIN | _THERAPIST_DAY | _REPLAY
                      | _CHILD_SIDE | _SCREEN_KEYS).items():
        if key in table:
            raise AssertionError(f"phrase key {key!r} defined twice")
        table[key] = pair
    if set(_PLAN) & set(table):  # the programme's texts
        raise AssertionError(f"phrase keys defined twice: {sorted(set(_PLAN) & set(table))}")
    table.update(_PLAN)
    table.update({k: p for k, p in _HOME_PRACTICE.items() if k not in table})
    return {key: dict(zip(LANGUAGES, pair, strict=True)) for key, pair in table.items()}


PHRASES: dict[str, dict[str, str]] = _build()


def text(key: str, lang: str = DEFAULT_LANGUAGE, **fields: object) -> str:
    """The text of phrase `key` in `lang`, with any `{fields}` filled in.

    Raises:
        UnknownPhraseError (a KeyError): the key or the language is not in the catalogue.
    """
    entry = PHRASES.get(key)
    if entry is None:
        raise UnknownPhraseError(f"no phrase with key {key!r} in game.phrases")
    template = entry[normalize_language(lang)]
    return template.format(**fields) if fields else template


def all_keys(prefix: str = "") -> tuple[str, ...]:
    """All phrase keys starting with `prefix`, sorted."""
    return tuple(sorted(k for k in PHRASES if k.startswith(prefix)))


def has_fields(key: str) -> bool:
    """True when the phrase has `{fields}` to fill (it cannot be pre-rendered)."""
    formatter = string.Formatter()
    return any(
        name is not None for value in PHRASES[key].values()
        for _, name, _, _ in formatter.parse(value)
    )


def spoken_keys() -> tuple[str, ...]:
    """Keys of every fixed text (no fields) that may be spoken: what the pre-rendered voice
    pack covers (texts shown only, `SHOWN_ONLY_PREFIXES`, are left out)."""
    return tuple(k for k in all_keys()
                 if not has_fields(k) and not k.startswith(SHOWN_ONLY_PREFIXES))


def action_key(action: str) -> str:
    """The key of a facial action's name (`game.motion.vocabulary.ACTION_NAMES`)."""
    return f"action.{action}"


def expression_name_key(expression: Expression) -> str:
    return f"expression.{expression.value}"


def show_me_key(expression: Expression) -> str:
    return f"prompt.show_me.{expression.value}"


def hint_key(hint: HintKey) -> str:
    return f"hint.{hint.value}"


def quality_key(flag: QualityFlag) -> str:
    return f"quality.{flag.value}"


def part_key(part: FacePart) -> str:
    return f"part.{part.value}"


def praise_named_key(expression: Expression) -> str:
    """The line that names the face just made ("A happy face, just like that!")."""
    return f"praise.named.{expression.value}"


def praise_keys(independent: bool) -> tuple[str, ...]:
    """The praise phrases: bigger ones for an independent success, smaller when prompted."""
    prefix = "praise.independent." if independent else "praise.prompted."
    return tuple(sorted(all_keys(prefix), key=lambda k: int(k.rsplit(".", 1)[1])))


def encourage_keys() -> tuple[str, ...]:
    return tuple(sorted(all_keys("encourage."), key=lambda k: int(k.rsplit(".", 1)[1])))
