"""The web UI speaks Chinese: every template string has a (non-fuzzy) zh-hans translation."""

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

import openjxc

PACKAGE = Path(openjxc.__file__).resolve().parent
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html"))


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: {"msgid", "msgstr", "flags"} (the header has msgid "")."""
    entries, current, field = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current:
                entries.append(current)
            current, field = None, None
            continue
        if current is None:
            current = {"msgid": "", "msgstr": "", "flags": set()}
        if line.startswith("#,"):
            current["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgstr ")):
            field, _, value = line.partition(" ")
            current[field] = ast.literal_eval(value)
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
        else:
            raise AssertionError(f"unexpected line in {path.name}: {raw!r}")
    return entries


def template_msgids() -> set[str]:
    """msgids the templates use: {% translate "…" %} and simple {% blocktranslate %}."""
    found = set()
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"""{%\s*(?:translate|trans)\s+(["'])(.*?)\1""", text):
            found.add(m.group(2))
        for m in re.finditer(
            r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", text, re.S
        ):
            found.add(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", m.group(1)))
    return found


ENTRIES = [e for e in parse_po(PO) if e["msgid"]]


def test_po_file_is_complete_and_not_fuzzy():
    assert ENTRIES, "no messages in the .po file"
    header = next(e for e in parse_po(PO) if not e["msgid"])
    assert "fuzzy" not in header["flags"], "the .po header is still marked fuzzy"
    untranslated = [e["msgid"] for e in ENTRIES if not e["msgstr"].strip()]
    fuzzy = [e["msgid"] for e in ENTRIES if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert MO.exists(), "run compilemessages"


def test_every_template_string_is_in_the_po_file():
    known = {e["msgid"] for e in ENTRIES}
    # {% translate %} looks a literal % up as %% (as makemessages writes it)
    missing = {
        m
        for m in template_msgids()
        if m not in known and re.sub(r"%(?![(%])", "%%", m) not in known
    }
    assert not missing, f"run makemessages -l zh_Hans and translate: {sorted(missing)}"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["msgid"][:40] for e in ENTRIES])
def test_gettext_returns_the_chinese_translation(entry):
    with translation.override("zh-hans"):
        text = translation.gettext(entry["msgid"])
    # the compiled catalogue is the one in the .po (not stale, not Django's own)
    assert text == entry["msgstr"]
    assert text != entry["msgid"]
    assert re.search(r"[\u4e00-\u9fff]", text), f"no Chinese in {text!r}"
    # the same placeholders (Chinese word order may put them in another order)
    assert sorted(re.findall(r"%\(\w+\)s", text)) == sorted(
        re.findall(r"%\(\w+\)s", entry["msgid"])
    )


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    html = client.get("/login/").content.decode()
    assert "登录" in html
    assert "用户名" in html and "密码" in html
    assert ">Log in<" not in html


@pytest.mark.django_db
def test_login_page_wrong_password_message_in_chinese(client):
    response = client.post("/login/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误。" in response.content.decode()


@pytest.mark.django_db
def test_the_language_switch_shows_english_and_back(client, user):
    client.force_login(user)
    assert "退出登录" in client.get("/stock/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/stock/"})
    assert response.status_code == 302 and response["Location"] == "/stock/"
    html = client.get("/stock/").content.decode()
    assert "Log out" in html and "退出登录" not in html and "简体中文" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/stock/"})
    assert "退出登录" in client.get("/stock/").content.decode()
