from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

from marketplace.fairs import exhibitors_selectors as exhibitor_selectors
from marketplace.fairs.floorplan import hall_plan
from marketplace.fairs.models import FairSession


class ExhibitorListBlock(blocks.StructBlock):
    """The live exhibitors of a fair session (optionally one phase, hall or category), read from fairs."""

    session = blocks.CharBlock(label=_("Fair session (slug)"), help_text=_("e.g. 140th-session"))
    phase = blocks.IntegerBlock(label=_("Phase"), required=False, min_value=1)
    hall = blocks.CharBlock(label=_("Hall"), required=False)
    industry = blocks.CharBlock(label=_("Category (industry slug)"), required=False)
    limit = blocks.IntegerBlock(label=_("How many"), default=12, min_value=1, max_value=60)

    class Meta:
        icon = "group"
        label = _("Exhibitor list")
        template = "fairs/exhibitors/block_exhibitor_list.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        session = FairSession.objects.filter(slug=value["session"]).first()
        rows = exhibitor_selectors.exhibitors(session=session) if session else None
        if rows is not None:
            if value.get("phase"):
                rows = rows.filter(phase__number=value["phase"])
            if value.get("hall"):
                rows = rows.filter(booth__hall__code=value["hall"])
            if value.get("industry"):
                rows = rows.filter(industries__slug=value["industry"]).distinct()
        context.update(session=session, exhibitors=list(rows[: value["limit"]]) if rows is not None else [])
        return context


class FloorPlanBlock(blocks.StructBlock):
    """A hall's live floor plan in one phase, booths linking to the exhibitors."""

    session = blocks.CharBlock(label=_("Fair session (slug)"), help_text=_("e.g. 140th-session"))
    phase = blocks.IntegerBlock(label=_("Phase"), min_value=1, default=1)
    hall = blocks.CharBlock(label=_("Hall"))

    class Meta:
        icon = "table"
        label = _("Floor plan")
        template = "fairs/exhibitors/block_floor_plan.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        session = FairSession.objects.filter(slug=value["session"]).first()
        phase = session.phases.filter(number=value["phase"]).first() if session else None
        hall = session.halls.filter(code=value["hall"]).first() if session else None
        if phase and hall:
            context["svg"], _lit = hall_plan(session=session, phase=phase, hall=hall)
        context.update(session=session, phase=phase, hall=hall)
        return context


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3"])
    image = ImageBlock()
    quote = blocks.BlockQuoteBlock()
    exhibitors = ExhibitorListBlock()
    floor_plan = FloorPlanBlock()


# The clauses a new installation starts with; operators replace them in the admin. Each is written in
# both languages because the contract prints them side by side.
DEFAULT_CLAUSES = [
    {
        "title_en": "Governing law",
        "title_zh": "适用法律",
        "text_en": (
            "This contract is governed by the United Nations Convention on Contracts for the International "
            "Sale of Goods (CISG) and, for matters it does not settle, by the law of the seller's country."
        ),
        "text_zh": "本合同适用《联合国国际货物销售合同公约》（CISG）；公约未规定的事项，适用卖方所在国法律。",
    },
    {
        "title_en": "Disputes",
        "title_zh": "争议解决",
        "text_en": (
            "The parties first use the TrustFair dispute procedure. A dispute not settled there within 60 days "
            "is finally settled by arbitration under the rules of the China International Economic and Trade "
            "Arbitration Commission (CIETAC); the award binds both parties."
        ),
        "text_zh": (
            "双方应首先通过 TrustFair 争议程序协商解决。60 日内未能解决的争议，提交中国国际经济贸易仲裁委员会"
            "（CIETAC）按其仲裁规则最终裁决，裁决对双方均有约束力。"
        ),
    },
    {
        "title_en": "Force majeure",
        "title_zh": "不可抗力",
        "text_en": (
            "Neither party is liable for a delay or failure caused by events beyond its reasonable control, "
            "provided it informs the other party in writing within 14 days and limits the consequences."
        ),
        "text_zh": "因超出合理控制范围的事件导致迟延或不能履行的，一方不承担责任，但应于 14 日内书面通知对方并尽力减少损失。",
    },
    {
        "title_en": "Language and entire agreement",
        "title_zh": "语言与完整协议",
        "text_en": (
            "This contract is made in English and Chinese; both texts are equally authentic. It records the "
            "whole agreement of the parties on the goods listed and replaces every earlier offer."
        ),
        "text_zh": "本合同以中英文书就，两种文本具有同等效力。本合同构成双方就所列货物的完整协议，并取代此前的所有报价。",
    },
]


class ClauseBlock(blocks.StructBlock):
    """One clause, in both languages."""

    title_en = blocks.CharBlock(label=_("Title (English)"), max_length=120)
    title_zh = blocks.CharBlock(label=_("Title (Chinese)"), max_length=120)
    text_en = blocks.TextBlock(label=_("Text (English)"))
    text_zh = blocks.TextBlock(label=_("Text (Chinese)"))

    class Meta:
        icon = "doc-full"
        label = _("Clause")


def default_clauses() -> list[tuple[str, dict]]:
    """The StreamField default: the clauses above as stream items."""
    return [("clause", dict(clause)) for clause in DEFAULT_CLAUSES]
