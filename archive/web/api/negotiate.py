"""Which of the forms a route can answer in the asker's Accept header picks (RFC 9110 §12.5.1):
the highest q, the most specific range deciding a type's q, the route's own order breaking ties;
no Accept (or */*) gets the route's first form. None acceptable: 406 naming the forms."""

from __future__ import annotations

from archive.web.problems import Problem


def _ranges(header: str) -> list[tuple[str, str, float]]:
    out = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        kind, _, sub = fields[0].lower().partition("/")
        if not kind or not sub:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0  # a q no one can read accepts nothing
        out.append((kind, sub, q))
    return out


def _q(media: str, ranges: list[tuple[str, str, float]]) -> float:
    kind, _, sub = media.partition("/")
    best, specificity = 0.0, -1
    for r_kind, r_sub, q in ranges:
        if (r_kind, r_sub) == (kind, sub):
            level = 2
        elif (r_kind, r_sub) == (kind, "*"):
            level = 1
        elif (r_kind, r_sub) == ("*", "*"):
            level = 0
        else:
            continue
        if level > specificity:
            best, specificity = q, level
    return best


def choose(accept: str | None, offered: tuple[str, ...]) -> str:
    """The media type of `offered` to answer with."""
    ranges = _ranges(accept or "")
    if not ranges:
        return offered[0]
    scored = [(_q(media, ranges), -i, media) for i, media in enumerate(offered)]
    q, _, media = max(scored)
    if q <= 0:
        raise not_acceptable(offered)
    return media


def not_acceptable(offered: tuple[str, ...]) -> Problem:
    listed = ", ".join(offered)
    return Problem(406, "not_acceptable", f"không trả lời được ở dạng đã yêu cầu (Accept); có: {listed}",
                   f"cannot answer in the form asked for (Accept); available: {listed}",
                   f"gửi tiêu đề Accept với một trong: {listed}", f"send an Accept header with one of: {listed}")
