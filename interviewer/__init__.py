"""A mock interviewer grounded in a question bank."""

__version__ = "0.1.0"
