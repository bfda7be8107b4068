"""pyHanko-certvalidator's three fetchers (caIssuers certificates, CRLs, OCSP responses) over one
NetSession (verifier.net.session). They raise only the fetch errors pyHanko expects of a fetcher,
so a service that is down or hangs leaves the revocation status unknown (and pyHanko free to try
the other kind: OCSP when the CRL fails, the CRL when OCSP fails) instead of breaking the
validation; pyHanko-certvalidator 0.33's own aiohttp fetchers let a timeout escape as
asyncio.TimeoutError and their fetched_certs() raises TypeError once a certificate was fetched.

Whatever is fetched is only material: certificates go through path validation like any other,
CRLs and OCSP responses through pyHanko's signature and freshness checks.
"""

from __future__ import annotations

import asyncio

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem, x509
from pyhanko_certvalidator import errors
from pyhanko_certvalidator.fetchers.api import CertificateFetcher, CRLFetcher, Fetchers, OCSPFetcher
from pyhanko_certvalidator.fetchers.common_utils import (
    enumerate_delivery_point_urls,
    format_ocsp_request,
    gather_aia_issuer_urls,
    process_ocsp_response_data,
    unpack_cert_content,
)
from pyhanko_certvalidator.util import get_ocsp_urls, get_relevant_crl_dps, issuer_serial

from verifier.net.session import NetError, NetSession
from verifier.report.codes import Phrase

MAX_URLS = 10  # of one kind for one certificate: more is a hostile certificate, not a PKI


async def _ask(session: NetSession, *args, **kwargs):
    """session.request in a worker thread: the event loop of the validation stays free (pyHanko
    runs the OCSP and CRL requests of a certificate side by side)."""
    return await asyncio.to_thread(session.request, *args, **kwargs)


def _der_crl(data: bytes, _ctype) -> asn1_crl.CertificateList:
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    crl = asn1_crl.CertificateList.load(data)
    crl["tbs_cert_list"]["issuer"].native  # noqa: B018 - parse now: damage is this fetch's failure
    return crl


class SessionCRLFetcher(CRLFetcher):
    def __init__(self, session: NetSession):
        self.session = session
        self._by_cert: dict = {}
        self._urls: dict = {}

    async def fetch(self, cert, *, use_deltas=True):
        key = issuer_serial(cert)
        if key in self._by_cert:
            return self._by_cert[key]
        urls = [url for dp in get_relevant_crl_dps(cert, use_deltas=use_deltas)
                for url in enumerate_delivery_point_urls(dp)][:MAX_URLS]
        if not urls:
            raise errors.CRLFetchError("the certificate names no CRL distribution point")
        results, failures = [], []
        for url in urls:
            try:
                crl = await _ask(self.session, ("crl", url), url, "crl", accept="application/pkix-crl", parse=_der_crl)
            except NetError as exc:
                failures.append(f"{url}: {exc}")
                continue
            self._keep(url, crl)
            results.append(crl)
        if not results:
            raise errors.CRLFetchError("; ".join(failures))
        self._by_cert[key] = results
        self._urls[key] = urls
        return results

    def _keep(self, url, crl) -> None:
        for fetch in self.session.fetches:
            if fetch.url == url and fetch.kind == "crl" and not fetch.data:
                fetch.data.append(crl.dump())

    def fetched_crls(self):
        return list({crl.dump(): crl for crls in self._by_cert.values() for crl in crls}.values())

    def fetched_crls_for_cert(self, cert):
        key = issuer_serial(cert)
        crls = self._by_cert[key]
        for url in self._urls.get(key, ()):
            self.session.touch(("crl", url))  # a later layer relies on it too
        return crls


class SessionOCSPFetcher(OCSPFetcher):
    def __init__(self, session: NetSession):
        self.session = session
        self._responses: dict = {}  # (issuer_serial, authority) -> response
        self._urls: dict = {}  # the same key -> the session key of the request that brought it

    async def fetch(self, cert, authority) -> asn1_ocsp.OCSPResponse:
        key = (issuer_serial(cert), authority.hashable)
        if key in self._responses:
            return self._responses[key]
        urls = list(get_ocsp_urls(cert))[:MAX_URLS]
        if not urls:
            raise errors.OCSPFetchError("the certificate names no OCSP responder")
        request = format_ocsp_request(cert, authority, certid_hash_algo="sha1", request_nonces=True)
        failures = []
        for url in urls:
            def parse(data, _ctype, url=url):
                try:
                    return process_ocsp_response_data(data, ocsp_request=request, ocsp_url=url)
                except (errors.OCSPValidationError, errors.OCSPFetchError) as exc:
                    raise NetError(Phrase(f"phản hồi OCSP không dùng được ({exc})", str(exc))) from None
            try:
                response = await _ask(self.session, ("ocsp", url, issuer_serial(cert)), url, "ocsp",
                                      body=request.dump(), content_type="application/ocsp-request",
                                      accept="application/ocsp-response", parse=parse)
            except NetError as exc:
                failures.append(f"{url}: {exc}")
                continue
            for fetch in self.session.fetches:
                if fetch.url == url and fetch.kind == "ocsp" and fetch.ok and not fetch.data:
                    fetch.data.append(response.dump())
            self._responses[key] = response
            self._urls[key] = ("ocsp", url, issuer_serial(cert))
            return response
        raise errors.OCSPFetchError("; ".join(failures))

    def fetched_responses(self):
        return list(self._responses.values())

    def fetched_responses_for_cert(self, cert):
        wanted = issuer_serial(cert)
        found = [(key, resp) for key, resp in self._responses.items() if key[0] == wanted]
        for key, _ in found:
            self.session.touch(self._urls[key])  # a later layer relies on it too
        return [resp for _, resp in found]


def _read_through(cert: x509.Certificate) -> x509.Certificate:
    """The certificate, its parts read now: asn1crypto reads lazily, and a DER value that is no
    certificate (a SEQUENCE of three numbers) was taken as one until the path builder read its
    names (a traceback and INTERNAL_ERROR); damage is this fetch's failure, as for a CRL."""
    cert["tbs_certificate"].native  # noqa: B018
    cert["signature_algorithm"].native  # noqa: B018
    return cert


class SessionCertificateFetcher(CertificateFetcher):
    def __init__(self, session: NetSession):
        self.session = session
        self._certs: dict[bytes, x509.Certificate] = {}

    async def _from_urls(self, urls, issuer_name):
        """The certificates the URLs serve that are named `issuer_name`: pyHanko takes whatever
        a fetcher yields for the issuer, so a caIssuers serving another certificate (the root
        in place of the CA) made a path through it, judged TRY_LATER for its missing revocation
        data where no chain exists (red team: failing responders). Every certificate served is
        still recorded as fetched."""
        for url in list(urls)[:MAX_URLS]:
            def parse(data, ctype, url=url):
                return [_read_through(cert) for cert in unpack_cert_content(data, ctype, url, permit_pem=True)]
            try:
                certs = await _ask(self.session, ("certificate", url), url, "certificate",
                                   accept="application/pkix-cert", parse=parse)
            except NetError:
                continue  # recorded; the path builder goes on with what it has
            for cert in certs:
                self._certs.setdefault(cert.dump(), cert)
                for fetch in self.session.fetches:
                    if fetch.url == url and fetch.kind == "certificate" and cert.dump() not in fetch.data:
                        fetch.data.append(cert.dump())
                if cert.subject == issuer_name:
                    yield cert

    def fetch_cert_issuers(self, cert):
        return self._from_urls(gather_aia_issuer_urls(cert), cert.issuer)

    def fetch_crl_issuers(self, certificate_list):
        return self._from_urls(_crl_aia_urls(certificate_list), certificate_list.issuer)

    def fetched_certs(self):
        return list(self._certs.values())


def _crl_aia_urls(certificate_list):
    for ext in certificate_list["tbs_cert_list"]["crl_extensions"] or ():
        if ext["extn_id"].native != "authority_information_access":
            continue
        for entry in ext["extn_value"].parsed:
            if entry["access_method"].native == "ca_issuers" and entry["access_location"].name == "uniform_resource_identifier":
                url = entry["access_location"].native
                if url.startswith("http"):
                    yield url


def fetchers_for(session: NetSession) -> Fetchers:
    """The fetchers of one document: shared by all its layers' validation contexts."""
    return Fetchers(ocsp_fetcher=SessionOCSPFetcher(session), crl_fetcher=SessionCRLFetcher(session),
                    cert_fetcher=SessionCertificateFetcher(session))
