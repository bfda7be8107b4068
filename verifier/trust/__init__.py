"""Trust material (anchors, intermediates, CRLs, OCSP responses), validation contexts, and what a certificate says."""
