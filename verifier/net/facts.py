"""What the network brought a layer, for its findings, its revocation facts and its evidence:
read from the document's NetSession (verifier.net.session), which knows which layer asked for
what."""

from __future__ import annotations


def layer_findings(ctx, status: str) -> list[tuple[str, dict]]:
    """One FETCH_FAILED finding per request that failed for the layer being validated (a passed
    layer got what it needed elsewhere: the failure is still said, as information)."""
    net = getattr(ctx, "net", None)
    if net is None:
        return []
    return [("FETCH_FAILED", {"url": f.url, "kind": f.kind, "error": f.result}) for f in net.served(ok=False)]


def failures_text(ctx) -> str:
    """The failed requests of the layer being validated, as "URL (error); …", or what was
    not there to ask."""
    net = getattr(ctx, "net", None)
    failed = net.served(ok=False) if net is not None else []
    if not failed:
        return "—"
    return "; ".join(f"{f.url} ({f.result})" for f in failed)


def fetched_material(ctx, kind: str) -> list[tuple[object, bytes]]:
    """(Fetch, DER) of everything requests of `kind` brought this document so far (a later layer
    may rest on what an earlier one fetched: the caller picks what concerns its chain and says so
    with `used`)."""
    net = getattr(ctx, "net", None)
    if net is None:
        return []
    return [(f, der) for f in net.fetches if f.kind == kind and f.ok for der in f.data]


def used(ctx, fetch) -> None:
    """`fetch` served the layer being validated."""
    number = getattr(ctx, "layer_count", None)
    if number and number not in fetch.layers:
        fetch.layers.append(number)
