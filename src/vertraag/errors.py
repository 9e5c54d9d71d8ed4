"""Errors a user can meet. Each carries one clear sentence that says what to do."""

from __future__ import annotations

# Exit codes of the command line.
EXIT_OK = 0
EXIT_USER_ERROR = 2  # bad input: a missing file, a broken config, no model ...
EXIT_INTERRUPTED = 130  # stopped with Ctrl-C (the shell's convention), also when that is how a live run ends


class UserError(Exception):
    """A problem the user can fix. The message is shown as is, on one line, without a traceback."""

    def __init__(self, message: str, *, exit_code: int = EXIT_USER_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class NothingToReport(UserError):
    """Valid input with nothing in it (an empty or all-silent recording): said once, exit code 0."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=EXIT_OK)
