"""The structure checks' shortcuts answer as a full parse does.

The checks search an object's raw bytes before parsing it (verifier.structure.rawscan), and read
object streams lazily, vouching for simple values with one regular expression
(verifier.pdf.rawpdf.value_end, ObjectStream). Each shortcut may only skip work: here every
check runs both ways, the shortcuts on and every one of them answering "parse it", on every
test document (samples, real documents) and on crafted files (repeated keys written with #xx
escapes, in nested dictionaries, in arrays of dictionaries, in object streams, in both sections
of a hybrid update), and the findings must be the same. The shortcuts themselves are compared
with the parser on every object of those documents and on random values.
"""

from __future__ import annotations

import random

import pytest

from tests.attacks import kit
from tests.conftest import REALDOCS, SAMPLES, need_shared
from verifier.pdf import rawpdf
from verifier.pdf.layout import Layout
from verifier.pdf.opening import open_pdf
from verifier.report.model import DocumentReport
from verifier.structure import activecontent, dangling, objstreams, rawscan, xrefcheck

REAL = ["03-vbhn-bkhcn.pdf", "1009-ttg.signed.pdf", "143-qd.signed.pdf", "19-bkhcn.pdf", "385.signed.signed.pdf",
        "49-2026-ND-CP.pdf", "4cae3b9afe54435faf53f3c8f237776c.pdf", "50-2026-ND-CP.pdf",
        "6666eaf3ddc0f657141fd114381d1fae559e9575.pdf", "duthaototrinh-luat-ks.pdf"]
CHECKS = (xrefcheck.check, objstreams.check, activecontent.check, dangling.check)


def _layout(data: bytes) -> Layout | None:
    try:
        reader, _ = open_pdf(data, DocumentReport(file=None, sha256="", size=len(data)))
        return Layout(data, reader)
    except Exception:  # STRUCTURE_UNREADABLE: no check runs
        return None


def _findings(data: bytes) -> dict:
    """Every check's findings with no signature and with several sections (the oldest ones,
    one in the middle, the newest ones) taken as the first signed one."""
    layout = _layout(data)
    if layout is None:
        return {}
    out = {}
    count = len(layout.sections)
    for first_signed in sorted({0, 1, count // 2, count - 2, count - 1} & set(range(count))) + [None]:
        for check in CHECKS:
            try:
                out[check.__module__, first_signed] = check(layout, first_signed)
            except Exception as exc:  # checks._run reports it; the same either way
                out[check.__module__, first_signed] = repr(exc)
    return out


def _compare(data: bytes, monkeypatch) -> dict:
    fast = _findings(data)
    with monkeypatch.context() as m:
        m.setattr(rawscan, "may_repeat_key", lambda *_: True)
        m.setattr(rawscan.NameSearch, "may_hold", lambda *_, **__: True)
        m.setattr(rawscan.NameSearch, "anywhere", lambda *_: True)
        m.setattr(rawscan.ReferenceSearch, "may_refer", lambda *_, **__: True)
        m.setattr(rawscan.ReferenceSearch, "may_refer_anywhere", lambda *_: True)
        m.setattr(objstreams, "_known_ends", lambda *_: {})
        m.setattr(rawpdf, "value_end", lambda *_: None)
        m.setattr(rawpdf, "skip_to_simple_value", lambda *_: None)
        full = _findings(data)
    assert fast == full
    return fast


def _shape(value: rawpdf.Value):
    """A parsed value as comparable data (rawpdf values compare by identity)."""
    if isinstance(value, rawpdf.Dict):
        inner = [(k, _shape(v)) for k, v in value.entries]
    elif isinstance(value, rawpdf.Array):
        inner = [_shape(v) for v in value.items]
    elif isinstance(value, rawpdf.Ref):
        inner = (value.num, value.gen)
    elif isinstance(value, rawpdf.String):
        inner = (value.value, value.hex)
    else:
        inner = value.value
    return type(value).__name__, value.start, value.end, inner


def _full_object_stream(decoded: bytes, first: int, count: int) -> dict:
    """parse_object_stream as it was before objects were read lazily: every object parsed."""
    out, p, pairs = {}, 0, []
    for _ in range(count):
        p = rawpdf.skip(decoded, p)
        m = rawpdf._PAIR.match(decoded, p)
        if m is None:
            break
        pairs.append((int(m.group(1)), int(m.group(2))))
        p = m.end()
    for num, rel in pairs:
        if num not in out:
            out[num] = rawpdf.parse_value(decoded, rawpdf.skip(decoded, first + rel))
    return out


def _objects_read_alike(data: bytes) -> int:
    """Every object stream of every revision reads as a full parse reads it, and value_end
    ends each value where the parser does. Returns how many values value_end vouched for."""
    layout = _layout(data)
    if layout is None:
        return 0
    vouched = 0
    for section in layout.sections:
        for part in (section, section.hybrid) if section.hybrid is not None else (section,):
            for offset in part.offsets():
                obj = layout.object_at(offset)
                if isinstance(obj, rawpdf.IndirectObject):
                    end = rawpdf.value_end(data, obj.value.start)
                    assert end in (None, obj.value.end)
                    vouched += end is not None
            for stream in {s for s, _ in part.compressed.values()}:
                lazy = layout.object_stream(section.index, stream)
                fetched, decoded = layout.fetch_object_stream(section.index, stream)
                try:
                    full = _full_object_stream(decoded, int(fetched["/First"]), int(fetched["/N"]))
                except Exception as exc:
                    assert isinstance(lazy, Exception) and repr(lazy) == repr(exc)
                    continue
                assert {n: _shape(v) for n, v in lazy.items()} == {n: _shape(v) for n, v in full.items()}
                for value in full.values():
                    end = rawpdf.value_end(decoded, value.start)
                    assert end in (None, value.end)
                    vouched += end is not None
    return vouched


def _tables_alike(data: bytes) -> None:
    """Every classic table reads as pyHanko's parse_xref_table reads it."""
    import io

    from pyhanko.pdf_utils.xref import parse_xref_table

    from verifier.pdf.layout import _standard_table_numbers

    layout = _layout(data)
    for section in layout.sections if layout is not None else ():
        if section.kind in ("STANDARD", "HYBRID_MAIN"):
            fast = _standard_table_numbers(data, section.start)
            stream = io.BytesIO(data)
            stream.seek(section.start)
            try:
                full = [e.idnum for e in parse_xref_table(stream, strict=False)]
            except Exception:
                full = None
            assert fast is None or fast == full


def _locations_alike(data: bytes) -> int:
    """Layout.location, which answers a revision that does not list an object from the
    revision before, gives pyHanko's answer for every object number, generation and revision,
    asked newest revision first and oldest first."""
    from pyhanko.pdf_utils.generic import Reference

    layout = _layout(data)
    if layout is None:
        return 0
    asked = set()
    for section in layout.sections:
        for part in (section, section.hybrid) if section.hybrid is not None else (section,):
            asked |= {(num, gen) for num, (gen, _) in part.entries.items()}
            asked |= {(num, 0) for num in part.compressed} | {(num, 0) for num in part.freed}
            asked |= {(num, gen - 1) for num, gen in part.freed.items() if gen > 0}
    asked |= {(max(n for n, _ in asked) + 1, 0)} if asked else set()
    revisions = range(len(layout.sections))
    for revision in revisions:
        for stream, numbers in layout.own_compressed(revision).items():
            for num in numbers:
                loc = layout.reader.xrefs.get_historical_ref(Reference(num, 0), revision)
                assert not isinstance(loc, int) and loc is not None and loc.obj_stream_id == stream, (revision, num)
    for order in (reversed(revisions), revisions):
        fresh = Layout(data, layout.reader)
        for revision in order:
            for num, gen in sorted(asked):
                assert fresh.location(revision, num, gen) == \
                    layout.reader.xrefs.get_historical_ref(Reference(num, gen), revision), (revision, num, gen)
    return len(asked)


# --- every test document ------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.pdf")))
def test_samples_checked_alike(name, monkeypatch):
    data = (SAMPLES / name).read_bytes()
    _compare(data, monkeypatch)
    _objects_read_alike(data)
    _locations_alike(data)
    _tables_alike(data)


@pytest.mark.parametrize("name", REAL)
def test_real_documents_checked_alike(name, monkeypatch):
    data = need_shared(REALDOCS / name).read_bytes()
    _compare(data, monkeypatch)
    _objects_read_alike(data)
    _locations_alike(data)
    _tables_alike(data)


def test_tagged_decree_objects_mostly_vouched_for():
    """The shortcut is worth having: most objects of a Word-made decree are simple values."""
    data = need_shared(REALDOCS / "50-2026-ND-CP.pdf").read_bytes()
    assert _objects_read_alike(data) > 9000


# --- crafted files ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def signed() -> bytes:
    return kit.sign(kit.base_pdf())


# (value text, the key it repeats): written plainly, with escapes, nested, in arrays of dictionaries
REPEATS = [
    (b"<< /Type /Annot /T#79pe /Page >>", "/Type"),
    (b"<< /A << /B 1 /#42 2 >> >>", "/B"),
    (b"<< /K [ << /S /P >> << /S /P /S /Span >> ] >>", "/S"),
    (b"<< /K [ [ << /Alt (a/b) /Alt (c) >> ] ] >>", "/Alt"),
    (b"<< /A (x\\) /A 1) /A 2 /A#20 3 >>", "/A"),
    (b"<< /P 3 0 R /S /P /Q << /R [ 1 2 << /P 1 /P 2 >> ] >> >>", "/P"),
]


def _repeated_keys(findings: dict) -> set:
    return {(f[1]["object"], f[1]["key"]) for key, found in findings.items() if key[0] == xrefcheck.__name__
            for f in found if f[0] in ("DICT_KEY_CONFLICT", "DICT_DUPLICATE_KEY")}


def test_repeated_keys_in_an_update(signed, monkeypatch):
    _, size, _ = kit.trailer_info(signed)
    objects = [(size + i, text) for i, (text, _) in enumerate(REPEATS)]
    findings = _compare(kit.append_update(signed, objects), monkeypatch)
    assert _repeated_keys(findings) == {(size + i, key) for i, (_, key) in enumerate(REPEATS)}


@pytest.mark.parametrize("style", ["stream", "hybrid"])
def test_repeated_keys_in_an_object_stream(signed, monkeypatch, style):
    from tests.attacks.test_strict import objstm, write_update

    _, size, _ = kit.trailer_info(signed)
    stream = size + len(REPEATS)
    objects = [(size + i, text) for i, (text, _) in enumerate(REPEATS)]
    data = write_update(signed, [(stream, objstm(stream, objects))],
                        {num: (stream, i) for i, (num, _) in enumerate(objects)}, style)
    findings = _compare(data, monkeypatch)
    assert _repeated_keys(findings) == {(size + i, key) for i, (_, key) in enumerate(REPEATS)}


def test_repeated_keys_in_both_sections_of_a_hybrid_update(signed, monkeypatch):
    from tests.attacks.test_xref import hybrid_update

    _, size, _ = kit.trailer_info(signed)
    bodies = [(size, REPEATS[0][0]), (size + 1, REPEATS[2][0])]
    data = hybrid_update(signed, bodies, table={size: "body:0"}, stream={size + 1: "body:1"})
    findings = _compare(data, monkeypatch)
    assert _repeated_keys(findings) == {(size, "/Type"), (size + 1, "/S")}
    assert _locations_alike(data)


def test_active_content_and_late_references_in_an_object_stream(signed, monkeypatch):
    from tests.attacks.test_strict import objstm, write_update

    _, size, _ = kit.trailer_info(signed)
    stream = size + 3
    objects = [(size, b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"), (size + 1, b"<< /A << /S /Launch >> >>"),
               (size + 2, b"[ 0012 0 R %d 0 R ]" % size)]
    data = write_update(signed, [(stream, objstm(stream, objects))],
                        {num: (stream, i) for i, (num, _) in enumerate(objects)}, "hybrid")
    findings = _compare(data, monkeypatch)
    added = {(f[1]["object"], f[1]["kind"]) for f in findings[activecontent.__name__, 0] if f[0] == "ACTIVE_CONTENT_ADDED"}
    assert added == {(size, "JavaScript"), (size + 1, "Launch")}


# --- the shortcuts against the parser, value by value -----------------------------------------

_TOKENS = [b"<<", b">>", b"[", b"]", b"(", b")", b"/A", b"/B", b"/#41", b"/S", b"/JS", b"/J#53", b" ", b"\n", b"1",
           b"0", b"12", b"012", b" R", b"true", b"null", b"<0A>", b"<", b">", b"%c\n", b"\\", b".", b"-", b"/", b"x"]


def _values(seed: int, count: int):
    """Token soup: mostly not PDF at all, sometimes a value."""
    rng = random.Random(seed)
    for _ in range(count):
        yield b"".join(rng.choice(_TOKENS) for _ in range(rng.randint(1, 16)))


def _name(rng, names=("A", "B", "S", "JS", "P")) -> bytes:
    text = rng.choice(names).encode()
    # some characters written as #xx escapes, which the parser decodes
    return b"/" + b"".join(b"#%02X" % c if rng.random() < 0.2 else bytes([c]) for c in text)


def _value(rng, depth: int = 0) -> bytes:
    space = rng.choice([b" ", b"\n", b"  ", b"%c\n", b"\r\n"])
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return _name(rng)
    if kind == 1:
        return rng.choice([b"1", b"012", b"-3.5", b".5", b"12"])
    if kind == 2:
        return rng.choice([b"1", b"12", b"012", b"0001", b"7"]) + space + rng.choice([b"0", b"00", b"3"]) + space + b"R"
    if kind == 3:
        return rng.choice([b"(a/A b)", b"(x\\) /S (y)", b"(n(e)st /JS)", b"()", b"(12 0 R)"])
    if kind == 4:
        return rng.choice([b"<0A1>", b"< 41 >", b"true", b"null"])
    if kind == 5:
        return _name(rng)
    if kind in (6, 7):
        return b"<<" + space.join(_name(rng) + space + _value(rng, depth + 1) for _ in range(rng.randint(0, 4))) + b">>"
    return b"[" + space.join(_value(rng, depth + 1) for _ in range(rng.randint(0, 4))) + b"]"


def _pdf_values(seed: int, count: int):
    """Values as PDF writes them, with repeated keys, escapes, comments, nesting."""
    rng = random.Random(seed)
    for _ in range(count):
        yield _value(rng)


def test_value_end_ends_where_the_parser_ends():
    vouched = 0
    for text in [*_values(20, 30000), *_pdf_values(22, 30000)]:
        end = rawpdf.value_end(text, 0)
        spaced = b" %c\n" + text
        pos = rawpdf.skip(spaced, 0)
        spaced_end = rawpdf.value_end(spaced, pos)
        assert rawpdf.skip_to_simple_value(spaced, 0) == (None if spaced_end is None else (pos, spaced_end))
        if end is None:
            continue
        vouched += 1
        assert rawpdf.parse_value(text, 0).end == end, text
    assert vouched > 10000


def _refs(value):
    if isinstance(value, rawpdf.Ref):
        yield value
    for child in value.items if isinstance(value, rawpdf.Array) else \
            [v for _, v in value.entries] if isinstance(value, rawpdf.Dict) else []:
        yield from _refs(child)


def test_byte_searches_never_miss_what_the_parser_finds():
    seen = {"repeat": 0, "flat": 0, "name": 0, "refer": 0}
    for text in [*_values(21, 20000), *_pdf_values(23, 40000)]:
        # each value also read where a digit, a name or a reference precedes it in the data, as
        # in an object stream whose objects are written without a space between them
        for before in (b"", b"7", b"/S", b"1 0 R"):
            data = before + text
            try:
                value = rawpdf.parse_value(data, len(before))
            except (rawpdf.RawSyntaxError, ValueError, IndexError):
                continue
            span = (data, value.start, value.end)
            keys = rawpdf.flat_dict_keys(*span)
            if keys is not None:
                seen["flat"] += 1
                assert keys == value.keys(), data
            if list(rawpdf.duplicate_keys(value)):
                seen["repeat"] += 1
                assert rawscan.may_repeat_key(*span), data
            if any(k in ("/JS", "/A") for k in _keys_and_names(value)):
                seen["name"] += 1
                assert rawscan.NameSearch({"/JS", "/A"}).may_hold(*span), data
            if any(r.num in (12, 1) for r in _refs(value)):
                seen["refer"] += 1
                assert rawscan.ReferenceSearch({12, 1}).may_refer(*span), data
                assert rawscan.ReferenceSearch({12, 1}).may_refer(*span, anywhere=False), data
    assert min(seen.values()) > 100, seen


def _keys_and_names(value):
    if isinstance(value, rawpdf.Name):
        yield value.value
    elif isinstance(value, rawpdf.Dict):
        for k, v in value.entries:
            yield k
            yield from _keys_and_names(v)
    elif isinstance(value, rawpdf.Array):
        for v in value.items:
            yield from _keys_and_names(v)


def test_a_long_digit_run_is_searched_in_linear_time():
    """A signature's /Contents is tens of thousands of hexadecimal digits."""
    import time

    text = b"<< /Contents <" + b"0" * 200_000 + b"> /A 1 0 R >>"
    t = time.process_time()
    assert rawscan.ReferenceSearch({1}).may_refer(text, 0, len(text))
    assert not rawscan.ReferenceSearch({2}).may_refer(text, 0, len(text))
    assert not rawscan.may_repeat_key(text, 0, len(text))
    assert rawpdf.value_end(text, 0) == len(text)
    assert time.process_time() - t < 0.5


# --- classic tables read as pyHanko reads them -------------------------------------------------

def _line(offset: int, gen: int = 0, marker: bytes = b"n", eol: bytes = b"\r\n") -> bytes:
    return b"%010d %05d %s%s" % (offset, gen, marker, eol)


TABLES = [
    b"0 3\n" + _line(0, 65535, b"f") + _line(17) + _line(98),
    b"0 2\r\n" + _line(0, 65535, b"f", b" \n") + _line(17, eol=b" \r") + b"5 1\n" + _line(400),
    b"3 2\n" + _line(1) + _line(2) + b"4 2\n" + _line(3) + _line(4),  # 4 listed twice
    b"0 2\n" + _line(0, 65535, b"f", b"\n") + _line(17, eol=b"\n"),  # 19-byte lines
    b"0 1 % a comment\n" + _line(0, 65535, b"f"),
    b"0 1\n" + _line(0, 65535, b"x"),  # unknown marker
    b"0 1\n" + b"     17 0 n\r\n",  # space-padded
    b"0 2\n" + _line(17),  # one line short
    b"0 1\n" + _line(17) + b"xref",
    b"1.0 1\n" + _line(17),
    b"0 1\n" + _line(17) + b"%%\ntrailer",
    b"0 0\n",
]


@pytest.mark.parametrize("table", TABLES, ids=range(len(TABLES)))
def test_classic_tables_numbered_as_pyhanko_numbers_them(table):
    import io

    from pyhanko.pdf_utils.xref import parse_xref_table

    from verifier.pdf.layout import _standard_table_numbers

    data = b"xref\n" + table + (b"" if b"trailer" in table else b"trailer\n<< /Size 5 >>\n")
    fast = _standard_table_numbers(data, 4)
    stream = io.BytesIO(data)
    stream.seek(4)
    try:
        full = [e.idnum for e in parse_xref_table(stream, strict=False)]
    except Exception:
        full = None
    assert fast is None or fast == full
    assert (fast is not None) == (TABLES.index(table) in (0, 1, 2, 11))  # the standard ones take the short way


def _glued_objstm(num: int, objects: list[tuple[int, bytes]]) -> bytes:
    """An object stream whose objects are written with nothing between them: a value can start
    right after the previous one's last digit."""
    header, body = [], b""
    for n, text in objects:
        header.append(b"%d %d" % (n, len(body)))
        body += text
    head = b" ".join(header) + b"\n"
    data = head + body
    return b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        num, len(objects), len(head), len(data), data)


@pytest.mark.parametrize("glued", [False, True])
def test_references_resolved_after_signing_from_an_object_stream(signed, monkeypatch, glued):
    """Objects of a signed object stream naming an object only a later update defines, by a
    reference inside a dictionary, with leading zeros, or as the whole value right after
    another object's last digit."""
    from tests.attacks.test_strict import objstm, write_update

    _, size, _ = kit.trailer_info(signed)
    later, stream = size + 5, size + 3
    # glued: the reference is the whole value, right after the digit 7 (which reads as part of
    # object size + 1, a reference to 7<later>): nothing else in the stream names `later`
    objects = [(size, b"<< /A 1 0 R >>" if glued else b"<< /A [ 0%d 0 R ] >>" % later), (size + 1, b"7"),
               (size + 2, b"%d 0 R" % later)]
    body = _glued_objstm(stream, objects) if glued else objstm(stream, objects)
    data = write_update(signed, [(stream, body)], {num: (stream, i) for i, (num, _) in enumerate(objects)}, "hybrid")
    data = kit.append_update(data, [(later, b"<< /Forged true >>")])
    findings = _compare(data, monkeypatch)
    layout = _layout(data)
    first_signed = len(layout.sections) - 2
    resolved = {f[1]["object"] for f in findings[dangling.__name__, first_signed] if f[0] == "REFERENCE_RESOLVED_AFTER_SIGNING"}
    assert resolved == ({f"{size + 2} 0"} if glued else {f"{size} 0", f"{size + 2} 0"})
