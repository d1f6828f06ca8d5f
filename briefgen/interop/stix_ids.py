"""Readable knowledge-base ids for imported STIX objects.

A knowledge-base id is lower-case ASCII (``[a-z0-9][a-z0-9._-]*``, :data:`briefgen.model.fields.Id`),
so a name is transliterated first: Latin letters with accents lose them (Unicode NFKD
decomposition, then the combining marks dropped: ``López`` -> ``lopez``), and the Latin
letters NFKD leaves whole are spelled out (``ß`` -> ``ss``, ``Ø`` -> ``o``, ``Æ`` -> ``ae``,
``Ł`` -> ``l``, ``Þ`` -> ``th``). A name with no Latin letters or digits left (Chinese,
Cyrillic, Arabic ...) gets the STIX type and a short stable hash of the object's STIX id
(``identity-3f9a2c1b``): the same object always gets the same id, and two such objects
never share one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_SPELLED = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
                          "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th",
                          "ı": "i", "ħ": "h", "Ħ": "h", "ŋ": "ng", "Ŋ": "ng"})
MAX_LENGTH = 40
"""Longest slug made from a name (whole words), before any ``-2`` suffix."""


def ascii_words(text: str) -> list[str]:
    """The lower-case ASCII words of ``text`` after transliteration (see the module doc)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPELLED))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return [w for w in _NOT_WORD.split(plain.encode("ascii", "ignore").decode("ascii")) if w]


def short_hash(stix_id: str) -> str:
    """Eight hex digits of the SHA-256 of ``stix_id``: stable across runs and machines."""
    return hashlib.sha256(stix_id.encode("utf-8")).hexdigest()[:8]


def slug(text: str, stix_id: str, stix_type: str, prefix: str = "") -> str:
    """An id from ``text``: its first transliterated words (at most :data:`MAX_LENGTH`
    characters, whole words), lower case, after ``prefix``; ``<stix_type>-<hash of stix_id>``
    after ``prefix`` when ``text`` has no Latin letter or digit."""
    made = ""
    for word in ascii_words(text):
        if made and len(made) + 1 + len(word) > MAX_LENGTH:
            break
        made = f"{made}-{word}" if made else word[:MAX_LENGTH]
    return prefix + (made or f"{stix_type}-{short_hash(stix_id)}")
