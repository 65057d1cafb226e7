"""What scenes may ask of the game's flow: the narrow interface they see as `ctx.flow`.

Scenes never hold `GameFlow` itself (it builds scenes, so scenes importing it would make an
import cycle, and scenes would reach everything the flow owns). `game.ui.flow.GameFlow`
satisfies this protocol structurally; tests may pass any object that does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from game.records.models import Profile
    from game.ui.input import Action
    from game.vision.calibration import NeutralBaseline


class Navigation(Protocol):
    """The moves a scene (or the app loop) can ask for; each returns at once."""

    def tick(self, now_ms: int) -> None:
        """Once per frame: drive the running session (`now_ms`, the frame clock's ms)."""

    def profile_chosen(self, profile: Profile) -> None:
        """A child was picked on the start (or home) screen: calibrate, then play."""

    def add_profile(self) -> None:
        """Ask for a new child's name (behind the PIN)."""

    def manage_child(self, profile: Profile | None) -> None:
        """Open the child's page (behind the PIN)."""

    def open_settings(self) -> None:
        """Open the settings (behind the PIN)."""

    def open_progress(self) -> None:
        """Open the progress charts (behind the PIN)."""

    def show_help(self) -> None:
        """Show the keys overlay."""

    def calibration_finished(self, baseline: NeutralBaseline | None, *,
                             use_stored: bool = True) -> None:
        """The calm face was captured (or not): go on to the session."""

    def child_break(self) -> None:
        """The child asked for a rest (button or B)."""

    def therapist(self, action: Action) -> None:
        """A therapist key (pause, skip, help, override...) over any scene."""

    def remaining_fraction(self) -> float:
        """Share (0..1) of the session's time cap still left; 1.0 without a cap."""

    def end_session(self, reason: str | None = None) -> None:
        """End the running session now (`reason`: the session's end reason)."""

    def session_over(self) -> None:
        """The goodbye card was closed: back to the start screen (or close)."""

    def ask_quit(self) -> None:
        """Ask before quitting the program."""

    def quit(self) -> None:
        """Quit the program now."""
