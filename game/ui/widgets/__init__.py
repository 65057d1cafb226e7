"""Drawing pieces the scenes compose: text, cards, buttons, gauge, hint bubble, timer, rewards,
the "I can't see you" card. Every `draw_*` only draws: it changes no state and reads time
only from its `t_ms` argument.
"""

from game.ui.widgets.controls import MIN_TARGET_PX, button_rects, draw_button
from game.ui.widgets.gauge import draw_gauge, draw_hold_ring
from game.ui.widgets.hint import draw_hint_bubble, draw_part_icon, draw_small_arrow
from game.ui.widgets.pause import draw_camera_icon, draw_cant_see_you, draw_face_outline_icon
from game.ui.widgets.reward import STICKER_KINDS, draw_reward, draw_sticker
from game.ui.widgets.shapes import draw_card, draw_star, mix, star_points
from game.ui.widgets.text import (
    balanced_wrap,
    draw_text,
    fitting_size,
    render_line,
    text_size,
    wrap_text,
)
from game.ui.widgets.timer import draw_session_timer

__all__ = [
    "MIN_TARGET_PX",
    "STICKER_KINDS",
    "balanced_wrap",
    "button_rects",
    "draw_button",
    "draw_camera_icon",
    "draw_cant_see_you",
    "draw_card",
    "draw_face_outline_icon",
    "draw_gauge",
    "draw_hint_bubble",
    "draw_hold_ring",
    "draw_part_icon",
    "draw_reward",
    "draw_session_timer",
    "draw_small_arrow",
    "draw_star",
    "draw_sticker",
    "draw_text",
    "fitting_size",
    "mix",
    "render_line",
    "star_points",
    "text_size",
    "wrap_text",
]
