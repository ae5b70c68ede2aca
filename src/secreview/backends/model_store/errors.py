"""The errors of the model store, shared by all its modules: each one's text says why a model cannot be had
and which command fixes it."""


class ModelStoreError(Exception):
    """A model cannot be provided; str(error) says why and which command fixes it."""


class ModelNotFoundError(ModelStoreError):
    """The model is in none of the places looked at."""


class UnknownModelError(ModelNotFoundError):
    """The name is neither a known model nor an existing file."""


class CorruptModelError(ModelStoreError):
    """A file (cached, assembled or downloaded) does not have the recorded size and sha256."""
