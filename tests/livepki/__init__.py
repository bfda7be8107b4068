"""A live test PKI on 127.0.0.1 (tests/livepki/pki.py), switchable per service
(tests/livepki/server.py), and PDFs signed in layers by it (tests/livepki/signing.py).

Use the `live_pki` fixture of tests/conftest.py: one PKI per test process (xdist workers each
start their own, on free ports), every service up at the start of each test.
"""
