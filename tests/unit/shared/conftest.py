"""Fixtures the shared library's unit tests have in common: the fake document store and publisher."""

import pytest

from tests.unit.support import FakeDocumentStore, FakePublisher


@pytest.fixture
def store() -> FakeDocumentStore:
    return FakeDocumentStore()


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()
