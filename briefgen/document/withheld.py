"""What an edition record knows of the items its audience is not shown: keyed hashes, never ids.

Comparing two editions must tell an item that was *removed* (reported: "Claim dropped") from
one that is now *withheld* from the audience (never reported: TLP 2.0, it vanishes without a
trace). The newer record therefore lists every item it withholds, as a hash of its record kind
and id, and the diff (:mod:`briefgen.document.diff`) checks each vanished item against that list.

Ids are readable slugs (``c-strike``), so an unkeyed hash of one can be confirmed by guessing.
The hashes are HMAC-SHA256 under a random secret (:class:`WithheldKey`) that the editions store
keeps beside the records (:mod:`briefgen.pipeline.editions`), never in a record or an output:
without the secret the list says only how many items were withheld. The record says which
key made its list::

    "withheld": {"scheme": "hmac-sha256", "key": "<key id: 16 hex>", "items": [hash, ...]}

Records filed before (``"withheld": [hash, ...]``, unkeyed ``sha256("briefgen-withheld/<kind>/<id>")``,
:func:`legacy_hash`) are still read and compared:
:func:`briefgen.document.edition.withheld_test` picks the scheme of a record.

Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Any

SCHEME = "hmac-sha256"
"""The ``scheme`` of a keyed ``withheld`` list."""

HASH_CHARS = 32
"""Hex characters kept of each hash (128 bits)."""

SECRET_BYTES = 32
"""Length of a secret (256 bits)."""

KEY_FILE = ".withheld-key"
"""The file in the editions store's folder that holds its key (the secret as hex)."""


class WithheldKey:
    """The secret that keys the hashes of withheld items. ``id`` names it in a record (a
    digest of the secret, which reveals nothing of it). Raises ValueError for a secret shorter
    than 16 bytes."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("a withheld-items key needs at least 16 bytes of secret")
        self._secret = bytes(secret)
        self.id = hmac.new(self._secret, b"briefgen-withheld-key-id", hashlib.sha256).hexdigest()[:16]

    @classmethod
    def fresh(cls) -> WithheldKey:
        """A new random key (:data:`SECRET_BYTES` from the operating system's generator)."""
        return cls(secrets.token_bytes(SECRET_BYTES))

    @property
    def secret_hex(self) -> str:
        """The secret as hex, for the store's key file only."""
        return self._secret.hex()

    def hash(self, kind: str, ident: str) -> str:
        """The keyed hash standing for withheld item ``ident`` of record kind ``kind`` (``claims`` ...)."""
        mac = hmac.new(self._secret, f"briefgen-withheld/{kind}/{ident}".encode(), hashlib.sha256)
        return mac.hexdigest()[:HASH_CHARS]

    def __repr__(self) -> str:  # never the secret
        return f"WithheldKey(id={self.id!r})"


def legacy_hash(kind: str, ident: str) -> str:
    """The unkeyed hash of records filed before keyed hashes (guessable: read, never written)."""
    return hashlib.sha256(f"briefgen-withheld/{kind}/{ident}".encode()).hexdigest()[:HASH_CHARS]


def withheld_list(items: Iterable[tuple[str, str]], key: WithheldKey) -> dict[str, Any]:
    """A record's ``withheld`` value for (record kind, id) ``items``: hashes sorted, duplicates
    dropped."""
    return {"scheme": SCHEME, "key": key.id, "items": sorted({key.hash(kind, ident) for kind, ident in items})}
