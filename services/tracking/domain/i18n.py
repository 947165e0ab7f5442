"""Customer-facing descriptions in English (the default) and Simplified Chinese.

Descriptions come from our normalized vocabulary, not from the carriers' own texts (SF writes Chinese,
UPS English): a customer reads one language across the whole journey. An unmapped code shows the
carrier's text after a generic label.
"""

# Chinese text takes full-width commas and colons, which RUF001 would flag as look-alikes.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Literal

Language = Literal["en", "zh-CN"]
DEFAULT: Language = "en"
EXCEPTION_STATUSES = frozenset({"on_hold", "delivery_delayed", "delivery_failed", "ready_for_pickup"})

MILESTONES: dict[str, tuple[str, str]] = {
    "order_created": ("Order received", "订单已创建"),
    "label_created": ("Shipping label created, awaiting pickup", "运单已生成，等待揽收"),
    "first_mile_picked_up": ("Picked up", "已揽收"),
    "origin_hub_processed": ("Processed at a facility in China", "已在中国境内转运中心处理"),
    "export_customs_in_progress": ("China export customs clearance in progress", "中国出口清关中"),
    "export_customs_cleared": ("Cleared China export customs", "中国出口清关完成"),
    "linehaul_departed": ("Departed on an international flight", "已搭乘国际航班离港"),
    "arrived_destination_country": ("Arrived in the United States", "已到达美国"),
    "import_customs_in_progress": ("US import customs clearance in progress", "美国进口清关中"),
    "import_customs_released": ("Released by US customs", "美国海关已放行"),
    "last_mile_in_transit": ("In transit in the United States", "美国境内运输中"),
    "out_for_delivery": ("Out for delivery", "派送中"),
    "delivery_attempted": ("Delivery attempted", "尝试派送未成功"),
    "delivered": ("Delivered", "已签收"),
    "returning": ("Returning to sender", "退回寄件人途中"),
    "returned": ("Returned to sender", "已退回寄件人"),
}
STATUSES: dict[str, tuple[str, str]] = {
    "pending": ("Booked, awaiting the first carrier scan", "已下单，等待承运商扫描"),
    "picked_up": ("Picked up", "已揽收"),
    "in_transit": ("In transit", "运输中"),
    "out_for_delivery": ("Out for delivery", "派送中"),
    "delivered": ("Delivered", "已签收"),
    "ready_for_pickup": ("Ready for pickup", "待自取"),
    "delivery_failed": ("Delivery failed", "派送失败"),
    "on_hold": ("On hold", "暂扣"),
    "delivery_delayed": ("Delayed", "延误"),
    "return_to_sender": ("Returning to sender", "退回寄件人"),
    "cancelled": ("Shipment cancelled", "运单已取消"),
    "unknown": ("Carrier update", "承运商更新"),
}
REASONS: dict[str, tuple[str, str]] = {
    "customs_delay": ("customs clearance is taking longer than usual", "清关时间较长"),
    "customs_documentation": ("customs needs more information", "海关需要补充资料"),
    "customs_duties_unpaid": ("import duties are due", "待缴进口关税"),
    "customs_inspection": ("customs inspection", "海关查验"),
    "customs_prohibited": ("refused by customs", "海关不予放行"),
    "consignee_not_available": ("recipient not available", "收件人不在"),
    "consignee_refused": ("recipient refused the parcel", "收件人拒收"),
    "address_issue": ("address problem", "地址有误"),
    "carrier_delay": ("carrier delay", "承运商延误"),
    "weather_delay": ("weather", "天气原因"),
    "security_issue": ("security check", "安全检查"),
    "regulatory_hold": ("held by a government agency", "政府机构扣留"),
    "unknown": ("exception", "异常"),
}
CARRIERS: dict[str, tuple[str, str]] = {
    "sf_express": ("SF Express", "顺丰速运"), "ups": ("UPS", "UPS"), "jv": ("ParcelBridge", "ParcelBridge"),
}
_ETA = ("Estimated delivery date: {date}", "预计送达日期：{date}")
_SEPARATOR = (": ", "：")


def choose_language(preferences: Iterable[str]) -> Language:
    """The first supported language among the client's preferences (best first); English otherwise."""
    for tag in preferences:
        lowered = tag.lower()
        if lowered in ("zh", "zh-cn", "zh-sg", "zh-hans") or lowered.startswith("zh-hans"):
            return "zh-CN"
        if lowered == "en" or lowered.startswith("en-") or lowered == "*":
            return "en"
    return DEFAULT


def text(table: dict[str, tuple[str, str]], key: str, language: Language) -> str:
    return table[key][0 if language == "en" else 1]


def status_text(status: str, reason: str | None, language: Language) -> str:
    """The status, with its reason for exceptions ("On hold: import duties are due")."""
    label = text(STATUSES, status, language)
    if status in EXCEPTION_STATUSES and reason:
        return label + _pick(_SEPARATOR, language) + text(REASONS, reason, language)
    return label


def event_text(kind: str, status: str | None, milestone: str | None, reason: str | None, raw_text: str,
               delivery_estimate: date | None, language: Language) -> str:
    """What one timeline entry says to the customer."""
    if kind == "eta_update" and delivery_estimate:
        return _pick(_ETA, language).format(date=delivery_estimate.isoformat())
    if kind != "movement" or status in (None, "unknown"):
        label = text(STATUSES, "unknown", language)
        return label + _pick(_SEPARATOR, language) + raw_text if raw_text else label
    if status in EXCEPTION_STATUSES or status == "cancelled" or milestone is None:
        return status_text(status, reason, language)
    return text(MILESTONES, milestone, language)


def _pick(pair: tuple[str, str], language: Language) -> str:
    return pair[0] if language == "en" else pair[1]
