import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from pydantic import BaseModel, ConfigDict, Field

from shared.http.body import parse_query
from shared.http.cursor import encode_cursor, position_after
from shared.http.problems import Problem

ID = re.compile(r"^itm_[a-z]{4}$")


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = None


class Item:
    id = "itm_abcd"

    def __init__(self, created_at):
        self.created_at = created_at


def _query(url: str):
    with Flask(__name__).test_request_context(url):
        return parse_query(Page)


def test_a_valid_query_is_parsed_and_unknown_parameters_are_left_to_the_caller():
    query, errors = _query("/?limit=5&colour=red")
    assert query.limit == 5
    assert errors == [{"field": "colour", "message": "unknown query parameter"}]


def test_an_invalid_value_is_refused_at_once_with_the_unknown_parameters():
    with pytest.raises(Problem) as refused:
        _query("/?limit=0&colour=red")
    assert refused.value.status == 400
    assert [e["field"] for e in refused.value.errors] == ["colour", "limit"]


def test_a_cursor_we_made_points_after_its_item_and_another_joins_the_errors():
    item = Item(datetime(2025, 6, 1, tzinfo=UTC))
    errors: list[dict[str, str]] = []
    assert position_after(encode_cursor(item), ID, errors) == (item.created_at, item.id)
    assert position_after(None, ID, errors) is None and errors == []
    assert position_after("bogus", ID, errors) is None
    assert [e["field"] for e in errors] == ["cursor"]
