"""The root of the project's error hierarchy, in a module of its own so that light tools (the
link tracker, the demos) can import it without loading the catalogue model."""


class AtlasError(Exception):
    """Base of every error this project raises on purpose (bad input, bad state)."""
