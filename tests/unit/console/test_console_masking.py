from services.console.domain.masking import HIDDEN, mask, mask_text, maybe_mask


def test_names_become_initials_and_contacts_are_mostly_hidden():
    masked = mask({"recipient": {"name": "Jane Q. Doe", "phone": "+1 415 555 0100", "email": "jane@example.com",
                                 "address_lines": ["1 Main St", "Apt 2"], "city": "Austin", "zip": "73301"}})
    r = masked["recipient"]
    assert r["name"] == "J. Q. D."
    assert r["phone"] == HIDDEN + "00"
    assert r["email"] == "j" + HIDDEN + "@example.com"
    assert r["address_lines"] == [HIDDEN, HIDDEN]
    assert (r["city"], r["zip"]) == ("Austin", "73301")


def test_free_text_hides_emails_and_international_numbers_but_not_parcel_numbers_or_dates():
    text = "call +86 138 0013 8000 or mail li@example.cn about SF1234567890123 on 2026-01-10T10:00:00Z"
    masked = mask_text(text)
    assert "138 0013" not in masked and "li@example.cn" not in masked
    assert "SF1234567890123" in masked and "2026-01-10T10:00:00Z" in masked


def test_nested_raw_carrier_payloads_are_masked_by_key():
    raw = {"deliveryInformation": {"receivedBy": "JOHN SMITH"}, "activity": [{"contact": "Wang Xiaoming"}]}
    masked = mask(raw)
    assert masked["deliveryInformation"]["receivedBy"] == "J. S."
    assert masked["activity"][0]["contact"] == "W. X."


def test_admins_see_clear_text():
    value = {"name": "Jane Doe"}
    assert maybe_mask(value, unmasked=True) == value
    assert maybe_mask(value, unmasked=False) == {"name": "J. D."}


def test_a_record_that_is_not_valid_json_is_masked_by_its_json_looking_fields():
    broken = '{"recipient": {"name": "Jane Doe", "address_lines": ["1 Main St"], "city": "Austin"}, "oops"'
    masked = mask_text(broken)
    assert "Jane Doe" not in masked and "1 Main St" not in masked
    assert '"name": "J. D."' in masked and '"city": "Austin"' in masked
