"""Descriptions in English and Simplified Chinese; what the public page may show of a recipient."""

from datetime import date
from typing import get_args

import pytest

from services.tracking.domain import i18n, masking
from shared.events.schemas.vocabulary import Milestone, Reason, Status


@pytest.mark.parametrize("table, vocabulary", [
    (i18n.MILESTONES, Milestone), (i18n.STATUSES, Status), (i18n.REASONS, Reason),
])
def test_every_value_of_the_vocabulary_has_both_languages(table, vocabulary):
    assert set(table) == set(get_args(vocabulary))
    assert all(en and zh and en != zh for en, zh in table.values() if en != "UPS")


@pytest.mark.parametrize("preferences, chosen", [
    ([], "en"), (["zh-CN"], "zh-CN"), (["zh"], "zh-CN"), (["zh-Hans-CN"], "zh-CN"),
    (["fr", "zh-CN", "en"], "zh-CN"), (["en-US", "zh-CN"], "en"), (["zh-TW"], "en"), (["de"], "en"),
])
def test_the_language_is_the_first_supported_preference(preferences, chosen):
    assert i18n.choose_language(preferences) == chosen


def test_event_texts_come_from_the_vocabulary_in_each_language():
    args = ("movement", "in_transit", "import_customs_released", None, "Released", None)
    assert i18n.event_text(*args, "en") == "Released by US customs"
    assert i18n.event_text(*args, "zh-CN") == "美国海关已放行"
    hold = ("movement", "on_hold", "import_customs_in_progress", "customs_duties_unpaid", "", None)
    assert i18n.event_text(*hold, "en") == "On hold: import duties are due"
    assert i18n.event_text("eta_update", None, None, None, "", date(2025, 6, 12), "zh-CN") == "预计送达日期：2025-06-12"  # noqa: RUF001
    assert i18n.event_text("movement", "unknown", None, None, "Weird code", None, "en") == "Carrier update: Weird code"


@pytest.mark.parametrize("name, expected", [
    ("Jane Doe", "J. D."), ("jane q. doe", "J. Q. D."), ("王小明", "王."), ("", None), (None, None), ("  ", None),
])
def test_initials_keep_only_first_letters(name, expected):
    assert masking.initials(name) == expected


def test_the_city_is_trimmed_and_bounded():
    assert masking.city("  Los Angeles ") == "Los Angeles" and masking.city(None) is None
