"""Plain words for why an index is what it is, in English and Chinese, from the model's contributions.

A reason names one feature, its value, and how many index points it moved. The sentences are
written per feature, so a company reads "2 payments ... late" rather than a variable name.

A feature without evidence gets a sentence of its own kind, "Not enough data on X": it is listed
apart (`credit.index.explain` → `no_data`), never among what raises the index.
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
    "identity_verified": ("Identity {verified_en} by TrustFair", "TrustFair 身份验证：{verified_zh}"),
    "certificates_current": ("{m} product certificates current", "{m} 项产品认证有效"),
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
    "largest_booth_sqm_3y": ("Largest booth in 3 years: {m} m²", "3年内最大展位 {m} 平方米"),
    "fair_days_checked_in_3y": ("Checked in on {m} fair days in 3 years", "3年内展会签到 {m} 天"),
    "hosted_meetings_attended_2y": (
        "Attended {m} hosted buyer meetings in 24 months",
        "24个月内出席 {m} 次采购见面会洽谈",
    ),
    "hosted_no_shows_2y": (
        "Missed {m} hosted buyer meetings in 24 months",
        "24个月内缺席 {m} 次采购见面会洽谈",
    ),
}

# The English sentence when the count {m} is exactly 1 (Chinese has no plural).
SINGULAR_EN: dict[str, str] = {
    "years_in_business": "1 year in business",
    "sanctions_hits": "1 sanctions-list hit",
    "judgments_against_36m": "1 court judgment against the company in 3 years",
    "certificates_current": "1 product certificate current",
    "deals_completed_12m": "1 deal completed in the last 12 months",
    "avg_days_late_24m": "Late payments averaged 1 day late in 24 months",
    "worst_days_late_24m": "A payment was 1 day late in the last 24 months",
    "disputes_lost_36m": "1 dispute lost in 3 years",
    "cancellations_12m": "1 order cancelled in 12 months",
    "claims_24m": "1 insurance claim in 24 months",
    "fairs_exhibited_3y": "Exhibited at 1 fair session in 3 years",
    "fairs_attended_3y": "Attended 1 fair session in 3 years",
    "meetings_missed_24m": "Missed 1 meeting in 24 months",
    "fair_days_checked_in_3y": "Checked in on 1 fair day in 3 years",
    "hosted_meetings_attended_2y": "Attended 1 hosted buyer meeting in 24 months",
    "hosted_no_shows_2y": "Missed 1 hosted buyer meeting in 24 months",
}

# A lack of data is its own kind of reason, never a strength: "Not enough data on X" (KIND_NO_DATA),
# shown apart from what lowers or raises the index. X per feature, in English and Chinese.
KIND_EVIDENCE = "evidence"
KIND_NO_DATA = "no_data"
NO_DATA_ON: dict[str, tuple[str, str]] = {
    "years_in_business": ("the company's founding date", "公司成立日期"),
    "registry_status": ("the company's registry status", "公司登记状态"),
    "sanctions_hits": ("sanctions screening", "制裁名单筛查"),
    "judgments_against_36m": ("court records", "法院记录"),
    "chamber_member": ("chamber of commerce membership", "商会会员资格"),
    "identity_verified": ("identity verification", "身份验证"),
    "certificates_current": ("product certificates", "产品认证"),
    "deals_completed_12m": ("completed deals", "已完成交易"),
    "deals_value_12m_usd": ("deal value", "交易金额"),
    "on_time_payment_ratio": ("payment record", "付款记录"),
    "avg_days_late_24m": ("payment delays", "付款逾期情况"),
    "worst_days_late_24m": ("payment delays", "付款逾期情况"),
    "disputes_lost_36m": ("trade disputes", "交易争议"),
    "cancellations_12m": ("order cancellations", "订单取消情况"),
    "years_on_platform": ("time on TrustFair", "在 TrustFair 的时间"),
    "bank_rating": ("a bank rating", "银行评级"),
    "registered_capital_usd": ("registered capital", "注册资本"),
    "insured_limit_usd": ("credit insurance", "信用保险"),
    "insured_limit_use": ("use of the insured limit", "保险限额使用情况"),
    "claims_24m": ("insurance claims", "保险索赔"),
    "fairs_exhibited_3y": ("fair participation", "展会参与情况"),
    "fairs_attended_3y": ("fair attendance", "展会到会情况"),
    "meetings_kept_ratio": ("meetings kept", "洽谈守约情况"),
    "meetings_missed_24m": ("meetings missed", "洽谈缺席情况"),
    "largest_booth_sqm_3y": ("booth size", "展位面积"),
    "fair_days_checked_in_3y": ("fair check-ins", "展会签到情况"),
    "hosted_meetings_attended_2y": ("hosted buyer meetings", "采购见面会出席情况"),
    "hosted_no_shows_2y": ("hosted buyer meeting no-shows", "采购见面会缺席情况"),
}


def no_data_sentence(feature: str) -> tuple[str, str]:
    """ "Not enough data on X" in English and Chinese: the sentence for a feature without evidence."""
    en, zh = NO_DATA_ON.get(feature, (feature.replace("_", " "), feature))
    return f"Not enough data on {en}", f"{zh}数据不足"


_STATUS = {0: ("active", "存续"), 1: ("abnormal operation", "经营异常"), 2: ("deregistered", "注销")}


def sentence(feature: str, value: float | None) -> tuple[str, str]:
    """The English and Chinese sentence for one feature's value ("Not enough data on X" without one)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return no_data_sentence(feature)
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
        "verified_en": "verified" if value >= 1 else "not verified (rejected, revoked or expired)",
        "verified_zh": "已验证" if value >= 1 else "未通过（被拒、撤销或过期）",
    }
    if fields["m"] == "1" and feature in SINGULAR_EN:
        en = SINGULAR_EN[feature]
    return en.format(**fields), zh.format(**fields)
