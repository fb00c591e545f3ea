"""The one exception type the CLI turns into a one-line message and exit status 2."""


class BriefingError(Exception):
    """A problem the user can fix (bad input, unreachable source, unknown engine...).

    Its message is shown as is, on one line, so it must say what went wrong and where.
    """


class WorkerDied(BriefingError):
    """A process speaking for the render died under it (killed, out of memory): what it made is
    cached, so the render can be run again, elsewhere or here (batch and the service do, up to
    RENDER_ATTEMPTS renders in all)."""


RENDER_ATTEMPTS = 3
