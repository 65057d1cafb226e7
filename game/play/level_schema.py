"""The one schema of a level-set file: every field, its type, default, range and meaning.

The loader (`game.play.level_loader`) validates files against these tables and the
reference part of `docs/level-format.md` is generated from them (`game.play.level_doc`),
so the documentation cannot drift from what the loader accepts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from game.expressions import CREDIT_THRESHOLD, Expression
from game.locales import LANGUAGES as LANGUAGES

MODES: tuple[str, ...] = ("mimic", "cue", "maze", "story")
ORDERINGS: tuple[str, ...] = ("fixed", "shuffled", "balanced")
DIRECTIONS: tuple[str, ...] = ("least_to_most", "most_to_least")
STEP_KINDS: tuple[str, ...] = ("voice_repeat", "model_face", "part_hint", "lower_threshold")
EXPRESSIONS: tuple[str, ...] = tuple(e.value for e in Expression)
ID_PATTERN = r"[a-z0-9][a-z0-9_-]{0,47}"
FORMAT_VERSION = 1
MIN_THRESHOLD = 0.1  # a lowered threshold never goes below this


DEFAULT_MAZE_SIZE = 9


def max_maze_blockers(size: int) -> int:
    """The most blockers (trials) a maze level of `size` may have: a quarter of its cells,
    which the path to the treasure always has room for, one blocker per cell."""
    return size * size // 4


class Kind(enum.StrEnum):
    """The type of a field, as written in the file."""

    STRING = "string"
    ID = "identifier"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    LANGUAGES = "list of languages"
    EXPRESSIONS = "list of expressions"
    EXPRESSION = "expression"
    TEXTS = "texts"
    PROMPT_TEXTS = "texts per expression"
    TABLE = "table"
    TABLES = "array of tables"


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
NOT_SET: Any = None  # an optional field that is absent


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a table: what the file may write and what the loader fills in."""

    name: str
    kind: Kind
    description: str
    default: Any = REQUIRED
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    table: TableSpec | None = None
    min_items: int = 0
    max_items: int | None = None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A TOML table (or each entry of an array of tables) and its fields, in file order."""

    name: str
    description: str
    fields: tuple[FieldSpec, ...] = field(default_factory=tuple)

    def field_named(self, name: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields)


_TEXTS = "A table with one text per language of the set, e.g. `{ en = \"...\", zh-CN = \"...\" }`"

PROMPT_STEP = TableSpec(
    "levels.prompting.steps",
    "One rung of the prompting hierarchy. Steps come in the order written: step 1 is the "
    "least help, the last step the most. A step appears when its time or its number of "
    "failed attempts is reached (whichever comes first) and every earlier step has appeared.",
    (
        FieldSpec("kind", Kind.CHOICE, "What help this step gives: `voice_repeat` says the "
                  "prompt again, `model_face` makes the avatar show the face (in mimic mode it "
                  "replays the model), `part_hint` names the face part to move (from the live "
                  "reading), `lower_threshold` makes the criterion easier.", choices=STEP_KINDS),
        FieldSpec("after_ms", Kind.INTEGER, "Active time since the prompt (paused time not "
                  "counted) after which this step appears. Leave out to trigger only by "
                  "failed attempts.", default=NOT_SET, minimum=0, maximum=120_000),
        FieldSpec("after_failures", Kind.INTEGER, "Number of failed attempts (a rise towards "
                  "the threshold that fell back before the hold time) after which this step "
                  "appears. Leave out to trigger only by time.", default=NOT_SET,
                  minimum=1, maximum=20),
        FieldSpec("threshold_drop", Kind.NUMBER, "Only for `lower_threshold`: how much the "
                  "threshold is lowered (never below 0.1).", default=0.1,
                  minimum=0.01, maximum=0.5),
    ),
)

PROMPTING = TableSpec(
    "levels.prompting",
    "The prompting hierarchy: which help appears, in what order, after how long.",
    (
        FieldSpec("direction", Kind.CHOICE, "`least_to_most` (review): each trial starts with "
                  "no help and help rises by time and failed attempts. `most_to_least` (new "
                  "skills): the first trial starts with every step showing, and each success "
                  "lets the next trial start one step lower. In both, a timeout makes the next "
                  "trial start one step higher (help comes earlier next time).",
                  default="least_to_most", choices=DIRECTIONS),
        FieldSpec("errorless", Kind.BOOLEAN, "Errorless teaching: every trial starts with every "
                  "step showing (including a lowered threshold), so the child succeeds with full "
                  "support; no fading. Overrides `direction`.", default=False),
        FieldSpec("steps", Kind.TABLES, "The rungs, least help first.", default=(
            {"kind": "voice_repeat", "after_ms": 4000},
            {"kind": "model_face", "after_ms": 8000, "after_failures": 2},
            {"kind": "part_hint", "after_ms": 11000, "after_failures": 3},
            {"kind": "lower_threshold", "after_ms": 15000, "after_failures": 4,
             "threshold_drop": 0.1},
        ), table=PROMPT_STEP, max_items=8),
    ),
)

REWARDS = TableSpec(
    "levels.rewards",
    "Differential reinforcement: a bigger reward for a success with no help showing.",
    (
        FieldSpec("independent", Kind.INTEGER, "Reward size (stars) for a success with no help "
                  "showing.", default=3, minimum=1, maximum=10),
        FieldSpec("prompted", Kind.INTEGER, "Reward size for a success after help appeared; "
                  "at most `independent`.", default=1, minimum=0, maximum=10),
    ),
)

ADAPTIVE = TableSpec(
    "levels.adaptive",
    "A bounded staircase across the trials of a level: after `up_after` independent successes "
    "in a row, threshold and hold time go up one step each; after `down_after` timeouts in a "
    "row they go down one step each; always within the bounds.",
    (
        FieldSpec("enabled", Kind.BOOLEAN, "Adapt at all.", default=True),
        FieldSpec("up_after", Kind.INTEGER, "Independent successes in a row before it gets "
                  "harder.", default=3, minimum=1, maximum=20),
        FieldSpec("down_after", Kind.INTEGER, "Timeouts (or rejected successes) in a row before "
                  "it gets easier.", default=2, minimum=1, maximum=20),
        FieldSpec("threshold_step", Kind.NUMBER, "Threshold change per step.", default=0.05,
                  minimum=0.01, maximum=0.2),
        FieldSpec("threshold_min", Kind.NUMBER, "Lowest threshold the staircase may reach.",
                  default=0.4, minimum=0.1, maximum=0.95),
        FieldSpec("threshold_max", Kind.NUMBER, "Highest threshold the staircase may reach.",
                  default=0.85, minimum=0.1, maximum=0.95),
        FieldSpec("hold_step_ms", Kind.INTEGER, "Hold-time change per step.", default=250,
                  minimum=0, maximum=2000),
        FieldSpec("hold_min_ms", Kind.INTEGER, "Shortest hold time the staircase may reach.",
                  default=300, minimum=0, maximum=10_000),
        FieldSpec("hold_max_ms", Kind.INTEGER, "Longest hold time the staircase may reach.",
                  default=2500, minimum=0, maximum=10_000),
    ),
)

SCENE = TableSpec(
    "levels.scenes",
    "Story mode: a short scene told before the child shows the fitting face.",
    (
        FieldSpec("target", Kind.EXPRESSION, "The face that fits the scene (one of the level's "
                  "targets).", choices=EXPRESSIONS),
        FieldSpec("text", Kind.TEXTS, "What the scene says (spoken and shown). " + _TEXTS),
        FieldSpec("picture", Kind.STRING, "Name of the scene picture the game draws "
                  "(e.g. `birthday_cake`); empty: none.", default=""),
    ),
)

MAZE = TableSpec(
    "levels.maze",
    "Maze mode (FaceMaze style): the hero walks a maze; each blocker on the way is cleared by "
    "one trial's expression, so the number of blockers is the level's `trials` (at most a "
    "quarter of the maze's cells, `size` x `size` / 4). Each maze level has a maze of its "
    "own.",
    (
        FieldSpec("size", Kind.INTEGER, "Cells per side of the square maze.",
                  default=DEFAULT_MAZE_SIZE,
                  minimum=5, maximum=21),
        FieldSpec("show_path", Kind.BOOLEAN, "Draw the route to the next blocker (predictable "
                  "play).", default=True),
        FieldSpec("walk_ms", Kind.INTEGER, "Time the hero takes per cell: slow and steady.",
                  default=400, minimum=100, maximum=2000),
    ),
)

BREAKS = TableSpec(
    "levels.breaks",
    "The break: after this many timeouts in a row (or the session's `break_every_ms` of play), "
    "a calm rest scene with its own words and a slow breathing animation (still under "
    "reduced motion). Every clock stops. The child or the therapist ends it with a key, a "
    "click or a tap, the child also with a smile, or it ends by itself after `max_ms`; then "
    "the next trial starts.",
    (
        FieldSpec("after_timeouts", Kind.INTEGER, "Timeouts in a row (in this level) before the "
                  "break; 0: never. Leave out to use the session's `break_after_timeouts`.",
                  default=NOT_SET, minimum=0, maximum=20),
        FieldSpec("max_ms", Kind.INTEGER, "The break ends by itself after this long.",
                  default=60_000, minimum=5000, maximum=600_000),
        FieldSpec("end_on_smile", Kind.BOOLEAN, "A smile (a happy score at or above "
                  "`smile_threshold`) ends the break.", default=True),
        FieldSpec("smile_threshold", Kind.NUMBER, "The happy score that counts as a smile.",
                  default=CREDIT_THRESHOLD, minimum=0.1, maximum=0.95),
        FieldSpec("min_ms", Kind.INTEGER, "A smile ends the break only after this long (a key, "
                  "click or tap ends it at any time); at most `max_ms`.", default=3000,
                  minimum=0, maximum=60_000),
    ),
)

LEVEL = TableSpec(
    "levels",
    "One level: a run of trials in one mode. Levels are played in the order written.",
    (
        FieldSpec("id", Kind.ID, "Identifier, unique in the set (lower case, digits, `-`, `_`)."),
        FieldSpec("title", Kind.TEXTS, "Name shown when the level starts. " + _TEXTS),
        FieldSpec("mode", Kind.CHOICE, "`mimic` copy the avatar's face; `cue` the word and voice "
                  "only; `maze` blockers cleared by expressions; `story` a short scene, then the "
                  "fitting face.", choices=MODES),
        FieldSpec("targets", Kind.EXPRESSIONS, "The expressions asked for (no repeats).",
                  choices=EXPRESSIONS, min_items=1, max_items=len(EXPRESSIONS)),
        FieldSpec("trials", Kind.INTEGER, "Number of trials (in maze mode: blockers).",
                  default=6, minimum=1, maximum=100),
        FieldSpec("ordering", Kind.CHOICE, "Order of targets: `fixed` cycles them as written; "
                  "`shuffled` shuffles the whole run; `balanced` shuffles each block of all "
                  "targets with no target twice in a row.", default="balanced",
                  choices=ORDERINGS),
        FieldSpec("threshold", Kind.NUMBER, "Target score the child must reach (starting "
                  "value when adaptive).", default=CREDIT_THRESHOLD, minimum=0.1, maximum=0.95),
        FieldSpec("hold_ms", Kind.INTEGER, "How long the score must stay at or above the "
                  "threshold (starting value when adaptive).", default=1000,
                  minimum=0, maximum=10_000),
        FieldSpec("time_limit_ms", Kind.INTEGER, "Active time (pauses not counted) before the "
                  "trial ends with \"let's try another one\".", default=20_000,
                  minimum=3000, maximum=120_000),
        FieldSpec("attempt_fraction", Kind.NUMBER, "A rise above this fraction of the threshold "
                  "counts as an attempt; falling back below it without a full hold is a failed "
                  "attempt.", default=0.5, minimum=0.1, maximum=0.95),
        FieldSpec("intro", Kind.TEXTS, "Said once when the level starts (optional). " + _TEXTS,
                  default=NOT_SET),
        FieldSpec("prompts", Kind.PROMPT_TEXTS, "Optional prompt per target, replacing the "
                  "standard \"Show me a happy face!\": `[levels.prompts] happy = { en = \"...\", "
                  "zh-CN = \"...\" }`.", default=NOT_SET, choices=EXPRESSIONS),
        FieldSpec("prompting", Kind.TABLE, PROMPTING.description, default={}, table=PROMPTING),
        FieldSpec("rewards", Kind.TABLE, REWARDS.description, default={}, table=REWARDS),
        FieldSpec("adaptive", Kind.TABLE, ADAPTIVE.description, default={}, table=ADAPTIVE),
        FieldSpec("scenes", Kind.TABLES, "Story mode only, required there: at least one scene "
                  "per target; scenes of a target are used in turn.", default=(),
                  table=SCENE, max_items=50),
        FieldSpec("maze", Kind.TABLE, "Maze mode only (defaults apply when left out).",
                  default=NOT_SET, table=MAZE),
        FieldSpec("breaks", Kind.TABLE, BREAKS.description, default={}, table=BREAKS),
    ),
)

SESSION = TableSpec(
    "session",
    "How a session with this set runs.",
    (
        FieldSpec("time_cap_ms", Kind.INTEGER, "Active play time after which the session ends "
                  "gently at the end of the current trial (15 min, as in the published "
                  "studies).", default=900_000, minimum=60_000, maximum=3_600_000),
        FieldSpec("break_every_ms", Kind.INTEGER, "Take a break (the level's "
                  "`[levels.breaks]`) after this much active time since the last break "
                  "(0: never).", default=300_000,
                  minimum=0, maximum=3_600_000),
        FieldSpec("break_after_timeouts", Kind.INTEGER, "Take a break after this many "
                  "timeouts in a row (0: never), for every level that does not set its own "
                  "`breaks.after_timeouts`.", default=3, minimum=0, maximum=20),
        FieldSpec("inter_trial_ms", Kind.INTEGER, "Calm gap after each trial (reward or \"let's "
                  "try another one\") before the next prompt.", default=2000,
                  minimum=0, maximum=10_000),
        FieldSpec("pause_after_ms", Kind.INTEGER, "Untrusted readings (no face, head turned, "
                  "too dark) for this long pause the trial.", default=500,
                  minimum=0, maximum=5000),
        FieldSpec("stale_after_ms", Kind.INTEGER, "No new reading for this long counts as "
                  "untrusted (vision stalled).", default=1500, minimum=200, maximum=10_000),
        FieldSpec("away_end_ms", Kind.INTEGER, "An automatic pause this long ends the session "
                  "(the child has left).", default=180_000, minimum=10_000, maximum=1_800_000),
    ),
)

LEVEL_SET = TableSpec(
    "(top level)",
    "A level set: a named, ordered list of levels and how a session with them runs.",
    (
        FieldSpec("format", Kind.INTEGER, "Version of this file format.",
                  default=FORMAT_VERSION, minimum=FORMAT_VERSION, maximum=FORMAT_VERSION),
        FieldSpec("id", Kind.ID, "Identifier of the set (recorded with every session)."),
        FieldSpec("title", Kind.TEXTS, "Name shown in the game. " + _TEXTS),
        FieldSpec("description", Kind.TEXTS, "One or two sentences for the therapist "
                  "(optional). " + _TEXTS, default=NOT_SET),
        FieldSpec("languages", Kind.LANGUAGES, "Languages every text of the set is written in.",
                  default=LANGUAGES, choices=LANGUAGES, min_items=1),
        FieldSpec("session", Kind.TABLE, SESSION.description, default={}, table=SESSION),
        FieldSpec("levels", Kind.TABLES, "The levels, played in order (`[[levels]]`).",
                  table=LEVEL, min_items=1, max_items=50),
    ),
)

ALL_TABLES: tuple[TableSpec, ...] = (
    LEVEL_SET, SESSION, LEVEL, PROMPTING, PROMPT_STEP, REWARDS, ADAPTIVE, SCENE, MAZE, BREAKS,
)
