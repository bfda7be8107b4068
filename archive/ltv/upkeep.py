"""What the watcher does on its own between files: a timestamp over the audit chain head when
one is due ([ltv] tsa_url, timestamp_every_hours), and, when it runs --online, the stale CRLs
of the trust store refreshed ([ltv] refresh_every_hours). In a thread of the supervisor, so a
slow TSA or CA never holds up the files; failures go to the log and are tried again next time."""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)

CHECK_SECONDS = 60.0  # how often the supervisor asks whether anything is due


class Upkeep:
    def __init__(self, settings, online: bool):
        self.settings, self.online = settings, online
        self._next = 0.0
        self._last_refresh = 0.0
        self._unrecorded: list = []  # outcomes of a refresh whose event the database did not take
        self._thread: threading.Thread | None = None

    def poll(self) -> None:
        """Called from the watcher's loop; returns at once."""
        now = time.monotonic()
        if now < self._next or (self._thread is not None and self._thread.is_alive()):
            return
        self._next = now + CHECK_SECONDS
        self._thread = threading.Thread(target=self._run, name="kyso-upkeep", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            from archive.ltv.settings import ltv_settings

            ltv = ltv_settings(self.settings)
        except Exception as exc:  # a broken [ltv] table: said once a minute in the log, files go on
            log.error("[ltv] settings: %s", exc)
            return
        if self._unrecorded:
            self._record(self._unrecorded)
        if ltv.tsa_url and ltv.timestamp_every_hours > 0:
            self._stamp(ltv)
        if self.online and ltv.refresh_every_hours > 0 and (
                not self._last_refresh or time.monotonic() - self._last_refresh >= ltv.refresh_every_hours * 3600):
            self._refresh(ltv)

    def _stamp(self, ltv) -> None:
        from archive.ingest import Archive
        from archive.ltv import chainstamp

        archive = None
        try:
            archive = Archive(self.settings, auto_upgrade=False)
            if chainstamp.due(archive, ltv.timestamp_every_hours):
                stamp = chainstamp.take(archive, ltv.tsa_url, ltv.timeout_seconds)
                log.info("audit chain head %s (event %d) timestamped by %s at %s", stamp.chain_hash[:16], stamp.seq,
                         ltv.tsa_url, stamp.gen_time.isoformat())
        except Exception as exc:  # TSA down, database busy: the next check tries again
            log.error("timestamp of the audit chain head from %s failed: %s", ltv.tsa_url, exc)
        finally:
            if archive is not None:
                archive.engine.dispose()  # once a minute for months: no pool left behind

    def _refresh(self, ltv) -> None:
        """The stale CRLs fetched again; what the trust store gained is a "trust-changed" event of
        the archive's audit chain by "watcher", as `kyso certs refresh` records its own by "cli"."""
        from archive.ingest import Archive
        from archive.ltv import crls
        from archive.trust.store import TrustStore

        self._last_refresh = time.monotonic()
        issued = []
        try:
            archive = Archive(self.settings, auto_upgrade=False)
            try:
                issued = crls.archived_certificates(archive)
            finally:
                archive.engine.dispose()
        except Exception as exc:  # the store's own addresses still serve
            log.warning("the archive's certificates cannot be read for their CRL addresses: %s", exc)
        try:
            outcomes = crls.refresh(TrustStore(self.settings.trust_store), ltv.timeout_seconds, issued=issued,
                                    only_stale=True)
        except Exception as exc:  # a damaged trust store: the next round tries again
            log.error("refreshing the trust store's CRLs failed: %s", exc)
            return
        for o in outcomes:
            if o.status == "failed":
                log.error("CRL %s: %s", o.url, o.error)
            else:
                log.info("CRL %s of %s: %s, next update %s", o.url, o.issuer, o.status, o.next_update)
        self._record(outcomes)

    def _record(self, outcomes: list) -> None:
        """The refresh's event; kept to be tried again a minute later while the database cannot
        take it (a CRL stored is fresh: the next refresh would not fetch it, nor record it)."""
        from archive.ingest import Archive
        from archive.trust import changes

        archive = None
        try:
            archive = Archive(self.settings, auto_upgrade=False)
            changes.record_refresh(archive, outcomes, by="watcher")
            self._unrecorded = []
        except Exception as exc:  # database busy or gone: said, and tried again
            self._unrecorded = outcomes
            log.error("the CRLs refreshed (%s) are not recorded in the audit chain yet: %s; trying again in a minute",
                      ", ".join(o.url for o in outcomes if o.status == "refreshed"), exc)
        finally:
            if archive is not None:
                archive.engine.dispose()  # once a minute for months: no pool left behind
