"""Fetching over the network for one document (kyso verify --online): what pyHanko's path
validation asks for (issuer certificates by caIssuers, CRLs, OCSP responses) fetched through one
session per document (verifier.net.session) that bounds every request and the document's total
time, never raises anything but the fetch errors pyHanko handles, and records every attempt with
its URL, result and the layers it served (the report's `fetched`, the evidence's origin).
"""
