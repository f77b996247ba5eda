"""人民币大写 (amounts in Chinese capitals) for prints and statements."""

DIGITS = "零壹贰叁肆伍陆柒捌玖"


def amount_in_words(fen: int) -> str:
    """人民币大写, e.g. 6780 → 陆拾柒元捌角整, 1050000 → 壹万零伍佰元整."""
    sign = "负" if fen < 0 else ""
    fen = abs(fen)
    yuan, jiao, cent = fen // 100, fen // 10 % 10, fen % 10
    units, big = ("", "拾", "佰", "仟"), ("", "万", "亿", "万")
    digits = str(yuan) if yuan else ""
    words, zero = "", False
    for i, ch in enumerate(digits):
        pos = len(digits) - i - 1
        if ch == "0":
            zero = True
        else:
            words += ("零" if zero else "") + DIGITS[int(ch)] + units[pos % 4]
            zero = False
        if pos % 4 == 0 and pos and int(digits[max(0, i - 3) : i + 1]):
            words += big[pos // 4]
    if words:
        words += "元"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif cent and words:
        words += "零"
    if cent:
        words += DIGITS[cent] + "分"
    return sign + (words or "零元") + ("" if cent else "整")
