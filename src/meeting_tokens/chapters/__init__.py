"""Content made for the chapters: the gallery of forged tokens, the storage trade-offs, and the
checks that judge the exercises' answers (``exercises``)."""

from meeting_tokens.chapters import exercises, storage_options
from meeting_tokens.chapters.forgeries import EXPECTED_CODES, forged_tokens

__all__ = ["EXPECTED_CODES", "exercises", "forged_tokens", "storage_options"]
