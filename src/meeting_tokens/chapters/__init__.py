"""Content made for the chapters: the gallery of forged tokens and the storage trade-offs."""

from meeting_tokens.chapters import storage_options
from meeting_tokens.chapters.forgeries import EXPECTED_CODES, forged_tokens

__all__ = ["EXPECTED_CODES", "forged_tokens", "storage_options"]
