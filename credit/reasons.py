"""Plain words for why an index is what it is, in English and Chinese, from the model's contributions.

A reason names one feature, its value, and how many index points it moved. The sentences are
written per feature, so a company reads "2 payments ... late" rather than a variable name.
"""

from __future__ import annotations

import math

# feature -> (English, Chinese), formatted with {v} (the value) and {m} (the value as a whole number).
TEMPLATES: dict[str, tuple[str, str]] = {
    "years_in_business": ("{m} years in business", "经营 {m} 年"),
    "registry_status": ("Registry status: {status_en}", "登记状态：{status_zh}"),
    "sanctions_hits": ("{m} sanctions-list hits", "制裁名单命中 {m} 次"),
    "judgments_against_36m": (
        "{m} court judgments against the company in 3 years",
        "3年内 {m} 项不利法院判决",
    ),
    "chamber_member": ("Chamber of commerce membership: {member_en}", "商会会员资格：{member_zh}"),
    "deals_completed_12m": ("{m} deals completed in the last 12 months", "近12个月完成 {m} 笔交易"),
    "deals_value_12m_usd": ("Deals worth USD {money} in the last 12 months", "近12个月交易金额 {money} 美元"),
    "on_time_payment_ratio": ("{pct} of invoices paid on time in 24 months", "24个月内 {pct} 的发票按时支付"),
    "avg_days_late_24m": (
        "Late payments averaged {m} days late in 24 months",
        "24个月内逾期付款平均逾期 {m} 天",
    ),
    "worst_days_late_24m": (
        "A payment was {m} days late in the last 24 months",
        "近24个月有一笔付款逾期 {m} 天",
    ),
    "disputes_lost_36m": ("{m} disputes lost in 3 years", "3年内 {m} 起争议败诉"),
    "cancellations_12m": ("{m} orders cancelled in 12 months", "12个月内取消 {m} 笔订单"),
    "years_on_platform": ("{v1} years trading on TrustFair", "在 TrustFair 交易 {v1} 年"),
    "bank_rating": ("Bank rating step {m} of 10 (1 is best)", "银行评级第 {m} 档（共10档，1最好）"),
    "registered_capital_usd": ("Registered capital about USD {money}", "注册资本约 {money} 美元"),
    "insured_limit_usd": ("Credit insurance limit USD {money}", "信用保险限额 {money} 美元"),
    "insured_limit_use": ("Recent deals use {pct} of the insured limit", "近期交易占用保险限额的 {pct}"),
    "claims_24m": ("{m} insurance claims in 24 months", "24个月内 {m} 次保险索赔"),
    "fairs_exhibited_3y": ("Exhibited at {m} fair sessions in 3 years", "3年内参展 {m} 届"),
    "fairs_attended_3y": ("Attended {m} fair sessions in 3 years", "3年内到会 {m} 届"),
    "meetings_kept_ratio": ("Kept {pct} of booked meetings", "如约参加 {pct} 的预约洽谈"),
    "meetings_missed_24m": ("Missed {m} meetings in 24 months", "24个月内缺席 {m} 次洽谈"),
}

MISSING: dict[str, tuple[str, str]] = {
    "bank_rating": ("No bank rating on file", "暂无银行评级"),
    "years_in_business": ("No founding date from the registry", "暂无工商登记成立日期"),
    "registered_capital_usd": ("No registered capital on file", "暂无注册资本信息"),
    "insured_limit_usd": ("No credit insurance on file", "暂无信用保险信息"),
    "chamber_member": ("No chamber of commerce membership on file", "暂无商会会员信息"),
    "registry_status": ("No registry status on file", "暂无登记状态信息"),
}

_STATUS = {0: ("active", "存续"), 1: ("abnormal operation", "经营异常"), 2: ("deregistered", "注销")}


def sentence(feature: str, value: float | None) -> tuple[str, str]:
    """The English and Chinese sentence for one feature's value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        label = feature.replace("_", " ")
        return MISSING.get(feature, (f"No data: {label}", f"无数据：{label}"))
    en, zh = TEMPLATES.get(feature, (f"{feature}: {{v1}}", f"{feature}：{{v1}}"))
    status = _STATUS.get(int(round(value)), ("unknown", "未知"))
    fields = {
        "v": value,
        "v1": f"{value:.1f}",
        "m": f"{value:.0f}",
        "pct": f"{value * 100:.0f}%",
        "money": f"{value:,.0f}",
        "status_en": status[0],
        "status_zh": status[1],
        "member_en": "current" if value >= 1 else "lapsed",
        "member_zh": "有效" if value >= 1 else "已失效",
    }
    return en.format(**fields), zh.format(**fields)
