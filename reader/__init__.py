"""reader: a terminal news reader for folders of front-matter articles."""

__version__ = "0.1.0"
