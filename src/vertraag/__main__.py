"""`python -m vertraag` is the same as the `vertraag` command."""

from vertraag.cli import main

raise SystemExit(main())
