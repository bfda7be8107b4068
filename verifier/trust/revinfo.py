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
"""

from __future__ import annotations

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


class OwnResponses(RevinfoManager):
    """pyHanko's revocation manager, but a certificate's OCSP check sees only the responses
    about that certificate (module docstring)."""

    async def async_retrieve_ocsps(self, cert, authority):
        found = await super().async_retrieve_ocsps(cert, authority)
        return [container for container in found if _about(container, cert)]


def manager(registry, crls, ocsps, fetchers) -> OwnResponses:
    """The revocation manager of a validation context (verifier.trust.config), built as
    ValidationContext builds its own."""
    from pyhanko_certvalidator.ltv.poe import POEManager
    from pyhanko_certvalidator.revinfo.archival import process_legacy_crl_input, process_legacy_ocsp_input

    return OwnResponses(certificate_registry=registry, poe_manager=POEManager(),
                        crls=process_legacy_crl_input(crls) if crls else (),
                        ocsps=process_legacy_ocsp_input(ocsps) if ocsps else (), fetchers=fetchers)
