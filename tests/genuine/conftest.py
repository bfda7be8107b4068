"""What every genuine-shape test starts from, the same as the attacks (tests/attacks/conftest.py):
the test PKI's trust (anchors, intermediates and CRLs, since most shapes embed no revocation data
of their own) and the one-page document the attacks sign too."""

from tests.attacks.conftest import base, trust  # noqa: F401  (fixtures, shared by import)
