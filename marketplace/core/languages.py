"""English and Simplified Chinese: which one is active, and which half of a field pair to show.

Models keep bilingual text as pairs of fields, the English one plain and the Chinese one with `_zh`
(`name`/`name_zh`, `description`/`description_zh`). The English half is required; the Chinese one may be
empty, and then Chinese readers see the English text.
"""

from django.utils.translation import get_language


def chinese_active(language: str | None = None) -> bool:
    """Whether `language` (default: the active language) is a Chinese one ("zh-hans", "zh-cn", "zh")."""
    code = language if language is not None else get_language()
    return (code or "").lower().startswith("zh")


def html_lang(language: str | None = None) -> str:
    """The value for an HTML `lang` attribute: "zh-CN" for Chinese (it picks the Simplified fonts), else "en"."""
    return "zh-CN" if chinese_active(language) else "en"


def pick(en: str, zh: str, *, language: str | None = None) -> str:
    """`zh` when Chinese is active and `zh` is not blank, else `en`."""
    if zh and chinese_active(language):
        return zh
    return en


def localized(obj, field: str, *, language: str | None = None) -> str:
    """The text of `obj.<field>` in the active language: `obj.<field>_zh` for Chinese readers when it is set."""
    return pick(getattr(obj, field), getattr(obj, f"{field}_zh", ""), language=language)
