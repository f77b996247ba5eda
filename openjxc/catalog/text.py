"""Pinyin initials (拼音首字母) of item names, for lookup by typing "kl" for 可乐."""

from pypinyin import Style, lazy_pinyin


def initials(name: str) -> str:
    """ "可口可乐 330ml" → "kkkl330ml": first letter of each Chinese character, other characters kept."""
    return (
        "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors=lambda s: list(s)))
        .lower()
        .replace(" ", "")[:200]
    )
