"""The documents a consumer owns, kept between polls: bounded, least recently used dropped first."""

from __future__ import annotations

from collections import OrderedDict

from shared.mongo.documents import Document

CacheKey = tuple[str, str]  # (collection, _id)


class DocumentCache:
    """Stored documents as last read or written by this process; never holds an unwritten state.

    Only correct while this process is the one writer of these keys: clear it when partitions are revoked.
    """

    def __init__(self, size: int = 5_000):
        self.size = size
        self._documents: OrderedDict[CacheKey, Document] = OrderedDict()

    def get(self, key: CacheKey) -> Document | None:
        document = self._documents.get(key)
        if document is not None:
            self._documents.move_to_end(key)
        return document

    def put(self, key: CacheKey, document: Document) -> None:
        self._documents[key] = document
        self._documents.move_to_end(key)
        while len(self._documents) > self.size:
            self._documents.popitem(last=False)

    def drop(self, key: CacheKey) -> None:
        self._documents.pop(key, None)

    def clear(self) -> None:
        self._documents.clear()

    def __len__(self) -> int:
        return len(self._documents)

    def __contains__(self, key: CacheKey) -> bool:
        return key in self._documents
