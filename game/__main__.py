"""`python -m game` is the same as the `facequest` command."""

from game.cli import main

raise SystemExit(main())
