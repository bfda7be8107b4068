"""kyso's whitelisting rules, one module per kind of object they are about (as pyHanko's
``sign/diff_analysis/rules``): form fields (new signature fields, their widgets on the
pages, field values), the form's display properties (kept as signed), metadata (the XMP
stream), the logical structure tree, validation data (the DSS) and objects written again with
the same value."""

from verifier.signatures.diff.rules.display import DisplayPropertiesRule
from verifier.signatures.diff.rules.field_values import FieldValueRule
from verifier.signatures.diff.rules.form_fields import ApprovalSigFieldCreationRule, SignedSigFieldCreationRule
from verifier.signatures.diff.rules.metadata import EmptyTolerantMetadataRule
from verifier.signatures.diff.rules.structure_tree import SignatureStructTreeRule
from verifier.signatures.diff.rules.unchanged import UnchangedValueRule
from verifier.signatures.diff.rules.validation_data import ValidationDataRule

__all__ = [
    'ApprovalSigFieldCreationRule',
    'DisplayPropertiesRule',
    'EmptyTolerantMetadataRule',
    'FieldValueRule',
    'SignatureStructTreeRule',
    'SignedSigFieldCreationRule',
    'UnchangedValueRule',
    'ValidationDataRule',
]
