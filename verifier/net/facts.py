"""What the network brought a layer, for its findings, its revocation facts and its evidence:
read from the document's NetSession (verifier.net.session), which knows which layer asked for
what."""

from __future__ import annotations

# what was fetched, for a reader
KINDS = {"crl": ("danh sách thu hồi (CRL)", "CRL"), "ocsp": ("phản hồi OCSP", "OCSP response"),
         "certificate": ("chứng thư số của tổ chức cấp", "issuer certificate")}


def layer_findings(ctx, status: str) -> list[tuple[str, dict]]:
    """One FETCH_FAILED finding per request that failed for the layer being validated (a passed
    layer got what it needed elsewhere: the failure is still said, as information)."""
    net = getattr(ctx, "net", None)
    if net is None:
        return []
    return [("FETCH_FAILED", {"url": f.url, "kind": f.kind, "kind_vi": KINDS[f.kind][0], "kind_en": KINDS[f.kind][1],
                              "error": f.result, "error_vi": _vi(f)}) for f in net.served(ok=False)]


def failures_params(ctx) -> dict[str, str]:
    """REVOCATION_NOT_OBTAINED's params: the failed requests of the layer being validated, as
    "URL (error); …" in English (`failures`) and Vietnamese (`failures_vi`), or a dash."""
    net = getattr(ctx, "net", None)
    failed = net.served(ok=False) if net is not None else []
    if not failed:
        return {"failures": "—", "failures_vi": "—"}
    return {"failures": "; ".join(f"{f.url} ({f.result})" for f in failed),
            "failures_vi": "; ".join(f"{f.url} ({_vi(f)})" for f in failed)}


def _vi(fetch) -> str:
    return fetch.reason.vi if fetch.reason is not None else fetch.result


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
