"""Draft keys and design digests: what a browser session needs before it has a draft to keep.

Kept apart from `playbook.drafts`, whose `Draft` model holds an interview and so loads the whole
interview domain (follow-ups, the analysis, the rubric): a first visit draws its page with only
this module, and the draft's model is loaded when there is something to keep.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Final

from playbook.codec import dump_design
from playbook.design import Design

# token_urlsafe(32): 32 random bytes, 43 URL-safe characters; anything else is not our key.
KEY_BYTES: Final = 32
KEY_PATTERN: Final = r"^[A-Za-z0-9_-]{32,128}$"


def new_key() -> str:
    """Return a fresh, unguessable draft key (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(KEY_BYTES)


def key_hash(key: str) -> str:
    """Return the SHA-256 of a draft key: what the store keeps instead of the key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def design_digest(design: Design) -> str:
    """Return the SHA-256 of the design's canonical JSON: equal designs, equal digests."""
    return hashlib.sha256(dump_design(design).encode("utf-8")).hexdigest()


BLANK_DIGEST: Final = design_digest(Design())
