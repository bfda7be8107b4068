"""kyso's whitelisting rules, one module per kind of object they are about (as pyHanko's
``sign/diff_analysis/rules``): form fields (new signature fields), metadata (the XMP
stream) and the logical structure tree."""

from verifier.signatures.diff.rules.form_fields import ApprovalSigFieldCreationRule, SignedSigFieldCreationRule
from verifier.signatures.diff.rules.metadata import EmptyTolerantMetadataRule
from verifier.signatures.diff.rules.structure_tree import SignatureStructTreeRule

__all__ = [
    'ApprovalSigFieldCreationRule',
    'EmptyTolerantMetadataRule',
    'SignatureStructTreeRule',
    'SignedSigFieldCreationRule',
]
