"""One signature layer: its facts gathered with pyHanko (integrity, cryptography, trust, revocation, changes after signing) and its status decided."""
