"""Which revocation data speaks of a certificate, and the revocation manager that gives each
certificate's check only the OCSP responses about it.

pyhanko-certvalidator 0.33 hands every OCSP response a validation context holds to the check of
every certificate, and one about another certificate of the same issuer counts there as a failed
check ("OCSP response certificate serial number does not match"), not as no response. Where
revocation is checked only when data is at hand (soft-fail: a timestamp's TSA) that turned "no
data, tolerated" into "the check failed": a TSA issued by the CA of the signers was not trusted
as soon as a signer's OCSP response was at hand (`kyso archive ltv` without --online, a document
whose DSS holds its signers' responses), and a signer's own check reported the other responses'
mismatch instead of its own outcome. Online, pyHanko asks its fetchers for the certificate's own
responses, so both ways now judge alike.

Online, what the network answers and what kyso already holds (the document's DSS, --crl and
--ocsp files, the trust store's CRLs) are judged together, each kind of answer the same way
(red team on failing responders, 2026-12-06):

- an OCSP responder that does not answer no longer hides the responses kyso holds: pyHanko added
  them only after a successful fetch, so a document proving its status offline was VALID
  offline and INDETERMINATE online while the responder was down. They are taken only when the
  CRL cannot be downloaded either: which of them were issued before the moment validated cannot
  decide it, since their dates are read before anything checks them (red team: a forged
  response dated 2099 beside an old genuine one skipped the CRL that says revoked);
- CRLs held that were issued before the moment validated (a signature validated now, with no
  timestamp) no longer spare the download: pyHanko fetched a CRL only when those it held could not
  settle the question, so a CRL from before a revocation, embedded by the signer and still
  within its nextUpdate, made a revoked signer VALID online whenever the OCSP responder was down
  (with it up, the same document was REVOKED_NO_POE). They are judged with what is downloaded,
  and alone only when the download fails, as offline. A CRL issued at or after the moment (an
  LTV document's, validated at its timestamp) settles it without a download, as before.

An OCSP response saying a certificate was revoked after the moment validated (a signature
validated at its timestamp) says it was good then, as pyHanko reads the same fact in a CRL.
pyhanko-certvalidator counted such a response as no answer: a signer revoked after its
timestamp, whose document PDFBox's AddValidationInformation had extended with OCSP responses,
was INDETERMINATE offline, and online whenever the CRL could not be had (red team on LTV tools).
The response is checked as pyHanko checks any (signature, responder, freshness); only its status
is read at the moment (`_GoodThen`), and the report still says when it was revoked.
"""

from __future__ import annotations

from datetime import datetime, timezone

from asn1crypto import ocsp
from pyhanko_certvalidator.errors import CRLFetchError, OCSPFetchError
from pyhanko_certvalidator.revinfo.archival import OCSPContainer
from pyhanko_certvalidator.revinfo.manager import RevinfoManager


def ocsp_serials(response) -> set[int]:
    """The serial numbers an OCSP response (asn1crypto OCSPResponse) gives a status for; empty
    for one that cannot be read."""
    try:
        data = response.basic_ocsp_response["tbs_response_data"]
        return {single["cert_id"]["serial_number"].native for single in data["responses"]}
    except Exception:  # noqa: BLE001 - damaged or unsuccessful: about nothing we can name
        return set()


def ocsp_about(response, cert) -> bool:
    """Whether an OCSP response gives a status for `cert`: its serial number under its issuer's
    name (serial numbers are only unique per issuer: a root's response about its CA may carry
    the serial number of a signer the CA issued)."""
    try:
        data = response.basic_ocsp_response["tbs_response_data"]
        for single in data["responses"]:
            cert_id = single["cert_id"]
            algorithm = cert_id["hash_algorithm"]["algorithm"].native
            if cert_id["serial_number"].native == cert.serial_number \
                    and cert_id["issuer_name_hash"].native == getattr(cert.issuer, algorithm):
                return True
    except Exception:  # noqa: BLE001 - damaged, unsuccessful, an unknown hash: about nothing we can name
        return False
    return False


def _about(container, cert) -> bool:
    """Whether one response of an OCSP container is about `cert`; one that cannot be read is
    kept, for pyHanko to say what is wrong with it."""
    serial = getattr(cert, "serial_number", None)
    if serial is None:  # an attribute certificate: pyHanko matches those itself
        return True
    try:
        single = container.extract_single_response()
        return single is None or single["cert_id"]["serial_number"].native == serial
    except Exception:  # noqa: BLE001
        return True


class _GoodThen(OCSPContainer):
    """An OCSP response whose single response says "revoked" at a time after the moment
    validated, its status read at that moment: good. Everything else is the response's own."""

    def extract_single_response(self):
        single = super().extract_single_response()
        if single is None:
            return None
        moment = single.copy()
        moment["cert_status"] = ocsp.CertStatus(name="good", value=None)
        return moment


class OwnResponses(RevinfoManager):
    """pyHanko's revocation manager, but a certificate's OCSP check sees only the responses
    about that certificate, and online the revocation data held is judged with what is fetched
    (module docstring). `moment`: the time validated."""

    def __init__(self, *args, moment: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._moment = moment

    async def async_retrieve_ocsps(self, cert, authority):
        try:
            found = await super().async_retrieve_ocsps(cert, authority)
        except OCSPFetchError:
            held = [container for container in self._ocsps if _about(container, cert)]
            if not held:
                raise
            if await self._crl_downloaded(cert):
                raise  # a CRL downloaded now speaks for the moment: pyHanko's CRL check takes it
            return [self._at_moment(container) for container in held]
        return [self._at_moment(container) for container in found if _about(container, cert)]

    def _at_moment(self, container):
        """`container`, read as good at the moment when it says revoked after it."""
        if self._moment is None:
            return container
        try:
            single = container.extract_single_response()
            status = single["cert_status"] if single is not None else None
            if status is None or status.name != "revoked":
                return container
            revoked = status.chosen["revocation_time"].native
        except Exception:  # noqa: BLE001 - unreadable: pyHanko says what is wrong with it
            return container
        if revoked <= _aware(self._moment):
            return container
        return _GoodThen(ocsp_response_data=container.ocsp_response_data, index=container.index)

    async def _crl_downloaded(self, cert) -> bool:
        """Whether the certificate's CRL could be downloaded (the fetcher keeps it, and keeps a
        failure too: pyHanko's CRL check asks again at no cost)."""
        try:
            await super().fetch_crls(cert)
        except CRLFetchError:
            return False
        return True

    def _before_moment(self, container) -> bool:
        if self._moment is None:
            return False
        issued = container.issuance_date
        return issued is None or issued < _aware(self._moment)

    def currently_available_crls(self):
        crls = super().currently_available_crls()
        if not self.fetching_allowed:
            return crls
        held = {id(container) for container in self._crls if self._before_moment(container)}
        return [container for container in crls if id(container) not in held]

    async def fetch_crls(self, cert):
        held = [container for container in self._crls if self._before_moment(container)] \
            if self.fetching_allowed else []
        try:
            fetched = await super().fetch_crls(cert)
        except CRLFetchError:
            if not held:
                raise
            return held
        return fetched + held


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def manager(registry, crls, ocsps, fetchers, moment: datetime | None = None) -> OwnResponses:
    """The revocation manager of a validation context (verifier.trust.config), built as
    ValidationContext builds its own; `moment`: the time the context validates."""
    from pyhanko_certvalidator.ltv.poe import POEManager
    from pyhanko_certvalidator.revinfo.archival import process_legacy_crl_input, process_legacy_ocsp_input

    return OwnResponses(certificate_registry=registry, poe_manager=POEManager(),
                        crls=process_legacy_crl_input(crls) if crls else (),
                        ocsps=process_legacy_ocsp_input(ocsps) if ocsps else (), fetchers=fetchers, moment=moment)
