"""``python -m econ``: the command line, from whichever checkout is on the path."""

from econ.cli import app

if __name__ == "__main__":
    app()
