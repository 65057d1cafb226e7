"""`python -m game` is the same as the `facequest` command."""

from game.cli import terminal_main

raise SystemExit(terminal_main())
