"""The `briefing` command (and `python -m briefing`): takes charge of Ctrl-C before the CLI and
the pipeline are loaded, so an interrupt at any moment is one line and exit 130."""

from . import interrupts


def run() -> None:
    try:
        interrupts.install()
        from .cli import main  # after Ctrl-C is taken charge of (see the docstring)

        main()
    except KeyboardInterrupt:
        interrupts.leave()


if __name__ == "__main__":  # worker processes import this module again: they must not run the CLI
    run()
