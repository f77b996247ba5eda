"""Fill the zh_Hans catalogue from JSON files ({"English msgid": "中文"}; e.g. written by people
working on separate pages at once, merged here and then deleted — the .po stays the source), clear fuzzy
flags of the entries it fills, and compile the .mo. Run after `django-admin makemessages
-l zh_Hans --no-location` (from openjxc/): python scripts/po_fill.py openjxc/locale/fragments/*.json"""

import json
import re
import subprocess
import sys
from pathlib import Path

PO = (
    Path(__file__).resolve().parent.parent
    / "openjxc"
    / "locale"
    / "zh_Hans"
    / "LC_MESSAGES"
    / "django.po"
)
LONE_PERCENT = re.compile(r"%(?![(%])")
ENTRY = re.compile(
    r'((?:#[^\n]*\n)*)msgid ((?:"(?:[^"\\]|\\.)*"\n)+)msgstr ((?:"(?:[^"\\]|\\.)*"\n)+)'
)


def unquote(block: str) -> str:
    return "".join(json.loads(line) for line in block.strip().splitlines())


def main(paths: list[str]) -> int:
    wanted: dict[str, str] = {}
    for p in paths:
        for msgid, msgstr in json.loads(Path(p).read_text(encoding="utf-8")).items():
            wanted[msgid] = msgstr
            # templates' {% translate %} escapes a lone % as %% in the catalogue
            wanted.setdefault(LONE_PERCENT.sub("%%", msgid), LONE_PERCENT.sub("%%", msgstr))
    text = PO.read_text(encoding="utf-8")
    missing = []

    def fill(m):
        comments, msgid = m.group(1), unquote(m.group(2))
        msgstr = unquote(m.group(3))
        if msgid and msgid in wanted:
            comments = "".join(
                c
                for c in comments.splitlines(True)
                if not c.startswith("#, fuzzy") and not c.startswith("#| ")
            )
            return f"{comments}msgid {m.group(2)}msgstr {json.dumps(wanted[msgid], ensure_ascii=False)}\n"
        if msgid and not msgstr:
            missing.append(msgid)
        return m.group(0)

    PO.write_text(ENTRY.sub(fill, text), encoding="utf-8")
    subprocess.run(["msgfmt", "--check", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
