"""therapist-site: a static site generator for therapy practices."""

__version__ = "0.1.0"
