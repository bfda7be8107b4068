"""kyso's difference analysis: what may change in the revisions after a signature.

Laid out as pyHanko's ``sign/diff_analysis``, which it extends:

- ``policy``: the difference policy (``build_diff_policy``): pyHanko's DEFAULT_DIFF_POLICY,
  same rules, settings and order, with kyso's rules in place of three of pyHanko's;
- ``rules/``: kyso's whitelisting rules, one module per kind of object they are about;
- ``judgement``: the one judgement of whether the changes found are permitted, read from
  pyHanko's result (``judge``), with a sentence per change for the report.

pyHanko decides whether the revisions appended after a signature are harmless by
"whitelisting": every object written in a later revision must be explained by a rule
(a signature field being added, the document information dictionary being updated, ...);
one unexplained object makes the modification level OTHER and the signature invalid.

Its DEFAULT_DIFF_POLICY wrongly rejects genuine documents of Vietnamese state agencies,
because of three habits of their signing tools (VGCA Sign Service, vSignPDF, built on
iText). kyso's policy is pyHanko's default plus three narrow extensions, one per habit, and
restrictions (4.-6.) where pyHanko accepts what changes the display:

1. new visible signature fields after a DocMDP P=2 certification, when signed in that
   revision (``rules.form_fields.SignedSigFieldCreationRule``, selected per signature by
   ``policy.KysoDiffPolicy``);
2. tagged-PDF structure tree entries for a new signature widget
   (``rules.structure_tree.SignatureStructTreeRule``);
3. an empty XMP metadata stream (``rules.metadata.EmptyTolerantMetadataRule``);
4. no empty visible signature field after an approval signature
   (``rules.form_fields.ApprovalSigFieldCreationRule``);
5. a page's signed annotations keep their drawing order, new signature widgets appended after
   them (``rules.widgets``; pyHanko compares /Annots as a set);
6. /NeedAppearances not set, /DA, /Q and /DR of the form and of the signed fields unchanged
   (``rules.display.DisplayPropertiesRule``; pyHanko exempts them).

Everything else - new annotations, page content or font changes, unsigned updates,
non-signature form fields - is classified by pyHanko's own rules exactly as in
``DEFAULT_DIFF_POLICY``; ``judgement`` then says which of those classifications kyso permits.

Nothing is imported here, so that the judgement can be used without loading pyHanko's
difference analysis.
"""
