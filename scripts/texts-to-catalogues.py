#!/usr/bin/env python3
"""Move (English, Chinese) text tables written in Python into the catalogues.

Texts used to be Python dicts of `"key": ("English", "中文")`; a branch written before the
catalogues may still add one. This appends such a dict's texts to `game/locales/en.toml`
and `zh-CN.toml` (under a comment), so the dict and its `_build()` line can be deleted:

    python scripts/texts-to-catalogues.py game/phrases.py _NEW_BLOCK "What the block is for"
    python scripts/texts-to-catalogues.py game/reports/report_text.py _NEW --report "..."

`--report` puts the keys under "report." (report texts). Keys already in a catalogue are
refused. Reads the file with `ast` (nothing is imported or run).
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

LOCALES = Path(__file__).resolve().parents[1] / "game" / "locales"
LANGS = ("en", "zh-CN")


def _pairs(source: Path, name: str) -> dict[str, tuple[str, str]]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    for node in tree.body:
        target: ast.expr
        value: ast.expr | None
        if isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign):
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == name and value is not None:
            table = ast.literal_eval(value)
            if not isinstance(table, dict) or not all(
                isinstance(k, str) and isinstance(v, tuple) and len(v) == len(LANGS)
                and all(isinstance(t, str) for t in v) for k, v in table.items()
            ):
                raise SystemExit(f"{name} in {source} is not a dict of key -> (en, zh) texts")
            return table
    raise SystemExit(f"no {name} = {{...}} at the top level of {source}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("name", help="the dict's name, e.g. _NEW_BLOCK")
    parser.add_argument("comment", help="one line saying what the texts are for")
    parser.add_argument("--report", action="store_true", help="report texts (report.)")
    args = parser.parse_args(argv)
    prefix = "report." if args.report else ""
    table = _pairs(args.source, args.name)
    paths = [LOCALES / f"{lang}.toml" for lang in LANGS]
    for path in paths:  # refuse before writing anything
        text = path.read_text(encoding="utf-8")
        for key in table:
            if f'"{prefix}{key}" =' in text:
                raise SystemExit(f"{path}: {prefix}{key} is there already")
    for index, path in enumerate(paths):
        text = path.read_text(encoding="utf-8")
        lines = ["", f"# {args.comment}"] + [
            f"{json.dumps(prefix + key, ensure_ascii=False)} = "
            f"{json.dumps(texts[index], ensure_ascii=False)}"
            for key, texts in table.items()]
        path.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"{path}: {len(table)} texts added")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
